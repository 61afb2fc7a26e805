"""What a snapshot derives from its chunks, computed once per index segment and kept on disk.

Deriving the per-chunk features (procedure labels, title bigrams, term document frequencies,
the accent model's counts) from 100k chunks took ~40 s of a server's start-up and was redone
after every ingest. The BM25 segments the chunks are stored in never change
(ingest/bm25_segments.py), so each segment's features are computed once, stored as
`index_dir/features/<segment>.<VERSION>.pkl`, and a new generation computes only its new
segment. Counts add up across segments; a segment's deleted rows are subtracted (recomputed
from their text: they are few, and a quarter of a segment at most before it is merged).

Pickle because the features are sets of tuples and Counters, written and read only by this
module on the server's own disk; a file from another version is ignored (VERSION in the name).
"""

from __future__ import annotations

import logging
import os
import pickle
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from assistant.query_terms import content_terms, title_bigrams
from assistant.questions import last_heading
from ingest.accents import count_syllables
from ingest.bm25_segments import read_state
from ingest.lexical import StoredSegment, is_current, stored_segment
from ingest.store import IndexStore

log = logging.getLogger(__name__)
VERSION = "f1"  # bump when a feature below is computed differently


@dataclass
class SegmentFeatures:
    labels: list[str]  # per row
    title_bigrams: list[set[tuple[str, str]]]  # per row
    doc_freq: Counter[str] = field(default_factory=Counter)  # over all rows, deleted too
    unigrams: Counter[str] = field(default_factory=Counter)
    bigrams: Counter[tuple[str, str]] = field(default_factory=Counter)


def _terms(document: str, meta: dict) -> set[str]:
    return set(content_terms(f"{meta.get('section', '')} {document}"))


def compute(documents: list[str], metadatas: list[dict]) -> SegmentFeatures:
    sections = [m.get("section", "") for m in metadatas]
    doc_freq: Counter[str] = Counter()
    for document, meta in zip(documents, metadatas, strict=True):
        doc_freq.update(_terms(document, meta))
    unigrams, bigrams = count_syllables(documents)
    return SegmentFeatures(
        labels=[last_heading(s) for s in sections],
        title_bigrams=[title_bigrams(s) for s in sections],
        doc_freq=doc_freq,
        unigrams=unigrams,
        bigrams=bigrams,
    )


def _path(cache_dir: Path, name: str) -> Path:
    return cache_dir / f"{name}.{VERSION}.pkl"


def for_segment(cache_dir: Path, segment: StoredSegment) -> SegmentFeatures:
    """The segment's features from the cache, else computed and cached (best effort: a server
    that cannot write there still answers)."""
    path = _path(cache_dir, segment.name)
    try:
        with open(path, "rb") as fh:
            features = pickle.load(fh)
        if isinstance(features, SegmentFeatures):
            return features
    except FileNotFoundError:
        pass
    except Exception as exc:  # a damaged or foreign file: computed again and replaced
        log.warning("Cached features %s unreadable (%s); computing them again", path.name, exc)
    features = compute(segment.chunks["documents"], segment.chunks["metadatas"])
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            pickle.dump(features, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)  # several workers may write the same segment: last one wins
    except OSError as exc:
        log.warning("Could not cache the features of segment %s: %s", segment.name, exc)
    return features


@dataclass
class Assembled:
    """The live rows of every segment, in index order, with their features."""

    ids: list[str]
    texts: list[str]
    metas: list[dict]
    labels: list[str]
    title_bigrams: list[set[tuple[str, str]]]
    doc_freq: Counter[str]
    accent_counts: tuple[Counter[str], Counter[tuple[str, str]]]


def assemble(cache_dir: Path, stored: list[StoredSegment]) -> Assembled:
    out = Assembled([], [], [], [], [], Counter(), (Counter(), Counter()))
    unigrams, bigrams = out.accent_counts
    for segment in stored:
        features = for_segment(cache_dir, segment)
        chunks, live = segment.chunks, segment.live.tolist()
        out.ids += [chunks["ids"][r] for r in live]
        out.texts += [chunks["documents"][r] for r in live]
        out.metas += [chunks["metadatas"][r] for r in live]
        out.labels += [features.labels[r] for r in live]
        out.title_bigrams += [features.title_bigrams[r] for r in live]
        out.doc_freq.update(features.doc_freq)
        unigrams.update(features.unigrams)
        bigrams.update(features.bigrams)
        dead = segment.deleted
        if dead:
            docs = [chunks["documents"][r] for r in dead]
            metas = [chunks["metadatas"][r] for r in dead]
            for document, meta in zip(docs, metas, strict=True):
                out.doc_freq.subtract(_terms(document, meta))
            gone_uni, gone_bi = count_syllables(docs)
            unigrams.subtract(gone_uni)
            bigrams.subtract(gone_bi)
    # what the deleted rows alone had is gone: no zero counts left behind
    out.accent_counts = (+unigrams, +bigrams)
    out.doc_freq = +out.doc_freq
    return out


def from_chunks(ids: list[str], texts: list[str], metas: list[dict]) -> Assembled:
    """The same, for an index whose chunks are not stored by segment (read from Chroma)."""
    features = compute(texts, metas)
    counts = (features.unigrams, features.bigrams)
    return Assembled(
        ids, texts, metas, features.labels, features.title_bigrams, features.doc_freq, counts
    )


def warm(index_dir: Path) -> int:
    """Compute and cache the features of the live generation's segments that have none yet
    (after `camnang ingest`, so that a server starting next reads them instead of deriving
    them); returns how many segments were computed."""
    store = IndexStore(index_dir)
    gen = store.current_dir()
    if gen is None or not is_current(gen / "lexical"):
        return 0
    cache_dir = store.root / "features"
    state = read_state(gen / "lexical") or {"segments": []}
    missing = [s for s in state["segments"] if not _path(cache_dir, s["name"]).exists()]
    for segment in missing:
        for_segment(cache_dir, stored_segment(gen / "lexical", segment))
    return len(missing)


def prune(cache_dir: Path, keep: set[str]) -> None:
    """Remove cached features of segments no kept generation uses."""
    if not cache_dir.is_dir():
        return
    for path in cache_dir.iterdir():
        name = path.name.split(".", 1)[0]
        if name not in keep:
            path.unlink(missing_ok=True)
