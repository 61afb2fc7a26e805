"""One published index generation, loaded for answering, and the provider that swaps it.

The snapshot holds what every question reads: the chunk table (texts, metadata, rows by
document), the BM25 views, the accent restorer, the scope detector and the per-chunk features
ranking uses. The provider reloads it when the ingest publishes a new generation.
"""

from __future__ import annotations

import json
import logging
import math
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant import snapshot_features
from assistant.query_terms import TitleIndex, content_terms
from assistant.scope import ScopeDetector
from assistant.statute import is_statute
from assistant.validity import out_of_force
from ingest.accents import AccentRestorer
from ingest.errors import EmbedderMismatch, IndexMissing, IndexUnavailable
from ingest.lexical import LexicalIndex, live_segments
from ingest.paging import read_collection
from ingest.remote_store import RemoteIndexStore
from ingest.store import IndexStore, Manifest
from ingest.text import nfc
from ingest.vocabulary import question_province_names

log = logging.getLogger(__name__)


@dataclass
class Passage:
    id: str
    doc_id: str
    text: str
    title: str
    number: str
    doc_type: str
    section: str
    status: str
    start: int
    end: int
    page: int
    chunk_index: int
    score: float = 0.0
    review: str = ""  # why its section must be checked ("**Cần rà soát:** …"), if it must
    signals: dict = field(default_factory=dict)


