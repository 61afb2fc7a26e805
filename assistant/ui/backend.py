"""What the page asks of the Service, in one place, with Vietnamese errors.

`PageService` names exactly the Service methods the page calls (assistant.server.service.Service has
them all); the page reaches nothing else of the Service. `UIBackend` wraps them in the shapes the
renderers take (plain dicts) and caches a document's text per index generation. `service_error`
turns an exception into a message for people.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Iterator
from typing import TYPE_CHECKING, Protocol

from pydantic import BaseModel, ValidationError

from assistant.schemas import MAX_QUESTION_CHARS, AnswerResult, AskRequest
from assistant.server.errors import ServiceError
from assistant.server.models import FeedbackRequest
from assistant.statute import is_statute
from assistant.ui.locale import t
from ingest.errors import IndexUnavailable

if TYPE_CHECKING:
    from assistant.schemas import RelatedPassage
    from assistant.server.models import (
        DocumentSummary,
        FeedbackResponse,
        GapReport,
        JobInfo,
        StalenessReport,
    )

log = logging.getLogger(__name__)

MAX_COMMENT_CHARS = MAX_QUESTION_CHARS  # FeedbackRequest.comment's cap
_TEXT_CACHE = 16  # documents whose text is kept (reading a scanned PDF again means OCR)


class PageService(Protocol):
    """The Service methods the page calls, and nothing more."""

    def stream(self, request: AskRequest, *, channel: str = ...) -> Iterator[dict]: ...

    def feedback(self, request: FeedbackRequest) -> FeedbackResponse: ...

    def list_documents(self) -> list[DocumentSummary]: ...

    def article(self, doc_id: str, article: str) -> RelatedPassage: ...

    def document_text(self, doc_id: str) -> str: ...

    def index_generation(self) -> str: ...

    def upload_extensions(self) -> list[str]: ...

    @property
    def admin_login_required(self) -> bool: ...

    def check_admin_login(self, secret: str) -> bool: ...

    def admin_login(self, secret: str, client: str) -> str | None: ...

    def admin_logout(self, token: str | None) -> None: ...

    def page_rate_wait(self, client: str) -> float: ...

    def cancel_job(self, job_id: str) -> JobInfo: ...

    def upload(self, filename: str, data: bytes) -> JobInfo: ...

    def delete_document(self, doc_id: str) -> JobInfo: ...

    def reingest(self) -> JobInfo: ...

    def job(self, job_id: str) -> JobInfo: ...

    def jobs(self, limit: int = ...) -> list[JobInfo]: ...

    def report(self) -> GapReport: ...

    def staleness(self) -> StalenessReport: ...


def as_dict(obj: BaseModel | dict | None) -> dict:
    """A Service result as the plain dict the renderers read."""
    if obj is None:
        return {}
    if isinstance(obj, dict):
        return obj
    return obj.model_dump()


def as_result(obj: AnswerResult | dict) -> AnswerResult:
    return obj if isinstance(obj, AnswerResult) else AnswerResult.model_validate(obj)


def client_of(request: object) -> str:
    """The client a Gradio event comes from (its IP), for the rate limit and the login throttle."""
    client = getattr(request, "client", None)
    return str(getattr(client, "host", "") or "local")


def service_error(exc: Exception) -> str:
    """A message for people: the Service's Vietnamese detail, or a generic line."""
    if isinstance(exc, ServiceError) and exc.detail:
        return str(exc.detail)
    if isinstance(exc, IndexUnavailable):
        return t("error_no_index")
    if isinstance(exc, ValidationError):
        return t("error_invalid_input")
    log.error("UI: unexpected error: %r", exc)
    return t("error_system")


class UIBackend:
    """The Service calls the page makes, in the renderers' shapes."""

    def __init__(self, service: PageService) -> None:
        self.service = service
        self._texts: OrderedDict[tuple[str, str], str] = OrderedDict()

    # -- asking ------------------------------------------------------------------------------
    def rate_wait(self, client: str) -> float:
        """0 if `client` may ask now, else the seconds it must wait (the API's per-client limit)."""
        return self.service.page_rate_wait(client)

    def stream(self, request: AskRequest) -> Iterator[dict]:
        yield from self.service.stream(request, channel="ui")

    def feedback(self, answer_id: str, rating: str, comment: str = "", question: str = "") -> None:
        self.service.feedback(
            FeedbackRequest(
                answer_id=answer_id,
                rating=rating,
                comment=(comment or "")[:MAX_COMMENT_CHARS],
                question=question[:MAX_QUESTION_CHARS],
            )
        )

    # -- documents ---------------------------------------------------------------------------
    def documents(self) -> list[dict]:
        try:
            return [as_dict(d) for d in self.service.list_documents()]
        except Exception as exc:  # no index yet: the page still loads, and says so
            log.warning("UI: no documents (%s)", exc)
            return []

    def document(self, doc_id: str) -> dict:
        """One document's metadata ({} when it is not in the index)."""
        return next((d for d in self.documents() if d.get("doc_id") == doc_id), {})

    def laws(self) -> dict[str, dict]:
        """The laws in the index (doc_id -> title, date), for linking legal bases to them."""
        return {
            d["doc_id"]: {"title": d.get("title", ""), "date": d.get("date") or ""}
            for d in self.documents()
            if is_statute(d)
        }

    def article(self, doc_id: str, article: str) -> dict:
        return as_dict(self.service.article(doc_id, article))

    def document_text(self, doc_id: str) -> str:
        """The document's normalized text, cached per index generation: reading a scanned PDF
        again would mean OCR on every click."""
        key = (doc_id, self.service.index_generation())
        if key in self._texts:
            self._texts.move_to_end(key)
            return self._texts[key]
        text = self.service.document_text(doc_id)
        self._texts[key] = text
        while len(self._texts) > _TEXT_CACHE:
            self._texts.popitem(last=False)
        return text

    # -- admin -------------------------------------------------------------------------------
    def upload_extensions(self) -> list[str]:
        return self.service.upload_extensions()

    def login_required(self) -> bool:
        return bool(self.service.admin_login_required)

    def check_login(self, secret: str) -> bool:
        return bool(self.service.check_admin_login(secret))

    def login(self, secret: str, client: str) -> str | None:
        """A session token for a right secret, None for a wrong one; raises `LoginLocked` after
        too many wrong ones from this client."""
        return self.service.admin_login(secret, client)

    def logout(self, token: str | None) -> None:
        self.service.admin_logout(token)

    def cancel_job(self, job_id: str) -> dict:
        return as_dict(self.service.cancel_job(job_id))

    def upload(self, filename: str, data: bytes) -> dict:
        return as_dict(self.service.upload(filename, data))

    def delete_document(self, doc_id: str) -> dict:
        return as_dict(self.service.delete_document(doc_id))

    def reingest(self) -> dict:
        return as_dict(self.service.reingest())

    def job(self, job_id: str) -> dict:
        return as_dict(self.service.job(job_id))

    def recent_jobs(self, limit: int = 10) -> list[dict]:
        """The latest ingest jobs ([] when they cannot be read: the tab still shows the rest)."""
        try:
            return [as_dict(j) for j in self.service.jobs(limit)]
        except Exception:
            return []

    def report(self) -> dict:
        return as_dict(self.service.report())

    def staleness(self) -> dict:
        return as_dict(self.service.staleness())
