"""BM25 (bm25s) over syllables and syllable bigrams, in two views: as written and accent-folded.

Folding is an extra view, never a replacement: it lets "dang ky khai sinh" and the OCR text of a
scanned resolution match accented passages, while the accented view keeps "khai sinh" apart from
"khai sinh" spelled otherwise. The index is built at ingest time inside the generation it
belongs to, so it is always in step with the vector store.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import bm25s
import numpy as np

from ingest.text import fold, words

logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index build at DEBUG

VIEWS = ("plain", "folded")
VERSION = "lex-v2"  # bump when tokens() changes: older persisted indexes are rebuilt on load

# Scanned documents come back from OCR with digits and symbols for letters ("d6i" for "đối",
# "1én" for "lên", "tr¢" for "trở") and "ir"/"w" for "ư" ("chirc" for "chức"). Vietnamese
# spelling never has "ir" or "w", and a syllable never mixes letters and digits, so these
# repairs are safe on clean text and make the scanned text findable by the folded view.
_OCR_TABLE = str.maketrans(
    {
        "1": "l",
        "6": "o",
        "0": "o",
        "9": "o",
        "4": "a",
        "3": "a",
        "8": "e",
        "¢": "e",
        "€": "e",
        "&": "a",
        "@": "o",
        "§": "o",
        "¥": "y",
        "’": "",
        "'": "",
    }
)
_OCR_TOKEN = re.compile(r"[0-9a-z¢€&@§¥’']+")


def _repair_token(m: re.Match[str]) -> str:
    token = m.group(0)
    if not re.search(r"[a-z]", token):
        return token  # a number stays a number
    if not token.isalpha():
        if sum(ch.isdigit() for ch in token) > 2:
            return token  # codes and dates such as 34/2019/nd-cp
        token = token.translate(_OCR_TABLE)
    return token.replace("ir", "u").replace("w", "u")


def ocr_repair(folded: str) -> str:
    return _OCR_TOKEN.sub(_repair_token, folded.lower())


def tokens(text: str, view: str) -> list[str]:
    syllables = words(ocr_repair(fold(text)) if view == "folded" else text)
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
    (directory / "version.txt").write_text(VERSION, encoding="utf-8")


@dataclass
class LexicalIndex:
    ids: list[str]
    retrievers: dict[str, bm25s.BM25]

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex:
        ids = json.loads((directory / "ids.json").read_text(encoding="utf-8"))
        return cls(ids, {v: bm25s.BM25.load(str(directory / v)) for v in VIEWS})

    @classmethod
    def is_current(cls, directory: Path) -> bool:
        version = directory / "version.txt"
        return version.exists() and version.read_text(encoding="utf-8").strip() == VERSION

    @classmethod
    def in_memory(cls, ids: list[str], documents: list[str], metadatas: list[dict]) -> LexicalIndex:
        """Built from the chunks when the persisted copy predates the current tokenizer."""
        retrievers = {}
        texts = [indexed_text(d, m) for d, m in zip(documents, metadatas, strict=True)]
        for view in VIEWS:
            retrievers[view] = bm25s.BM25()
            retrievers[view].index([tokens(t, view) for t in texts] or [[]], show_progress=False)
        return cls(ids, retrievers)

    def scores(self, query: str, view: str) -> np.ndarray:
        """BM25 score of every chunk, aligned with `ids` (zeros for an empty index, and for a
        query with no words: bm25s fails on an empty token list)."""
        if not self.ids:
            return np.zeros(0)
        terms = tokens(query, view)
        if not terms:
            return np.zeros(len(self.ids), dtype=np.float32)
        return np.asarray(self.retrievers[view].get_scores(terms), dtype=np.float32)