class IndexSnapshot:
    """One published generation, loaded: vector store, BM25, chunk table, accent model."""

    def __init__(self, store: IndexStore | RemoteIndexStore, embeddings: Embeddings) -> None:
        gen_dir = store.current_dir()
        if gen_dir is None:
            raise IndexMissing(
                f"No index in {store.root}: run `camnang ingest` first.",
            )
        self.generation = gen_dir.name
        self.manifest: Manifest = store.manifest(gen_dir)  # type: ignore[assignment]
        embedder = getattr(embeddings, "model_id", "?")
        if self.manifest.embedder != embedder:
            raise EmbedderMismatch(
                f"The index in {store.root} was built with embedder {self.manifest.embedder!r} but "
                f"{embedder!r} is configured; re-ingest (`camnang ingest`) or change "
                "CAMNANG_EMBEDDING_BACKEND back."
            )
        self.vectorstore = store.open_vectorstore(gen_dir, embeddings, self.manifest)
        self.search = store.open_search(gen_dir, self.vectorstore)
        # the laws the index holds, by doc_id (their legal-basis links and their rank)
        self.statute_metas = {
            d: rec.meta for d, rec in self.manifest.docs.items() if is_statute(rec.meta)
        }
        self.statute_docs = frozenset(self.statute_metas)
        lexical_dir = gen_dir / "lexical"
        if LexicalIndex.is_current(lexical_dir):  # chunks and their features, by segment
            features_dir = store.root / "features"
            rows = snapshot_features.assemble(features_dir, live_segments(lexical_dir))
            statute = self._statute_rows(rows.metas)
            self.lexical = LexicalIndex.load(lexical_dir, rows.ids, statute)
            snapshot_features.prune(features_dir, _segments_in_use(store))
        else:  # on a Chroma server, or from before segments: every chunk read back
            got = read_collection(self.vectorstore.get, ["documents", "metadatas"])
            rows = snapshot_features.from_chunks(got["ids"], got["documents"], got["metadatas"])
            statute = self._statute_rows(rows.metas)
            self.lexical = LexicalIndex.in_memory(rows.ids, rows.texts, rows.metas, statute)
        self.ids: list[str] = rows.ids
        self.texts: list[str] = rows.texts
        self.metas: list[dict] = rows.metas
        self.position = {cid: i for i, cid in enumerate(self.ids)}
        order = [self.position[i] for i in self.lexical.ids]  # lexical rows -> our rows
        self.lex_to_row = np.asarray(order, dtype=np.int64)
        self.doc_ids = np.asarray([m["doc_id"] for m in self.metas])
        self.restorer = AccentRestorer(counts=rows.accent_counts)
        self.scope = ScopeDetector(
            {d: rec.meta for d, rec in self.manifest.docs.items()}, question_province_names()
        )
        self.labels = rows.labels
        self._section_cache: dict[tuple[str, str], list[int]] = {}
        self.title_bigrams = rows.title_bigrams
        self.title_index = TitleIndex(rows.title_bigrams)
        # texts no longer in force (doc id -> why), answered from only when a question names them
        self.out_of_force = out_of_force({d: rec.meta for d, rec in self.manifest.docs.items()})
        self.in_force = ~np.isin(self.doc_ids, list(self.out_of_force))
        self.is_statute = statute.astype(np.float32)
        # the rows of each collection BM25 keeps statistics for (`LexicalIndex`): the laws, and
        # everything else; none apart when the index holds only one of them
        parts = [np.flatnonzero(statute == 0), np.flatnonzero(statute)]
        self.collections = parts if all(p.size for p in parts) else []
        self.is_situation = np.asarray(
            [float("tình huống" in m.get("section", "").lower()) for m in self.metas],
            dtype=np.float32,
        )
        self.doc_freq: Counter[str] = rows.doc_freq
        by_doc: dict[str, list[int]] = {}
        for i, m in enumerate(self.metas):
            by_doc.setdefault(m["doc_id"], []).append(i)
        self.rows_by_doc = {
            d: sorted(rows, key=lambda r: self.metas[r]["chunk_index"])
            for d, rows in by_doc.items()
        }
        self._doc_rows = {d: np.asarray(rows, dtype=np.int64) for d, rows in by_doc.items()}

    def _statute_rows(self, metas: list[dict]) -> np.ndarray:
        """1 on a law's chunks, 0 elsewhere: BM25 keeps the laws' statistics apart."""
        return np.asarray([m["doc_id"] in self.statute_docs for m in metas], dtype=np.int64)

    @cached_property
    def headings(self) -> tuple[str, ...]:
        """What the documents are about, by their own titles and headings (lower-case, NFC);
        read when first asked, not at every load."""
        titles = {
            nfc(str(rec.meta.get("title") or "")).lower() for rec in self.manifest.docs.values()
        }
        parts = {
            nfc(part.strip()).lower()
            for m in self.metas
            for part in m.get("section", "").split("›")
            if part.strip()
        }
        return tuple(sorted(titles | parts))

    def nearest(self, vector: list[float], k: int, where: dict | None) -> list[tuple[str, float]]:
        """(chunk id, cosine distance) of the k nearest chunks, from the store's search."""
        return self.search.nearest(vector, k, where)

    def embedding_matrix(self) -> np.ndarray:
        """Every chunk's vector, in the snapshot's row order (for the tuner's offline scoring)."""
        got = read_collection(self.vectorstore.get, ["embeddings"])
        at = {cid: i for i, cid in enumerate(got["ids"])}
        return np.asarray(got["embeddings"], dtype=np.float32)[[at[i] for i in self.ids]]

    def doc_mask(self, doc_ids) -> np.ndarray:
        """True on the chunks of these documents (np.isin over 100k id strings cost ~20 ms)."""
        mask = np.zeros(len(self.ids), dtype=bool)
        for doc_id in doc_ids:
            rows = self._doc_rows.get(doc_id)
            if rows is not None:
                mask[rows] = True
        return mask

    def passage(self, row: int, score: float = 0.0, signals: dict | None = None) -> Passage:
        m = self.metas[row]
        return Passage(
            id=self.ids[row],
            doc_id=m["doc_id"],
            text=self.texts[row],
            title=m.get("title", ""),
            number=m.get("number", ""),
            doc_type=m.get("doc_type", ""),
            section=m.get("section", ""),
            status=m.get("status", ""),
            start=m["start"],
            end=m["end"],
            page=m.get("page", 0),
            chunk_index=m["chunk_index"],
            score=score,
            review=m.get("review", ""),
            signals=signals or {},
        )

    def parent_key(self, row: int, max_chars: int) -> tuple[str, str]:
        """The section a chunk is returned with: its procedure when the chunk is one labelled
        fact of it ("… › 5.1. Đăng ký khai sinh › Lệ phí"), else its own section. Falls back to
        the chunk alone when the section would be longer than `max_chars`."""
        meta = self.metas[row]
        section = meta.get("section", "")
        parent = (
            section.rsplit(" › ", 1)[0]
            if self.labels[row]
            and " › " in section
            and not re.match(r"^[\dIVX(]", section.rsplit(" › ", 1)[-1])
            else section
        )
        candidates = [parent]
        if parent != section and parent.startswith("Điều "):
            candidates.append(section)  # an article too long to show whole: its khoản
        for candidate in candidates:
            rows = self._section_rows(meta["doc_id"], candidate)
            if self.metas[rows[-1]]["end"] - self.metas[rows[0]]["start"] <= max_chars:
                return meta["doc_id"], candidate
        return meta["doc_id"], f"#{self.ids[row]}"

    def article_passage(self, doc_id: str, article: str) -> Passage | None:
        """The whole of one article of a statute ("Điều 20"), as a passage; None if the index
        does not hold it."""
        heads = (f"Điều {article}", f"Điều {article}. ")
        rows = [
            r
            for r in self.rows_by_doc.get(doc_id, [])
            if (s := self.metas[r].get("section", "").split(" › ", 1)[0]) == heads[0]
            or s.startswith(heads[1])
        ]
        if not rows:
            return None
        parent = self.metas[rows[0]]["section"].split(" › ", 1)[0]
        return self.section_passage(rows[0], (doc_id, parent), 0.0, {})

    def _section_rows(self, doc_id: str, parent: str) -> list[int]:
        key = (doc_id, parent)
        if key not in self._section_cache:
            rows = self.rows_by_doc.get(doc_id, [])
            self._section_cache[key] = [
                r
                for r in rows
                if self.metas[r].get("section", "") == parent
                or self.metas[r].get("section", "").startswith(parent + " › ")
            ]
        return self._section_cache[key]

    def section_passage(
        self, row: int, key: tuple[str, str], score: float, signals: dict
    ) -> Passage:
        """One passage spanning a section's chunks: an exact slice of the document text (the
        whitespace between chunks is restored as newlines, which is all it ever is)."""
        doc_id, parent = key
        if parent.startswith("#"):
            return self.passage(row, score, signals)
        rows = self._section_rows(doc_id, parent)
        if len(rows) == 1:
            return self.passage(rows[0], score, signals)
        first = self.passage(rows[0], score, signals)
        text, end = "", first.start
        for r in rows:
            m = self.metas[r]
            if m["start"] > end:
                text += "\n" * (m["start"] - end)
                text += self.texts[r]
            else:  # overlapping chunks of one long section
                text += self.texts[r][end - m["start"] :]
            end = max(end, m["end"])
        first.text, first.end, first.section = text, end, parent
        first.id = self.ids[row]  # the chunk that matched, for logs and feedback
        return first

    def idf(self, term: str) -> float:
        """Rarity of a folded syllable in this corpus; a term the corpus never uses weighs most."""
        n = len(self.ids) or 1
        return math.log(1 + (n - self.doc_freq[term] + 0.5) / (self.doc_freq[term] + 0.5))

    def weighted_coverage(self, query: str, text: str) -> float:
        """Share of the query's content, weighted by rarity, that the text contains: a question
        about "giá vàng" matched only on "giá" covers little, however long the passage."""
        terms = set(content_terms(query))
        if not terms:
            return 0.0
        have = set(content_terms(text))
        total = sum(self.idf(t) for t in terms)
        return sum(self.idf(t) for t in terms if t in have) / total if total else 0.0

    def allowed_docs(self, filters: dict | None) -> set[str] | None:
        """Filters (type, field, province, status, doc_id) resolved to document ids via the manifest."""
        if not filters:
            return None
        allowed = set()
        for doc_id, rec in self.manifest.docs.items():
            meta = rec.meta
            ok = True
            for key, wanted in filters.items():
                if wanted in (None, "", []):
                    continue
                wanted_set = {w.lower() for w in ([wanted] if isinstance(wanted, str) else wanted)}
                if key == "doc_id":
                    have = {doc_id.lower()}
                elif key == "field":
                    have = {f.lower() for f in meta.get("fields") or []}
                else:
                    have = {str(meta.get(key) or "").lower()}
                ok = ok and bool(have & wanted_set)
            if ok:
                allowed.add(doc_id)
        return allowed


