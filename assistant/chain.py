"""The answer chain: condense -> retrieve -> decide -> compose -> finish -> `AnswerResult`.

Each step is a LangChain runnable over one typed `AnswerState`, so the CLI, the API, the page and
the eval harness run the very same chain. `prepare()` (condense + retrieve) is the public way to
see what the chain retrieves for a request: streaming, calibration and tuning all start there.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from dataclasses import replace
from functools import partial

from langchain_core.runnables import RunnableLambda

from assistant.answer_state import AnswerState, Composed
from assistant.citations import CitationBuilder, blockquote
from assistant.confidence import (
    LEGAL_CONFIDENCE_FROM,
    confidence,
    figure_asked,
    figure_kind,
    figure_missing,
    judge,
    passage_confidence,
)
from assistant.extractive import (
    AMOUNT_BUDGET,
    QUOTE_BUDGET,
    Unit,
    best_unit,
    choose_units,
    clean_quote,
    ranked_units,
)
from assistant.figures import asks_figure, disagreement
from assistant.follow_up import carried_topic, is_follow_up
from assistant.labels import doc_label, section_label
from assistant.llm import LLMClient, check_answer
from assistant.privacy import for_search, redact
from assistant.provenance import UNREVIEWED_WARNING, is_unreviewed
from assistant.query_terms import procedure_title
from assistant.questions import case_asked, last_heading, question_types, titled_other_case
from assistant.related import best_article_unit, related_articles
from assistant.retrieval import TITLE_NAMED, HybridSearcher, RetrievalConfig, defines
from assistant.schemas import (
    AnswerResult,
    AskRequest,
    Citation,
    RelatedPassage,
    RetrievedPassage,
    Timings,
)
from assistant.scope import Scope
from assistant.settings import Settings
from assistant.shorthand import expand_shorthand
from assistant.snapshot import IndexSnapshot, Passage, SnapshotProvider
from assistant.topics import TopicList, load_topics, names_procedure
from assistant.validity import out_of_force_warning, review_warning
from ingest.embeddings import make_embeddings
from ingest.model import SAMPLE_STATUS
from ingest.stores import open_store

log = logging.getLogger(__name__)
unanswered_log = logging.getLogger("camnang.unanswered")

LLM_PASSAGES = 5  # numbered passages given to the LLM
LLM_UNAVAILABLE = "Máy chủ mô hình ngôn ngữ không phản hồi; hiển thị câu trả lời trích nguyên văn."
FIGURES_DIFFER = (
    "Các nguồn nêu con số khác nhau (trích dẫn [{a}] và [{b}]); cần đối chiếu văn bản chính "
    "thức trước khi áp dụng."
)
SAMPLE_WARNING = "Trích từ tài liệu bản mẫu, cần đối chiếu văn bản hiện hành trước khi áp dụng."
SAMPLE_NOTE = (
    "\n_Lưu ý: nội dung trên trích từ cẩm nang bản mẫu, cần đối chiếu văn bản pháp luật hiện hành._"
)


# Below this the retrieved places are unrelated to the question ("giá vé máy bay" gets 0.01, a
# near-domain "hộ chiếu" 0.33): a refusal names no nearest sections. Read on the passages'
# evidence alone (`AnswerState.passage_confidence`): the question prior says a question is
# unanswerable, not that the sections found are far from it.
NEAREST_FLOOR = 0.15
OTHER_PLACE_WARNING = (
    "Văn bản của tỉnh được hỏi không nêu nội dung này; đoạn trích là của tỉnh khác, chỉ để tham "
    "khảo."
)
FORMER_RULE_WARNING = (
    "Con số trích dẫn là của quy định trước đây, không phải quy định hiện hành; cần đối chiếu "
    "văn bản đang có hiệu lực."
)
# An answer given below `Settings.low_confidence_below`, or below the refusal threshold because
# other evidence lifted the refusal (the question names the procedure's title, the passage
# defines the concept asked, or both retrievers agree on a citizen's article: `decide`). Its
# quotes may well be right but the overlap with the question is thin, and the official should
# read them before acting on them.
LOW_CONFIDENCE_WARNING = (
    "Độ tin cậy thấp: đoạn trích chỉ khớp một phần với câu hỏi; cần đọc kỹ nội dung được trích "
    "(và điều luật được dẫn) trước khi áp dụng."
)
OTHER_PLACES_TRIED = 3  # other provinces' texts read for what the named one does not state


def other_law_warning(named: str, quoted: str) -> str:
    """The question names a law and the answer quotes another text: said, not left to the
    citation to show."""
    return (
        f"Câu hỏi nêu {named}, nhưng đoạn trả lời sát nhất trích từ {quoted}. Đoạn gần nhất của "
        f"{named} được trích ở cuối để anh/chị đối chiếu."
    )


class Assistant:
    def __init__(
        self,
        settings: Settings,
        provider: SnapshotProvider | None = None,
        config: RetrievalConfig | None = None,
    ) -> None:
        self.settings = settings
        embeddings = make_embeddings(
            settings.embedding_backend, settings.embedding_model, settings.embedding_device
        )
        self.provider = provider or SnapshotProvider(
            settings.index_dir, embeddings, open_store(settings.ingest)
        )
        self.searcher = HybridSearcher(self.provider, config)
        self.llm = LLMClient(settings) if settings.llm_base_url else None
        self.cite = CitationBuilder(self.provider)
        self.topics: TopicList = load_topics()
        self.chain = (
            RunnableLambda(self.condense, name="condense")
            | RunnableLambda(self.retrieve, name="retrieve")
            | RunnableLambda(self.decide, name="decide")
            | RunnableLambda(self.compose, name="compose")
            | RunnableLambda(self.finish, name="finish")
        )

    # -- entry points --------------------------------------------------------------------------
    def start(self, request: AskRequest) -> AnswerState:
        mode = request.mode
        if mode == "auto":
            mode = "llm" if self.llm is not None else "extractive"
        return AnswerState(request=request, mode=mode)

    def prepare(self, request: AskRequest) -> AnswerState:
        """Condense and retrieve: the passages the chain would answer from, and the question
        it would answer (what streaming, calibration and the tuner start from)."""
        return self.retrieve(self.condense(self.start(request)))

    def search_terms(self, request: AskRequest) -> tuple[str, str]:
        """What retrieval searches with for this request: the question (or its rewrite) and
        the context a follow-up carries over. Lets eval score retrieval as the chain runs it."""
        return self.condense(self.start(request)).search

    def ask(self, request: AskRequest) -> AnswerResult:
        return self.chain.invoke(self.start(request))

    def stream(self, request: AskRequest) -> Iterator[dict]:
        """Answer text in pieces as it is produced, then the checked, structured result.

        With an LLM the pieces are its tokens as they arrive; the final result carries the
        validated answer, which replaces the streamed draft if a check removed something.
        """
        state = self.start(request)
        if state.mode != "llm" or self.llm is None:
            result = self.ask(request)
            for piece in re.split(r"(?<=\n\n)", result.answer):
                if piece:
                    yield {"event": "delta", "text": piece}
            yield {"event": "result", "result": result}
            return
        state = self.decide(self.retrieve(self.condense(state)))
        if state.refused:
            state = self.compose(state)
        else:
            passages = state.passages[:LLM_PASSAGES]
            t = time.perf_counter()
            pieces: list[str] = []
            try:
                for token in self.llm.stream(state.standalone, passages):
                    pieces.append(token)
                    yield {"event": "delta", "text": token}
                state.apply(self._checked_llm_answer(state, "".join(pieces), passages))
            except Exception as exc:
                state.apply(self._llm_unavailable(state, exc))
            state.timings["compose_ms"] = (time.perf_counter() - t) * 1000
        yield {"event": "result", "result": self.finish(state)}

    def article(self, doc_id: str, article: str) -> RelatedPassage | None:
        """One article of a law in the index, whole ("Điều 22"); None if it has no such article."""
        return self.cite.article(doc_id, article)

    def confidence(self, question: str, passages: list[Passage], legal: bool = False) -> float:
        """Probability that the passages answer (assistant/confidence.py); `legal` when the
        question was ranked as a citizen's legal question."""
        return confidence(self.provider.get(), question, passages, legal)

    # -- steps -------------------------------------------------------------------------------
    def condense(self, state: AnswerState) -> AnswerState:
        t = time.perf_counter()
        request = state.request
        question = _as_read(request.question)
        standalone, context = question, ""
        if request.history and is_follow_up(question):
            rewritten = None
            if self.llm is not None and state.mode == "llm":
                try:
                    rewritten = self.llm.condense(
                        question, [(h.question, h.answer) for h in request.history]
                    )
                except Exception as exc:  # the endpoint being down must not break answering
                    log.warning("LLM condense failed, carrying the topic over instead: %s", exc)
            if rewritten:
                standalone = rewritten
            else:
                context = carried_topic([_as_read(h.question) for h in request.history])
                scope = self.provider.get().scope
                if scope.detect(question).named:
                    # "Còn Bắc Ninh?" after a question on Tây Ninh's resolution: about Bắc Ninh
                    context = scope.detect(context).rest
                standalone = f"{question} {context}"
        elif request.history:
            context = self._carried_scope(question, _as_read(request.history[-1].question))
            standalone = f"{question} ({context})" if context else question
        state.question, state.standalone = question, standalone
        state.search = (question, context) if context else (standalone, "")
        state.timings["condense_ms"] = (time.perf_counter() - t) * 1000
        return state

    def _carried_scope(self, question: str, previous: str) -> str:
        """A conversation about one province's resolution stays about it until another is
        named: "Còn cán bộ trẻ thì sao?" after a question on Quảng Ngãi is about Quảng Ngãi."""
        detector = self.provider.get().scope
        if detector.detect(question).named:
            return ""
        return " ".join(detector.detect(previous).names)

    def retrieve(self, state: AnswerState) -> AnswerState:
        t = time.perf_counter()
        filters = state.request.filters.as_dict() if state.request.filters else None
        query, context = state.search
        state.passages = self.searcher.search(
            query, k=self.settings.top_k, filters=filters, context=context
        )
        state.timings["retrieve_ms"] = (time.perf_counter() - t) * 1000
        return state

    def decide(self, state: AnswerState) -> AnswerState:
        passages = state.passages
        legal = self.surely_legal(state)
        state.confidence, state.passage_confidence = judge(
            self.provider.get(), state.standalone, passages, legal
        )
        state.threshold = self.settings.refusal_threshold
        if legal and self.settings.legal_refusal_threshold is not None:
            state.threshold = self.settings.legal_refusal_threshold
        state.refused = not passages or state.confidence < state.threshold
        state.refusal_reason = "weak evidence" if state.refused else ""
        if (
            state.refused
            and passages
            and (
                _names_title(passages)
                or defines(state.standalone, passages[0].text)
                or _agreed(passages[0], state.confidence)
            )
        ):
            # evidence that the best passage answers this question, whatever the overlap scores
            # say: "X là gì?" and it states X word for word; or the question names the whole
            # title of its procedure ("tách hộ" in "con trai lấy vợ muốn tách hộ khẩu ra
            # riêng", everyday words that cover the section little); or a citizen's question
            # whose article the words alone and the embedder alone both rank first. The topic,
            # amount and place checks below still apply (eval/dev_phrasing/README.md)
            state.refused, state.refusal_reason = False, ""
        snap = self.provider.get()
        scope = self.scope(state)
        state.uncovered_places = scope.uncovered
        if (
            passages
            and scope.uncovered
            and not scope.named
            and (scope.asked_of or passages[0].doc_id in scope.other)
        ):
            # asked about a province no document covers: another province's rule is no answer,
            # and what that province itself decided ("Hà Tĩnh quy định mức chi …") is in no
            # shared text either
            state.refused, state.refusal_reason = True, "place not covered"
            return state
        if passages and scope.provincial and not state.refused:
            units = self._units(state)
            if units and units[0].passage.doc_id in scope.other:
                # the named province's own text does not say it: another province's text is
                # offered only as that (the refusal quotes it, labelled as another province's)
                state.refused, state.refusal_reason = True, "named place not stated"
                state.named_docs = tuple(sorted(scope.provincial))
                return state
        # do the sentences that answer best state the figure asked for (an amount, a time, an
        # age)? An on-topic passage that leaves the amount to another text ("theo Nghị quyết
        # HĐND tỉnh") is no answer. Read within AMOUNT_BUDGET characters: a longer answer quotes
        # more of a section, and a figure for something else in it must not pass for the one
        # asked
        if passages and self._figure_missing(state):
            state.refused, state.refusal_reason = True, "amount not stated"
        if passages and state.refusal_reason in ("", "weak evidence"):
            # a matter the documents do not guide ("hộ chiếu"), named in the question and in
            # none of the sentences the answer would quote: a nearby procedure is no answer (and
            # a refusal for weak evidence says which matter is missing). The sentences, not their
            # whole passages: Luật Giáo dục's article on school fees names "hộ nghèo" and is no
            # answer on loans to poor households (eval/dev_trust/README.md, stop 35)
            units = self._units(state)
            topics = self.uncovered_topics(snap)
            topic = topics.uncovered(state.standalone, [u.text for u in units])
            if topic and not (
                units and names_procedure(state.standalone, units[0].passage.section)
            ):
                state.refused, state.refusal_reason = True, "topic not covered"
                state.uncovered_topic = topic
            elif (
                units
                and case_asked(state.standalone)
                and titled_other_case(
                    state.standalone,
                    procedure_title(units[0].passage.section),
                    [u.text for u in self._carrying(state)],
                )
            ):
                # the first complaint's deadline is no answer on the second; a check found the
                # passages do not answer, so no confidence is reported (AnswerResult.confidence)
                state.refused, state.refusal_reason = True, "weak evidence"
                state.confidence = 0.0
        if state.refused and scope.provincial and scope.other:
            self._offer_other_place(state, scope)
        return state

    def scope(self, state: AnswerState) -> Scope:
        """The documents and places the question names, read once per question."""
        if state.scope is None:
            state.scope = self.provider.get().scope.detect(state.standalone)
        return state.scope

    def uncovered_topics(self, snap: IndexSnapshot) -> TopicList:
        """The topic list less what this index's titles and headings cover."""
        return self.topics.without_covered(snap.headings)

    def _figure_missing(self, state: AnswerState) -> bool:
        """Whether the question asks for a figure that the sentences read do not state."""
        if not figure_asked(state.standalone):
            return False
        units = self._select(state, AMOUNT_BUDGET)
        # one sentence (under its heading) states it: a figure in one and the kind of period
        # asked in another is no answer
        missing = not any(_states(state.standalone, u) for u in units)
        if missing:
            # what the refusal offers instead, named as such: the figure of the rule before
            state.former = [u for u in units if _states(state.standalone, u, former=True)][:1]
        return missing

    def _carrying(self, state: AnswerState) -> list[Unit]:
        """The quoted units that carry the answer: those stating the figure a question asks
        for (a procedure's steps may name the second complaint without its deadline), or all."""
        units = self._units(state)
        if not figure_asked(state.standalone):
            return units
        return [u for u in units if _states(state.standalone, u)]

    def _offer_other_place(self, state: AnswerState, scope: Scope) -> None:
        """The named province's documents do not answer; when another province's text answers
        this question as surely as an answer needs, the refusal quotes it as that province's
        ("Kế hoạch của Hưng Yên không nêu …; Nghị quyết của Tây Ninh nêu …"). The question is
        still refused: the other text is never the answer for the province asked about."""
        question = scope.rest or state.standalone
        found = self.searcher.search(
            question, k=self.settings.top_k, filters={"doc_id": sorted(scope.other)}
        )
        snap = self.provider.get()
        for doc in list(dict.fromkeys(p.doc_id for p in found))[:OTHER_PLACES_TRIED]:
            # each province's text on its own: one states the figure another leaves out
            passages = [p for p in found if p.doc_id == doc]
            # the passages' own evidence: the question prior has judged the question already
            if passage_confidence(snap, question, passages) < self.settings.refusal_threshold:
                continue
            offered = replace(state, passages=passages, ranked=None, units=None)
            if self._figure_missing(offered):
                continue
            break
        else:
            return
        state.passages, state.ranked, state.units = passages, None, None
        state.refusal_reason = "named place not stated"
        state.named_docs = tuple(sorted(scope.provincial))

    def compose(self, state: AnswerState) -> AnswerState:
        t = time.perf_counter()
        if state.refused:
            state.apply(self._refusal(state))
        elif state.mode == "llm" and self.llm is not None:
            state.apply(self._compose_llm(state))
        else:
            state.apply(self._compose_extractive(state))
        # below the low-confidence line, or lifted above the threshold that judged it
        warn_below = max(state.threshold, self.settings.low_confidence_below)
        if not state.refused and state.confidence < warn_below:
            state.warnings = [LOW_CONFIDENCE_WARNING, *state.warnings]
        state.timings["compose_ms"] = (time.perf_counter() - t) * 1000
        return state

    def finish(self, state: AnswerState) -> AnswerResult:
        timings = state.timings
        timings["total_ms"] = (time.perf_counter() - state.t0) * 1000
        reason = state.refusal_reason
        result = AnswerResult(
            id=state.id,
            question=state.request.question,
            standalone_question=state.standalone,
            answer=state.answer,
            citations=state.citations,
            refused=state.refused,
            refusal_reason=reason if state.refused else "",
            uncovered_topic=state.uncovered_topic if reason == "topic not covered" else "",
            confidence=state.confidence if reason in ("", "weak evidence") else 0.0,
            mode=state.result_mode,
            sample_documents=any(c.status == SAMPLE_STATUS for c in state.citations),
            warnings=state.warnings,
            retrieved=[_retrieved(i, p) for i, p in enumerate(state.passages)],
            related=[self.cite.related(r) for r in state.related],
            timings=Timings(**timings),
        )
        if result.refused:
            unanswered_log.info("unanswered question (%s): %s", reason, redact(result.question))
        return result

    # -- composers ---------------------------------------------------------------------------
    def _units(self, state: AnswerState) -> list[Unit]:
        """The quotable sentences that answer best, chosen once per question."""
        if state.units is None:
            state.units = self._select(state, QUOTE_BUDGET)
        return state.units

    def _select(self, state: AnswerState, budget: int) -> list[Unit]:
        scope = self.scope(state)
        if state.ranked is None:
            passages, ranks = self._with_section_siblings(state.passages)
            # what is asked comes from the user's own words: "Mất bao lâu?" after a question on
            # papers asks for the deadline, though the carried topic still says "giấy tờ"
            types = question_types(state.question) or question_types(state.standalone)
            # the words naming a document chose it; in its sentences they match other words
            # ("Hiến pháp" and "hiến mô, bộ phận cơ thể người")
            scoped = scope.rest or state.standalone
            state.ranked = ranked_units(scoped, passages, ranks=ranks, types=types)
        # a concept question ("X là gì?") is answered by the sentence that defines X; a question
        # read surely as a citizen's legal one by the article ranked first, though the handbook
        # or another article may share more of its words (eval/dev_laws: the first citation
        # names the right Điều 0.641 -> 0.712, the other development sets unchanged)
        choose = partial(
            choose_units,
            budget=budget,
            leads=partial(defines, state.standalone),
            # and a question naming the title of the procedure ranked first by that procedure
            lead_from_first=self.surely_legal(state) or _names_title(state.passages),
            # read as the figure check reads it: under its heading
            states=partial(_states, state.standalone),
        )
        units = choose(state.ranked)
        # a question naming a province is answered from its documents and the shared ones: the
        # other provinces' sentences are no part of its answer (when one of them answers best,
        # `decide` refuses and offers it as that province's)
        if scope.provincial and units and units[0].passage.doc_id not in scope.other:
            units = choose([u for u in state.ranked if u.passage.doc_id not in scope.other])
        return units

    def surely_legal(self, state: AnswerState) -> bool:
        """Whether the question reads surely as a citizen's legal one (assistant/intent.py): it
        is judged by the legal refusal model and answered first from the article ranked first."""
        return self.searcher.law_probability(state.search[0]) > LEGAL_CONFIDENCE_FROM

    def _with_section_siblings(
        self, passages: list[Passage], top: int = 2
    ) -> tuple[list[Passage], list[int]]:
        """The top passages plus the other chunks of their sections: a procedure split over
        chunks still answers as one (its "Thành phần hồ sơ" may sit in the next chunk)."""
        snap = self.provider.get()
        out: list[Passage] = []
        ranks: list[int] = []
        seen: set[str] = set()
        for rank, p in enumerate(passages):
            group = [p]
            if rank < top:
                rows = snap.rows_by_doc.get(p.doc_id, [])
                group += [
                    snap.passage(r, p.score)
                    for r in rows
                    if snap.metas[r].get("section") == p.section
                ]
            for q in group:
                if q.id not in seen:
                    seen.add(q.id)
                    out.append(q)
                    ranks.append(rank)
        return out, ranks

    def _quoted(self, units: list[Unit]) -> tuple[list[Citation], list[str]]:
        """Each unit quoted and numbered, under "Theo <source>:" whenever the source changes."""
        citations: list[Citation] = []
        lines: list[str] = []
        last_source = None
        for unit in units:
            n = len(citations) + 1
            citations.append(self.cite.citation(n, unit))
            source = citations[-1].reference
            if source != last_source:
                lines.append(f"Theo {source}:")
                last_source = source
            lines.append(f"{blockquote(unit.text)} [{n}]")
        return citations, lines

    def _compose_extractive(self, state: AnswerState) -> Composed:
        units = self._units(state)
        if not units:
            return self._refusal(state)
        citations, lines = self._quoted(units)
        related = related_articles(
            self.provider.get(), [(c.n, u.passage) for c, u in zip(citations, units, strict=True)]
        )
        cited_docs = {c.doc_id for c in citations}
        # the article that supports the handbook's answer: scored on the question and the
        # sentence that answers it ("07 ngày làm việc" finds Điều 22 khoản 3, not Điều 21)
        support = f"{state.standalone} {clean_quote(units[0].text)}"
        best = best_article_unit(support, related) if related else None
        if best is not None and best[0].passage.doc_id not in cited_docs:
            # the handbook's rule, then the article of the law it rests on
            self._quote_after(best[1], "Căn cứ {ref}:", citations, lines)
        warnings = []
        named_laws = self.scope(state).named & self.provider.get().statute_docs
        if named_laws and not {c.doc_id for c in citations} & named_laws:
            warnings += self._named_law(state, named_laws, citations, lines)
        conflict = self._figures_differ(state)
        if conflict is not None:
            numbers = self._cite_both(conflict, units, citations, lines)
            warnings.append(FIGURES_DIFFER.format(a=numbers[0], b=numbers[1]))
        if state.uncovered_places:
            places = ", ".join(state.uncovered_places)
            warnings.append(
                f"Chưa có văn bản riêng của {places}; câu trả lời theo cẩm nang dùng chung."
                if not any(c.doc_id in self.provider.get().scope.places for c in citations)
                else f"Kho tài liệu chưa có văn bản của {places}; đoạn trích dưới đây là của văn "
                f"bản được ghi ở từng trích dẫn, không phải của {places}."
            )
        warnings += self._source_warnings(citations)
        if SAMPLE_WARNING in warnings:
            lines.append(SAMPLE_NOTE)
        return Composed("\n\n".join(lines), citations, "extractive", warnings, related)

    def _named_law(
        self,
        state: AnswerState,
        named_laws: frozenset[str],
        citations: list[Citation],
        lines: list[str],
    ) -> list[str]:
        """A question naming a law ("Hiến pháp quy định quyền tiếp cận thông tin thế nào?")
        whose answer quotes another text (Luật Tiếp cận thông tin shares more of its words):
        the answer says so and quotes the named law's nearest passage after it. Neither is
        taken for the other: restricted to the named law, "Luật Giáo dục quy định chia thừa kế
        thế nào?" was answered at 0.98 from an article on dividing schools."""
        quoted = "; ".join(
            dict.fromkeys(doc_label(self.cite.meta(c.doc_id, c.doc_id)) for c in citations)
        )
        named = "; ".join(doc_label(self.cite.meta(d, d)) for d in sorted(named_laws))
        scope = self.scope(state)
        found = self.searcher.search(
            scope.rest or state.standalone, k=1, filters={"doc_id": sorted(named_laws)}
        )
        if found:
            label = (
                f"Đoạn gần nhất của {named}, có thể không trả lời đúng điều anh/chị hỏi ({{ref}}):"
            )
            self._quote_after(best_unit(state.standalone, found[0]), label, citations, lines)
        return [other_law_warning(named, quoted)]

    def _quote_after(
        self, unit: Unit, label: str, citations: list[Citation], lines: list[str]
    ) -> int:
        """`unit` quoted after the answer under `label` ("{ref}": its reference), numbered
        next; its citation number."""
        n = len(citations) + 1
        citations.append(self.cite.citation(n, unit))
        lines.append(label.replace("{ref}", citations[-1].reference))
        lines.append(f"{blockquote(unit.text)} [{n}]")
        return n

    def _figures_differ(self, state: AnswerState) -> tuple[Unit, Unit] | None:
        """For a question about a fee or an amount: two retrieved documents that state
        different figures, each in a sentence that answers about as well as the best one. All
        the retrieved passages are read: ranking may put an unreviewed upload last."""
        if not asks_figure(state.standalone):
            return None
        return disagreement(
            ranked_units(state.standalone, state.passages, max_passages=len(state.passages))
        )

    def _cite_both(
        self,
        pair: tuple[Unit, Unit],
        units: list[Unit],
        citations: list[Citation],
        lines: list[str],
    ) -> list[int]:
        """The citation numbers of two sentences stating different figures; one not quoted yet
        is added after the answer under "Nguồn khác nêu:"."""
        numbers = []
        for unit in pair:
            n = next(
                (
                    c.n
                    for c, u in zip(citations, units, strict=False)
                    if u.passage.id == unit.passage.id and u.start <= unit.start < u.end
                ),
                None,
            )
            if n is None:
                n = self._quote_after(unit, "Nguồn khác nêu ({ref}):", citations, lines)
            numbers.append(n)
        return numbers

    def _llm_unavailable(self, state: AnswerState, exc: Exception) -> Composed:
        """The endpoint failed or timed out: the user gets the extractive answer, not an error."""
        log.warning("LLM endpoint failed (%s); answering extractively", exc)
        out = self._compose_extractive(state)
        out.warnings = [*out.warnings, LLM_UNAVAILABLE]
        return out

    def _compose_llm(self, state: AnswerState) -> Composed:
        passages = state.passages[:LLM_PASSAGES]
        try:
            text = "".join(self.llm.stream(state.standalone, passages))  # type: ignore[union-attr]
        except Exception as exc:
            return self._llm_unavailable(state, exc)
        return self._checked_llm_answer(state, text, passages)

    def _checked_llm_answer(
        self, state: AnswerState, text: str, passages: list[Passage]
    ) -> Composed:
        checked = check_answer(text, passages)
        if not checked.cited:
            out = self._compose_extractive(state)
            out.warnings = [
                *checked.warnings,
                *out.warnings,
                "Câu trả lời của mô hình không có trích dẫn hợp lệ; hiển thị câu trả lời trích nguyên văn.",
            ]
            return out
        # Renumber the cited passages 1..k in order of use; each citation quotes the passage's
        # sentence that best supports the answer.
        renumber = {old: new for new, old in enumerate(checked.cited, 1)}
        answer = re.sub(
            r"\[(\d{1,2})\]",
            lambda m: f"[{renumber.get(int(m.group(1)), m.group(1))}]",
            checked.text,
        )
        citations = []
        for old, new in renumber.items():
            p = passages[old - 1]
            citations.append(self.cite.citation(new, best_unit(checked.text, p)))
        warnings = [*checked.warnings, *self._source_warnings(citations)]
        return Composed(answer, citations, "llm", warnings)

    def _source_warnings(self, citations: list[Citation]) -> list[str]:
        """What the reader must know about the quoted texts: a sample, an unreviewed upload,
        a text no longer in force (named by the question, or it would not be quoted)."""
        out = []
        if any(c.status == SAMPLE_STATUS for c in citations):
            out.append(SAMPLE_WARNING)
        if any(is_unreviewed(c.status) for c in citations):
            out.append(UNREVIEWED_WARNING)
        stale = self.provider.get().out_of_force
        for doc_id in dict.fromkeys(c.doc_id for c in citations if c.doc_id in stale):
            label = doc_label(self.cite.meta(doc_id, doc_id))
            out.append(out_of_force_warning(label, stale[doc_id]))
        for doc_id, reason in dict.fromkeys((c.doc_id, c.review) for c in citations if c.review):
            out.append(review_warning(doc_label(self.cite.meta(doc_id, doc_id)), reason))
        return out

    def _nearest(self, state: AnswerState, k: int) -> list[str]:
        """The top passages' places ("Cẩm nang … – Chương 5, mục 5.1 (…)"), each named once:
        where to read on when the documents do not answer the question itself."""
        out: list[str] = []
        for p in state.passages:
            source = doc_label(self.cite.meta(p.doc_id, p.title))
            where = section_label(p.section)
            label = source if not where or where in source else f"{source}, {where}"
            if label not in out:
                out.append(label)
            if len(out) == k:
                break
        return out

    def _nearest_sentence(self, state: AnswerState) -> str:
        """ "Các mục gần nhất …: …." when the passages found are near enough to read on."""
        near = state.passage_confidence >= NEAREST_FLOOR
        nearest = self._nearest(state, 3) if near else []
        if not nearest:
            return ""
        return (
            " Các mục gần nhất, có thể không trả lời đúng điều anh/chị hỏi: "
            + "; ".join(nearest)
            + "."
        )

    def _other_place(self, state: AnswerState) -> Composed:
        """The named province's text does not say it; what another province's text says, quoted
        and cited as that province's ("Kế hoạch của Hưng Yên không nêu …; Nghị quyết của Tây
        Ninh nêu …"), never as the answer for the province asked about."""
        named = "; ".join(doc_label(self.cite.meta(d, d)) for d in state.named_docs)
        scope = self.scope(state)
        others = [u for u in self._units(state) if u.passage.doc_id in scope.other][:2]
        citations, quotes = self._quoted(others)
        lines = [
            f"{named} không nêu nội dung anh/chị hỏi. Văn bản của tỉnh khác có nêu; nội dung "
            "dưới đây chỉ để tham khảo, không phải quy định hay chỉ tiêu của tỉnh được hỏi:",
            *quotes,
        ]
        lines.append(
            "Anh/chị vui lòng đối chiếu văn bản của tỉnh mình hoặc liên hệ bộ phận hỗ trợ nghiệp "
            "vụ của tỉnh."
        )
        warnings = [OTHER_PLACE_WARNING, *self._source_warnings(citations)]
        return Composed(
            "\n\n".join(lines),
            citations,
            "refusal",
            warnings,
            refusal_reason="named place not stated",
        )

    def _former_only(self, state: AnswerState) -> Composed:
        """The documents state the figure asked only as the rule before ("trước đây Mẫu số 04 …;
        đối chiếu mẫu hiện hành"): refused, with that sentence quoted as the former rule, never
        as the one in force."""
        n_docs = len(self.provider.get().manifest.docs)
        citations, quotes = self._quoted(state.former)
        lines = [
            f"Xin lỗi, {n_docs} tài liệu hiện có không nêu con số anh/chị hỏi "
            f"({figure_kind(state.standalone)}) theo quy định hiện hành. Tài liệu chỉ nêu con số "
            "theo quy định trước đây; nội dung dưới đây chỉ để tham khảo, cần đối chiếu văn bản "
            "đang có hiệu lực trước khi áp dụng:",
            *quotes,
            "Anh/chị vui lòng liên hệ bộ phận hỗ trợ nghiệp vụ của tỉnh để được hướng dẫn con số "
            "áp dụng.",
        ]
        warnings = [FORMER_RULE_WARNING, *self._source_warnings(citations)]
        return Composed(
            "\n\n".join(lines), citations, "refusal", warnings, refusal_reason="amount not stated"
        )

    def _refusal(self, state: AnswerState) -> Composed:
        snap = self.provider.get()
        n_docs = len(snap.manifest.docs)
        if state.refusal_reason == "named place not stated":
            return self._other_place(state)
        if state.refusal_reason == "place not covered":
            answer = (
                f"Xin lỗi, kho tài liệu chưa có văn bản của {', '.join(state.uncovered_places)}; "
                f"văn bản riêng của tỉnh hiện có: {', '.join(snap.scope.covered) or 'chưa có'}, "
                "còn cẩm nang nghiệp vụ dùng chung cho mọi xã. Anh/chị vui lòng liên hệ bộ phận hỗ "
                "trợ nghiệp vụ của tỉnh để được cung cấp văn bản."
            )
        elif state.refusal_reason == "topic not covered":
            answer = (
                f"Xin lỗi, {n_docs} tài liệu hiện có (văn bản luật, nghị quyết của tỉnh và cẩm "
                f"nang nghiệp vụ) chưa hướng dẫn về {state.uncovered_topic}."
            )
            answer += self._nearest_sentence(state)
            answer += (
                " Anh/chị vui lòng liên hệ cơ quan chuyên môn phụ trách lĩnh vực này hoặc bộ phận "
                "hỗ trợ nghiệp vụ của tỉnh."
            )
        elif state.refusal_reason == "amount not stated" and state.former:
            return self._former_only(state)
        elif state.refusal_reason == "amount not stated":
            answer = (
                f"Xin lỗi, {n_docs} tài liệu hiện có không nêu con số cụ thể anh/chị hỏi "
                f"({figure_kind(state.standalone)}); đoạn gần nhất là "
                f"{self._nearest(state, 1)[0]}. Anh/chị vui lòng liên hệ bộ phận hỗ trợ nghiệp vụ "
                "của tỉnh để được hướng dẫn con số áp dụng."
            )
        else:
            answer = (
                f"Xin lỗi, tôi chưa tìm thấy nội dung trả lời câu hỏi này trong {n_docs} tài liệu hiện có "
                "(văn bản luật, nghị quyết của tỉnh và cẩm nang nghiệp vụ)."
            )
            answer += self._nearest_sentence(state)
            answer += (
                " Anh/chị có thể diễn đạt lại câu hỏi, hoặc liên hệ bộ phận hỗ trợ nghiệp vụ của "
                "tỉnh để được hướng dẫn."
            )
        reason = state.refusal_reason or "nothing quotable"
        return Composed(answer, [], "refusal", refusal_reason=reason)


