"""Hybrid retrieval: dense (Chroma + e5) and BM25 over accented and folded syllables, fused.

No single signal wins on this corpus: BM25 over folded text finds nearly everything but ranks
loosely; the embedder ranks well but misses queries typed without diacritics. Each signal is
normalised per query and combined with weights chosen on the gold set (see eval/).
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.retrievers import BaseRetriever

from assistant.questions import label_affinity, question_types, section_label
from assistant.scope import ScopeDetector, province_names
from assistant.statute import is_statute
from assistant.synonyms import SynonymMap, load_synonyms
from ingest.accents import AccentRestorer
from ingest.errors import EmbedderMismatch, IndexMissing, IndexUnavailable
from ingest.lexical import LexicalIndex, ocr_repair
from ingest.store import COLLECTION, IndexStore, Manifest, open_chroma
from ingest.text import fold, words


@dataclass(frozen=True)
class RetrievalConfig:
    # Chosen with `python -m eval.tune` on the gold set (grid search, 2-fold held-out check: both
    # folds chose these). With section passages the accented BM25 view and the question-type
    # label prior add nothing on top of dense + folded BM25, so they are off by default.
    dense_weight: float = 0.5
    plain_weight: float = 0.0
    folded_weight: float = 1.5
    label_weight: float = 0.0
    # A general question wants the rule before a worked case ("Tình huống") that applies it;
    # 0.3 helped on both halves of the gold set (eval/tune.py), and cases still rank when they
    # match clearly better.
    situation_penalty: float = 0.3
    # Laws below the handbook and resolutions on the same question (the answer still quotes the
    # article a handbook rule rests on), unless the question names the law. With the 17 laws in
    # the index the gold set lost 0.05 hit@1 to law articles; 0.5 brings it back within 0.01
    # (gold only: 0.3 → 0.899, 0.5 → 0.904, 0.8 → 0.904; with 200 dense candidates 0.909).
    statute_penalty: float = 0.5
    title_weight: float = 0.0  # how much of the procedure's own title the question contains
    # The question names the whole procedure ("… đăng ký khai sinh …" and "5.1. Đăng ký khai
    # sinh"): a precise signal where "5.6. Đăng ký lại khai sinh …" shares most words. 0.1-0.3
    # gave the same gain on the gold and the first held-out set (+1 question each, no loss).
    title_named_boost: float = 0.2
    # A question naming a province or a document number: other provinces' documents are pushed
    # down by this much, and the naming words are dropped from the passage-level query.
    scope_penalty: float = 0.5
    scope_boost: float = 0.2  # added to the documents the question names
    scope_strip: str = "lexical"  # "lexical", "all" (dense too) or "none"
    restore_accents: bool = True
    synonyms: bool = True
    use_dense: bool = True
    use_plain: bool = True
    use_folded: bool = True
    use_labels: bool = True
    # Small chunks are scored (one fact each); the whole procedure they belong to is returned,
    # so the answer sees the deadline next to the fee. Capped so a passage stays readable.
    merge_sections: bool = True
    max_passage_chars: int = 3200
    # Dense hits taken from Chroma: at least 60, and 2.5% of the index (200 of the 8k chunks
    # with the laws: gold hit@1 0.904 -> 0.909). The rest sit at the candidates' floor, so on a
    # small index a fixed 200 would stretch the dense scale over nearly every chunk.
    candidates: int = 60
    candidate_share: float = 0.025
    fusion: str = "linear"  # or "rrf"

    def dense_candidates(self, n: int) -> int:
        """How many dense hits to take from an index of n chunks."""
        return min(max(self.candidates, int(self.candidate_share * n)), n)

    def without(self, component: str) -> RetrievalConfig:
        """An ablation: the same retriever with one component switched off."""
        flags = {
            "dense": {"use_dense": False},
            "bm25-plain": {"use_plain": False},
            "bm25-folded": {"use_folded": False},
            "accent-restoration": {"restore_accents": False},
            "synonyms": {"synonyms": False},
            "question-type labels": {"use_labels": False},
            "section passages": {"merge_sections": False},
            "situation prior": {"situation_penalty": 0.0},
            "named-document scope": {
                "scope_penalty": 0.0,
                "scope_boost": 0.0,
                "scope_strip": "none",
            },
            "procedure named": {"title_named_boost": 0.0},
        }
        return replace(self, **flags[component])


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
    signals: dict = field(default_factory=dict)

    def to_document(self) -> Document:
        return Document(
            page_content=self.text, metadata={k: v for k, v in self.__dict__.items() if k != "text"}
        )


class IndexSnapshot:
    """One published generation, loaded: vector store, BM25, chunk table, accent model."""

    def __init__(self, store: IndexStore, embeddings: Embeddings) -> None:
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
        self.vectorstore = open_chroma(gen_dir, embeddings)
        collection = self.vectorstore._client.get_collection(COLLECTION)
        got = collection.get(include=["documents", "metadatas"])
        self.ids: list[str] = got["ids"]
        self.texts: list[str] = got["documents"]
        self.metas: list[dict] = got["metadatas"]
        self.position = {cid: i for i, cid in enumerate(self.ids)}
        lexical_dir = gen_dir / "lexical"
        self.lexical = (
            LexicalIndex.load(lexical_dir)
            if LexicalIndex.is_current(lexical_dir)
            else LexicalIndex.in_memory(self.ids, self.texts, self.metas)
        )
        order = [self.position[i] for i in self.lexical.ids]  # lexical rows -> our rows
        self._lex_to_row = np.asarray(order, dtype=np.int64)
        self.doc_ids = np.asarray([m["doc_id"] for m in self.metas])
        self.restorer = AccentRestorer(self.texts)
        self.scope = ScopeDetector(
            {d: rec.meta for d, rec in self.manifest.docs.items()}, province_names()
        )
        self.labels = [section_label(m.get("section", "")) for m in self.metas]
        self._section_cache: dict[tuple[str, str], list[int]] = {}
        self.title_bigrams = [title_bigrams(m.get("section", "")) for m in self.metas]
        # the laws the index holds, by doc_id (their legal-basis links and their rank)
        self.statute_metas = {
            d: rec.meta for d, rec in self.manifest.docs.items() if is_statute(rec.meta)
        }
        self.statute_docs = frozenset(self.statute_metas)
        self.is_statute = np.asarray(
            [float(m["doc_id"] in self.statute_docs) for m in self.metas], dtype=np.float32
        )
        self.is_situation = np.asarray(
            [float("tình huống" in m.get("section", "").lower()) for m in self.metas],
            dtype=np.float32,
        )
        self.doc_freq: Counter[str] = Counter()
        for text, meta in zip(self.texts, self.metas, strict=True):
            self.doc_freq.update(set(content_terms(f"{meta.get('section', '')} {text}")))
        by_doc: dict[str, list[int]] = {}
        for i, m in enumerate(self.metas):
            by_doc.setdefault(m["doc_id"], []).append(i)
        self.rows_by_doc = {
            d: sorted(rows, key=lambda r: self.metas[r]["chunk_index"])
            for d, rows in by_doc.items()
        }

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


class SnapshotProvider:
    """Hands out the current snapshot; reloads when an ingest publishes a new generation."""

    def __init__(self, index_dir: Path, embeddings: Embeddings) -> None:
        self.store = IndexStore(index_dir)
        self.embeddings = embeddings
        self._snapshot: IndexSnapshot | None = None
        self._lock = threading.Lock()

    def get(self) -> IndexSnapshot:
        name = self.store.current_name()
        snap = self._snapshot
        if snap is not None and snap.generation == name:
            return snap
        with self._lock:
            if self._snapshot is None or self._snapshot.generation != self.store.current_name():
                self._snapshot = IndexSnapshot(self.store, self.embeddings)
            return self._snapshot

    @property
    def ready(self) -> bool:
        try:
            self.get()
            return True
        except IndexUnavailable:
            return False


def _normalise(scores: np.ndarray) -> np.ndarray:
    top = float(scores.max()) if scores.size else 0.0
    return scores / top if top > 0 else np.zeros_like(scores)


_CONTENT = re.compile(r"\w+")
STOP = set(
    [
        "là",
        "và",
        "của",
        "có",
        "cho",
        "các",
        "được",
        "không",
        "những",
        "thì",
        "với",
        "trong",
        "khi",
        "nào",
        "gì",
        "ai",
        "bao",
        "nhiêu",
        "thế",
        "sao",
        "như",
        "này",
        "đó",
        "một",
        "hay",
        "hoặc",
        "ở",
        "tại",
        "về",
        "theo",
        "để",
        "do",
        "bị",
        "phải",
        "cần",
        "làm",
        "ra",
        "vào",
        "lên",
        "nếu",
        "mà",
        # question words and the small talk around a question: they say nothing about the topic
        "mấy",
        "người",
        "mỗi",
        "vậy",
        "rồi",
        "chưa",
        "đâu",
        "nên",
        "cũng",
        "đã",
        "sẽ",
        "đang",
        "còn",
        "hãy",
        "xin",
        "biết",
        "hỏi",
        "giúp",
        "tôi",
        "em",
        "anh",
        "chị",
        "mình",
        "ạ",
        "nhé",
        "ơi",
        "thể",
    ]
)
STOP |= {fold(w) for w in STOP}


def title_bigrams(section: str) -> set[tuple[str, str]]:
    """Content bigrams of the procedure a chunk belongs to: the last heading that is not a
    handbook label ("5.1. Đăng ký khai sinh" in "… › 5.1. Đăng ký khai sinh › Lệ phí")."""
    parts = [p.strip() for p in section.split("›") if p.strip()]
    titled = [
        p for p in parts if re.match(r"^(\d|[IVX]+[.\-]|\(|[a-z]\)|Tình huống|Điều|Chương)", p)
    ]
    if not titled:
        return set()
    terms = content_terms(re.sub(r"^[\dIVX.()\-]+\s*", "", titled[-1]))
    return set(zip(terms, terms[1:], strict=False))


def title_match(folded_query: str, bigrams: list[set[tuple[str, str]]]) -> np.ndarray:
    """Share of each chunk's procedure-title bigrams that the question contains."""
    terms = content_terms(folded_query)
    asked = set(zip(terms, terms[1:], strict=False))
    return np.asarray([len(b & asked) / len(b) if b else 0.0 for b in bigrams], dtype=np.float32)


