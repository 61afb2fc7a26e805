"""BM25 over immutable segments, so that a one-document change costs one small segment.

Why by hand: bm25s (which built our index until now) bakes the corpus-wide statistics into one
matrix of BM25 weights and has no add or delete, so every change of one document rebuilt both
views over the whole corpus (19.9 s of a 26.5 s re-ingest at 40k chunks, `make bench-scale`).
Search engines that do segments (Lucene, tantivy) bring their own analyzers and scoring; ours
are syllables + syllable bigrams in two views and bm25s's "lucene" BM25, which the answers were
tuned with. So this module keeps what varies apart from what is computed:

- a segment stores raw term counts (a CSR matrix: one row a chunk, one column a term) and the
  chunk ids of its rows; it is written once and never changed, so a new generation hard-links
  the segments of the previous one instead of copying them;
- the vocabulary only grows (term ids are global, appended by each new segment);
- `segments.json` (replaced atomically) lists the segments and the rows deleted from each;
- BM25 weights are computed when the index is loaded, from the live rows' statistics, with
  bm25s's formulas (idf = ln(1 + (N - df + 0.5) / (df + 0.5)), tf / (tf + k1 (1 - b + b dl /
  avgdl)), float32 sums in query-token order): scores equal a bm25s index of the same chunks
  (tests/test_lexical.py checks it).

When a quarter of the rows are deleted or there are more than MAX_SEGMENTS segments, the live
rows are merged into one segment (counts only: no text is re-read).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp

K1, B = 1.5, 0.75  # bm25s's defaults, which ranking was tuned with
MAX_SEGMENTS = 8
MAX_DELETED_SHARE = 0.25
STATE = "segments.json"


@dataclass
class Vocabulary:
    """Term -> global column; `added` holds the terms new since the last save."""

    ids: dict[str, int] = field(default_factory=dict)
    added: list[str] = field(default_factory=list)

    def id(self, term: str) -> int:
        found = self.ids.get(term)
        if found is None:
            found = self.ids[term] = len(self.ids)
            self.added.append(term)
        return found


@dataclass
class Segment:
    """Term counts of some chunks, in one view: rows = chunks, columns = global term ids."""

    counts: sp.csr_matrix
    lengths: np.ndarray  # tokens per chunk (duplicates counted, as bm25s does)


def count_terms(token_lists: Iterable[list[str]], vocab: Vocabulary) -> Segment:
    indptr, indices, data, lengths = [0], [], [], []
    for toks in token_lists:
        counter = Counter(vocab.id(t) for t in toks)
        indices.extend(counter.keys())
        data.extend(counter.values())
        indptr.append(len(indices))
        lengths.append(len(toks))
    counts = sp.csr_matrix(
        (
            np.asarray(data, dtype=np.float32),
            np.asarray(indices, dtype=np.int32),
            np.asarray(indptr, dtype=np.int64),
        ),
        shape=(len(lengths), len(vocab.ids)),
    )
    return Segment(counts, np.asarray(lengths, dtype=np.int64))


def stack(segments: list[Segment], n_terms: int, keep: list[np.ndarray] | None = None) -> Segment:
    """One segment of the given segments' rows (only the `keep` rows of each, if given)."""
    parts, lengths = [], []
    for i, seg in enumerate(segments):
        counts = seg.counts
        counts = sp.csr_matrix(
            (counts.data, counts.indices, counts.indptr), shape=(counts.shape[0], n_terms)
        )
        rows = keep[i] if keep is not None else slice(None)
        parts.append(counts[rows])
        lengths.append(seg.lengths[rows])
    if not parts:
        return Segment(sp.csr_matrix((0, n_terms), dtype=np.float32), np.zeros(0, np.int64))
    return Segment(sp.vstack(parts, format="csr"), np.concatenate(lengths))


class Scorer:
    """BM25 weights of the live rows of one view, column-major for fast query scoring.

    `collections` (one label a row) scores each row with its own collection's statistics (row
    count, document frequencies, mean length), as if that collection were indexed alone: the
    laws' thousands of chunks then leave the handbook's ranking among its own passages as it is
    without them (the statutes issue's limit; eval/dev_near/README.md, stop 35)."""

    def __init__(
        self, seg: Segment, vocab: dict[str, int], collections: np.ndarray | None = None
    ) -> None:
        self.vocab = vocab
        counts = seg.counts.tocsc()
        n_docs = counts.shape[0]
        self.n_docs = n_docs
        self._pooled = self
        if n_docs == 0:
            self.weights = counts
            return
        labels = np.zeros(n_docs, dtype=np.int64) if collections is None else collections
        groups, group_of = np.unique(labels, return_inverse=True)
        if len(groups) > 1:
            self._pooled = Scorer(seg, vocab)
        n_terms = counts.shape[1]
        cols = np.repeat(np.arange(n_terms), np.diff(counts.indptr))
        row_of = counts.indices
        # rows of each collection holding each term (counts are summed per row)
        df = np.bincount(
            group_of[row_of] * n_terms + cols, minlength=len(groups) * n_terms
        ).reshape(len(groups), n_terms)
        n = np.bincount(group_of)[:, None]
        idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5)).astype(np.float32)
        avgdl = np.asarray([seg.lengths[group_of == g].mean() for g in range(len(groups))])
        norm = K1 * ((1 - B) + B * seg.lengths / avgdl[group_of])  # per row, float64 as bm25s
        tf = counts.data
        weights = (idf[group_of[row_of], cols] * (tf / (norm[row_of] + tf))).astype(np.float32)
        self.weights = sp.csc_matrix((weights, counts.indices, counts.indptr), shape=counts.shape)

    def pooled(self) -> Scorer:
        """The same rows scored with the statistics of all of them together: the scale the
        retriever puts each collection's scores on (assistant/retrieval.py `on_pooled_scale`),
        and the ablation of `collections`."""
        return self._pooled

    def scores(self, terms: list[str]) -> np.ndarray:
        out = np.zeros(self.n_docs, dtype=np.float32)
        indptr, indices, data = self.weights.indptr, self.weights.indices, self.weights.data
        for term in terms:  # duplicates count again, in query order, as in bm25s
            col = self.vocab.get(term)
            if col is None or col + 1 >= indptr.size:
                continue
            start, end = indptr[col], indptr[col + 1]
            out[indices[start:end]] += data[start:end]
        return out


