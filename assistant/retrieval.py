"""Hybrid retrieval: dense (Chroma + e5) and BM25 over accented and folded syllables, fused.

No single signal wins on this corpus: BM25 over folded text finds nearly everything but ranks
loosely; the embedder ranks well but misses queries typed without diacritics. Each signal is
normalised per query and combined with weights chosen on the gold set (see eval/).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from assistant.confidence import LEGAL_CONFIDENCE_FROM
from assistant.intent import LawIntent, load_law_intent
from assistant.provenance import is_unreviewed
from assistant.query_adapter import QueryAdapter, load_query_adapter
from assistant.questions import label_affinity, question_types
from assistant.related import basis_first
from assistant.snapshot import IndexSnapshot, Passage, SnapshotProvider
from assistant.synonyms import SynonymMap, load_synonyms
from ingest.text import fold

# The title signal's value when the question contains the procedure's whole title: "named"
TITLE_NAMED = 1.0


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
    # A citizen's legal question (assistant/intent.py: P > 0.5) is ranked with its own weights:
    # the embedder ranks a law's articles better than BM25 on everyday wording, and the
    # handbook comes first only when clearly better. Chosen with cross-validated routing on
    # eval/dev_laws and the gold set (eval/dev_laws/README.md): dev_laws hit@1 0.673 -> 0.731,
    # gold unchanged; penalty 0 or dense 1.25-1.5 gained more on dev_laws but cost gold 0.01.
    # With the routing refitted on eval/dev_laws2 (stop 26), a grid on gold, dev_laws and
    # dev_laws2 (dense 0.75-2, penalty 0-0.3, basis window 0/3) chose dense 1.25 and penalty 0:
    # dev_laws2 hit@1 0.669 -> 0.693, dev_laws 0.763 both, gold 0.909 -> 0.904. The full grid of
    # `python -m eval.tune` (gold and both law sets) chooses the same weights; each half of its
    # 2-fold check chooses others, which score below these on the other half.
    # With the query adapter (stop 33) the dense signal ranks a law's articles better still:
    # `python -m eval.tune --adapters DIR`, each set ranked with the map fitted without it, chose
    # dense 2.0 (penalty 0): dev_laws hit@1 0.814 -> 0.840, dev_laws2 0.742 -> 0.755, gold
    # unchanged; 2.5 lost dev_laws2 (0.736) again (eval/dev_laws2/README.md).
    law_intent: bool = True
    law_intent_threshold: float = 0.5
    law_dense_weight: float = 2.0
    law_statute_penalty: float = 0.0
    # A question that reads surely as a citizen's legal one (P > 0.6, as for the legal refusal
    # model) and finds a handbook section first: the article that section names as its legal
    # basis goes first when it is retrieved within the first 3 passages (the answer quotes
    # both). On eval/dev_laws hit@1 0.731 -> 0.756, gold unchanged (eval/dev_laws/README.md).
    law_basis_window: int = 3
    law_basis_from: float = LEGAL_CONFIDENCE_FROM
    # A short concept question ("X là gì?", "X gồm những gì?"): the chunks that define X word
    # for word get this share of the most the fused signals can give (`boost_scale`), so the
    # definition comes first. It was 0.8 added to the general weights' 2.0 (0.4 of them); a
    # citizen's question weighs the dense signal more (2.0 + 1.5), and with 0.8 "Nguyên tắc 6 rõ
    # gồm những gì?" (P 0.52) found the laws' "nguyên tắc" articles before the Bắc Ninh
    # resolution that defines "6 rõ". Any share from 0.4 to 1.5 scored the same on the
    # development sets (eval/dev_laws2/README.md, stop 33).
    concept_boost: float = 1.0
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
    # BM25 orders the laws by their own statistics and the handbook and resolutions by theirs
    # (ingest/bm25_segments.py `Scorer`, `on_pooled_scale`): pooled, the laws' 7k chunks shifted
    # the handbook's term weights and reordered its own sections. On the development sets gold
    # hit@1 0.934 -> 0.949 (0.949 without the laws in the index), dev_near 0.850 -> 0.867
    # (0.876), the law sets -1 question (eval/dev_near/README.md, stop 35).
    collection_statistics: bool = True
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
    # The question's vector moved towards where the documents answer such questions
    # (assistant/query_adapter.py), when a map fitted for this embedder is present.
    query_adapter: bool = True

    def for_question(self, law_probability: float) -> RetrievalConfig:
        """The weights for this question: the legal-question profile when it reads as one."""
        if not self.law_intent or law_probability <= self.law_intent_threshold:
            return self
        return replace(
            self, dense_weight=self.law_dense_weight, statute_penalty=self.law_statute_penalty
        )

    def boost_scale(self) -> float:
        """The most a chunk's linearly fused signals can add up to under these weights."""
        return self.dense_weight + self.plain_weight + self.folded_weight

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
            "law-intent routing": {"law_intent": False},
            "legal basis first": {"law_basis_window": 0},
            "query adapter": {"query_adapter": False},
            "collection statistics": {"collection_statistics": False},
        }
        return replace(self, **flags[component])


