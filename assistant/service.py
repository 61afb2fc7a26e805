"""The application layer behind both the HTTP API and the Gradio page.

Everything a user can do goes through `Service`: ask (plain or streamed), give feedback, browse
documents and their source text, and — for maintainers — upload, replace or delete documents
(each change re-ingested by a background job, one at a time) and read the "what the handbook
lacks" report. Errors are `ServiceError`s carrying an HTTP status and a Vietnamese message.
"""

from __future__ import annotations

import contextlib
import hmac
import logging
import os
import queue
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from assistant.schemas import AnswerResult, AskRequest, RelatedPassage
from assistant.server.auth import KeyStore, Principal
from assistant.server.db import (
    Conversation,
    Database,
    Feedback,
    IngestJob,
    Unanswered,
    as_utc,
    new_id,
    utcnow,
)
from assistant.server.metrics import Metrics
from assistant.server.models import (
    ChunkInfo,
    DocumentDetail,
    DocumentSource,
    DocumentSummary,
    FailedFile,
    FeedbackRequest,
    FeedbackResponse,
    GapQuestion,
    GapReport,
    GapTopic,
    IngestSummary,
    JobInfo,
    SectionInfo,
)
from assistant.settings import Settings
from ingest.errors import IndexUnavailable, IngestError, IngestRunning
from ingest.loaders import SUPPORTED_EXTENSIONS, load_file
from ingest.model import SAMPLE_STATUS
from ingest.pipeline import (
    SIDECAR_SUFFIX,
    IngestReport,
    SourceFile,
    doc_id_for,
    is_skipped_name,
    prepare,
    run_ingest,
    safe_relative_path,
    scan,
)
from ingest.store import IndexStore, Manifest

if TYPE_CHECKING:
    from assistant.chain import Assistant

log = logging.getLogger(__name__)

UPLOADS_SUBDIR = "uploads"
_RECENT_ANSWERS = 2000


