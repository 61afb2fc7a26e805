"""What one question carries through the chain, typed: each step reads and fills named fields.

`Composed` is what a composer (extractive, LLM, refusal) hands back; `AnswerState.apply` takes it.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field

from assistant.extractive import Unit
from assistant.related import Related
from assistant.schemas import AskRequest, Citation
from assistant.scope import Scope
from assistant.snapshot import Passage


@dataclass
class Composed:
    answer: str
    citations: list[Citation]
    result_mode: str  # extractive | llm | refusal
    warnings: list[str] = field(default_factory=list)
    related: list[Related] = field(default_factory=list)
    refusal_reason: str = ""  # set by the refusal composer only


@dataclass
class AnswerState:
    request: AskRequest
    mode: str  # "llm" or "extractive": the request's "auto" resolved
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:16])
    t0: float = field(default_factory=time.perf_counter)
    timings: dict[str, float] = field(default_factory=dict)
    # condense
    question: str = ""  # the user's own words as read: no personal numbers, shorthand written out
    standalone: str = ""
    search: tuple[str, str] = ("", "")  # what retrieval searches with: query, carried context
    # retrieve
    passages: list[Passage] = field(default_factory=list)
    # decide
    scope: Scope | None = None  # the documents and places the question names (`Assistant.scope`)
    confidence: float = 0.0
    passage_confidence: float = 0.0  # by the passages alone (assistant/confidence.py `judge`)
    threshold: float = 0.0  # the refusal threshold the confidence was judged at
    refused: bool = False
    refusal_reason: str = ""
    uncovered_places: tuple[str, ...] = ()
    uncovered_topic: str = ""  # a matter the documents do not guide (assistant/topics.py)
    named_docs: tuple[str, ...] = ()  # the named province's documents, when they do not answer
    former: list[Unit] = field(default_factory=list)  # state the figure asked, as a former rule
    ranked: list[Unit] | None = None  # every quotable sentence, scored once, best first
    units: list[Unit] | None = None  # the quotable sentences, chosen once
    # compose
    answer: str = ""
    citations: list[Citation] = field(default_factory=list)
    related: list[Related] = field(default_factory=list)
    result_mode: str = ""
    warnings: list[str] = field(default_factory=list)

    def apply(self, out: Composed) -> AnswerState:
        self.answer, self.citations, self.result_mode = out.answer, out.citations, out.result_mode
        self.warnings, self.related = out.warnings, out.related
        if out.result_mode == "refusal":
            self.refused, self.refusal_reason = True, out.refusal_reason
        return self
