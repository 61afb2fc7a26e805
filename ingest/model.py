"""The data that flows from files to the index."""

from __future__ import annotations

from dataclasses import dataclass, field

# A document's status, as its metadata states it: the default, and the handbook's sample mark.
DEFAULT_STATUS = "hiệu lực"
SAMPLE_STATUS = "bản mẫu"
# An upload until an admin approves it (assistant/provenance.py): never outranks reviewed text.
UNREVIEWED_STATUS = "chưa rà soát"
# No longer in force: kept for reference, never quoted unless a question names it.
EXPIRED_STATUS = "hết hiệu lực"


@dataclass
class LoadedText:
    """A file's text as a loader understood it."""

    text: str  # NFC-normalized, front matter removed
    format: str  # md, txt, docx, pdf, pdf-ocr, html
    page_starts: list[int] | None = None  # page_starts[i] = offset where page i+1 begins
    front_matter: dict = field(default_factory=dict)

    def page_at(self, offset: int) -> int | None:
        if not self.page_starts:
            return None
        page = 1
        for i, start in enumerate(self.page_starts):
            if start <= offset:
                page = i + 1
            else:
                break
        return page


@dataclass
class DocumentMeta:
    doc_id: str
    title: str
    number: str | None = None  # số hiệu, e.g. "34-NQ/TU"
    doc_type: str | None = None  # Nghị quyết, Kế hoạch, Công văn, Cẩm nang...
    issuer: str | None = None
    province: str | None = None
    date: str | None = None  # ISO yyyy-mm-dd
    fields: list[str] = field(default_factory=list)  # lĩnh vực
    status: str = "hiệu lực"
    effective: str | None = None  # ngày có hiệu lực, ISO
    version: str | None = None  # which version of the text this is ("bản năm 2023 …")
    legal_as_of: str | None = None  # ISO: the law it rests on was checked up to this date
    replaced_by: str | None = None  # the text that replaced it (doc id or số hiệu)
    replaces: str | None = None  # the text it replaces (doc id or số hiệu)
    # validity fields (status, effective, legal_as_of) that no sidecar, front matter or text gave
    unstated: list[str] = field(default_factory=list)
    # the sections marked "**Cần rà soát:** <lý do>": [{"section": "… › 4.5. …", "reason": "…"}]
    reviews: list[dict] = field(default_factory=list)
    source: str = ""  # path relative to the knowledge dir
    format: str = ""


@dataclass
class Chunk:
    doc_id: str
    index: int
    text: str
    heading_path: list[str]
    start: int  # offsets into the document's normalized text
    end: int
    page: int | None
    content_hash: str
    review: str = ""  # why the section must be checked ("**Cần rà soát:** …"), see ingest/review.py

    @property
    def section(self) -> str:
        return " › ".join(self.heading_path)