def on_pooled_scale(
    own: np.ndarray, pooled: np.ndarray, collections: list[np.ndarray]
) -> np.ndarray:
    """Each collection's BM25 scores from its own statistics (`own`), scaled so that its best
    chunk scores what it does with every collection's statistics pooled: the order within a
    collection is its own, the laws against the handbook are weighed as before. Unscaled, the
    laws' own statistics made their rare words ("thường trú" is rare among laws) outscore the
    handbook on officials' questions, which then lost the handbook's coverage and were refused."""
    out = np.zeros_like(pooled)
    for rows in collections:  # each collection's rows
        top = float(own[rows].max())
        if top > 0:
            out[rows] = own[rows] * (float(pooled[rows].max()) / top)
    return out


def _normalise(scores: np.ndarray) -> np.ndarray:
    top = float(scores.max()) if scores.size else 0.0
    return scores / top if top > 0 else np.zeros_like(scores)


def scope_prior(snap: IndexSnapshot, question: str, config: RetrievalConfig) -> np.ndarray:
    """Each chunk's prior from the documents the question names (assistant/scope.py): other
    provinces' documents down, the named ones up."""
    scope = snap.scope.detect(question)
    prior = np.zeros(len(snap.ids), dtype=np.float32)
    if config.scope_penalty and scope.other:
        prior -= config.scope_penalty * snap.doc_mask(scope.other)
    if config.scope_boost and scope.named:
        prior += config.scope_boost * snap.doc_mask(scope.named)
    return prior


def _rest(text: str, snap: IndexSnapshot) -> str:
    """The text without the words that name a document (they choose the document, see scope)."""
    return snap.scope.detect(text).rest if text else ""


_CONCEPT = re.compile(
    r"^(?:(?:cho (?:toi |em )?hoi|xin hoi)\s+)?(?P<x>.+?)\s+(?:la gi|la ai|la cai gi|nghia la gi|"
    r"gom nhung gi|gom gi|bao gom nhung gi|gom nhung noi dung gi|la nhu the nao)\s*[?.!]*$"
)


def concept_of(question: str) -> str:
    """ "6 ro" for "6 rõ là gì?": the phrase a short concept question asks about ("" if none)."""
    m = _CONCEPT.match(" ".join(fold(question).lower().split()))
    if not m or len(m.group("x").split()) > 6:
        return ""
    return m.group("x")


@lru_cache(maxsize=1024)  # asked of every quotable unit of an answer (select_units `leads`)
def _definition(question: str) -> re.Pattern[str] | None:
    """Where a text defines the concept a "X là gì?" question asks about (accent-folded): X
    quoted, or followed by ":", "là", "gồm", "bao gồm", "được hiểu" ('nguyên tắc "6 rõ": Rõ
    người, …', "Hộ tịch là …"). A mere mention ("… hộ chiếu, thẻ căn cước …") is no definition.
    None when the question asks about no concept."""
    words = re.findall(r"\w+", concept_of(question))
    if not words:
        return None
    phrase = r"\W+".join(map(re.escape, words))
    return re.compile(
        rf"[\"“'‘]{phrase}[\"”'’]|(?<!\w){phrase}[\"”'’]?\s*(?::|\s(?:la|gom|bao gom|duoc hieu)(?:\s|:))"
    )


def defines(question: str, text: str) -> bool:
    """Whether `text` defines, word for word, the concept a "X là gì?" question asks about."""
    pattern = _definition(question)
    return pattern is not None and bool(pattern.search(fold(text).lower()))


