"""The source panel as HTML: the cited passage with the quoted span in `<mark>`, or a whole
article of a law opened from a legal basis. Pure functions, testable without a browser.

The passage is the quote's section of the document's text (or the paragraphs around it when the
section is long). Each "Điều 22" a handbook's legal basis names becomes a button that opens the
article (static/source.js sends the click back to Python).
"""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.statute import LegalLink, legal_basis_links
from assistant.ui.icons import ICON_DOC, ICON_WARN
from assistant.ui.locale import t
from assistant.ui.render import esc, statute_where, t_html, vn_date
from ingest.model import DEFAULT_STATUS, SAMPLE_STATUS

SAMPLE_BANNER = t("sample_banner")

SOURCE_PLACEHOLDER = (
    f'<div class="cn-src cn-src-empty"><div class="cn-src-empty-icon">{ICON_DOC}</div>'
    "<div>"
    + t_html(
        "source_placeholder",
        ref='<span class="cn-ref cn-ref-static">1</span>',
        mark=f'<span class="cn-mark-demo">{t_html("source_placeholder_mark")}</span>',
    )
    + "</div></div>"
)

_HEADING = re.compile(r"^#{1,6} |^(Chương|Điều|Mục|Phần)\s+[\dIVXLC]+", re.M)
_BOLD = re.compile(r"\*\*(.+?)\*\*")


def status_badge(status: str) -> str:
    status = status or DEFAULT_STATUS
    kind = "sample" if status == SAMPLE_STATUS else ("ok" if status == DEFAULT_STATUS else "other")
    return f'<span class="cn-status cn-status-{kind}">{esc(status)}</span>'


def _validity_line(c: dict, meta: dict) -> str:
    """How current the cited text is: its date, when it took effect, how far its law was
    checked and which version it is; shown beside every quote."""
    effective = c.get("effective") or meta.get("effective") or ""
    version = c.get("version") or meta.get("version") or ""
    date = c.get("date") or meta.get("date") or ""
    legal_as_of = c.get("legal_as_of") or meta.get("legal_as_of") or ""
    parts = []
    if date:
        parts.append(t("source_date", date=vn_date(date)))
    if effective:
        parts.append(t("source_effective_from", date=vn_date(effective)))
    if legal_as_of:
        parts.append(t("source_legal_as_of", date=vn_date(legal_as_of)))
    if version:
        parts.append(version)
    return (
        f'<div class="cn-src-validity">{esc(". ".join(p.rstrip(".") for p in parts))}.</div>'
        if parts
        else ""
    )


def _review_note(c: dict) -> str:
    """The quoted section is marked "cần rà soát": say so, with the maintainer's reason."""
    reason = c.get("review") or ""
    if not reason:
        return ""
    return (
        f'<div class="cn-banner cn-review" role="note">{ICON_WARN}<span>'
        f"<b>{t_html('source_under_review')}</b> {esc(reason)}</span></div>"
    )


