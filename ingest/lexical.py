"""BM25 (bm25s) over syllables and syllable bigrams, in two views: as written and accent-folded.

Folding is an extra view, never a replacement: it lets "dang ky khai sinh" and the OCR text of a
scanned resolution match accented passages, while the accented view keeps "khai sinh" apart from
"khai sinh" spelled otherwise. The index is built at ingest time inside the generation it
belongs to, so it is always in step with the vector store.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import bm25s
import numpy as np

from ingest.text import fold, words

VIEWS = ("plain", "folded")


def tokens(text: str, view: str) -> list[str]:
    syllables = words(fold(text) if view == "folded" else text)
    return syllables + [f"{a}_{b}" for a, b in zip(syllables, syllables[1:], strict=False)]


def indexed_text(document: str, metadata: dict) -> str:
    """Titles and heading paths are searchable too: they name the procedure."""
    return f"{metadata.get('title', '')}\n{metadata.get('section', '')}\n{document}"


def build(directory: Path, ids: list[str], documents: list[str], metadatas: list[dict]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    texts = [indexed_text(d, m) for d, m in zip(documents, metadatas, strict=True)]
    for view in VIEWS:
        retriever = bm25s.BM25()
        corpus = [tokens(t, view) for t in texts] or [[]]
        retriever.index(corpus, show_progress=False)
        retriever.save(str(directory / view))
    (directory / "ids.json").write_text(json.dumps(ids), encoding="utf-8")


@dataclass
class LexicalIndex:
    ids: list[str]
    retrievers: dict[str, bm25s.BM25]

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex:
        ids = json.loads((directory / "ids.json").read_text(encoding="utf-8"))
        return cls(ids, {v: bm25s.BM25.load(str(directory / v)) for v in VIEWS})

    def scores(self, query: str, view: str) -> np.ndarray:
        """BM25 score of every chunk, aligned with `ids` (zeros for an empty index)."""
        if not self.ids:
            return np.zeros(0)
        return np.asarray(self.retrievers[view].get_scores(tokens(query, view)), dtype=np.float32)
