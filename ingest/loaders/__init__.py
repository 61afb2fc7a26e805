"""Turn .md/.txt/.docx/.html/.pdf files into NFC text that keeps paragraph structure.

The structure-aware chunker runs next, so every loader keeps one blank line between
paragraphs and puts headings on their own lines. Failures raise LoadError with an
English reason for logs and a Vietnamese one for users. One module per format; each
registers itself in the loader table (`registry.py`), whose keys are the supported types.
"""

from __future__ import annotations

from pathlib import Path

from ingest.errors import LoadError
from ingest.loaders import pdf, plain, web, word  # noqa: F401  (built-ins register on import)
from ingest.loaders.pdf import OCR_INSTALL_HINT
from ingest.loaders.registry import LOADERS, register
from ingest.model import LoadedText

SUPPORTED_EXTENSIONS: frozenset[str] = frozenset(LOADERS)

__all__ = ["LOADERS", "OCR_INSTALL_HINT", "SUPPORTED_EXTENSIONS", "load_file", "register"]


def load_file(path: Path, *, ocr_languages: str = "vie") -> LoadedText:
    """Read one supported file into NFC text; LoadError says why not (callers name the file)."""
    path = Path(path)
    ext = path.suffix.lower()
    if ext not in SUPPORTED_EXTENSIONS:
        allowed = ", ".join(sorted(SUPPORTED_EXTENSIONS))
        raise LoadError(
            f"unsupported file type '{ext or path.name}' (supported: {allowed})",
            f"Không hỗ trợ định dạng tệp '{ext or path.name}' (chỉ nhận: {allowed}).",
        )
    try:
        data = path.read_bytes()
    except OSError as e:
        raise LoadError(f"cannot read file: {e.strerror or e}", "Không đọc được tệp.") from e
    if not data.strip():
        raise LoadError("file is empty", "Tệp rỗng, không có nội dung.")

    loaded = LOADERS[ext](data, ocr_languages)

    if not loaded.text.strip():
        raise LoadError(
            "no text could be extracted from the file",
            "Không trích xuất được chữ nào từ tệp (tệp trống hoặc chỉ có hình ảnh).",
        )
    return loaded
