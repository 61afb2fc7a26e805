"""The conversation as HTML and Markdown: pure functions from turns to text, testable without a
browser or Gradio.

A turn is a dict: `question`, the streamed `answer` so far, the `result` (an `AnswerResult` as
JSON, None while streaming), and `error`, `feedback`, `feedback_pending` when they apply. Every
answer carries its `[n]` citation chips and 👍/👎 buttons inline as `<button data-action=…>`; one
delegated click handler in the browser (static/conversation.js) sends them back to Python.
Wording comes from the locale; the markup around it stays here.
"""

from __future__ import annotations

import html
import re
from datetime import datetime

from markdown_it import MarkdownIt

from assistant.labels import vn_date
from assistant.ui.icons import ICON_DOWN, ICON_UP
from assistant.ui.locale import examples, t
from ingest.model import SAMPLE_STATUS

APP_TITLE = t("app_title")

# A refusal that says what is missing: its own title, and no rephrasing tips (rephrasing will
# not find a figure the documents do not state).
REFUSAL_TITLE_KEYS = {
    "amount not stated": "refusal_title_amount_not_stated",
    "place not covered": "refusal_title_place_not_covered",
    "named place not stated": "refusal_title_named_place_not_stated",
    "topic not covered": "refusal_title_topic_not_covered",
}

# Answers quote documents, and an uploaded document can hold Markdown images and links to any
# address: neither is ever rendered live (they stay visible as text).
_md = (
    MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    .enable("table")
    .disable(["image", "link", "autolink"])
)
_CITE_MARK = re.compile(r"\[(\d{1,2}(?:\s*[,;]\s*\d{1,2})*)\]")


def esc(text: object) -> str:
    return html.escape(str(text if text is not None else ""), quote=True)


def t_html(key: str, **markup: str) -> str:
    """A locale string escaped as an element's text, its fields filled with markup the caller
    built (and escaped). In an attribute, use `esc(t(key))`: that escapes quotes too."""
    return html.escape(t(key), quote=False).format(**markup)


# -- citation labels -----------------------------------------------------------------------------


def chip_label(c: dict) -> str:
    doc = c.get("number") or c.get("title") or c.get("doc_id", "")
    where = statute_where(c)
    if where:  # a law: "Luật Cư trú · Điều 27, khoản 3"
        return f"{doc} · {where}"
    section = short_section(c.get("section", ""))
    return f"{doc} · {section}" if section else doc


def statute_where(c: dict) -> str:
    """ "Điều 27, khoản 3" from a law citation's reference ("" for any other text)."""
    ref = c.get("reference") or ""
    title = c.get("title") or ""
    if not ref.startswith(f"{title}, Điều "):
        return ""
    return short_reference(ref[len(title) + 2 :])


def short_reference(ref: str) -> str:
    """ "Luật Cư trú, Điều 22 (Thủ tục …), khoản 1" -> "Luật Cư trú, Điều 22, khoản 1"."""
    return re.sub(r" \([^)]*\)", "", ref)


def short_section(section: str) -> str:
    parts = [p.strip() for p in (section or "").split("›") if p.strip()]
    last = parts[-1] if parts else ""
    return last if len(last) <= 70 else last[:67].rstrip() + "…"


# -- the welcome and the example questions -------------------------------------------------------


def examples_html(compact: bool = False) -> str:
    groups = []
    for field, questions in examples().items():
        buttons = "".join(
            f'<button type="button" class="cn-ex" data-action="example" data-q="{esc(q)}">{esc(q)}</button>'
            for q in questions
        )
        groups.append(
            f'<div class="cn-ex-group"><div class="cn-ex-field">{esc(field)}</div>'
            f'<div class="cn-ex-list">{buttons}</div></div>'
        )
    cls = "cn-examples cn-examples-compact" if compact else "cn-examples"
    return f'<div class="{cls}">{"".join(groups)}</div>'


def render_welcome(n_docs: int) -> str:
    docs = t("welcome_docs_count", n=n_docs) if n_docs else t("welcome_docs_any")
    return (
        '<div class="cn-welcome">'
        f'<div class="cn-welcome-title">{t_html("welcome_title")}</div>'
        f"<p>{t_html('welcome_text', docs=esc(docs))}</p>"
        f"{examples_html()}</div>"
    )


# -- one turn ------------------------------------------------------------------------------------


