"""BM25 over syllables and syllable bigrams, in two views: as written and accent-folded.

Folding is an extra view, never a replacement: it lets "dang ky khai sinh" and the OCR text of a
scanned resolution match accented passages, while the accented view keeps "khai sinh" apart from
"khai sinh" spelled otherwise. The index is built at ingest time inside the generation it
belongs to, so it is always in step with the vector store; it is kept in segments
(ingest/bm25_segments.py) so that a changed document adds a segment instead of a rebuild.
"""

from __future__ import annotations

import re
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ingest import bm25_segments as segments
from ingest.paging import read_collection, read_records
from ingest.text import fold, words

VIEWS = ("plain", "folded")
# Bump when tokens() or the files change: an older persisted index is rebuilt (ingest) or
# built in memory (server) instead of being read.
VERSION = "lex-v3-segments"

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


def _view_tokens(texts: list[str], view: str) -> list[list[str]]:
    return [tokens(t, view) for t in texts]


def _segment_name(number: int) -> str:
    """Unique across rebuilds too (a server caches what it derives from a segment by name)."""
    return f"{number:06d}-{secrets.token_hex(4)}"


def _number(name: str) -> int:
    return int(name.split("-", 1)[0])


def _write_segment(directory: Path, name: str, vocab_names: list[str], chunks: dict) -> None:
    """A new segment of these chunks; terms the vocabulary lacks get new ids (saved under
    this segment's name)."""
    texts = [
        indexed_text(d, m) for d, m in zip(chunks["documents"], chunks["metadatas"], strict=True)
    ]
    for view in VIEWS:
        vocab = segments.Vocabulary(segments.read_vocab(directory, vocab_names, view))
        vocab.added = []
        segments.write_segment(
            directory, name, view, segments.count_terms(_view_tokens(texts, view), vocab)
        )
        segments.write_vocab(directory, name, view, vocab.added)
    segments.write_chunks(directory, name, chunks["ids"], chunks["documents"], chunks["metadatas"])


def build(directory: Path, ids: list[str], documents: list[str], metadatas: list[dict]) -> None:
    """A fresh index of these chunks: one segment, a new vocabulary."""
    shutil.rmtree(directory, ignore_errors=True)  # an older index, in whatever layout it had
    directory.mkdir(parents=True)
    name = _segment_name(1)
    chunks = {"ids": ids, "documents": documents, "metadatas": metadatas}
    _write_segment(directory, name, [], chunks)
    state = {"segments": [{"name": name, "rows": len(ids), "deleted": []}], "vocab": [name]}
    segments.write_state(directory, state)
    (directory / "version.txt").write_text(VERSION, encoding="utf-8")


def update(
    directory: Path, removed: set[str], ids: list[str], documents: list[str], metadatas: list[dict]
) -> None:
    """Change a copy of the previous generation's index in place: rows of `removed` chunk ids
    are marked deleted, the new chunks become one new segment. Files are only ever added or
    replaced by rename, never rewritten, so a hard-linked previous generation is untouched."""
    state = segments.read_state(directory)
    assert state is not None and is_current(directory), "update() needs a current index"
    if removed:
        for seg in state["segments"]:
            seg_ids = segments.read_ids(directory, seg["name"])
            gone = [i for i, cid in enumerate(seg_ids) if cid in removed]
            seg["deleted"] = sorted(set(seg["deleted"]) | set(gone))
    number = max(_number(n) for n in [s["name"] for s in state["segments"]] + state["vocab"])
    if ids:
        name = _segment_name(number + 1)
        chunks = {"ids": ids, "documents": documents, "metadatas": metadatas}
        _write_segment(directory, name, state["vocab"], chunks)
        state["segments"].append({"name": name, "rows": len(ids), "deleted": []})
        state["vocab"].append(name)
    if picked := segments.to_merge(state):
        state = _merge(directory, state, picked, _segment_name(number + 2))
    segments.write_state(directory, state)
    segments.remove_unused(directory, state, VIEWS)


def sync(get: Callable[..., dict], directory: Path, before: set[str], after: set[str]) -> None:
    """Bring a staging generation's index in step with its Chroma collection (`get`), which
    held the `before` chunks and now holds the `after` ones: a segment of the new chunks, the
    replaced ones marked deleted, when the copied index is current (the cost of the change);
    else a build over every chunk (first run, new chunker or tokenizer)."""
    if before and is_current(directory):
        added = read_records(get, sorted(after - before), ["documents", "metadatas"])
        update(directory, before - after, added["ids"], added["documents"], added["metadatas"])
        return
    everything = read_collection(get, ["documents", "metadatas"])
    build(directory, everything["ids"], everything["documents"], everything["metadatas"])


@dataclass
class StoredSegment:
    """One segment's chunks as stored: all rows, which of them are live and which deleted."""

    name: str
    chunks: dict  # ids, documents, metadatas: every row, deleted ones too
    live: np.ndarray  # row numbers
    deleted: list[int]  # row numbers, as segments.json lists them