def concept_rows(snap: IndexSnapshot, question: str) -> np.ndarray:
    """Rows whose text defines the concept's phrase as written (accent-folded)."""
    pattern = _definition(question)
    if pattern is None:
        return np.zeros(0, dtype=np.int64)
    candidates = snap.lex_to_row[snap.lexical.rows_with_all(concept_of(question), "folded")]
    hits = [r for r in sorted(candidates.tolist()) if pattern.search(fold(snap.texts[r]).lower())]
    return np.asarray(hits, dtype=np.int64)


@dataclass(frozen=True)
class Measured:
    """A question's signals over every chunk, before any weight is applied."""

    query: str
    context: str
    law_probability: float
    mask: np.ndarray  # chunks it may be answered from (filters, texts in force)
    signals: dict[str, np.ndarray]


def reviewed_first(passages: list[Passage]) -> list[Passage]:
    """Unreviewed uploads after every reviewed passage, each group in rank order: an upload
    can add to an answer but never displace the maintainers' documents."""
    return sorted(passages, key=lambda p: is_unreviewed(p.status))


def _unit(doc_id: str, section: str) -> tuple[str, str]:
    """The article (a law's passages may be its khoản) or section a passage belongs to: one
    passage per unit in a ranking."""
    return doc_id, section.split(" › ", 1)[0] if section.startswith("Điều ") else section


