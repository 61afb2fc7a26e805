"""The default composer: answer with verbatim sentences of the top passages, no LLM.

Faithful by construction: every word the user reads after the lead-in is a quote of a document,
with its exact offsets. The work is in choosing which sentences: the ones that share the
question's terms and carry the kind of fact the question asks for (a deadline, a fee, a body,
a list of papers).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.provenance import is_instruction_like
from assistant.query_terms import accented_terms, content_terms
from assistant.questions import (
    QUESTION_TYPES,
    asked_measures,
    period_kind,
    question_types,
    without_frame,
)
from assistant.snapshot import Passage
from assistant.statute import STATUTE_TYPES
from ingest.text import LOST_DIACRITICS, diacritic_ratio, fold, words

# Characters an answer quotes at most (the first unit is always quoted). After a 500-character
# list of steps, 900 left no room for the sentence that answered: on the gold set the quoted
# words state the gold answer for 159 of 198 answers at 900, 162 at 1000-1100, 168 at 1200, 169
# at 1500; on eval/dev_laws 104, 105-107, 108, 110 of 156. The median answer quotes 721 → 915
# characters at 1200 (gold).
QUOTE_BUDGET = 1200
# The sentences read for a figure asked for ("… bao nhiêu tiền?", assistant/chain.py `decide`):
# those that fitted the first 900 characters. Read over 1200, one more unanswerable question of
# eval/holdout was answered (correct refusal 0.682 -> 0.636): a longer quote can hold a figure
# for something else.
AMOUNT_BUDGET = 900
OTHER_SECTION_FACTOR = 0.8  # another procedure is quoted only when it answers nearly as well (measured: citation hit 0.859 at 0.8, 0.828 at 0.9)
# A unit stating a number in the measure a count question asks ("mấy lần" -> "tối đa 02 lần",
# assistant/questions.py `asked_measures`): the answer leads with it on the gold set for 0.672 ->
# 0.697 / 0.702 / 0.702 of the questions at 0.2 / 0.4 / 0.6, eval/dev_laws 0.583 -> 0.596 (all
# three); 0.6 moved one eval/dev_phrasing question off its place. Nothing else moved. A question
# asking two things ("mấy ngày một tuần") gives each its share: gold 0.717 -> 0.722.
MEASURE_BONUS = 0.4
# A worked case's description ("Tình huống: Ông P. nộp đơn …") retells a situation in the question's
# words; its handling answers. Gold leads 0.702 -> 0.712 at 0.2-0.4, 0.717 with the handling
# brought in (`handling_first`); no other development figure moved.
CASE_PENALTY = 0.3
# A question word that matches a unit only once both are folded ("sổ" and the "sơ" of "hồ sơ")
# counts this much less, when both were written with diacritics. Gold: quoted words state the
# answer 0.848 -> 0.859, leads 0.717 -> 0.712; eval/dev_laws leads 0.596 -> 0.603; dev_trust
# right place 0.873 -> 0.892. Discounted fully (1.0): gold citation hit -0.005, leads -0.010.
FOLDED_ONLY = 0.5
_CAVEAT = re.compile(r"^(luu y|chu y)\b")
_BASIS = re.compile(r"^can cu phap ly")
# A chapter's status notice ("Tình trạng: chương này là bản mẫu …"): every citation already shows
# the text's status and review date; the notice answers only a question about them.
_STATUS = re.compile(r"^tinh trang\s*:")
_ASKS_STATUS = re.compile(r"\b(tinh trang|ra soat|hieu luc|ban mau|cap nhat|chinh thuc)\b")
# a worked case's own labels: what happened, then how to handle it (the answer)
_CASE = re.compile(r"^tinh huong\s*:")
_HANDLING = re.compile(r"^(cach|huong) xu ly\s*:")


@dataclass
class Unit:
    """A quotable piece of a passage: a paragraph, a list kept whole, or a sentence."""

    passage_rank: int
    passage: Passage
    start: int  # offsets in the passage text
    end: int
    score: float = 0.0
    # whether it shares a word, a word pair or the kind of fact asked with the question: a
    # unit that shares nothing is quoted only when it is the first (its passage's rank alone
    # scored it: "không đốt ngoài trời phụ phẩm" then the same article's khoản on packaging)
    matched: bool = True

    @property
    def text(self) -> str:
        return self.passage.text[self.start : self.end]


_POINT = re.compile(r"\s*([a-zđ]\)|[-+•])\s")
_HEADING = re.compile(r"^\s*#{1,6}\s[^\n]*$")
_LABEL_ONLY = re.compile(r"^\*\*[^*]{2,80}:\*\*\s*$")
_SENTENCE = re.compile(r"(?<=[.!?;])\s+(?=[A-ZĐÀ-Ỹ\"“(])")
# A law's khoản from the second on, at the start of a line: a provision of its own, though the
# text may put no blank line before it ("Điều 20. 1. … \n2. Không ai bị bắt …" in the Hiến pháp);
# khoản 1 stays with the article's title above it
_NEXT_KHOAN = re.compile(r"\n(?=(?:[2-9]|[1-9]\d+)\.\s)")


def _khoan_pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A paragraph of a law cut before each khoản that starts a line (see _NEXT_KHOAN)."""
    pieces, cursor = [], start
    for m in _NEXT_KHOAN.finditer(text, start, end):
        pieces.append((cursor, m.start()))
        cursor = m.end()
    pieces.append((cursor, end))
    return [(a, b) for a, b in pieces if text[a:b].strip()]


