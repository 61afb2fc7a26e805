"""HTML pages: the visible text, without scripts or site chrome; h1-h3 as markdown headings."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

from ingest.loaders.plain import BOMS, clean_text, decode_text
from ingest.loaders.registry import register
from ingest.model import LoadedText

_PARA, _LINE = "\ue000", "\ue001"  # private-use markers that survive whitespace collapsing
_DROP_TAGS = ["script", "style", "nav", "header", "footer", "noscript", "template", "svg", "head"]
_BLOCK_TAGS = [
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "section",
    "article",
    "main",
    "aside",
    "blockquote",
    "pre",
    "figure",
    "figcaption",
    "address",
    "table",
    "caption",
    "form",
    "h4",
    "h5",
    "h6",
]
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


@register(".html", ".htm")
def load_html(data: bytes, ocr_languages: str = "") -> LoadedText:
    """Visible page text: no scripts or site chrome, h1-h3 as markdown, blocks as paragraphs."""
    soup = BeautifulSoup(_decode_html(data), "html.parser")
    for tag in soup(_DROP_TAGS):
        tag.decompose()
    for level in (1, 2, 3):
        for heading in soup(f"h{level}"):
            for br in heading("br"):
                br.replace_with(" ")
            heading.insert_before(_PARA + "#" * level + " ")
            heading.insert_after(_PARA)
    for pre in soup("pre"):
        for piece in pre(string=True):
            piece.replace_with(piece.replace("\n", _LINE))
    for br in soup("br"):
        br.replace_with(_LINE)
    for cell in soup(["td", "th"]):
        if cell.find_previous_sibling(["td", "th"]):
            cell.insert_before(" | ")
    for row in soup("tr"):
        row.insert_after(_LINE)
    for block in soup(_BLOCK_TAGS):
        block.insert_before(_PARA)
        block.insert_after(_PARA)

    text = re.sub(r"\s+", " ", soup.get_text())  # HTML whitespace, including source newlines
    text = re.sub(f" *([{_PARA}{_LINE}]) *", r"\1", text)
    text = text.replace(_PARA, "\n\n").replace(_LINE, "\n")
    return LoadedText(text=clean_text(text), format="html")


def _decode_html(data: bytes) -> str:
    """A BOM wins, then a <meta charset> that actually decodes, then the text-file guesses."""
    match = _META_CHARSET.search(data[:4096])
    if match and not any(data.startswith(bom) for bom, _ in BOMS):
        try:
            return data.decode(match.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(data)
