"""Statute references: which Điều/khoản/điểm a quote sits in, and which articles a handbook's
"Căn cứ pháp lý" names.

Why by hand: no maintained library parses Vietnamese legal citations. The chunker keeps a law's
articles as sections ("Điều 22. Thủ tục đăng ký thường trú › khoản 1"); a passage is the whole
article, so the khoản and điểm of a quote are read from the lines above it in the article's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.text import fold

STATUTE_TYPES = ("Luật", "Bộ luật", "Hiến pháp", "Pháp lệnh", "Nghị định", "Thông tư")
_ARTICLE = re.compile(r"^Điều (?P<n>\d+[a-z]?)(?:\. (?P<title>.+))?$")
_CLAUSE_LINE = re.compile(r"^(?P<n>\d{1,3})\.\s+\S", re.MULTILINE)
_POINT_LINE = re.compile(r"^(?P<p>[a-zđ])\)\s+\S", re.MULTILINE)
# "Điều 20", "Điều 131, 132, 135", "Điều 27 khoản 3"
_ARTICLE_LIST = re.compile(
    r"Điều\s+(?P<first>\d+[a-z]?)(?P<more>(?:\s*(?:,|và)\s*\d+[a-z]?\b(?!\s*/))*)"
    r"(?:\s+khoản\s+(?P<clause>\d+))?"
)


def article_of(section: str) -> tuple[str, str] | None:
    """("22", "Thủ tục đăng ký thường trú") for a statute section path, else None."""
    first = section.split(" › ", 1)[0].strip()
    m = _ARTICLE.match(first)
    if not m:
        return None
    return m.group("n"), (m.group("title") or "").strip()


def article_label(section: str) -> str:
    """ "Điều 22 (Thủ tục đăng ký thường trú)" or "Điều 2"; "" for a non-statute section."""
    art = article_of(section)
    if art is None:
        return ""
    return f"Điều {art[0]} ({art[1]})" if art[1] else f"Điều {art[0]}"


def clause_point(article_text: str, offset: int) -> tuple[str, str]:
    """The khoản and điểm of the line at `offset` in an article's text ("" when the quote sits
    in the article's lead-in, before its first khoản)."""
    offset = max(0, min(offset, len(article_text)))
    # A quote that starts at the beginning of a line belongs to that line's khoản/điểm.
    clause = ""
    clause_start = 0
    for m in _CLAUSE_LINE.finditer(article_text):
        if m.start() > offset:
            break
        clause, clause_start = m.group("n"), m.start()
    point = ""
    if clause:
        for m in _POINT_LINE.finditer(article_text, clause_start):
            if m.start() > offset:
                break
            point = m.group("p")
    return clause, point


def reference(section: str, article_text: str, offset: int) -> str:
    """ "Điều 22 (Thủ tục đăng ký thường trú), khoản 1, điểm a" for a quote at `offset` of the
    article passage; "" for a section that is not an article."""
    label = article_label(section)
    if not label:
        return ""
    clause, point = clause_point(article_text, offset)
    parts = [label]
    if clause:
        parts.append(f"khoản {clause}")
    if point:
        parts.append(f"điểm {point}")
    return ", ".join(parts)


@dataclass(frozen=True)
class LegalLink:
    """An article named in a text ("Luật Cư trú 2020 (Điều 20: …)") that the index holds."""

    start: int  # offsets of "Điều 20" in the text that names it
    end: int
    doc_id: str
    article: str
    clause: str = ""


def _name_pattern(title: str) -> re.Pattern[str]:
    words = fold(title).lower().split()
    return re.compile(r"\b" + r"\s+".join(map(re.escape, words)) + r"(?:\s+(?P<year>\d{4}))?")


def legal_basis_links(text: str, laws: dict[str, dict]) -> list[LegalLink]:
    """Articles of indexed statutes named in `text`, with where they are named.

    `laws` maps doc_id to metadata (title, date). A name followed by a year links only when the
    year matches the indexed text's (a handbook citing "Luật Giáo dục 2005" must not open the
    2019 law); the articles are those listed in the parentheses right after the name.
    """
    folded = fold(text).lower()
    links: list[LegalLink] = []
    for doc_id, meta in laws.items():
        title = _short_title(meta.get("title") or "")
        if not title:
            continue
        for m in _name_pattern(title).finditer(folded):
            year = m.group("year")
            indexed_year = (meta.get("date") or "")[:4]
            if year and indexed_year and year != indexed_year:
                continue
            rest = text[m.end() :]
            opened = re.match(r"\s*(?:,[^()]{0,40})?\(", rest)
            if not opened:
                continue
            body_start = m.end() + opened.end()
            close = text.find(")", body_start)
            body_end = close if close != -1 else len(text)
            for a in _ARTICLE_LIST.finditer(text, body_start, body_end):
                first_end = a.end("clause") if a.group("clause") else a.end("first")
                spans = [(a.start(), first_end, a.group("first"), a.group("clause") or "")]
                for n in re.finditer(r"\d+[a-z]?", a.group("more") or ""):
                    s = a.start("more") + n.start()
                    spans.append((s, s + len(n.group()), n.group(), ""))
                links += [LegalLink(s, e, doc_id, n, c) for s, e, n, c in spans]
    links.sort(key=lambda link: (link.start, int(re.sub(r"\D", "", link.article) or 0)))
    return links


def _short_title(title: str) -> str:
    """ "Hiến pháp nước Cộng hòa …" is named "Hiến pháp" in running text."""
    return "Hiến pháp" if title.startswith("Hiến pháp") else title


def is_statute(meta: dict) -> bool:
    return (meta.get("doc_type") or "") in STATUTE_TYPES


# A law is named by its title ("Luật Cư trú 2020"), when that title is a name and not just the
# type of text; other texts (a resolution's long title never appears whole) by their số hiệu.
_NAMEABLE_TITLE_WORDS = 8


def names_document(text: str, meta: dict) -> bool:
    """Whether `text` (a "Căn cứ pháp lý" paragraph) names the indexed document `meta`: by its
    số hiệu ("12/2020/NQ-HĐND"), or a law by its title with no other year ("Luật Cư trú 2020")."""
    folded = fold(text).lower()
    number = fold(str(meta.get("number") or "")).lower()
    if number and re.search(rf"(?<![\w/]){re.escape(number)}(?![\w/])", folded):
        return True
    title = _short_title(meta.get("title") or "")
    words = len(title.split())
    type_words = len(str(meta.get("doc_type") or "").split())
    if not is_statute(meta) or not type_words < words <= _NAMEABLE_TITLE_WORDS:
        return False
    indexed_year = (meta.get("date") or "")[:4]
    return any(
        not (m.group("year") and indexed_year and m.group("year") != indexed_year)
        for m in _name_pattern(title).finditer(folded)
    )