def units_of(passage: Passage, rank: int, max_len: int = 450) -> list[Unit]:
    """Paragraphs; a bold label alone on its line joins the list under it; long prose paragraphs
    are split into sentences (lists are kept whole: a list of papers is one answer)."""
    text = passage.text
    paragraphs = [
        (m.start(), m.end())
        for m in re.finditer(r"[^\n]+(?:\n(?![ \t]*\n)[^\n]*)*", text)
        if m.group().strip()
    ]
    if passage.doc_type in STATUTE_TYPES:
        paragraphs = [piece for span in paragraphs for piece in _khoan_pieces(text, *span)]
    merged: list[tuple[int, int]] = []
    i = 0
    while i < len(paragraphs):
        start, end = paragraphs[i]
        if _LABEL_ONLY.match(text[start:end]) and i + 1 < len(paragraphs):
            end = paragraphs[i + 1][1]
            i += 1
            while i + 1 < len(paragraphs) and re.match(
                r"\s*([-+•]|\d+\.)\s", text[paragraphs[i + 1][0] :]
            ):
                end = paragraphs[i + 1][1]
                i += 1
        elif text[start:end].rstrip().endswith(":"):
            # a law's lead-in ("1. Hồ sơ … bao gồm:") keeps its điểm a), b), … (blank lines
            # between them in the text): the list of papers is one answer
            while i + 1 < len(paragraphs) and _POINT.match(text[paragraphs[i + 1][0] :]):
                end = paragraphs[i + 1][1]
                i += 1
        merged.append((start, end))
        i += 1
    units: list[Unit] = []
    for start, end in merged:
        body = text[start:end]
        is_list = "\n" in body.strip() and re.search(r"^\s*([-+•]|\d+\.)\s", body, re.M)
        if len(body) <= max_len or is_list:
            units.append(Unit(rank, passage, start, end))
            continue
        cursor = start
        for m in _SENTENCE.finditer(text, start, end):
            units.append(Unit(rank, passage, cursor, m.start()))
            cursor = m.end()
        units.append(Unit(rank, passage, cursor, end))
    # a heading alone ("## Tình huống 7.2. …") names a section but states nothing: never a quote
    return [
        u
        for u in units
        if u.text.strip() and len(words(u.text)) >= 3 and not _HEADING.match(u.text)
    ]