def _answer_html(text: str, turn: int, numbers: set[int]) -> str:
    body = _md.render(text or "")

    def chip(m: re.Match) -> str:
        ns = [int(x) for x in re.split(r"\s*[,;]\s*", m.group(1))]
        if not all(n in numbers for n in ns):
            return m.group(0)
        return "".join(
            f'<button type="button" class="cn-ref" data-action="cite" data-turn="{turn}" data-n="{n}" '
            f'title="{esc(t("cite_title", n=n))}">{n}</button>'
            for n in ns
        )

    return _CITE_MARK.sub(chip, body)


def _error_note(error: str) -> str:
    return (
        f'<div class="cn-note cn-note-error"><b>{t_html("answer_error_title")}</b> {esc(error)} '
        f"{t_html('answer_error_retry')}</div>"
    )


def _refusal_note(result: dict, body: bool = True) -> str:
    """The refusal's title, and its text unless that is shown as an answer (`body` False: a
    refusal that quotes another province's text, with citations)."""
    reason = result.get("refusal_reason", "")
    title = t(REFUSAL_TITLE_KEYS.get(reason, "refusal_title"))
    tips = (
        ""  # the answer already says what is missing; rephrasing will not find it
        if reason in REFUSAL_TITLE_KEYS
        else f'<div class="cn-note-tips">{t_html("refusal_tips")}</div>'
    )
    text = f"<div>{esc(result.get('answer', ''))}</div>{tips}" if body else ""
    return (
        f'<div class="cn-note cn-note-refused"><div class="cn-note-title">{esc(title)}</div>'
        f"{text}</div>"
    )


def _answer_parts(i: int, turn: dict, numbers: set[int]) -> list[str]:
    """The answer so far, and the typing dots while it streams."""
    result = turn.get("result")
    parts = []
    text = result["answer"] if result else turn.get("answer", "")
    if text:
        parts.append(f'<div class="cn-answer">{_answer_html(text, i, numbers)}</div>')
    if not result:
        parts.append(
            f'<div class="cn-typing" aria-label="{esc(t("typing_label"))}">'
            f"<span></span><span></span><span></span> {t_html('typing_text')}</div>"
        )
    return parts


def _source_chips(i: int, citations: list[dict]) -> str:
    chips, previous = [], None
    for c in citations:
        n, label = int(c["n"]), chip_label(c)
        sample = " cn-chip-sample" if c.get("status") == SAMPLE_STATUS else ""
        # Several quotes from the same section: one label, then just the numbers.
        text = "" if label == previous else f'<span class="cn-chip-text">{esc(label)}</span>'
        compact = " cn-chip-compact" if label == previous else ""
        validity = " · ".join(x for x in (c.get("status"), vn_date(c.get("date") or "")) if x)
        tip = " — ".join(x for x in (f"[{n}] {c.get('title', '')}", label, validity) if x)
        chips.append(
            f'<button type="button" class="cn-chip{sample}{compact}" data-action="cite" data-turn="{i}" '
            f'data-n="{n}" title="{esc(tip)}">'
            f'<span class="cn-chip-n">{n}</span>{text}</button>'
        )
        previous = label
    return (
        f'<div class="cn-sources"><span class="cn-sources-label">{t_html("sources_label")}</span>'
        f"{''.join(chips)}</div>"
    )


def _related_links(related: list[dict]) -> str:
    links = "".join(
        f'<button type="button" class="cn-law-link" data-action="article" '
        f'data-doc="{esc(r["doc_id"])}" data-article="{esc(r["article"])}" '
        f'title="{esc(t("related_link_title", reference=r["reference"]))}">'
        f"{esc(short_reference(r['reference']))}</button>"
        for r in related
    )
    return (
        '<div class="cn-sources cn-related"><span class="cn-sources-label">'
        f"{t_html('related_label')}</span>{links}</div>"
    )


def _warnings(result: dict) -> list[str]:
    """The answer's warnings, but not the sample-document one when the answer already says it."""
    return [
        f'<div class="cn-note cn-note-warn">{esc(w)}</div>'
        for w in result.get("warnings") or []
        if not (SAMPLE_STATUS in w and SAMPLE_STATUS in (result.get("answer") or ""))
    ]


