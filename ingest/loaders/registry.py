"""The loader table: file extension -> function that turns the file's bytes into text.

Built-in loaders register through the same `register` seam a plugin would use (the way
simonw/llm registers its own defaults); the supported extensions are the table's keys.
"""

from __future__ import annotations

from collections.abc import Callable

from ingest.model import LoadedText

# A loader gets the file's bytes and the OCR languages (only the PDF loader uses them).
Loader = Callable[[bytes, str], LoadedText]
LOADERS: dict[str, Loader] = {}


def register(*extensions: str) -> Callable[[Loader], Loader]:
    def add(loader: Loader) -> Loader:
        for ext in extensions:
            LOADERS[ext.lower()] = loader
        return loader

    return add
