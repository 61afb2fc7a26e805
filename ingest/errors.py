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