# -- on disk ---------------------------------------------------------------------------------


def _write_json(path: Path, value) -> None:
    """Write-then-rename: the old name keeps pointing at the old file (hard links stay intact)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def read_state(directory: Path) -> dict | None:
    try:
        return json.loads((directory / STATE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def write_segment(directory: Path, name: str, view: str, seg: Segment) -> None:
    path = directory / f"{name}-{view}.npz"
    tmp = path.with_name(path.name + ".tmp.npz")
    counts = seg.counts
    np.savez(
        tmp,
        data=counts.data,
        indices=counts.indices,
        indptr=counts.indptr,
        n_terms=np.asarray([counts.shape[1]]),
        lengths=seg.lengths,
    )
    os.replace(tmp, path)


def read_segment(directory: Path, name: str, view: str) -> Segment:
    with np.load(directory / f"{name}-{view}.npz") as z:
        n_rows = z["indptr"].size - 1
        counts = sp.csr_matrix(
            (z["data"], z["indices"], z["indptr"]), shape=(n_rows, int(z["n_terms"][0]))
        )
        return Segment(counts, z["lengths"])


def write_vocab(directory: Path, name: str, view: str, terms: list[str]) -> None:
    _write_json(directory / f"{name}-{view}.vocab.json", terms)


def read_vocab(directory: Path, names: list[str], view: str) -> dict[str, int]:
    terms: list[str] = []
    for name in names:
        terms.extend(json.loads((directory / f"{name}-{view}.vocab.json").read_text("utf-8")))
    return {t: i for i, t in enumerate(terms)}


def write_chunks(directory: Path, name: str, ids: list[str], documents: list[str], metas: list):
    """The segment's chunks themselves (texts, metadata): what a server loads at start-up
    instead of reading every chunk back out of Chroma. Ids apart: an update reads only them."""
    _write_json(directory / f"{name}.chunks.json", {"documents": documents, "metadatas": metas})
    _write_json(directory / f"{name}.ids.json", ids)


def read_chunks(directory: Path, name: str) -> dict:
    chunks = json.loads((directory / f"{name}.chunks.json").read_text(encoding="utf-8"))
    return {"ids": read_ids(directory, name), **chunks}


def read_ids(directory: Path, name: str) -> list[str]:
    return json.loads((directory / f"{name}.ids.json").read_text(encoding="utf-8"))


def write_state(directory: Path, state: dict) -> None:
    _write_json(directory / STATE, state)


def to_merge(state: dict) -> list[int]:
    """Which segments to merge now (positions in state["segments"]), Lucene's way in small: the
    small segments together when there are too many, everything when a quarter of the rows are
    deleted. The largest segment is left alone otherwise, so a merge costs about the changes."""
    segs = state["segments"]
    rows = sum(s["rows"] for s in segs)
    deleted = sum(len(s["deleted"]) for s in segs)
    if len(segs) > 1 and rows > 0 and deleted > MAX_DELETED_SHARE * rows:
        return list(range(len(segs)))
    if len(segs) > MAX_SEGMENTS:
        largest = max(range(len(segs)), key=lambda i: segs[i]["rows"])
        return [i for i in range(len(segs)) if i != largest]
    return []


def live_rows(segment_state: dict) -> np.ndarray:
    keep = np.ones(segment_state["rows"], dtype=bool)
    keep[np.asarray(segment_state["deleted"], dtype=np.int64)] = False
    return np.flatnonzero(keep)


def remove_unused(directory: Path, state: dict, views: tuple[str, ...]) -> None:
    """Drop the files of segments this state no longer lists (hard links of the previous
    generation's copies: its own directory keeps them)."""
    wanted = {f"{s['name']}.{kind}.json" for s in state["segments"] for kind in ("chunks", "ids")}
    wanted |= {f"{s['name']}-{v}.npz" for s in state["segments"] for v in views}
    wanted |= {f"{n}-{v}.vocab.json" for v in views for n in state["vocab"]}
    wanted |= {STATE, "version.txt"}
    for path in directory.iterdir():
        if path.name not in wanted:
            path.unlink()
