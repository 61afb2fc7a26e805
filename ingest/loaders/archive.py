"""Bounds on zip-based files (.docx) before anything is decompressed.

A .docx is a zip archive: 500 KB can declare 150 MB of XML, which python-docx would parse in
full (minutes, gigabytes). The central directory states each entry's size, and zipfile never
reads past a declared size, so checking the declared sizes bounds the real work.
"""

from __future__ import annotations

import io
import zipfile

from ingest.errors import LoadError

MAX_ENTRIES = 2_000
MAX_XML_BYTES = 40 * 1024 * 1024  # document.xml of a 500-page text is ~10 MB
MAX_TOTAL_BYTES = 200 * 1024 * 1024  # images included


def check_archive(data: bytes, kind: str = ".docx") -> None:
    """LoadError if the archive is not one, or would expand beyond the limits."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise LoadError(
            f"corrupt or unreadable {kind}: {e}", f"Tệp {kind} bị hỏng hoặc không đọc được."
        ) from e
    xml = sum(e.file_size for e in entries if e.filename.endswith((".xml", ".rels")))
    total = sum(e.file_size for e in entries)
    if len(entries) > MAX_ENTRIES or xml > MAX_XML_BYTES or total > MAX_TOTAL_BYTES:
        raise LoadError(
            f"{kind} expands beyond the limits: {len(entries)} entries, {xml} bytes of XML, "
            f"{total} bytes in all (limits {MAX_ENTRIES}, {MAX_XML_BYTES}, {MAX_TOTAL_BYTES})",
            f"Tệp {kind} khi giải nén quá lớn ({total // (1024 * 1024)} MB, {len(entries)} "
            f"thành phần); giới hạn là {MAX_TOTAL_BYTES // (1024 * 1024)} MB và "
            f"{MAX_XML_BYTES // (1024 * 1024)} MB nội dung văn bản. Tệp có thể bị lỗi hoặc "
            "được tạo để làm treo hệ thống.",
        )