def _segments_in_use(store: IndexStore) -> set[str]:
    """The BM25 segments of every generation still on disk (the previous one may be served)."""
    names: set[str] = set()
    for state_file in store.generations.glob("gen-*/lexical/segments.json"):
        try:
            names |= {s["name"] for s in json.loads(state_file.read_text("utf-8"))["segments"]}
        except (OSError, ValueError, KeyError):
            continue  # a generation being pruned or written right now
    return names


class SnapshotProvider:
    """Hands out the current snapshot; reloads when an ingest publishes a new generation (on a
    Chroma server, seen within `index_poll_seconds`: see ingest/remote_store.py)."""

    def __init__(
        self,
        index_dir: Path,
        embeddings: Embeddings,
        store: IndexStore | RemoteIndexStore | None = None,
    ) -> None:
        self.store = store or IndexStore(index_dir)
        self.embeddings = embeddings
        self._snapshot: IndexSnapshot | None = None
        self._lock = threading.Lock()

    def get(self) -> IndexSnapshot:
        name = self.store.current_name()
        snap = self._snapshot
        if snap is not None and snap.generation == name:
            return snap
        if snap is not None and not self._lock.acquire(blocking=False):
            # another request is loading the new generation (seconds at 100k chunks): answer
            # from the one loaded meanwhile, whose files the store keeps (keep=2)
            return snap
        if snap is None:
            self._lock.acquire()
        try:
            if self._snapshot is None or self._snapshot.generation != self.store.current_name():
                started = time.perf_counter()
                self._snapshot = IndexSnapshot(self.store, self.embeddings)
                log.info(
                    "Loaded index generation %s (%d chunks) in %.1f s",
                    self._snapshot.generation,
                    len(self._snapshot.ids),
                    time.perf_counter() - started,
                )
            return self._snapshot
        finally:
            self._lock.release()

    @property
    def ready(self) -> bool:
        try:
            self.get()
            return True
        except IndexUnavailable:
            return False
