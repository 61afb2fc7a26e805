"""Structure-aware chunking for Vietnamese administrative and legal documents.

Why not a generic splitter: an official needs "mục II.7 của Nghị quyết 34-NQ/TU", so every chunk
must know the heading path it sits under, and a chunk should not straddle two procedures. Chunks
are exact slices of the normalized text (offsets kept), so a citation can be highlighted and the
chunks of a document, minus overlap, give back the whole document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice

from ingest.model import Chunk, LoadedText
from ingest.text import content_hash

# (pattern, level). Checked in order against the first line of a paragraph.
_HEADING_RULES: list[tuple[re.Pattern[str], int]] = [
    (re.compile(r"^(#{1,6})\s+\S"), 0),  # markdown: level = number of #
    (re.compile(r"^(PHẦN|Phần|PHAN)\s+([IVXLC]+|\d+|THỨ)\b"), 1),
    (re.compile(r"^(CHƯƠNG|Chương|CHUONG|Chuong)\s+([IVXLC]+|\d+)\b"), 1),
    (re.compile(r"^(MỤC|Mục)\s+\d+\b"), 2),
    # I. / II- / IV –, and OCR's "I11." for "III." (a roman numeral read with 1s or ls)
    (re.compile(r"^[IVX][IVX1l]{0,4}\s*[.\-–]\s*\S"), 2),
    (re.compile(r"^(Điều|Dieu|ĐIỀU)\s+\d+[a-z]?\s*[.:]"), 3),
    (re.compile(r"^\d{1,2}\.\d{1,2}\.\d{1,2}\.?\s+\S"), 5),  # 2.1.1.
    (re.compile(r"^\d{1,2}\.\d{1,2}\.?\s+\S"), 4),  # 2.1.
    (re.compile(r"^\d{1,2}\s*[.\-)]\s+\S"), 3),  # 1.  1)  1 -
    (re.compile(r"^\(\d{1,2}\)\s+\S"), 6),  # (1)
    (re.compile(r"^[a-zđ]\)\s+\S"), 6),  # a)
]
_MD_LABEL = re.compile(
    r"^\*\*(?P<label>[^*\n]{2,60}?)\s*:\s*\*\*|^\*\*(?P<label2>[^*\n]{2,60}?)\*\*\s*:"
)
_BOLD_LINE = re.compile(r"^\*\*(?P<inner>[^*]{2,200})\*\*\s*$")
# A statute ("Điều N. <title>", khoản "1.", điểm "a)"): articles are its sections, each khoản a
# section below its article, so a chunk never runs from one article into the next and a citation
# can say "Điều 22, khoản 1". Điểm stay inside their khoản (they rarely stand alone).
_ARTICLE = re.compile(r"^(?:Điều|ĐIỀU)\s+(?P<n>\d+[a-z]?)\s*\.\s*(?P<rest>.*)$")
_CLAUSE = re.compile(r"^(?P<n>\d{1,3})\.\s+\S")
_STATUTE_MIN_ARTICLES = 5
_TITLE_MAX = 200
_SENTENCE_END = re.compile(r"(?<=[.!?;:…])\s+|\n+")
_LABEL_MAX = 90


@dataclass
class _Section:
    path: list[str]
    start: int
    end: int
    heading_only: bool = False


def heading_level(line: str, markdown: bool = False) -> int | None:
    """The heading level of a line, or None for body text.

    In a Markdown document only `#` headings count: its numbered lists are steps, not sections.
    """
    stripped = line.strip()
    if not stripped:
        return None
    if markdown:
        m = _HEADING_RULES[0][0].match(stripped)
        if m:
            return len(m.group(1))
        # A handbook label ("**Thời hạn giải quyết:** ...") opens the paragraph(s) stating one
        # fact of a procedure: the finest section, so a chunk answers one question.
        if _MD_LABEL.match(stripped):
            return 6
        # An all-capitals bold line ("**NGHỊ QUYẾT**", "**TỈNH ỦY TÂY NINH**") starts a new part
        # of a converted document: without it, a cover letter's "Nơi nhận:" would run on over
        # the resolution it wraps.
        return 2 if _is_title_line(stripped) else None
    bold = _BOLD_LINE.match(stripped)
    if bold:
        inner = bold.group("inner").strip()
        level = heading_level(inner)
        # A bold line that is not numbered is a heading just below the current top levels.
        return level if level is not None else (2 if inner.isupper() else 4)
    for pattern, level in _HEADING_RULES[1:]:
        if pattern.match(stripped):
            return level
    return None


def is_statute(text: str) -> bool:
    """Plain text laid out as articles at the start of lines (a law, decree or circular)."""
    if is_markdown(text):
        return False
    articles = re.finditer(r"^(?:Điều|ĐIỀU)\s+\d+[a-z]?\s*\.", text, re.MULTILINE)
    return sum(1 for _ in islice(articles, _STATUTE_MIN_ARTICLES)) >= _STATUTE_MIN_ARTICLES


def article_label(number: str, rest: str) -> str:
    """ "Điều 22. Thủ tục đăng ký thường trú"; just "Điều 2" when the line goes straight into
    the article's text (the Constitution's articles have no titles)."""
    rest = rest.strip()
    is_title = (
        rest
        and len(rest) <= _TITLE_MAX
        and not rest[0].isdigit()
        and not rest.endswith((".", ";", ":", ","))
    )
    return f"Điều {number}. {rest}" if is_title else f"Điều {number}"


def statute_heading(line: str, in_article: bool) -> tuple[int, str] | None:
    """(level, label) of a statute line: Phần/Chương/Mục as usual, Điều 3, khoản 4."""
    stripped = line.strip()
    if not stripped:
        return None
    article = _ARTICLE.match(stripped)
    if article:
        return 3, article_label(article.group("n"), article.group("rest"))
    clause = _CLAUSE.match(stripped)
    if clause and in_article:
        return 4, f"khoản {clause.group('n')}"
    for pattern, level in _HEADING_RULES[1:4]:  # Phần, Chương, Mục
        if pattern.match(stripped):
            return level, _label(stripped)
    return None


def _is_title_line(line: str) -> bool:
    bold = _BOLD_LINE.match(line.strip())
    inner = bold.group("inner").strip() if bold else ""
    return any(c.isalpha() for c in inner) and inner == inner.upper()


def is_markdown(text: str) -> bool:
    return re.search(r"^#{1,6}\s+\S", text, re.MULTILINE) is not None


def _label(line: str) -> str:
    """A short, readable heading label for the path (long numbered paragraphs get cut)."""
    text = line.strip().lstrip("#").strip()
    label = _MD_LABEL.match(text)
    if label:
        return (label.group("label") or label.group("label2")).strip()
    if not text.startswith("**") and "**" in text:
        text = text.split("**", 1)[0]  # "I. MỤC ĐÍCH**1. Mục đích**": two headings on one line
    text = text.replace("**", "").strip()
    if len(text) <= _LABEL_MAX:
        return text.rstrip(":")
    cut = text[:_LABEL_MAX].rsplit(" ", 1)[0]
    return cut.rstrip(",;:.") + "…"


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Offsets of paragraphs (runs of non-blank lines)."""
    spans = []
    for m in re.finditer(r"[^\n]+(?:\n(?![ \t]*\n)[^\n]*)*", text):
        if m.group().strip():
            spans.append((m.start(), m.end()))
    return spans


