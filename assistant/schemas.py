"""The answer contract: one structured result behind the CLI, the API, the UI and the eval harness."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field, field_validator


class Turn(BaseModel):
    question: str
    answer: str = ""


class Filters(BaseModel):
    doc_id: list[str] | None = None
    doc_type: list[str] | None = None
    field: list[str] | None = Field(default=None, description="lĩnh vực, e.g. 'đất đai'")
    province: list[str] | None = None
    status: list[str] | None = None

    def as_dict(self) -> dict:
        return {k: v for k, v in self.model_dump().items() if v}


# One question's size, and how much conversation an answer reads: the condenser reads the last
# turn and the LLM prompt the last three, so clients need send no more than HISTORY_TURNS.
MAX_QUESTION_CHARS = 2000
MAX_HISTORY_TURNS = 20  # accepted in a request
HISTORY_TURNS = 3  # read by the answer


class AskRequest(BaseModel):
    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    history: list[Turn] = Field(default_factory=list, max_length=MAX_HISTORY_TURNS)
    filters: Filters | None = None
    mode: Literal["auto", "extractive", "llm"] = "auto"

    @field_validator("question")
    @classmethod
    def _has_words(cls, value: str) -> str:
        """ "???", "." or emoji alone ask nothing: a clear message, not an empty search."""
        if not WORD_CHAR.search(value):
            raise ValueError(NO_WORDS)
        return value


NO_WORDS = "Câu hỏi cần có ít nhất một chữ hoặc chữ số."
WORD_CHAR = re.compile(r"[^\W_]")  # a letter or a digit, in any script


class Citation(BaseModel):
    n: int
    doc_id: str
    title: str
    number: str = ""
    section: str = ""
    quote: str  # exact text of the document
    start: int  # offsets of the quote in the document's normalized text
    end: int
    status: str = ""
    chunk_id: str = ""
    # how a reader finds it: "Luật Cư trú, Điều 22 (Thủ tục đăng ký thường trú), khoản 1"
    reference: str = ""
    effective: str = ""  # ngày có hiệu lực of the cited text (ISO), where known
    version: str = ""  # which version of the text this is ("… tình trạng năm 2023 …")
    date: str = ""  # the text's own date (ngày ban hành, or the handbook's date), ISO
    legal_as_of: str = ""  # the law it rests on was checked up to this day (ISO), where known
    review: str = ""  # why the quoted section is marked "cần rà soát" ("" when it is not)


class RetrievedPassage(BaseModel):
    rank: int
    id: str
    doc_id: str
    title: str
    number: str = ""
    section: str = ""
    text: str
    score: float
    start: int
    end: int
    status: str = ""


class RelatedPassage(BaseModel):
    """An article of a law that a cited handbook section names as its legal basis."""

    doc_id: str
    title: str
    article: str  # "22"
    reference: str  # "Luật Cư trú, Điều 22 (Thủ tục đăng ký thường trú)"
    text: str  # the whole article, verbatim
    start: int  # offsets of the article in the law's text
    end: int
    cited_by: int  # the citation [n] whose section names it
    status: str = ""
    version: str = ""


class Timings(BaseModel):
    condense_ms: float = 0.0
    retrieve_ms: float = 0.0
    compose_ms: float = 0.0
    total_ms: float = 0.0


class AnswerResult(BaseModel):
    id: str = ""
    question: str
    standalone_question: str = ""  # the question after carrying over a follow-up's topic
    answer: str
    citations: list[Citation] = Field(default_factory=list)
    refused: bool = False
    # why it refused: "weak evidence" (low confidence), "amount not stated" (the best sentences
    # lack the figure asked for), "place not covered" (a province no document is about),
    # "named place not stated" (the province asked about is silent) or "topic not covered" (a
    # matter the documents do not guide, assistant/topics.py)
    refusal_reason: str = ""
    uncovered_topic: str = ""  # the matter named, when refused as "topic not covered"
    confidence: float = 0.0  # probability the passages answer; 0 when a check found they don't
    mode: Literal["extractive", "llm", "refusal"] = "extractive"
    sample_documents: bool = False  # an answer resting on "bản mẫu" documents
    warnings: list[str] = Field(default_factory=list)
    retrieved: list[RetrievedPassage] = Field(default_factory=list)
    # the articles of laws that the cited handbook sections rest on ("Căn cứ pháp lý")
    related: list[RelatedPassage] = Field(default_factory=list)
    timings: Timings = Field(default_factory=Timings)
