"""The application layer behind both the HTTP API and the Gradio page.

Everything a user can do goes through `Service`: ask (plain or streamed), give feedback, browse
documents and their source text, and — for maintainers — upload, approve, replace, delete and
restore documents (each change re-ingested by a background job, one at a time, cancellable) and
read the "what the handbook lacks" report. It owns what the parts share (settings, database, keys, metrics, the answer chain)
and hands each call to the part that does the work (services/). Errors are `ServiceError`s
(assistant/server/errors.py) carrying an HTTP status and a Vietnamese message.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

from assistant.schemas import AnswerResult, AskRequest, RelatedPassage
from assistant.server.auth import KeyStore, Principal, RateLimiter
from assistant.server.db import Database
from assistant.server.errors import NotReady
from assistant.server.metrics import Metrics
from assistant.server.models import (
    DocumentDetail,
    DocumentSource,
    DocumentSummary,
    FeedbackRequest,
    FeedbackResponse,
    GapReport,
    JobInfo,
    StalenessReport,
    TrashEntry,
)
from assistant.server.services import login
from assistant.server.services.answers import Answers
from assistant.server.services.documents import Documents
from assistant.server.services.engine import Engine
from assistant.server.services.flagged import FlaggedContent
from assistant.server.services.gaps import gap_report
from assistant.server.services.jobs import Jobs
from assistant.server.services.retention import Retention
from assistant.server.services.staleness import staleness_report
from assistant.server.services.trash import Trash
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.chain import Assistant


class Service:
    def __init__(
        self, settings: Settings, *, assistant: Assistant | None = None, db: Database | None = None
    ) -> None:
        self.settings = settings
        self.db = db or Database(settings.resolved_database_url)
        self.keys = KeyStore(self.db)
        self.metrics = Metrics()
        self.engine = Engine(settings, self.metrics, assistant)
        self.answers = Answers(settings, self.db, self.metrics, self.engine)
        self.job_queue = Jobs(settings, self.db, self.metrics, self.engine)
        self.trash = Trash(settings.knowledge_dir)
        self.documents = Documents(settings, self.engine, self.job_queue, self.trash)
        self.job_queue.on_cancelled = self.documents.undo
        self.retention = Retention(settings, self.db, self.trash)
        # The page has no API key: its clients (IPs) get the API's rate limit and login throttle.
        self.page_limiter = RateLimiter(settings.rate_limit_per_minute)
        self.login_throttle = login.LoginThrottle(
            settings.login_max_failures, settings.login_lockout_seconds
        )
        self.admin_sessions = login.AdminSessions(settings.admin_session_hours)
        self.flagged = FlaggedContent()
        self.retention.maybe_purge()

    # -- the answer chain and the index --------------------------------------------------------
    @property
    def assistant(self) -> Assistant:
        return self.engine.assistant

    def warm_up(self) -> None:
        """Load the embedder and the index now rather than on the first question."""
        self.engine.warm_up()

    def readiness(self) -> tuple[bool, str, str | None, int]:
        """(ready, Vietnamese detail, generation, number of documents)."""
        return self.engine.readiness()

    def index_generation(self) -> str:
        """The published generation's name ("" with no index): changes whenever the index does."""
        return self.engine.index_generation()

    # -- answers and feedback ------------------------------------------------------------------
    def ask(
        self, request: AskRequest, *, channel: str = "api", principal: Principal | None = None
    ) -> AnswerResult:
        self.retention.maybe_purge()
        return self.answers.ask(request, channel=channel, principal=principal)

    def stream(
        self, request: AskRequest, *, channel: str = "api", principal: Principal | None = None
    ) -> Iterator[dict]:
        """The answer's events ({"event": "delta", "text"} ..., then {"event": "result", "result"});
        a missing index raises here, not mid-stream."""
        self.retention.maybe_purge()
        return self.answers.stream(request, channel=channel, principal=principal)

    def feedback(
        self, request: FeedbackRequest, *, principal: Principal | None = None
    ) -> FeedbackResponse:
        return self.answers.feedback(request, principal=principal)

    # -- documents -----------------------------------------------------------------------------
    def list_documents(self) -> list[DocumentSummary]:
        return self.documents.list_documents()

    def document(self, doc_id: str) -> DocumentDetail:
        return self.documents.document(doc_id)

    def article(self, doc_id: str, article: str) -> RelatedPassage:
        """One article of a law in the index ("Điều 22"), whole and verbatim."""
        return self.documents.article(doc_id, article)

    def document_source(self, doc_id: str) -> DocumentSource:
        return self.documents.document_source(doc_id)

    def document_text(self, doc_id: str) -> str:
        """The document's normalized text, which citations' offsets index into."""
        return self.documents.document_text(doc_id)

    @staticmethod
    def upload_extensions() -> list[str]:
        """The file types an upload may have."""
        return Documents.upload_extensions()

    # -- admin: documents and ingest jobs ------------------------------------------------------
    def upload(self, filename: str, data: bytes, *, principal: Principal | None = None) -> JobInfo:
        """Validate, store atomically as "chưa rà soát" and queue an incremental ingest."""
        return self.documents.upload(filename, data, principal=principal)

    def approve(self, doc_id: str, *, principal: Principal | None = None) -> JobInfo:
        """An admin has checked an upload: it is no longer "chưa rà soát"."""
        return self.documents.approve(doc_id, principal=principal)

    def delete_document(self, doc_id: str, *, principal: Principal | None = None) -> JobInfo:
        """Move the document to the recycle bin (restorable) and update the index."""
        return self.documents.delete_document(doc_id, principal=principal)

    def trash_entries(self) -> list[TrashEntry]:
        return self.documents.trash_entries()

    def restore(self, entry_id: str, *, principal: Principal | None = None) -> JobInfo:
        return self.documents.restore(entry_id, principal=principal)

    def purge(self, entry_id: str) -> TrashEntry:
        """Delete a recycle-bin entry for good."""
        return self.documents.purge(entry_id)

    def cancel_job(self, job_id: str) -> JobInfo:
        return self.job_queue.cancel(job_id)

    def reingest(self, *, principal: Principal | None = None) -> JobInfo:
        return self.job_queue.reingest(principal=principal)

    def job(self, job_id: str) -> JobInfo:
        return self.job_queue.job(job_id)

    def jobs(self, limit: int = 20) -> list[JobInfo]:
        return self.job_queue.jobs(limit)

    def wait_for_job(self, job_id: str, timeout: float = 600.0) -> JobInfo:
        return self.job_queue.wait_for_job(job_id, timeout)

    # -- admin: the gap and staleness reports and the page's login --------------------------------------------
    def report(self, limit_per_topic: int = 20) -> GapReport:
        """Refused questions and 👎 answers by topic, and the documents' instruction-like
        sentences (none listed while there is no index)."""
        report = gap_report(self.db, limit_per_topic)
        with contextlib.suppress(NotReady):
            report.flagged = self.flagged.of(self.engine.snapshot())
        return report

    def staleness(self) -> StalenessReport:
        """What may no longer be current: texts past review, sections marked for review, legal
        bases naming replaced texts, documents without validity metadata."""
        return staleness_report(self.engine.snapshot(), self.settings.review_after_months)

    @property
    def admin_login_required(self) -> bool:
        return login.admin_login_required(self.settings)

    def check_admin_login(self, secret: str) -> bool:
        """The page's admin tab: an admin API key, or settings.admin_password if one is set."""
        return login.check_admin_login(self.settings, self.keys, secret)

    def admin_login(self, secret: str, client: str) -> str | None:
        """The page's admin login from `client`: a session token, or None for a wrong secret.
        Raises `LoginLocked` (429) after too many wrong ones, whatever the secret."""
        self.login_throttle.check(client)
        if not self.check_admin_login(secret):
            self.login_throttle.failed(client)
            return None
        self.login_throttle.succeeded(client)
        return self.admin_sessions.open()

    def admin_logout(self, token: str | None) -> None:
        self.admin_sessions.close(token)

    def admin_session_valid(self, token: str | None) -> bool:
        """May this browser use the page's admin functions (its upload route)?"""
        return not self.admin_login_required or self.admin_sessions.valid(token)

    def page_rate_wait(self, client: str) -> float:
        """0 if the page may answer `client` now, else the seconds to wait (the API's limit)."""
        wait = self.page_limiter.acquire(f"page:{client}")
        if wait > 0:
            self.metrics.rate_limited.inc()
        return wait

    def close(self) -> None:
        self.db.dispose()