def _heading_lines(
    text: str, para: tuple[int, int], markdown: bool
) -> list[tuple[int, int, int, str | None]]:
    """Headings inside a paragraph: (offset, level, line end, label or None). Headings may sit
    directly above body text without a blank line, so every line is checked."""
    found = []
    offset = para[0]
    for line in text[para[0] : para[1]].split("\n"):
        level = heading_level(line, markdown)
        if level is not None:
            found.append((offset, level, offset + len(line), None))
        offset += len(line) + 1
    return found


def _statute_heading_lines(
    text: str, para: tuple[int, int], in_article: bool
) -> list[tuple[int, int, int, str | None]]:
    found = []
    offset = para[0]
    for line in text[para[0] : para[1]].split("\n"):
        heading = statute_heading(line, in_article)
        if heading is not None:
            found.append((offset, heading[0], offset + len(line), heading[1]))
            in_article = in_article or heading[0] == 3
        offset += len(line) + 1
    return found


def _sections(text: str) -> list[_Section]:
    markdown = is_markdown(text)
    statute = not markdown and is_statute(text)
    sections: list[_Section] = []
    stack: list[tuple[int, str]] = []
    current_start = 0
    current_path: list[str] = []
    previous: tuple[int, int, int] | None = None  # the last heading: offset, level, line end
    for para in _paragraphs(text):
        headings = (
            _statute_heading_lines(text, para, any(lv == 3 for lv, _ in stack))
            if statute
            else _heading_lines(text, para, markdown)
        )
        for offset, level, line_end, fixed_label in headings:
            label = fixed_label or _label(text[offset:line_end])
            if (
                previous is not None
                and stack
                and previous[1] == level
                and not text[previous[2] : offset].strip()
                and text.count("\n", previous[2], offset) <= 1  # the same paragraph
                and _is_title_line(text[previous[0] : previous[2]])
                and _is_title_line(text[offset:line_end])
            ):
                # "**NGHỊ QUYẾT**" over "**CỦA BAN CHẤP HÀNH ĐẢNG BỘ TỈNH**": one title
                stack[-1] = (level, f"{stack[-1][1]} {label}")
                current_path = [lab for _, lab in stack]
                previous = (offset, level, line_end)
                continue
            if offset > current_start and text[current_start:offset].strip():
                sections.append(_Section(list(current_path), current_start, offset))
            current_start = offset
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, label))
            current_path = [lab for _, lab in stack]
            previous = (offset, level, line_end)
    if text[current_start:].strip():
        sections.append(_Section(list(current_path), current_start, len(text)))
    for s in sections:
        body = text[s.start : s.end].strip()
        first_line_end = body.find("\n")
        label = _MD_LABEL.match(body)
        s.heading_only = (
            bool(s.path)
            and (first_line_end == -1 or not body[first_line_end:].strip())
            and len(body) <= _LABEL_MAX + 10
            # "**Lệ phí:** Miễn lệ phí." is a whole (short) answer, not a bare heading
            and not (label and body[label.end() :].strip())
            # In a law only a titled article or a Phần/Chương/Mục line is a bare heading: a
            # short khoản, or an article whose line is its whole text, is content.
            and not (statute and re.match(r"khoản |Điều \d+[a-z]?$", s.path[-1]))
        )
    return sections