def score_units(question: str, units: list[Unit], types: list[str]) -> None:
    asks_basis = "basis" in types
    asks_status = bool(_ASKS_STATUS.search(fold(question).lower()))
    typed_accents = diacritic_ratio(words(question)) >= LOST_DIACRITICS
    question = without_frame(question)
    folded_terms = content_terms(question)
    q_bigrams = set(zip(folded_terms, folded_terms[1:], strict=False))
    q_exact = set(accented_terms(question)) if typed_accents else set()
    q_set = set(folded_terms)
    measures = asked_measures(question)
    period = period_kind(question)  # "thời hiệu", "dùng được bao lâu": not the processing time
    if not folded_terms:
        return
    for u in units:
        text = u.text + " " + u.passage.section.split("›")[-1]
        # both written with diacritics: "sổ" (đỏ) is not "sơ" (hồ sơ) nor "số", though they
        # fold alike; a question or unit typed or scanned without them is compared folded only
        accented = typed_accents and diacritic_ratio(words(u.text)) >= LOST_DIACRITICS
        terms = content_terms(text)
        tset = set(terms)
        shared = sum(1 for t in q_set if t in tset)
        overlap = shared / len(q_set)
        if accented:
            # a folded match that the diacritics deny counts FOLDED_ONLY less
            exact = set(accented_terms(text))
            denied = sum(1 for t in q_exact if t not in exact and fold(t) in tset)
            overlap -= FOLDED_ONLY * denied / len(q_set)
            shared -= denied
        bigram = len(q_bigrams & set(zip(terms, terms[1:], strict=False)))
        type_bonus = 0.0
        folded = fold(u.text).lower()
        head = _head(folded)
        for t in types:
            qt = QUESTION_TYPES[t]
            if t == "deadline" and period is not None:
                # the kind of period asked, stated ("Giấy có giá trị 06 tháng"), wherever it
                # stands; the "Thời hạn giải quyết" line is the procedure's processing time
                if period.search(fold(text).lower()) and qt.looks_like.search(folded):
                    type_bonus += 0.6
                continue
            if qt.label is not None and qt.label.search(head):
                type_bonus += 0.6  # the handbook's own label for exactly this fact
            elif qt.looks_like is not None and qt.looks_like.search(folded):
                type_bonus += 0.3
        if measures:  # the figure in the measure asked ("02 lần", "/trang"), each part of it
            type_bonus += (
                MEASURE_BONUS * sum(bool(m.search(folded)) for m in measures) / len(measures)
            )
        rank_prior = 1.0 / (1 + u.passage_rank)  # the retriever's order matters
        # A caveat or a list of legal bases mentions many terms but is rarely the answer itself.
        penalty = (0.15 if len(u.text) < 40 else 0.0) + (0.2 if _CAVEAT.search(head) else 0.0)
        if _BASIS.search(head):
            penalty += -0.6 if asks_basis else 0.5  # a bonus only when the basis is asked
        if _STATUS.search(head) and not asks_status:
            penalty += 1.0
        if _CASE.search(head):
            penalty += CASE_PENALTY
        u.score = overlap + 0.25 * min(bigram, 3) + type_bonus + 0.6 * rank_prior - penalty
        u.matched = shared > 0 or bigram > 0 or type_bonus > 0


def ranked_units(
    question: str,
    passages: list[Passage],
    max_passages: int = 4,
    ranks: list[int] | None = None,
    types: list[str] | None = None,
) -> list[Unit]:
    """The quotable units of the top passages, scored, best first; `ranks` gives passages that
    share a retrieval rank (sibling chunks of one section) the same prior. `types` (what is
    asked: a deadline, a fee…) default to those of `question`."""
    types = question_types(question) if types is None else types
    ranks = ranks or list(range(len(passages)))
    units = [
        u
        for rank, p in zip(ranks, passages, strict=True)
        if rank < max_passages
        for u in units_of(p, rank)
        if not is_instruction_like(u.text)  # content aimed at the assistant is never guidance
    ]
    score_units(question, units, types)
    return sorted(units, key=lambda u: -u.score)


def best_unit(question: str, passage: Passage) -> Unit:
    """The one unit of `passage` that best answers `question` (the passage whole if none)."""
    best = select_units(question, [passage], max_units=1)
    return best[0] if best else Unit(0, passage, 0, len(passage.text))


def select_units(
    question: str,
    passages: list[Passage],
    max_units: int = 3,
    budget: int = QUOTE_BUDGET,
    max_passages: int = 4,
    ranks: list[int] | None = None,
    types: list[str] | None = None,
) -> list[Unit]:
    """The best quotable units of the top passages (see `ranked_units` and `choose_units`)."""
    return choose_units(
        ranked_units(question, passages, max_passages, ranks, types), max_units, budget
    )