class ServiceError(Exception):
    status = 400

    def __init__(self, detail: str, status: int | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        if status is not None:
            self.status = status


class NotFound(ServiceError):
    status = 404


class NotReady(ServiceError):
    status = 503


@dataclass
class _Recent:
    question: str
    doc_id: str
    title: str
    section: str


def _top_source(result: AnswerResult) -> tuple[str, str, str]:
    """The document and section an answer rests on (or, for a refusal, came closest to)."""
    if result.citations:
        c = result.citations[0]
        return c.doc_id, c.title, c.section
    if result.retrieved:
        p = result.retrieved[0]
        return p.doc_id, p.title, p.section
    return "", "", ""


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


def _write_atomic_bytes(path: Path, data: bytes) -> None:
    """Write next to the target under a hidden name (ingest skips dot-files), then rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".upload", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Service:
    def __init__(
        self, settings: Settings, *, assistant: Assistant | None = None, db: Database | None = None
    ) -> None:
        self.settings = settings
        self.db = db or Database(settings.resolved_database_url)
        self.keys = KeyStore(self.db)
        self.metrics = Metrics()
        self._assistant = assistant
        self._assistant_lock = threading.Lock()
        self._recent: OrderedDict[str, _Recent] = OrderedDict()
        self._recent_lock = threading.Lock()
        self._jobs: queue.Queue[str] = queue.Queue()
        self._worker: threading.Thread | None = None
        self._worker_lock = threading.Lock()
        self._job_done = threading.Condition()
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

    # -- the answer chain --------------------------------------------------------------------
    @property
    def assistant(self) -> Assistant:
        if self._assistant is None:
            with self._assistant_lock:
                if self._assistant is None:
                    from assistant.chain import Assistant

                    t = time.perf_counter()
                    self._assistant = Assistant(self.settings)
                    log.info("Answer chain loaded in %.1f s", time.perf_counter() - t)
        return self._assistant

    def warm_up(self) -> None:
        """Load the embedder and the index now rather than on the first question."""
        try:
            snap = self.assistant.provider.get()
            self.metrics.index_documents.set(len(snap.manifest.docs))
        except IndexUnavailable as exc:
            log.warning("No index yet: %s", exc)
        except Exception:
            log.exception("Warm-up failed")

    def readiness(self) -> tuple[bool, str, str | None, int]:
        """(ready, Vietnamese detail, generation, number of documents)."""
        if self._assistant is None and self._assistant_lock.locked():
            return False, "Đang nạp mô hình và chỉ mục…", None, 0
        try:
            snap = self.assistant.provider.get()
        except IndexUnavailable:
            return False, "Chưa có chỉ mục tài liệu: hãy chạy `camnang ingest`.", None, 0
        except Exception as exc:  # a broken index must show up as not ready, not as a 500
            log.exception("Index could not be loaded")
            return False, f"Không nạp được chỉ mục: {exc}", None, 0
        self.metrics.index_documents.set(len(snap.manifest.docs))
        return True, "Sẵn sàng", snap.generation, len(snap.manifest.docs)

    def _snapshot(self):
        try:
            return self.assistant.provider.get()
        except IndexUnavailable as exc:
            raise NotReady(
                "Chưa có chỉ mục tài liệu: hãy chạy `camnang ingest` hoặc tải tài liệu lên."
            ) from exc

    def ask(
        self, request: AskRequest, *, channel: str = "api", principal: Principal | None = None
    ) -> AnswerResult:
        self._snapshot()
        result = self.assistant.ask(request)
        self._record(request, result, channel, principal)
        return result

    def stream(
        self, request: AskRequest, *, channel: str = "api", principal: Principal | None = None
    ) -> Iterator[dict]:
        """The Assistant's events ({"event": "delta", "text"} ..., then {"event": "result", "result"}),
        recorded like `ask` once the result is known. A missing index raises here, not mid-stream."""
        self._snapshot()
        return self._stream(request, channel, principal)

    def _stream(
        self, request: AskRequest, channel: str, principal: Principal | None
    ) -> Iterator[dict]:
        for event in self.assistant.stream(request):
            if event.get("event") == "result":
                self._record(request, event["result"], channel, principal)
            yield event

    def _record(
        self, request: AskRequest, result: AnswerResult, channel: str, principal: Principal | None
    ) -> None:
        if not result.id:
            result.id = new_id()[:16]
        doc_id, title, section = _top_source(result)
        with self._recent_lock:
            self._recent[result.id] = _Recent(request.question, doc_id, title, section)
            while len(self._recent) > _RECENT_ANSWERS:
                self._recent.popitem(last=False)
        self.metrics.answers.labels(mode=result.mode, channel=channel).inc()
        key_id = principal.key_id if principal else ""
        try:
            with self.db.session() as s:
                if result.refused:
                    self.metrics.refusals.labels(channel=channel).inc()
                    s.add(
                        Unanswered(
                            answer_id=result.id,
                            question=request.question,
                            standalone_question=result.standalone_question,
                            top_doc_id=doc_id,
                            top_title=title,
                            top_section=section,
                            confidence=int(round(result.confidence * 1000)),
                            created_at=utcnow(),
                        )
                    )
                if self.settings.store_conversations:
                    s.add(
                        Conversation(
                            answer_id=result.id,
                            question=request.question,
                            answer=result.answer,
                            history=[t.model_dump() for t in request.history],
                            citations=[c.model_dump() for c in result.citations],
                            refused=int(result.refused),
                            mode=result.mode,
                            channel=channel,
                            api_key_id=key_id,
                            created_at=utcnow(),
                        )
                    )
        except Exception:  # losing a log line must not lose the user's answer
            log.exception("Could not record answer %s", result.id)

    # -- feedback ------------------------------------------------------------------------------
    def feedback(
        self, request: FeedbackRequest, *, principal: Principal | None = None
    ) -> FeedbackResponse:
        with self._recent_lock:
            recent = self._recent.get(request.answer_id)
        question = request.question or (recent.question if recent else "")
        row = Feedback(
            id=new_id(),
            answer_id=request.answer_id,
            rating=request.rating,
            comment=request.comment.strip(),
            question=question,
            top_doc_id=recent.doc_id if recent else "",
            top_title=recent.title if recent else "",
            top_section=recent.section if recent else "",
            api_key_id=principal.key_id if principal else "",
            created_at=utcnow(),
        )
        with self.db.session() as s:
            s.add(row)
        self.metrics.feedback.labels(rating=request.rating).inc()
        return FeedbackResponse(id=row.id, answer_id=row.answer_id, rating=row.rating)

    # -- documents -----------------------------------------------------------------------------
    @staticmethod
    def _summary_of(doc_id: str, rec, chunks: int) -> DocumentSummary:
        m = rec.meta
        return DocumentSummary(
            doc_id=doc_id,
            title=m.get("title") or doc_id,
            number=m.get("number") or "",
            doc_type=m.get("doc_type") or "",
            issuer=m.get("issuer") or "",
            province=m.get("province") or "",
            date=str(m.get("date") or ""),
            status=m.get("status") or "",
            fields=list(m.get("fields") or []),
            source=rec.source,
            chunks=chunks,
            ingested_at=rec.ingested_at,
            sample=(m.get("status") == SAMPLE_STATUS),
            effective=str(m.get("effective") or ""),
            version=m.get("version") or "",
        )

    def list_documents(self) -> list[DocumentSummary]:
        snap = self._snapshot()
        return [
            self._summary_of(doc_id, rec, len(rec.chunk_ids))
            for doc_id, rec in sorted(snap.manifest.docs.items())
        ]

    def document(self, doc_id: str) -> DocumentDetail:
        snap = self._snapshot()
        rec = snap.manifest.docs.get(doc_id)
        if rec is None:
            raise NotFound(f"Không có tài liệu mã «{doc_id}» trong chỉ mục.")
        rows = snap.rows_by_doc.get(doc_id, [])
        passages = [
            ChunkInfo(
                id=snap.ids[r],
                index=snap.metas[r]["chunk_index"],
                section=snap.metas[r].get("section", ""),
                start=snap.metas[r]["start"],
                end=snap.metas[r]["end"],
                page=snap.metas[r].get("page", 0) or 0,
                text=snap.texts[r],
            )
            for r in rows
        ]
        sections: list[SectionInfo] = []
        for c in passages:
            if sections and sections[-1].section == c.section:
                last = sections[-1]
                last.end = max(last.end, c.end)
                last.chunks += 1
            else:
                sections.append(SectionInfo(section=c.section, start=c.start, end=c.end, chunks=1))
        base = self._summary_of(doc_id, rec, len(passages))
        return DocumentDetail(
            **base.model_dump(), meta=dict(rec.meta), sections=sections, passages=passages
        )

    def article(self, doc_id: str, article: str) -> RelatedPassage:
        """One article of a law in the index ("Điều 22"), whole and verbatim: what a handbook
        section's "Căn cứ pháp lý" opens."""
        snap = self._snapshot()
        if doc_id not in snap.manifest.docs:
            raise NotFound(f"Không có tài liệu mã «{doc_id}» trong chỉ mục.")
        found = self.assistant.article(doc_id, article)
        if found is None:
            raise NotFound(f"Tài liệu «{doc_id}» không có Điều {article} trong chỉ mục.")
        return found

    def document_source(self, doc_id: str) -> DocumentSource:
        snap = self._snapshot()
        rec = snap.manifest.docs.get(doc_id)
        if rec is None:
            raise NotFound(f"Không có tài liệu mã «{doc_id}» trong chỉ mục.")
        path = self._knowledge_path(rec.source)
        if not path.is_file():
            raise NotFound(f"Tệp gốc «{rec.source}» của tài liệu không còn trong thư mục tài liệu.")
        try:
            text = load_file(path, ocr_languages=self.settings.ocr_languages).text
        except IngestError as exc:
            raise ServiceError(
                f"Không đọc được tệp gốc «{rec.source}»: {exc.reason_vi}", 500
            ) from exc
        from ingest.pipeline import file_fingerprint

        stale = file_fingerprint(path, self.settings.ingest) != rec.fingerprint
        return DocumentSource(
            doc_id=doc_id,
            title=rec.meta.get("title") or doc_id,
            source=rec.source,
            text=text,
            stale=stale,
        )

    def index_generation(self) -> str:
        """The published generation's name ("" with no index): changes whenever the index does."""
        try:
            return self.assistant.provider.get().generation
        except Exception:
            return ""

    def document_text(self, doc_id: str) -> str:
        """The document's normalized text, which citations' offsets index into: from its source
        file, or stitched from the indexed chunks when the file is gone or unreadable."""
        try:
            return self.document_source(doc_id).text
        except Exception as exc:
            log.warning("No source file for %s (%s); using the indexed chunks", doc_id, exc)
        try:
            snap = self.assistant.provider.get()
        except Exception:
            return ""
        out = ""
        for row in snap.rows_by_doc.get(doc_id, []):
            m, chunk = snap.metas[row], snap.texts[row]
            start = int(m["start"])
            if start > len(out):
                out += " " * (start - len(out))
            out = out[:start] + chunk if start + len(chunk) > len(out) else out
        return out

    @staticmethod
    def upload_extensions() -> list[str]:
        """The file types an upload may have: the loaders' table."""
        return sorted(SUPPORTED_EXTENSIONS)

    def _knowledge_path(self, rel: str) -> Path:
        root = self.settings.knowledge_dir.resolve()
        path = (root / rel).resolve()
        if not path.is_relative_to(root):
            raise ServiceError("Đường dẫn tài liệu không hợp lệ.", 400)
        return path

    # -- admin: upload, delete, reingest -------------------------------------------------------
    def upload(self, filename: str, data: bytes, *, principal: Principal | None = None) -> JobInfo:
        """Validate, store atomically and queue an incremental ingest. A file that cannot be read
        is refused here, before it replaces anything."""
        try:
            rel = safe_relative_path(filename or "")
        except IngestError as exc:
            raise ServiceError(exc.reason_vi, 400) from exc
        name = rel.name
        ext = Path(name).suffix.lower()
        if ext not in SUPPORTED_EXTENSIONS or is_skipped_name(name):
            raise ServiceError(
                f"Tệp «{name}» có định dạng chưa được hỗ trợ. Chỉ nhận: "
                + ", ".join(sorted(SUPPORTED_EXTENSIONS))
                + ".",
                415,
            )
        limit = self.settings.upload_limit_bytes
        if len(data) > limit:
            raise ServiceError(
                f"Tệp «{name}» quá lớn ({len(data) // 1024} KB); giới hạn là {limit // 1024} KB.",
                413,
            )
        if not data.strip():
            raise ServiceError(f"Tệp «{name}» rỗng.", 400)

        root = self.settings.knowledge_dir
        root.mkdir(parents=True, exist_ok=True)
        try:
            files, _ = scan(self.settings.ingest)
        except IngestError as exc:
            raise ServiceError(exc.reason_vi, 500) from exc
        same_name = [f for f in files if Path(f.rel).name == name]
        target = same_name[0].path if same_name else root / UPLOADS_SUBDIR / name
        target_rel = target.relative_to(root).as_posix()
        doc_id = doc_id_for(Path(target_rel))
        clash = [f for f in files if f.doc_id == doc_id and f.rel != target_rel]
        if clash:
            raise ServiceError(
                f"Đã có tài liệu cùng mã «{doc_id}» (tệp {clash[0].rel}). Để thay thế tài liệu đó, hãy "
                f"tải lên với đúng tên tệp «{Path(clash[0].rel).name}»; nếu là tài liệu mới, hãy đổi tên tệp.",
                409,
            )

        # Read it the way ingest will, from a scratch copy: a bad file never reaches the folder.
        with tempfile.TemporaryDirectory(prefix="camnang-upload-") as tmp:
            probe = Path(tmp) / name
            probe.write_bytes(data)
            sidecar = target.with_name(target.stem + SIDECAR_SUFFIX)
            if sidecar.exists():
                probe.with_name(probe.stem + SIDECAR_SUFFIX).write_bytes(sidecar.read_bytes())
            try:
                prepare(SourceFile(doc_id, probe, target_rel, ""), self.settings.ingest)
            except IngestError as exc:
                raise ServiceError(
                    f"Không thể lập chỉ mục tệp «{name}»: {exc.reason_vi}. Tài liệu hiện có không bị thay đổi.",
                    422,
                ) from exc
            except Exception as exc:
                log.exception("Unexpected error reading upload %s", name)
                raise ServiceError(
                    f"Không đọc được tệp «{name}» (tệp hỏng hoặc sai định dạng). "
                    "Tài liệu hiện có không bị thay đổi.",
                    422,
                ) from exc

        _write_atomic_bytes(target, data)
        verb = "thay thế" if same_name else "thêm"
        log.info("Upload %s stored as %s (%s)", name, target_rel, verb)
        return self._enqueue(
            "upload",
            filename=target_rel,
            doc_id=doc_id,
            message=f"Đã nhận tệp, chờ lập chỉ mục ({verb} «{target_rel}»).",
            principal=principal,
        )

    def delete_document(self, doc_id: str, *, principal: Principal | None = None) -> JobInfo:
        snap_manifest = self._manifest()
        rec = snap_manifest.docs.get(doc_id) if snap_manifest else None
        if rec is not None:
            path = self._knowledge_path(rec.source)
            rel = rec.source
        else:
            files, _ = scan(self.settings.ingest)
            match = [f for f in files if f.doc_id == doc_id]
            if not match:
                raise NotFound(f"Không có tài liệu mã «{doc_id}».")
            path, rel = match[0].path, match[0].rel
        path.unlink(missing_ok=True)
        path.with_name(path.stem + SIDECAR_SUFFIX).unlink(missing_ok=True)
        log.info("Deleted document %s (%s)", doc_id, rel)
        return self._enqueue(
            "delete",
            filename=rel,
            doc_id=doc_id,
            message=f"Đã xoá tệp «{rel}», chờ cập nhật chỉ mục.",
            principal=principal,
        )

    def reingest(self, *, principal: Principal | None = None) -> JobInfo:
        return self._enqueue("reingest", message="Chờ cập nhật chỉ mục.", principal=principal)

    def _manifest(self) -> Manifest | None:
        return IndexStore(self.settings.index_dir).manifest()

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

    def _enqueue(
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
        self._jobs.put(row.id)
        return _job_info(row)

    def _ensure_worker(self) -> None:
        with self._worker_lock:
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(
                    target=self._work, name="camnang-ingest", daemon=True
                )
                self._worker.start()

    def _work(self) -> None:
        while True:
            job_id = self._jobs.get()
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
        row = self._set_job(
            job_id, status="running", started_at=utcnow(), message="Đang lập chỉ mục…"
        )
        report: IngestReport | None = None
        error = ""
        for attempt in range(30):  # another ingest (the CLI, another worker) holds the lock: wait
            try:
                report = run_ingest(self.settings.ingest)
                break
            except IngestRunning as exc:
                if attempt == 29:
                    error = f"Không cập nhật được chỉ mục: {exc}"
                    break
                time.sleep(2)
            except IndexUnavailable as exc:
                error = f"Không cập nhật được chỉ mục: {exc}"
                break
            except IngestError as exc:
                error = exc.reason_vi
                break
            except Exception as exc:
                log.exception("Ingest job %s failed", job_id)
                error = f"Lỗi khi lập chỉ mục: {exc}"
                break
        if report is None:
            self._set_job(job_id, status="failed", finished_at=utcnow(), message=error)
            self.metrics.ingest_jobs.labels(kind=row.kind, status="failed").inc()
            return
        summary = _summary(report)
        for outcome in ("added", "changed", "removed", "unchanged"):
            self.metrics.ingest_documents.labels(outcome=outcome).inc(len(getattr(report, outcome)))
        self.metrics.ingest_documents.labels(outcome="failed").inc(len(report.failed))
        own_failure = [p for p in report.failed if row.filename and p.source == row.filename]
        if own_failure:
            status = "failed"
            message = f"Tệp «{row.filename}» không lập chỉ mục được: {own_failure[0].reason_vi}"
        else:
            status = "succeeded"
            message = (
                f"Xong: thêm {len(report.added)}, cập nhật {len(report.changed)}, xoá {len(report.removed)}, "
                f"giữ nguyên {len(report.unchanged)}, lỗi {len(report.failed)}."
            )
        self._set_job(
            job_id,
            status=status,
            finished_at=utcnow(),
            message=message,
            report=summary.model_dump(mode="json"),
        )
        self.metrics.ingest_jobs.labels(kind=row.kind, status=status).inc()
        with contextlib.suppress(ServiceError):
            self.metrics.index_documents.set(len(self._snapshot().manifest.docs))

    # -- admin: what the handbook lacks --------------------------------------------------------
    def report(self, limit_per_topic: int = 20) -> GapReport:
        items: list[tuple[str, str, str, GapQuestion]] = []
        with self.db.session() as s:
            for u in s.scalars(
                select(Unanswered).order_by(Unanswered.created_at.desc()).limit(2000)
            ):
                items.append(
                    (
                        u.top_doc_id,
                        u.top_title,
                        u.top_section,
                        GapQuestion(
                            kind="unanswered",
                            question=u.question,
                            answer_id=u.answer_id,
                            created_at=as_utc(u.created_at),
                        ),
                    )
                )  # type: ignore[arg-type]
            for f in s.scalars(
                select(Feedback)
                .where(Feedback.rating == "down")
                .order_by(Feedback.created_at.desc())
                .limit(2000)
            ):
                items.append(
                    (
                        f.top_doc_id,
                        f.top_title,
                        f.top_section,
                        GapQuestion(
                            kind="negative",
                            question=f.question or "(không rõ câu hỏi)",
                            comment=f.comment,
                            answer_id=f.answer_id,
                            created_at=as_utc(f.created_at),
                        ),
                    )
                )  # type: ignore[arg-type]
            total_unanswered = s.scalar(select(func.count()).select_from(Unanswered)) or 0
            total_negative = (
                s.scalar(
                    select(func.count()).select_from(Feedback).where(Feedback.rating == "down")
                )
                or 0
            )
        topics: dict[tuple[str, str], GapTopic] = {}
        for doc_id, title, section, q in items:
            top_section = " › ".join(section.split(" › ")[:2]) if section else ""
            key = (doc_id, top_section)
            if key not in topics:
                label = " › ".join(x for x in (title, top_section) if x) or "Chưa rõ chủ đề"
                topics[key] = GapTopic(topic=label, doc_id=doc_id, section=top_section, count=0)
            t = topics[key]
            t.count += 1
            if q.kind == "unanswered":
                t.unanswered += 1
            else:
                t.negative += 1
            if len(t.questions) < limit_per_topic:
                t.questions.append(q)
        ordered = sorted(topics.values(), key=lambda t: (-t.count, t.topic))
        return GapReport(
            generated_at=utcnow(),
            total_unanswered=total_unanswered,
            total_negative=total_negative,
            topics=ordered,
        )

    # -- admin login for the UI ----------------------------------------------------------------
    @property
    def admin_login_required(self) -> bool:
        return not self.settings.auth_disabled

    def check_admin_login(self, secret: str) -> bool:
        """The UI's admin tab: an admin API key, or settings.admin_password if one is set."""
        if not self.admin_login_required:
            return True
        secret = (secret or "").strip()
        if not secret:
            return False
        password = self.settings.admin_password
        if password and hmac.compare_digest(secret.encode(), password.encode()):
            return True
        principal = self.keys.verify(secret)
        return principal is not None and principal.is_admin

    def close(self) -> None:
        self.db.dispose()