def _section_window(text: str, start: int, end: int, limit: int = 3500) -> tuple[int, int]:
    """The passage to show around [start, end): its section (heading to next heading) if that is
    not too long, else paragraphs around the quote."""
    lo = 0
    for m in _HEADING.finditer(text, 0, start):
        lo = m.start()
    nxt = _HEADING.search(text, end)
    hi = nxt.start() if nxt else len(text)
    if hi - lo <= limit:
        return lo, hi
    pad = max((limit - (end - start)) // 2, 400)
    lo = max(lo, start - pad)
    hi = min(hi, end + pad)
    para_lo = text.rfind("\n\n", lo, start)
    para_hi = text.find("\n\n", end, hi)
    lo = para_lo + 2 if para_lo > 0 and start - para_lo < pad else lo
    hi = para_hi if para_hi != -1 else hi
    return lo, hi


def _display_lines(raw: str) -> str:
    """Escape a passage (with \x01/\x02 marking the quote) for display; light Markdown cleanup."""
    out = []
    for line in raw.split("\n"):
        m = re.match(r"^(#{1,6})\s+(.*)$", line.replace("\x01", "").replace("\x02", ""))
        body = esc(line)
        body = _BOLD.sub(r"<strong>\1</strong>", body)
        body = body.replace("\x01", "<mark>").replace("\x02", "</mark>")
        if m:
            body = re.sub(r"^(<mark>)?#{1,6}\s+", r"\1", body)
            body = f'<span class="cn-src-h">{body}</span>'
        out.append(body)
    return "<br>".join(out)


def _linked_raw(text: str, lo: int, hi: int, start: int, end: int, links: list[LegalLink]) -> str:
    """The window [lo, hi) of the text with \x01/\x02 around the quote and \x03/\x04 around
    each article a legal basis names (turned into buttons after escaping)."""
    marks = [(start, "\x01"), (end, "\x02")]
    for link in links:
        if lo <= link.start and link.end <= hi:
            marks += [(link.start, "\x03"), (link.end, "\x04")]
    marks.sort(key=lambda m: m[0])
    out, cursor = [], lo
    for offset, mark in marks:
        offset = min(max(offset, cursor), hi)
        out.append(text[cursor:offset] + mark)
        cursor = offset
    out.append(text[cursor:hi])
    return "".join(out)


def _link_buttons(body: str, links: list[LegalLink]) -> str:
    """Replace the escaped \x03…\x04 spans by buttons that open the article (in order)."""
    it = iter(links)

    def button(m: re.Match) -> str:
        link = next(it)
        return (
            f'<button type="button" class="cn-law-link" data-action="article" '
            f'data-doc="{esc(link.doc_id)}" data-article="{esc(link.article)}" '
            f'title="{esc(t("article_link_title"))}">{m.group(1)}</button>'
        )

    return re.sub("\x03(.*?)\x04", button, body, flags=re.S)


def _quote_span(citation: dict, text: str) -> tuple[str, int, int]:
    """The text and the quote's offsets in it; "" when the quote is no longer in the text."""
    quote = citation.get("quote") or ""
    start, end = int(citation.get("start") or 0), int(citation.get("end") or 0)
    if text and not (0 <= start < end <= len(text) and text[start:end] == quote):
        found = text.find(quote) if quote else -1
        if found >= 0:
            start, end = found, found + len(quote)
        else:
            text = ""
    return text, start, end


def _passage(citation: dict, doc_text: str, laws: dict | None) -> str:
    """The quote's section with the quote marked and the legal bases linked."""
    text, start, end = _quote_span(citation, doc_text or "")
    if not text:  # the document is gone from the index: show the quote we kept
        return f"<mark>{esc(citation.get('quote') or '')}</mark>"
    lo, hi = _section_window(text, start, end)
    links = [
        link
        for link in (legal_basis_links(text[lo:hi], laws) if laws else [])
        if link.doc_id != citation.get("doc_id")
    ]
    links = [replace(link, start=link.start + lo, end=link.end + lo) for link in links]
    raw = _linked_raw(text, lo, hi, start, end, links)
    visible = [link for link in links if lo <= link.start and link.end <= hi]
    return (
        ("… " if lo > 0 else "")
        + _link_buttons(_display_lines(raw.strip("\n")), visible)
        + (" …" if hi < len(text) else "")
    )


def _sample_banner() -> str:
    return (
        f'<div class="cn-banner" role="note">{ICON_WARN}<span><b>{esc(SAMPLE_BANNER)}</b>. '
        f"{t_html('sample_banner_advice')}</span></div>"
    )


def render_source(
    citation: dict, doc_text: str, doc_meta: dict | None = None, laws: dict | None = None
) -> str:
    meta = doc_meta or {}
    status = citation.get("status") or meta.get("status") or ""
    number = citation.get("number") or meta.get("number") or ""
    title = citation.get("title") or meta.get("title") or citation.get("doc_id", "")
    doc_type = meta.get("doc_type") or meta.get("type") or ""
    section = " › ".join(p.strip() for p in (citation.get("section") or "").split("›") if p.strip())
    passage = _passage(citation, doc_text, laws)
    head_line = " · ".join(x for x in (doc_type, number) if x)
    banner = _sample_banner() if status == SAMPLE_STATUS else ""
    where = statute_where(citation)
    if where:
        where_line = f'<div class="cn-src-section">{esc(where)}</div>'
    elif section:
        where_line = (
            f'<div class="cn-src-section">{esc(t("source_section", section=section))}</div>'
        )
    else:
        where_line = ""
    n = int(citation.get("n", 0))
    return (
        f'<div class="cn-src" data-doc="{esc(citation.get("doc_id", ""))}" data-n="{n}">'
        f'<div class="cn-src-top"><span class="cn-ref cn-ref-static">{n}</span>'
        f'<span class="cn-src-kind">{esc(head_line)}</span>{status_badge(status)}</div>'
        f'<div class="cn-src-title">{esc(title)}</div>'
        + where_line
        + _validity_line(citation, meta)
        + _review_note(citation)
        + banner
        + f'<div class="cn-src-text">{passage}</div></div>'
    )


def render_article(article: dict, doc_meta: dict | None = None) -> str:
    """A whole article of a law, opened from a handbook's legal basis."""
    meta = doc_meta or {}
    status = article.get("status") or meta.get("status") or ""
    head_line = " · ".join(x for x in (meta.get("doc_type") or "", meta.get("number") or "") if x)
    return (
        f'<div class="cn-src cn-src-article" data-doc="{esc(article.get("doc_id", ""))}" '
        f'data-article="{esc(article.get("article", ""))}">'
        f'<div class="cn-src-top"><span class="cn-src-kind">{esc(head_line)}</span>'
        f"{status_badge(status)}</div>"
        f'<div class="cn-src-title">{esc(article.get("reference", ""))}</div>'
        + _validity_line(article, meta)
        + f'<div class="cn-src-text">{_display_lines(article.get("text", ""))}</div></div>'
    )
