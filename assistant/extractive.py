"""The default composer: answer with verbatim sentences of the top passages, no LLM.

Faithful by construction: every word the user reads after the lead-in is a quote of a document,
with its exact offsets. The work is in choosing which sentences: the ones that share the
question's terms and carry the kind of fact the question asks for (a deadline, a fee, a body,
a list of papers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.retrieval import STOP, Passage
from ingest.text import fold, words

# What kind of fact a question asks for, and what such a fact looks like in the text.
QUESTION_TYPES: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    "deadline": (
        re.compile(r"\b(khi nao|bao lau|thoi han|may ngay|bao nhieu ngay|han chot|trong vong|luc nao|thoi gian)\b"),
        re.compile(r"\b(\d+|mot|hai|ba|muoi)\s*(ngay|thang|nam|gio)\b|ngay lam viec|trong ngay|thoi han|quy [iv]+", re.I),
    ),
    "fee": (
        re.compile(r"\b(le phi|phi|bao nhieu tien|mat tien|chi phi|thu tien)\b"),
        re.compile(r"le phi|\bphi\b|dong\b|\d+\.\d{3}|mien|khong thu", re.I),
    ),
    "who": (
        re.compile(r"\b(ai|co quan nao|don vi nao|tham quyen|cap nao|noi nao|o dau|chu tri|phu trach|ky)\b"),
        re.compile(r"tham quyen|ubnd|uy ban|chu tich|so |cong an|van phong|bo phan|ban |co quan|chu tri|cong chuc|giao", re.I),
    ),
    "list": (
        re.compile(r"\b(gom nhung gi|gom gi|nhung gi|giay to gi|ho so|thu tuc|cac buoc|trinh tu|quy trinh|can gi|lam gi|nhu the nao|the nao|ra sao)\b"),
        re.compile(r"thanh phan ho so|trinh tu|^\s*[-+•]|^\s*\d+\.|gom", re.I | re.M),
    ),
    "number": (
        re.compile(r"\b(bao nhieu|ty le|may|so luong|phan tram|chi tieu|muc tieu)\b"),
        re.compile(r"\d+\s*%|\d+", re.I),
    ),
}


def question_types(question: str) -> list[str]:
    q = fold(question).lower()
    return [name for name, (ask, _) in QUESTION_TYPES.items() if ask.search(q)]


@dataclass
class Unit:
    """A quotable piece of a passage: a paragraph, a list kept whole, or a sentence."""

    passage_rank: int
    passage: Passage
    start: int  # offsets in the passage text
    end: int
    score: float = 0.0

    @property
    def text(self) -> str:
        return self.passage.text[self.start : self.end]


_LABEL_ONLY = re.compile(r"^\*\*[^*]{2,80}:\*\*\s*$")
_SENTENCE = re.compile(r"(?<=[.!?;])\s+(?=[A-ZĐÀ-Ỹ\"“(])")


def units_of(passage: Passage, rank: int, max_len: int = 450) -> list[Unit]:
    """Paragraphs; a bold label alone on its line joins the list under it; long prose paragraphs
    are split into sentences (lists are kept whole: a list of papers is one answer)."""
    text = passage.text
    paragraphs = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+(?:\n(?![ \t]*\n)[^\n]*)*", text) if m.group().strip()]
    merged: list[tuple[int, int]] = []
    i = 0
    while i < len(paragraphs):
        start, end = paragraphs[i]
        if _LABEL_ONLY.match(text[start:end]) and i + 1 < len(paragraphs):
            end = paragraphs[i + 1][1]
            i += 1
            while i + 1 < len(paragraphs) and re.match(r"\s*([-+•]|\d+\.)\s", text[paragraphs[i + 1][0] :]):
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
    return [u for u in units if u.text.strip() and len(words(u.text)) >= 3]


def _content(text: str) -> list[str]:
    return [w for w in words(fold(text)) if w not in STOP and len(w) > 1]


def score_units(question: str, units: list[Unit], types: list[str]) -> None:
    q_terms = _content(question)
    q_bigrams = set(zip(q_terms, q_terms[1:], strict=False))
    if not q_terms:
        return
    for u in units:
        terms = _content(u.text + " " + u.passage.section.split("›")[-1])
        tset = set(terms)
        overlap = sum(1 for t in set(q_terms) if t in tset) / len(set(q_terms))
        bigram = sum(1 for b in q_bigrams if b in set(zip(terms, terms[1:], strict=False)))
        type_bonus = 0.0
        folded = fold(u.text).lower()
        for t in types:
            if QUESTION_TYPES[t][1].search(folded):
                type_bonus += 0.35
        rank_prior = 1.0 / (1 + u.passage_rank)  # the retriever's order matters
        length_penalty = 0.15 if len(u.text) < 40 else 0.0
        u.score = overlap + 0.25 * min(bigram, 3) + type_bonus + 0.6 * rank_prior - length_penalty


def select_units(question: str, passages: list[Passage], max_units: int = 3,
                 budget: int = 900, max_passages: int = 3) -> list[Unit]:
    types = question_types(question)
    units = [u for rank, p in enumerate(passages[:max_passages]) for u in units_of(p, rank)]
    score_units(question, units, types)
    ranked = sorted(units, key=lambda u: -u.score)
    if not ranked:
        return []
    best = ranked[0].score
    chosen: list[Unit] = []
    used = 0
    for u in ranked:
        if len(chosen) >= max_units or u.score < best * 0.75:
            break
        if used + len(u.text) > budget and chosen:
            continue
        if any(c.passage.id == u.passage.id and not (u.end <= c.start or u.start >= c.end) for c in chosen):
            continue
        chosen.append(u)
        used += len(u.text)
    # Read in document order within a passage, passages in retrieval order.
    return sorted(chosen, key=lambda u: (u.passage_rank, u.start))


def clean_quote(text: str) -> str:
    """How a quote is shown: markdown emphasis stripped, whitespace tidied (offsets stay exact)."""
    return re.sub(r"[ \t]+", " ", text.replace("**", "")).strip()