def live_segments(directory: Path) -> list[StoredSegment]:
    """The segments of a current index, in order (their live rows, in order, are the index's
    rows)."""
    state = segments.read_state(directory)
    assert state is not None
    return [stored_segment(directory, s) for s in state["segments"]]


def stored_segment(directory: Path, segment: dict) -> StoredSegment:
    """One segment of `segments.json`'s list, read."""
    chunks = segments.read_chunks(directory, segment["name"])
    return StoredSegment(
        segment["name"], chunks, segments.live_rows(segment), sorted(segment["deleted"])
    )


def _live_chunks(directory: Path, segment: dict) -> dict:
    chunks = segments.read_chunks(directory, segment["name"])
    rows = segments.live_rows(segment)
    return {key: [values[r] for r in rows] for key, values in chunks.items()}


def _merge(directory: Path, state: dict, picked: list[int], name: str) -> dict:
    """The live rows of the picked segments as one segment, in the first one's place (counts
    only; the vocabulary is kept)."""
    merging = [state["segments"][i] for i in picked]
    keep = [segments.live_rows(s) for s in merging]
    for view in VIEWS:
        n_terms = len(segments.read_vocab(directory, state["vocab"], view))
        parts = [segments.read_segment(directory, s["name"], view) for s in merging]
        segments.write_segment(directory, name, view, segments.stack(parts, n_terms, keep))
    chunks: dict[str, list] = {"ids": [], "documents": [], "metadatas": []}
    for seg in merging:
        for key, values in _live_chunks(directory, seg).items():
            chunks[key] += values
    segments.write_chunks(directory, name, chunks["ids"], chunks["documents"], chunks["metadatas"])
    merged = {"name": name, "rows": len(chunks["ids"]), "deleted": []}
    rest = [s for i, s in enumerate(state["segments"]) if i not in picked]
    return {"segments": [*rest[: picked[0]], merged, *rest[picked[0] :]], "vocab": state["vocab"]}


def is_current(directory: Path) -> bool:
    version = directory / "version.txt"
    return version.exists() and version.read_text(encoding="utf-8").strip() == VERSION


@dataclass
class LexicalIndex:
    ids: list[str]
    scorers: dict[str, segments.Scorer]

    @classmethod
    def load(
        cls,
        directory: Path,
        ids: list[str] | None = None,
        collections: np.ndarray | None = None,
    ) -> LexicalIndex:
        """`ids`: the live chunk ids in segment order, when the caller has read them already
        (`live_segments`); `collections`: a label per live row, each scored with its own
        collection's statistics (`segments.Scorer`)."""
        state = segments.read_state(directory)
        assert state is not None
        keep = [segments.live_rows(s) for s in state["segments"]]
        if ids is None:
            ids = [
                cid
                for s, rows in zip(state["segments"], keep, strict=True)
                for cid in np.asarray(segments.read_ids(directory, s["name"]), dtype=object)[rows]
            ]
        scorers = {}
        for view in VIEWS:
            vocab = segments.read_vocab(directory, state["vocab"], view)
            parts = [segments.read_segment(directory, s["name"], view) for s in state["segments"]]
            stacked = segments.stack(parts, len(vocab), keep)
            scorers[view] = segments.Scorer(stacked, vocab, collections)
        return cls(ids, scorers)

    @classmethod
    def is_current(cls, directory: Path) -> bool:
        return is_current(directory)

    @classmethod
    def in_memory(
        cls,
        ids: list[str],
        documents: list[str],
        metadatas: list[dict],
        collections: np.ndarray | None = None,
    ) -> LexicalIndex:
        """Built from the chunks when the persisted copy predates the current tokenizer."""
        texts = [indexed_text(d, m) for d, m in zip(documents, metadatas, strict=True)]
        scorers = {}
        for view in VIEWS:
            vocab = segments.Vocabulary()
            seg = segments.count_terms(_view_tokens(texts, view), vocab)
            scorers[view] = segments.Scorer(seg, vocab.ids, collections)
        return cls(ids, scorers)

    def rows_with_all(self, query: str, view: str) -> np.ndarray:
        """Positions (aligned with `ids`) of the chunks holding every word pair of the query, or
        its one word: the few chunks a phrase can stand in, found without reading any text."""
        terms = tokens(query, view)
        pairs = [t for t in terms if "_" in t] or terms
        if not self.ids or not pairs:
            return np.zeros(0, dtype=np.int64)
        scorer = self.scorers[view]
        found = np.ones(len(self.ids), dtype=bool)
        for term in dict.fromkeys(pairs):
            found &= scorer.scores([term]) > 0
        return np.nonzero(found)[0]

    def scores(self, query: str, view: str, pooled: bool = False) -> np.ndarray:
        """BM25 score of every chunk, aligned with `ids` (zeros for an empty index or a query
        with no words); `pooled`: with the statistics of every collection together."""
        if not self.ids:
            return np.zeros(0)
        scorer = self.scorers[view].pooled() if pooled else self.scorers[view]
        return scorer.scores(tokens(query, view))