def _feedback_bar(i: int, turn: dict) -> str:
    fb = turn.get("feedback") or turn.get("feedback_pending")
    up = " cn-fb-on" if fb == "up" else ""
    down = " cn-fb-on" if fb == "down" else ""
    if turn.get("feedback"):
        note = f'<span class="cn-fb-thanks">{t_html("feedback_thanks")}</span>'
    elif turn.get("feedback_pending"):
        note = f'<span class="cn-fb-pending">{t_html("feedback_pending")}</span>'
    else:
        note = ""
    return (
        f'<div class="cn-fb">{t_html("feedback_question")}'
        f'<button type="button" class="cn-fb-btn{up}" data-action="feedback" data-turn="{i}" '
        f'data-rating="up" title="{esc(t("feedback_up_title"))}">{ICON_UP}'
        f"<span>{t_html('feedback_up')}</span></button>"
        f'<button type="button" class="cn-fb-btn{down}" data-action="feedback" data-turn="{i}" '
        f'data-rating="down" title="{esc(t("feedback_down_title"))}">{ICON_DOWN}'
        f"<span>{t_html('feedback_down')}</span></button>"
        f"{note}</div>"
    )


def render_turn(i: int, turn: dict) -> str:
    q = f'<div class="cn-q"><div class="cn-bubble">{esc(turn["question"])}</div></div>'
    result = turn.get("result")
    citations = (result or {}).get("citations") or []
    numbers = {int(c["n"]) for c in citations}
    parts = ['<div class="cn-a">']
    if turn.get("error"):
        parts.append(_error_note(turn["error"]))
    elif result and result.get("refused") and citations:
        # the named province's text does not say it; another province's, quoted and cited
        parts.append(_refusal_note(result, body=False))
        parts += _answer_parts(i, turn, numbers)
    elif result and result.get("refused"):
        parts.append(_refusal_note(result))
    else:
        parts += _answer_parts(i, turn, numbers)
    if result and citations:
        parts.append(_source_chips(i, citations))
    related = (result or {}).get("related") or []
    if related and not turn.get("error"):
        parts.append(_related_links(related))
    if result and not turn.get("error"):
        parts += _warnings(result)
        if result.get("id"):
            parts.append(_feedback_bar(i, turn))
    parts.append("</div>")
    return f'<div class="cn-turn" id="cn-turn-{i}">{q}{"".join(parts)}</div>'


def render_conversation(turns: list[dict], n_docs: int = 0) -> str:
    if not turns:
        return f'<div class="cn-conv cn-conv-empty">{render_welcome(n_docs)}</div>'
    return f'<div class="cn-conv">{"".join(render_turn(i, turn) for i, turn in enumerate(turns))}</div>'


# -- the conversation as a Markdown file ---------------------------------------------------------


def _citation_lines(c: dict) -> list[str]:
    where = f", {t('md_section', section=c['section'])}" if c.get("section") else ""
    num = f"{c['number']} — " if c.get("number") else ""
    sample = f" ({SAMPLE_STATUS})" if c.get("status") == SAMPLE_STATUS else ""
    lines = [f"[{c['n']}] {num}{c.get('title', '')}{where}{sample}"]
    quote = " ".join((c.get("quote") or "").split())
    if quote:
        lines.append(f"    > {quote}")
    return lines


def conversation_markdown(turns: list[dict]) -> str:
    lines = [
        f"# {t('md_title', title=APP_TITLE)}",
        "",
        f"_{t('md_exported_at', time=f'{datetime.now():%H:%M %d/%m/%Y}')}_",
        "",
    ]
    for i, turn in enumerate(turns, 1):
        result = turn.get("result") or {}
        lines += [
            f"## {t('md_question', n=i)}",
            "",
            turn["question"],
            "",
            f"### {t('md_answer')}",
            "",
        ]
        if turn.get("error"):
            lines += [t("md_error", error=turn["error"]), ""]
            continue
        lines += [result.get("answer") or turn.get("answer") or "", ""]
        if result.get("refused"):
            lines += [f"_{t('md_refused')}_", ""]
        cites = result.get("citations") or []
        if cites:
            lines += [f"**{t('md_sources')}**", ""]
            for c in cites:
                lines += _citation_lines(c)
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# -- the filters' choices ------------------------------------------------------------------------


def doc_choices(docs: list[dict]) -> list[tuple[str, str]]:
    out = []
    for d in docs:
        doc_id = d.get("doc_id") or d.get("id") or ""
        number = d.get("number") or ""
        title = d.get("title") or doc_id
        short = title if len(title) <= 80 else title[:77].rstrip() + "…"
        out.append((f"{number} — {short}" if number else short, doc_id))
    return sorted(out)


def field_choices(docs: list[dict]) -> list[str]:
    fields = {f for d in docs for f in (d.get("fields") or [])}
    return sorted(fields, key=lambda s: s.lower())
