"""Word .docx: paragraphs and tables in body order, Heading styles as markdown headings."""

from __future__ import annotations

import io
import re

import docx
from docx.table import Table

from ingest.errors import LoadError
from ingest.loaders.archive import check_archive
from ingest.loaders.plain import clean_text
from ingest.loaders.registry import register
from ingest.model import LoadedText

_HEADING_STYLE = re.compile(r"^(?:heading|tiêu đề)\s*(\d)$", re.I)


@register(".docx")
def load_docx(data: bytes, ocr_languages: str = "") -> LoadedText:
    """Paragraphs and tables in body order; Heading styles become markdown headings."""
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # OLE container: old .doc, or an encrypted .docx
        raise LoadError(
            "not a .docx file: old Word .doc format or password-protected",
            "Tệp không phải .docx hợp lệ (định dạng .doc cũ hoặc có mật khẩu); "
            "hãy mở bằng Word và lưu lại dưới dạng .docx không mật khẩu.",
        )
    check_archive(data, ".docx")
    try:
        document = docx.Document(io.BytesIO(data))
        blocks = [_docx_block(item) for item in document.iter_inner_content()]
    except Exception as e:  # python-docx raises zipfile, lxml, KeyError... on damaged files
        raise LoadError(
            f"corrupt or unreadable .docx: {type(e).__name__}: {e}",
            "Tệp .docx bị hỏng hoặc không đọc được.",
        ) from e
    return LoadedText(text=clean_text("\n\n".join(b for b in blocks if b)), format="docx")


def _docx_block(item) -> str:
    if isinstance(item, Table):
        rows = []
        for row in item.rows:
            cells, previous = [], None
            for cell in row.cells:
                # a horizontally merged cell is listed once per grid column it spans
                if cell._tc is previous:
                    continue
                previous = cell._tc
                cells.append(" ".join(cell.text.split()))
            if any(cells):
                rows.append(" | ".join(cells))
        return "\n".join(rows)
    text = item.text.strip()
    style = item.style.name if item.style is not None else ""
    match = _HEADING_STYLE.match(style or "")
    level = 1 if style == "Title" else int(match.group(1)) if match else 0
    if text and level:
        return "#" * min(max(level, 1), 6) + " " + " ".join(text.split())
    return text