def content_terms(text: str) -> list[str]:
    """Accent-folded, OCR-repaired syllables that carry meaning (no function words)."""
    return [w for w in words(ocr_repair(fold(text))) if w not in STOP and len(w) > 1]


def scope_prior(snap: IndexSnapshot, question: str, config: RetrievalConfig) -> np.ndarray:
    """Each chunk's prior from the documents the question names (assistant/scope.py): other
    provinces' documents down, the named ones up."""
    scope = snap.scope.detect(question)
    prior = np.zeros(len(snap.ids), dtype=np.float32)
    if config.scope_penalty and scope.other:
        prior -= config.scope_penalty * np.isin(snap.doc_ids, list(scope.other))
    if config.scope_boost and scope.named:
        prior += config.scope_boost * np.isin(snap.doc_ids, list(scope.named))
    return prior


def _rest(text: str, snap: IndexSnapshot) -> str:
    """The text without the words that name a document (they choose the document, see scope)."""
    return snap.scope.detect(text).rest if text else ""


class HybridSearcher:
    def __init__(
        self,
        provider: SnapshotProvider,
        config: RetrievalConfig | None = None,
        synonyms: SynonymMap | None = None,
    ) -> None:
        self.provider = provider
        self.config = config or RetrievalConfig()
        self.synonyms = synonyms or load_synonyms()

    def prepare_query(
        self, query: str, snap: IndexSnapshot, config: RetrievalConfig, context: str = ""
    ) -> dict[str, str]:
        """The text each signal searches with. `context` is what a follow-up carries over from
        the previous turn. Words naming a document are left to the scope prior for BM25 (they
        match its preamble, not the passage that answers); the embedder reads everything."""
        full = f"{query} {context}".strip()
        lexical = (full if config.scope_strip == "none" else _rest(full, snap)) or full
        views = self._views(lexical, snap, config)
        if config.scope_strip != "all" and lexical != full:
            views["dense"] = self._views(full, snap, config)["dense"]
        return views

    def _views(self, query: str, snap: IndexSnapshot, config: RetrievalConfig) -> dict[str, str]:
        expanded = self.synonyms.expand(query) if config.synonyms else query
        restored = snap.restorer.restore(query) if config.restore_accents else query
        if config.synonyms and expanded != query:
            restored = f"{restored} ({'; '.join(self.synonyms.expansions(query))})"
        return {"dense": restored, "plain": restored, "folded": fold(expanded)}

    def search(
        self,
        query: str,
        k: int = 8,
        filters: dict | None = None,
        config: RetrievalConfig | None = None,
        context: str = "",
    ) -> list[Passage]:
        config = config or self.config
        snap = self.provider.get()
        n = len(snap.ids)
        if n == 0 or not query.strip():
            return []
        q = self.prepare_query(query, snap, config, context)
        allowed = snap.allowed_docs(filters)
        mask = np.ones(n, dtype=bool) if allowed is None else np.isin(snap.doc_ids, list(allowed))
        if not mask.any():
            return []
        signals: dict[str, np.ndarray] = {}
        if config.use_dense:
            dense = np.zeros(n, dtype=np.float32)
            where = None if allowed is None else {"doc_id": {"$in": sorted(allowed)}}
            # LangChain's Chroma returns cosine *distances* here (lower is closer).
            hits = snap.vectorstore.similarity_search_by_vector_with_relevance_scores(
                self.provider.embeddings.embed_query(q["dense"]),
                k=config.dense_candidates(n),
                filter=where,
            )
            sims = [(doc, 1.0 - distance) for doc, distance in hits]
            dense[:] = min((s for _, s in sims), default=0.0)
            for doc, sim in sims:
                row = snap.position.get(doc.id) if doc.id else None
                if row is not None:
                    dense[row] = sim
            signals["dense"] = dense
        for view, flag, weight in (
            ("plain", config.use_plain, config.plain_weight),
            ("folded", config.use_folded, config.folded_weight),
        ):
            if flag and weight:
                raw = snap.lexical.scores(q[view], view)
                aligned = np.zeros(n, dtype=np.float32)
                aligned[snap._lex_to_row] = raw
                signals[view] = aligned
        if config.use_labels and config.label_weight:
            types = question_types(query)
            signals["label"] = np.asarray(
                [label_affinity(types, lab) for lab in snap.labels], dtype=np.float32
            )
        fused = self._fuse(signals, mask, config)
        if config.situation_penalty:
            fused = fused - config.situation_penalty * snap.is_situation
        if config.statute_penalty and not snap.scope.detect(query).named & snap.statute_docs:
            # the handbook's rule before the article it rests on (which the answer still
            # quotes as its basis), unless the question names a law
            fused = fused - config.statute_penalty * snap.is_statute
        fused = fused + scope_prior(snap, f"{query} {context}".strip(), config)
        if config.title_weight or config.title_named_boost:
            signals["title"] = title_match(q["folded"], snap.title_bigrams)
            fused = fused + config.title_weight * signals["title"]
            fused = fused + config.title_named_boost * (signals["title"] >= 1.0)
        order = [int(i) for i in np.argsort(-fused) if mask[i]]
        if not config.merge_sections:
            return [
                snap.passage(i, float(fused[i]), {name: float(s[i]) for name, s in signals.items()})
                for i in order[:k]
            ]
        # Each section is ranked by its best chunk. One passage per article of a law: an
        # article too long to show whole is shown by its best khoản, and its other khoản do not
        # take the remaining places.
        passages: list[Passage] = []
        taken: set[tuple[str, str]] = set()
        for i in order:
            key = snap.parent_key(i, config.max_passage_chars)
            group = (key[0], key[1].split(" › ", 1)[0]) if key[1].startswith("Điều ") else key
            if group in taken:
                continue
            taken.add(group)
            passages.append(
                snap.section_passage(
                    i, key, float(fused[i]), {name: float(s[i]) for name, s in signals.items()}
                )
            )
            if len(passages) == k:
                break
        return passages

    def _fuse(
        self, signals: dict[str, np.ndarray], mask: np.ndarray, config: RetrievalConfig
    ) -> np.ndarray:
        weights = {
            "dense": config.dense_weight,
            "plain": config.plain_weight,
            "folded": config.folded_weight,
            "label": config.label_weight,
        }
        total = np.zeros(mask.shape[0], dtype=np.float32)
        for name, scores in signals.items():
            s = np.where(mask, scores, 0.0)
            if name == "label":
                total += weights[name] * s  # already on a fixed scale: -1..1
            elif config.fusion == "rrf":
                ranks = np.empty_like(s)
                ranks[np.argsort(-s)] = np.arange(1, s.size + 1)
                total += weights[name] / (60.0 + ranks)
            elif name == "dense":
                lo = float(s[mask].min())
                total += weights[name] * _normalise(np.where(mask, s - lo, 0.0))
            else:
                total += weights[name] * _normalise(s)
        return total


class HybridRetriever(BaseRetriever):
    """The searcher as a LangChain retriever, so it composes with runnables."""

    searcher: HybridSearcher
    k: int = 8
    filters: dict | None = None

    model_config = {"arbitrary_types_allowed": True}

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        return [
            p.to_document() for p in self.searcher.search(query, k=self.k, filters=self.filters)
        ]