def _retrieved(i: int, p: Passage) -> RetrievedPassage:
    return RetrievedPassage(
        rank=i + 1,
        id=p.id,
        doc_id=p.doc_id,
        title=p.title,
        number=p.number,
        section=p.section,
        text=p.text,
        score=round(p.score, 4),
        start=p.start,
        end=p.end,
        status=p.status,
    )


def _as_read(text: str) -> str:
    """A question as the chain reads it: a CCCD or phone number answers nothing, and "ko",
    "dc", "ntn" are written out."""
    return expand_shorthand(for_search(text))


def _states(question: str, unit: Unit, former: bool = False) -> bool:
    """Whether `unit`, read under its heading, states the figure the question asks for (with
    `former`, a figure of the rule before counts too)."""
    return not figure_missing(question, unit.text, last_heading(unit.passage.section), former)


# How sure the legal refusal model must still be when both retrievers agree on a citizen's
# question's article (`HybridSearcher._agree`). On the development sets, each with the query
# adapter fitted without it, the rule answered 8 answerable questions refused for weak evidence
# (7 from the right article: dev_laws2 right Điều first 0.681 -> 0.712) and 1 unanswerable one
# ("Có nên cho con học thêm tiếng Anh từ lớp 1 không?"). Below 0.15 agreement was rarer and less
# sure: 3 answerable, 1 unanswerable (eval/dev_laws2/README.md, stop 33).
AGREED_FROM = 0.15


def _agreed(passage: Passage, confidence: float) -> bool:
    """A surely legal question whose first article both retrievers rank first."""
    return confidence >= AGREED_FROM and passage.signals.get("agreement", 0.0) > 0


def _names_title(passages: list[Passage]) -> bool:
    """Whether the question contains the whole title of the passage ranked first: retrieval's
    own notion of a procedure named (`RetrievalConfig.title_named_boost`)."""
    return bool(passages) and passages[0].signals.get("title", 0.0) >= TITLE_NAMED