class HybridSearcher:
    def __init__(
        self,
        provider: SnapshotProvider,
        config: RetrievalConfig | None = None,
        synonyms: SynonymMap | None = None,
        intent: LawIntent | None = None,
        adapter: QueryAdapter | None = None,
    ) -> None:
        self.provider = provider
        self.config = config or RetrievalConfig()
        self.synonyms = synonyms or load_synonyms()
        self.intent = intent or load_law_intent()
        self.adapter = adapter or load_query_adapter()

    def law_probability(self, query: str) -> float:
        """How surely this is a citizen's legal question (0 with routing off)."""
        return self.intent.probability(query) if self.config.law_intent else 0.0

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
        measured = self.measure(query, config, filters, context)
        if measured is None:
            return []
        passages = self.rank(measured, config, k)
        if passages and config.law_intent and measured.law_probability > config.law_basis_from:
            # for the answer's decision only: the tuner's many rankings (`rank`) skip it
            routed = config.for_question(measured.law_probability)
            passages[0].signals["agreement"] = float(self._agree(measured, routed, passages[0]))
        return passages

    def measure(
        self,
        query: str,
        config: RetrievalConfig | None = None,
        filters: dict | None = None,
        context: str = "",
        every_signal: bool = False,
    ) -> Measured | None:
        """Each signal's score of every chunk for this question (None: nothing to search).
        The weights come later (`rank`), so `eval/tune.py` measures once and ranks many times;
        `every_signal` also computes the signals whose weight is 0."""
        config = config or self.config  # routing changes weights only: applied in `rank`
        law_probability = self.intent.probability(query) if config.law_intent else 0.0
        snap = self.provider.get()
        n = len(snap.ids)
        if n == 0 or not query.strip():
            return None
        q = self.prepare_query(query, snap, config, context)
        allowed = snap.allowed_docs(filters)
        mask = np.ones(n, dtype=bool) if allowed is None else snap.doc_mask(allowed)
        if snap.out_of_force:
            # a text no longer in force answers only a question that names it
            named = snap.scope.detect(f"{query} {context}".strip()).named
            mask &= snap.in_force | snap.doc_mask(named)
        if not mask.any():
            return None
        signals: dict[str, np.ndarray] = {}
        if config.use_dense:
            vector = self.provider.embeddings.embed_query(q["dense"])
            signals["dense"] = self._dense(snap, vector, allowed, config)
            adapted = self._adapted(vector, config)
            if adapted is not None:
                # the refusal model was fitted on the plain similarity: it keeps reading it
                signals["dense_plain"] = signals["dense"]
                signals["dense"] = self._dense(snap, adapted, allowed, config)
        for view, flag, weight in (
            ("plain", config.use_plain, config.plain_weight),
            ("folded", config.use_folded, config.folded_weight),
        ):
            if flag and (weight or every_signal):
                aligned = np.zeros(n, dtype=np.float32)
                aligned[snap.lex_to_row] = snap.lexical.scores(q[view], view, pooled=True)
                if config.collection_statistics and snap.collections:
                    own = np.zeros(n, dtype=np.float32)
                    own[snap.lex_to_row] = snap.lexical.scores(q[view], view)
                    aligned = on_pooled_scale(own, aligned, snap.collections)
                signals[view] = aligned
        if config.use_labels and (config.label_weight or every_signal):
            types = question_types(query)
            signals["label"] = np.asarray(
                [label_affinity(types, lab) for lab in snap.labels], dtype=np.float32
            )
        if config.title_weight or config.title_named_boost or every_signal:
            signals["title"] = snap.title_index.match(q["folded"])
        return Measured(query, context, law_probability, mask, signals)

    def rank(self, measured: Measured, config: RetrievalConfig, k: int = 8) -> list[Passage]:
        """The top k passages for measured signals under `config`'s weights."""
        query, context, signals = measured.query, measured.context, measured.signals
        if config.law_intent:
            config = config.for_question(measured.law_probability)
        snap = self.provider.get()
        mask = measured.mask
        fused = self._fuse(signals, mask, config)
        if config.situation_penalty:
            fused = fused - config.situation_penalty * snap.is_situation
        if config.statute_penalty and not snap.scope.detect(query).named & snap.statute_docs:
            # the handbook's rule before the article it rests on (which the answer still
            # quotes as its basis), unless the question names a law
            fused = fused - config.statute_penalty * snap.is_statute
        fused = fused + scope_prior(snap, f"{query} {context}".strip(), config)
        if config.concept_boost and not context:
            fused[concept_rows(snap, query)] += config.concept_boost * config.boost_scale()
        if "title" in signals:
            fused = fused + config.title_weight * signals["title"]
            fused = fused + config.title_named_boost * (signals["title"] >= TITLE_NAMED)
        ranked = np.argsort(-fused)
        order = ranked[mask[ranked]].tolist()
        if not config.merge_sections:
            return reviewed_first(
                [
                    snap.passage(
                        i, float(fused[i]), {name: float(s[i]) for name, s in signals.items()}
                    )
                    for i in order[:k]
                ]
            )
        # Each section is ranked by its best chunk. One passage per article of a law: an
        # article too long to show whole is shown by its best khoản, and its other khoản do not
        # take the remaining places.
        passages: list[Passage] = []
        taken: set[tuple[str, str]] = set()
        for i in order:
            key = snap.parent_key(i, config.max_passage_chars)
            group = _unit(*key)
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
        if config.law_basis_window and measured.law_probability > config.law_basis_from:
            passages = basis_first(snap, passages, config.law_basis_window)
        return reviewed_first(passages)

    def _agree(self, measured: Measured, config: RetrievalConfig, top: Passage) -> bool:
        """Whether the words alone (folded BM25) and the embedder alone rank the same article
        or section first as the fused ranking: evidence that it answers a citizen's question
        whose everyday words cover it little (assistant/chain.py `decide`)."""
        alone = replace(config, law_intent=False, law_basis_window=0)
        lexical = replace(alone, dense_weight=0.0)
        dense = replace(alone, folded_weight=0.0, plain_weight=0.0)
        first = [self.rank(measured, c, k=1) for c in (lexical, dense)]
        unit = _unit(top.doc_id, top.section)
        return all(found and _unit(found[0].doc_id, found[0].section) == unit for found in first)

    def _adapted(self, vector: list[float], config: RetrievalConfig) -> list[float] | None:
        """The question's vector through the query adapter, or None when none applies."""
        if not config.query_adapter or self.adapter is None:
            return None
        model_id = getattr(self.provider.embeddings, "model_id", "")
        return self.adapter.apply(vector) if self.adapter.applies_to(model_id) else None

    def _dense(
        self,
        snap: IndexSnapshot,
        vector: list[float],
        allowed: set[str] | None,
        config: RetrievalConfig,
    ) -> np.ndarray:
        """Cosine similarity for Chroma's top candidates; every other chunk at their floor."""
        n = len(snap.ids)
        dense = np.zeros(n, dtype=np.float32)
        where = None if allowed is None else {"doc_id": {"$in": sorted(allowed)}}
        hits = snap.nearest(vector, config.dense_candidates(n), where)
        sims = [(cid, 1.0 - distance) for cid, distance in hits]
        dense[:] = min((s for _, s in sims), default=0.0)
        for cid, sim in sims:
            row = snap.position.get(cid)
            if row is not None:
                dense[row] = sim
        return dense

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
            if not weights.get(name):
                continue  # the title match is added apart (`rank`); a weight of 0 adds nothing
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
