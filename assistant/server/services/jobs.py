"""The ingest job queue: every change to the documents (upload, approve, delete, restore,
reingest) becomes a job row in the database and is run by one background worker, one job at a
time, so two changes never ingest at once and a client can follow its job by id. A queued job can
be cancelled before it starts, a running one between two documents (nothing is published)."""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable

from sqlalchemy import select

from assistant.server.auth import Principal
from assistant.server.db import Database, IngestJob, as_utc, new_id, utcnow
from assistant.server.errors import NotFound, ServiceError
from assistant.server.metrics import Metrics
from assistant.server.models import FailedFile, IngestSummary, JobInfo
from assistant.server.services.engine import Engine
from assistant.settings import Settings
from ingest.errors import IndexUnavailable, IngestCancelled, IngestError, IngestRunning
from ingest.pipeline import IngestReport, run_ingest

log = logging.getLogger(__name__)

# Another ingest (the CLI, another worker process) may hold the index lock: wait for it this
# many times this long before the job fails.
INGEST_LOCK_ATTEMPTS = 30
INGEST_LOCK_WAIT_S = 2


def _summary(report: IngestReport) -> IngestSummary:
    return IngestSummary(
        added=report.added,
        changed=report.changed,
        removed=report.removed,
        unchanged=report.unchanged,
        failed=[
            FailedFile(source=p.source, reason=p.reason_vi, reason_en=p.reason_en)
            for p in report.failed
        ],
        chunks_written=report.chunks_written,
        embedded=report.embedded,
        generation=report.generation,
    )


def _job_info(row: IngestJob) -> JobInfo:
    return JobInfo(
        id=row.id,
        kind=row.kind,
        status=row.status,
        filename=row.filename,
        doc_id=row.doc_id,  # type: ignore[arg-type]
        message=row.message,
        report=IngestSummary(**row.report) if row.report else None,
        created_at=as_utc(row.created_at),
        started_at=as_utc(row.started_at),  # type: ignore[arg-type]
        finished_at=as_utc(row.finished_at),
    )


def _outcome(report: IngestReport, filename: str) -> tuple[str, str]:
    """(status, Vietnamese message) of a finished ingest: an upload fails if its own file did."""
    own_failure = [p for p in report.failed if filename and p.source == filename]
    if own_failure:
        return "failed", f"Tệp «{filename}» không lập chỉ mục được: {own_failure[0].reason_vi}"
    return "succeeded", (
        f"Xong: thêm {len(report.added)}, cập nhật {len(report.changed)}, xoá {len(report.removed)}, "
        f"giữ nguyên {len(report.unchanged)}, lỗi {len(report.failed)}."
    )