def choose_units(
    ranked: list[Unit],
    max_units: int = 3,
    budget: int = QUOTE_BUDGET,
    leads: Callable[[str], bool] | None = None,
    lead_from_first: bool = False,
    states: Callable[[Unit], bool] | None = None,
) -> list[Unit]:
    """The units to quote from units ranked best first, within `max_units` and `budget`
    characters. `leads` names the text that answers the question outright (the sentence
    defining what "X là gì?" asks): the best such unit is quoted first, whatever its score.
    Otherwise, with `lead_from_first`, the best unit of the passage ranked first leads: the
    best one that `states` the figure asked for, when one does ("… bao lâu thì vẫn là con
    chung?": "Con được sinh ra trong thời hạn 300 ngày …", not the sentence before it)."""
    if not ranked:
        return []
    best = ranked[0].score
    first = next((u for u in ranked if leads(u.text)), None) if leads is not None else None
    if first is None and lead_from_first:
        own = [u for u in ranked if u.passage_rank == 0]
        stating = [u for u in own if states is not None and states(u)]
        first = (stating or own or [None])[0]
    chosen: list[Unit] = [first] if first is not None else []
    used = len(first.text) if first is not None else 0
    top = (first or ranked[0]).passage
    for u in ranked:
        if len(chosen) >= max_units or u.score < best * 0.75:
            break
        if chosen and not u.matched:
            continue
        if u.passage.section != top.section and u.score < best * OTHER_SECTION_FACTOR:
            continue  # another procedure's paragraph only when it answers about as well
        if used + len(u.text) > budget and chosen:
            continue
        if any(_overlap(c, u) for c in chosen):
            continue
        chosen.append(u)
        used += len(u.text)
    return handling_first(chosen, ranked)  # best first: the answer, then what supports it


def _overlap(a: Unit, b: Unit) -> bool:
    """Whether two units quote the same words of a document: overlapping chunks of one section
    (a sibling chunk repeats its neighbour's last sentences) must not give one sentence twice."""
    if a.passage.doc_id != b.passage.doc_id:
        return False
    a0, b0 = a.passage.start + a.start, b.passage.start + b.start
    return a0 < b.passage.start + b.end and b0 < a.passage.start + a.end


def _head(folded: str) -> str:
    """A unit's accent-folded text from its first word, without list marks or bold markers."""
    return folded.lstrip("*-+ ").replace("*", "")


def _unit_head(u: Unit) -> str:
    return _head(fold(u.text).lower())


def _paragraph_head(u: Unit) -> str:
    """The folded head of the paragraph a unit belongs to (a sentence of a long paragraph
    belongs to the paragraph's label: "Cách xử lý: … . Trong 10 ngày …")."""
    start = u.passage.text.rfind("\n\n", 0, u.start + 1)
    return _head(fold(u.passage.text[start + 2 if start >= 0 else 0 : u.end]).lower())


def _handles(case: Unit, u: Unit) -> bool:
    """Whether `u` is part of the "Cách xử lý" of the worked case `case` is the story of."""
    return u.passage.id == case.passage.id and bool(_HANDLING.search(_paragraph_head(u)))


def handling_first(units: list[Unit], ranked: list[Unit] | None = None) -> list[Unit]:
    """A worked case's description ("Tình huống: Ông T. mang đến …") restates the question; its
    "Cách xử lý" is the answer. When both are quoted, the handling's first sentence takes the
    description's place and the description follows it; when only the description was chosen,
    the best sentence of its handling in `ranked` replaces it (the citation still names the
    case)."""
    out = list(units)
    for case in [u for u in units if _CASE.search(_unit_head(u))]:
        handling = sorted((u for u in out if _handles(case, u)), key=lambda u: u.start)
        if not handling and ranked is not None:
            handling = [u for u in ranked if _handles(case, u)][:1]
            if handling:
                out[out.index(case)] = handling[0]
                continue
        if handling and out.index(handling[0]) > out.index(case):
            out.remove(handling[0])
            out.insert(out.index(case), handling[0])
    return out


def clean_quote(text: str) -> str:
    """How a quote is shown: markdown emphasis stripped, whitespace tidied (offsets stay exact)."""
    return re.sub(r"[ \t]+", " ", text.replace("**", "")).strip()
