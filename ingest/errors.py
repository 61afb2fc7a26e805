"""Errors that name the file and say why, in English for logs and Vietnamese for users."""

from __future__ import annotations


class IngestError(Exception):
    def __init__(self, reason_en: str, reason_vi: str | None = None):
        super().__init__(reason_en)
        self.reason_en = reason_en
        self.reason_vi = reason_vi or reason_en


class LoadError(IngestError):
    """A file could not be read (corrupt, empty, encrypted, unsupported, OCR missing...)."""


class RefusedFile(IngestError):
    """A file was refused for safety: traversal, symlink out of the folder, too large."""


class IndexUnavailable(RuntimeError):
    """The index cannot be used right now; the subclasses say why, callers catch by type."""


class IndexMissing(IndexUnavailable):
    """No generation has been published yet: nothing was ingested."""


class EmbedderMismatch(IndexUnavailable):
    """The index was built with another embedder than the one configured."""


class IndexServerUnavailable(IndexUnavailable):
    """The Chroma server holding the index (CAMNANG_CHROMA_URL) cannot be reached or failed."""


class IngestRunning(IndexUnavailable):
    """Another ingest holds the lock on this index."""


class IngestCancelled(IngestError):
    """An admin cancelled the ingest: nothing was published, the served index is unchanged."""

    def __init__(self) -> None:
        super().__init__(
            "ingest cancelled; the index was not changed",
            "Đã huỷ lập chỉ mục; chỉ mục đang dùng không thay đổi.",
        )
