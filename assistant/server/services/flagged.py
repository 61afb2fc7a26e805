"""Documents that speak to the assistant: the instruction-like sentences (provenance.py) in the
live index, listed in the admin report with their document. Scanned once per index generation
from the chunks already in memory (no file is read again)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from assistant.provenance import instruction_sentences
from assistant.server.models import FlaggedSentence

if TYPE_CHECKING:
    from assistant.snapshot import IndexSnapshot

MAX_FLAGGED = 200  # sentences listed; a document full of them needs one look, not a thousand rows


class FlaggedContent:
    def __init__(self) -> None:
        self._cached: tuple[str, list[FlaggedSentence]] | None = None
        self._lock = threading.Lock()

    def of(self, snapshot: IndexSnapshot) -> list[FlaggedSentence]:
        with self._lock:
            if self._cached is not None and self._cached[0] == snapshot.generation:
                return self._cached[1]
        flagged = _scan(snapshot)
        with self._lock:
            self._cached = (snapshot.generation, flagged)
        return flagged


def _scan(snapshot: IndexSnapshot) -> list[FlaggedSentence]:
    seen: set[tuple[str, str]] = set()
    flagged: list[FlaggedSentence] = []
    for text, meta in zip(snapshot.texts, snapshot.metas, strict=True):
        for sentence in instruction_sentences(text):
            key = (meta["doc_id"], sentence)
            if key in seen:  # overlapping chunks repeat a sentence
                continue
            seen.add(key)
            flagged.append(
                FlaggedSentence(
                    doc_id=meta["doc_id"],
                    title=str(meta.get("title") or ""),
                    status=str(meta.get("status") or ""),
                    sentence=sentence,
                )
            )
            if len(flagged) >= MAX_FLAGGED:
                return flagged
    return flagged