def _merge_heading_only(sections: list[_Section]) -> list[_Section]:
    """A bare heading ("I- QUAN ĐIỂM, MỤC TIÊU") joins the section that follows it."""
    merged: list[_Section] = []
    pending: _Section | None = None
    for s in sections:
        if pending is not None:
            s = _Section(s.path, pending.start, s.end, s.heading_only)
            pending = None
        if s.heading_only:
            pending = s
            continue
        merged.append(s)
    if pending is not None:
        if merged:
            merged[-1].end = pending.end
        else:
            merged.append(pending)
    return merged


def _pieces(text: str, start: int, end: int, size: int) -> list[tuple[int, int]]:
    """Split [start, end) into units no longer than size: paragraphs, then sentences, then words."""
    units: list[tuple[int, int]] = []
    for p_start, p_end in _paragraphs(text[start:end]):
        a, b = start + p_start, start + p_end
        if b - a <= size:
            units.append((a, b))
            continue
        cursor = a
        for m in _SENTENCE_END.finditer(text, a, b):
            if m.end() - cursor >= 1 and m.start() > cursor:
                units.extend(_hard_split(text, cursor, m.start(), size))
                cursor = m.end()
        if cursor < b:
            units.extend(_hard_split(text, cursor, b, size))
    return units


def _hard_split(text: str, start: int, end: int, size: int) -> list[tuple[int, int]]:
    out = []
    while end - start > size:
        cut = text.rfind(" ", start + size // 2, start + size)
        cut = cut if cut > start else start + size
        out.append((start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if text[start:end].strip():
        out.append((start, end))
    return out


def _pack(units: list[tuple[int, int]], size: int, overlap: int) -> list[tuple[int, int]]:
    """Greedy packing of units into windows of at most `size` characters, each window starting
    with up to `overlap` characters of whole units from the end of the previous one."""
    windows: list[tuple[int, int]] = []
    i = 0
    while i < len(units):
        j = i
        while j + 1 < len(units) and units[j + 1][1] - units[i][0] <= size:
            j += 1
        windows.append((units[i][0], units[j][1]))
        if j + 1 >= len(units):
            break
        k = j + 1
        while k - 1 > i and units[j][1] - units[k - 1][0] <= overlap:
            k -= 1
        i = k
    return windows


def chunk_text(
    loaded: LoadedText, doc_id: str, *, size: int = 900, overlap: int = 150, title: str = ""
) -> list[Chunk]:
    """Chunks with heading paths and exact offsets; sections longer than `size` are split on
    paragraph and sentence boundaries with `overlap` characters carried over."""
    text = loaded.text
    chunks: list[Chunk] = []
    for section in _merge_heading_only(_sections(text)):
        units = _pieces(text, section.start, section.end, size)
        for start, end in _pack(units, size, overlap):
            body = text[start:end]
            lead = len(body) - len(body.lstrip())
            start, end = start + lead, end - (len(body) - len(body.rstrip()))
            piece = text[start:end]
            chunks.append(
                Chunk(
                    doc_id=doc_id,
                    index=len(chunks),
                    text=piece,
                    heading_path=section.path or ([title] if title else []),
                    start=start,
                    end=end,
                    page=loaded.page_at(start),
                    content_hash=content_hash(piece),
                )
            )
    return chunks
