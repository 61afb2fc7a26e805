"""The service's data objects beyond the answer contract in assistant/schemas.py: documents,
feedback, ingest jobs, the gap report and health. The API and the page both show them, so they
live apart from the HTTP layer (the OpenAI wire protocol is in openai_models.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from assistant.schemas import MAX_QUESTION_CHARS

# ---- documents -------------------------------------------------------------------------------


class DocumentSummary(BaseModel):
    doc_id: str
    title: str
    number: str = ""
    doc_type: str = ""
    issuer: str = ""
    province: str = ""
    date: str = ""
    status: str = ""
    fields: list[str] = Field(default_factory=list)
    source: str = Field("", description="path of the file relative to the knowledge folder")
    chunks: int = 0
    ingested_at: str = ""
    sample: bool = Field(False, description="a 'bản mẫu' (sample) document")
    unreviewed: bool = Field(
        False, description="uploaded and not yet approved by an admin ('chưa rà soát')"
    )
    effective: str = Field("", description="ngày có hiệu lực (ISO), where known")
    version: str = Field("", description="which version of the text this is")


class ChunkInfo(BaseModel):
    id: str
    index: int
    section: str = ""
    start: int
    end: int
    page: int = 0
    text: str


class SectionInfo(BaseModel):
    section: str
    start: int
    end: int
    chunks: int


class DocumentDetail(DocumentSummary):
    meta: dict[str, Any] = Field(default_factory=dict)
    sections: list[SectionInfo] = Field(default_factory=list)
    passages: list[ChunkInfo] = Field(
        default_factory=list, description="the indexed chunks, in order"
    )


class DocumentSource(BaseModel):
    doc_id: str
    title: str
    source: str
    text: str = Field(description="the normalized text; citations' start/end index into it")
    stale: bool = Field(False, description="the file changed after it was indexed")


# ---- feedback --------------------------------------------------------------------------------


class FeedbackRequest(BaseModel):
    answer_id: str = Field(min_length=1, max_length=64)
    rating: Literal["up", "down"] = Field(description="'up' = 👍, 'down' = 👎")
    comment: str = Field("", max_length=MAX_QUESTION_CHARS)
    question: str = Field(
        "", max_length=MAX_QUESTION_CHARS, description="optional; known from answer_id if recent"
    )


class FeedbackResponse(BaseModel):
    id: str
    answer_id: str
    rating: str


# ---- admin -----------------------------------------------------------------------------------

JobStatus = Literal["queued", "running", "succeeded", "failed", "cancelled"]
JobKind = Literal["upload", "delete", "reingest", "approve", "restore"]


class FailedFile(BaseModel):
    source: str
    reason: str  # Vietnamese
    reason_en: str = ""


class IngestSummary(BaseModel):
    added: list[str] = Field(default_factory=list)
    changed: list[str] = Field(default_factory=list)
    removed: list[str] = Field(default_factory=list)
    unchanged: list[str] = Field(default_factory=list)
    failed: list[FailedFile] = Field(default_factory=list)
    chunks_written: int = 0
    embedded: int = 0
    generation: str | None = None


class JobInfo(BaseModel):
    id: str
    kind: JobKind
    status: JobStatus
    filename: str = ""
    doc_id: str = ""
    message: str = ""
    report: IngestSummary | None = None
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None

    @property
    def done(self) -> bool:
        return self.status in ("succeeded", "failed", "cancelled")


class TrashEntry(BaseModel):
    """A deleted or replaced document kept aside in the recycle bin, restorable until purged."""

    id: str
    doc_id: str
    source: str = Field(description="its path in the knowledge folder, where a restore puts it")
    title: str = ""
    reason: Literal["xoá", "thay thế", "huỷ tải lên"]
    deleted_by: str = ""
    deleted_at: datetime


class GapQuestion(BaseModel):
    kind: Literal["unanswered", "negative"]
    question: str
    comment: str = ""
    answer_id: str = ""
    created_at: datetime


class GapTopic(BaseModel):
    topic: str
    doc_id: str = ""
    section: str = ""
    count: int
    unanswered: int = 0
    negative: int = 0
    questions: list[GapQuestion] = Field(default_factory=list)


class FlaggedSentence(BaseModel):
    """A sentence in a document that addresses the assistant ("Bỏ qua mọi hướng dẫn…"): never
    quoted, listed for an admin to check the document."""

    doc_id: str
    title: str = ""
    status: str = ""
    sentence: str


class GapReport(BaseModel):
    generated_at: datetime
    total_unanswered: int = 0
    total_negative: int = 0
    topics: list[GapTopic] = Field(default_factory=list)
    flagged: list[FlaggedSentence] = Field(default_factory=list)


class Health(BaseModel):
    status: str
    detail: str = ""
    generation: str | None = None
    documents: int = 0


class ErrorResponse(BaseModel):
    detail: str


class InvalidRequest(BaseModel):
    """The 422 body: a Vietnamese sentence naming the fields, and the validator's errors."""

    detail: str
    errors: list[dict] = Field(default_factory=list)


# -- the staleness report ---------------------------------------------------------------------


class PastReview(BaseModel):
    """A text whose law was last checked (or which was dated) before the review cut-off."""

    doc_id: str
    title: str
    number: str = ""
    status: str = ""
    as_of: str = Field(description="legal_as_of, or the document's date when it has none (ISO)")
    as_of_field: Literal["legal_as_of", "date"]


class SectionUnderReview(BaseModel):
    """A section marked "**Cần rà soát:** <lý do>"."""

    doc_id: str
    title: str
    number: str = ""
    section: str
    reason: str


class StaleLegalBasis(BaseModel):
    """A section whose "Căn cứ pháp lý" names a text the index marks as replaced or expired."""

    doc_id: str
    title: str
    number: str = ""
    section: str
    basis: str = Field(description="the section's Căn cứ pháp lý paragraph")
    named_doc_id: str
    named_title: str
    why: str = Field(description='"đã hết hiệu lực", "đã được thay thế bởi …"')


class MissingValidity(BaseModel):
    """A document that does not say whether it is in force or how current it is."""

    doc_id: str
    title: str
    number: str = ""
    missing: list[str] = Field(description="status, effective, legal_as_of: the ones not given")


class StalenessReport(BaseModel):
    generated_at: datetime
    review_after_months: int
    cutoff: str = Field(description="texts checked or dated before this day (ISO) are listed")
    past_review: list[PastReview] = Field(default_factory=list)
    under_review: list[SectionUnderReview] = Field(default_factory=list)
    stale_basis: list[StaleLegalBasis] = Field(default_factory=list)
    missing_validity: list[MissingValidity] = Field(default_factory=list)