class Jobs:
    def __init__(self, settings: Settings, db: Database, metrics: Metrics, engine: Engine) -> None:
        self.settings = settings
        self.db = db
        self.metrics = metrics
        self.engine = engine
        self._queue: queue.Queue[str] = queue.Queue()
        self._worker: threading.Thread | None = None
        self._worker_lock = threading.Lock()
        self._job_done = threading.Condition()
        self._cancel_requested: set[str] = set()
        # called with the job id when a job ends cancelled (undoes an upload: Documents.undo)
        self.on_cancelled: Callable[[str], str] | None = None
        self._fail_interrupted_jobs()

    def _fail_interrupted_jobs(self) -> None:
        """Jobs queued or running when the server last stopped will never finish: say so."""
        with self.db.session() as s:
            for row in s.scalars(
                select(IngestJob).where(IngestJob.status.in_(("queued", "running")))
            ):
                row.status = "failed"
                row.finished_at = utcnow()
                row.message = "Máy chủ đã khởi động lại trước khi tác vụ hoàn thành; hãy chạy lại."

    # -- reading -------------------------------------------------------------------------------
    def job(self, job_id: str) -> JobInfo:
        with self.db.session() as s:
            row = s.get(IngestJob, job_id)
            if row is None:
                raise NotFound(f"Không có tác vụ «{job_id}».")
            return _job_info(row)

    def jobs(self, limit: int = 20) -> list[JobInfo]:
        with self.db.session() as s:
            rows = s.scalars(
                select(IngestJob).order_by(IngestJob.created_at.desc()).limit(limit)
            ).all()
            return [_job_info(r) for r in rows]

    def wait_for_job(self, job_id: str, timeout: float = 600.0) -> JobInfo:
        deadline = time.monotonic() + timeout
        while True:
            info = self.job(job_id)
            if info.done or time.monotonic() > deadline:
                return info
            with self._job_done:
                self._job_done.wait(timeout=0.5)

    # -- queueing ------------------------------------------------------------------------------
    def reingest(self, *, principal: Principal | None = None) -> JobInfo:
        return self.enqueue("reingest", message="Chờ cập nhật chỉ mục.", principal=principal)

    def enqueue(
        self,
        kind: str,
        *,
        filename: str = "",
        doc_id: str = "",
        message: str = "",
        principal: Principal | None = None,
    ) -> JobInfo:
        row = IngestJob(
            id=new_id(),
            kind=kind,
            status="queued",
            filename=filename,
            doc_id=doc_id,
            message=message,
            requested_by=principal.key_id if principal else "",
            created_at=utcnow(),
        )
        with self.db.session() as s:
            s.add(row)
        self._ensure_worker()
        self._queue.put(row.id)
        return _job_info(row)

    def cancel(self, job_id: str) -> JobInfo:
        """Cancel a queued job now, a running one at the next document; a finished one is 409."""
        with self.db.session() as s:
            row = s.get(IngestJob, job_id)
            if row is None:
                raise NotFound(f"Không có tác vụ «{job_id}».")
            if row.status in ("succeeded", "failed", "cancelled"):
                raise ServiceError("Tác vụ đã kết thúc, không thể huỷ.", 409)
            self._cancel_requested.add(job_id)
            if row.status == "running":
                row.message = "Đang huỷ: dừng sau tài liệu đang xử lý…"
                return _job_info(row)
        return self._finish_cancelled(job_id)

    def _finish_cancelled(self, job_id: str) -> JobInfo:
        self._cancel_requested.discard(job_id)
        note = ""
        if self.on_cancelled is not None:
            try:
                note = self.on_cancelled(job_id)
            except Exception:
                log.exception("Undoing cancelled job %s failed", job_id)
                note = "Không hoàn tác được thay đổi tệp; hãy kiểm tra thùng rác."
        row = self._set_job(
            job_id,
            status="cancelled",
            finished_at=utcnow(),
            message=" ".join(x for x in ("Đã huỷ; chỉ mục không thay đổi.", note) if x),
        )
        self.metrics.ingest_jobs.labels(kind=row.kind, status="cancelled").inc()
        with self._job_done:
            self._job_done.notify_all()
        return _job_info(row)

    # -- the worker ----------------------------------------------------------------------------
    def _ensure_worker(self) -> None:
        with self._worker_lock:
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(
                    target=self._work, name="camnang-ingest", daemon=True
                )
                self._worker.start()

    def _work(self) -> None:
        while True:
            job_id = self._queue.get()
            try:
                self._run_job(job_id)
            except Exception:
                log.exception("Ingest job %s crashed", job_id)
            finally:
                with self._job_done:
                    self._job_done.notify_all()

    def _set_job(self, job_id: str, **values) -> IngestJob:
        with self.db.session() as s:
            row = s.get(IngestJob, job_id)
            for k, v in values.items():
                setattr(row, k, v)
            return row

    def _run_job(self, job_id: str) -> None:
        with self.db.session() as s:
            row = s.get(IngestJob, job_id)
            if row is None or row.status != "queued":  # cancelled while it waited
                return
            row.status, row.started_at, row.message = "running", utcnow(), "Đang lập chỉ mục…"
        report, error = self._ingest(job_id)
        if job_id in self._cancel_requested and (report is None or error == "cancelled"):
            self._finish_cancelled(job_id)
            return
        self._cancel_requested.discard(job_id)
        if report is None:
            self._set_job(job_id, status="failed", finished_at=utcnow(), message=error)
            self.metrics.ingest_jobs.labels(kind=row.kind, status="failed").inc()
            return
        for outcome in ("added", "changed", "removed", "unchanged"):
            self.metrics.ingest_documents.labels(outcome=outcome).inc(len(getattr(report, outcome)))
        self.metrics.ingest_documents.labels(outcome="failed").inc(len(report.failed))
        status, message = _outcome(report, row.filename)
        # load the new generation before the job says it is done, so that whoever waited for
        # it reads the documents it added (requests during a load get the previous generation)
        with contextlib.suppress(ServiceError):
            self.metrics.index_documents.set(len(self.engine.snapshot().manifest.docs))
        self._set_job(
            job_id,
            status=status,
            finished_at=utcnow(),
            message=message,
            report=_summary(report).model_dump(mode="json"),
        )
        self.metrics.ingest_jobs.labels(kind=row.kind, status=status).inc()

    def _wait_cancelled(self, job_id: str, seconds: float) -> bool:
        """Sleep up to `seconds`, waking early (True) if the job is cancelled meanwhile."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if job_id in self._cancel_requested:
                return True
            time.sleep(0.1)
        return job_id in self._cancel_requested

    def _ingest(self, job_id: str) -> tuple[IngestReport | None, str]:
        """(the report, "") or (None, the Vietnamese reason the ingest failed)."""
        for attempt in range(INGEST_LOCK_ATTEMPTS):
            try:
                return run_ingest(
                    self.settings.ingest, cancelled=lambda: job_id in self._cancel_requested
                ), ""
            except IngestCancelled:
                return None, "cancelled"
            except IngestRunning as exc:
                if attempt == INGEST_LOCK_ATTEMPTS - 1:
                    return None, f"Không cập nhật được chỉ mục: {exc}"
                if self._wait_cancelled(job_id, INGEST_LOCK_WAIT_S):
                    return None, "cancelled"
            except IndexUnavailable as exc:
                return None, f"Không cập nhật được chỉ mục: {exc}"
            except IngestError as exc:
                return None, exc.reason_vi
            except Exception as exc:
                log.exception("Ingest job %s failed", job_id)
                return None, f"Lỗi khi lập chỉ mục: {exc}"
        return None, ""  # not reached: the last attempt returns
