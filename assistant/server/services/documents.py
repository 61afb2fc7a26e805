"""The documents in the index: list, detail, source text and one article of a law for readers;
upload, approve, delete and restore for maintainers. A change stores the file in the knowledge
folder (an upload as "chưa rà soát", see review.py) or moves it to the recycle bin (trash.py)
and queues an ingest job; a file that cannot be read is refused before it replaces anything."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from assistant.schemas import RelatedPassage
from assistant.server.auth import Principal
from assistant.server.errors import NotFound, ServiceError
from assistant.server.models import (
    ChunkInfo,
    DocumentDetail,
    DocumentSource,
    DocumentSummary,
    JobInfo,
    SectionInfo,
    TrashEntry,
)
from assistant.server.services import review
from assistant.server.services.engine import Engine
from assistant.server.services.jobs import Jobs
from assistant.server.services.trash import Trash
from assistant.settings import Settings
from ingest.errors import IngestError
from ingest.loaders import SUPPORTED_EXTENSIONS, load_file
from ingest.model import SAMPLE_STATUS, UNREVIEWED_STATUS
from ingest.pipeline import (
    SIDECAR_SUFFIX,
    SourceFile,
    doc_id_for,
    file_fingerprint,
    is_skipped_name,
    prepare,
    safe_relative_path,
    scan,
)
from ingest.store import Manifest, write_atomic_bytes
from ingest.stores import open_store

log = logging.getLogger(__name__)

UPLOADS_SUBDIR = "uploads"
UNDO_KEPT = 200  # uploads whose cancellation can still be undone (jobs run in minutes, not days)


def check_upload_size(name: str, size: int, settings: Settings) -> None:
    """The one upload size rule: the API applies it before reading the file, the service again."""
    limit = settings.upload_limit_bytes
    if size > limit:
        raise ServiceError(
            f"Tệp «{name}» quá lớn ({size // 1024} KB); giới hạn là {limit // 1024} KB.", 413
        )


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
        unreviewed=(m.get("status") == UNREVIEWED_STATUS),
        effective=str(m.get("effective") or ""),
        version=m.get("version") or "",
    )


def _sections(passages: list[ChunkInfo]) -> list[SectionInfo]:
    """Consecutive chunks of one section merged into one span."""
    sections: list[SectionInfo] = []
    for c in passages:
        if sections and sections[-1].section == c.section:
            last = sections[-1]
            last.end = max(last.end, c.end)
            last.chunks += 1
        else:
            sections.append(SectionInfo(section=c.section, start=c.start, end=c.end, chunks=1))
    return sections


class Documents:
    def __init__(self, settings: Settings, engine: Engine, jobs: Jobs, trash: Trash) -> None:
        self.settings = settings
        self.engine = engine
        self.jobs = jobs
        self.trash = trash
        # job id -> (file, doc id, trash entry of the file it replaced): how to undo an upload
        self._undo: dict[str, tuple[str, str, str]] = {}

    # -- reading -------------------------------------------------------------------------------
    def list_documents(self) -> list[DocumentSummary]:
        snap = self.engine.snapshot()
        return [
            _summary_of(doc_id, rec, len(rec.chunk_ids))
            for doc_id, rec in sorted(snap.manifest.docs.items())
        ]

    def document(self, doc_id: str) -> DocumentDetail:
        snap = self.engine.snapshot()
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
        base = _summary_of(doc_id, rec, len(passages))
        return DocumentDetail(
            **base.model_dump(),
            meta=dict(rec.meta),
            sections=_sections(passages),
            passages=passages,
        )

    def article(self, doc_id: str, article: str) -> RelatedPassage:
        """One article of a law in the index ("Điều 22"), whole and verbatim: what a handbook
        section's "Căn cứ pháp lý" opens."""
        snap = self.engine.snapshot()
        if doc_id not in snap.manifest.docs:
            raise NotFound(f"Không có tài liệu mã «{doc_id}» trong chỉ mục.")
        found = self.engine.assistant.article(doc_id, article)
        if found is None:
            raise NotFound(f"Tài liệu «{doc_id}» không có Điều {article} trong chỉ mục.")
        return found

    def document_source(self, doc_id: str) -> DocumentSource:
        snap = self.engine.snapshot()
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
        stale = file_fingerprint(path, self.settings.ingest) != rec.fingerprint
        return DocumentSource(
            doc_id=doc_id,
            title=rec.meta.get("title") or doc_id,
            source=rec.source,
            text=text,
            stale=stale,
        )

    def document_text(self, doc_id: str) -> str:
        """The document's normalized text, which citations' offsets index into: from its source
        file, or stitched from the indexed chunks when the file is gone or unreadable."""
        try:
            return self.document_source(doc_id).text
        except Exception as exc:
            log.warning("No source file for %s (%s); using the indexed chunks", doc_id, exc)
        try:
            snap = self.engine.assistant.provider.get()
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

    # -- changing ------------------------------------------------------------------------------
    def upload(self, filename: str, data: bytes, *, principal: Principal | None = None) -> JobInfo:
        """Validate, store atomically as "chưa rà soát" and queue an incremental ingest. A file
        that cannot be read is refused here, before it replaces anything; a file it replaces is
        kept in the recycle bin."""
        name = _checked_name(filename)
        check_upload_size(name, len(data), self.settings)
        if not data.strip():
            raise ServiceError(f"Tệp «{name}» rỗng.", 400)
        target, replaces = self._upload_target(name)
        target_rel = target.relative_to(self.settings.knowledge_dir).as_posix()
        doc_id = doc_id_for(Path(target_rel))
        sidecar = review.unreviewed_sidecar(target, by=_who(principal))
        self._probe(name, data, sidecar, doc_id, target_rel)
        previous = None
        if replaces:
            previous = self.trash.put(
                doc_id, target_rel, reason="thay thế", by=_who(principal), copy=True
            )
        # the sidecar first: a crash between the two writes leaves the old text marked unreviewed
        write_atomic_bytes(target.with_name(target.stem + SIDECAR_SUFFIX), sidecar)
        write_atomic_bytes(target, data)
        verb = "thay thế" if replaces else "thêm"
        log.info("Upload %s stored as %s (%s, unreviewed)", name, target_rel, verb)
        job = self.jobs.enqueue(
            "upload",
            filename=target_rel,
            doc_id=doc_id,
            message=f"Đã nhận tệp, chờ lập chỉ mục ({verb} «{target_rel}»; chưa rà soát).",
            principal=principal,
        )
        self._undo[job.id] = (target_rel, doc_id, previous.id if previous else "")
        while len(self._undo) > UNDO_KEPT:
            self._undo.pop(next(iter(self._undo)))
        return job

    def approve(self, doc_id: str, *, principal: Principal | None = None) -> JobInfo:
        """An admin has checked an upload against the official text: it loses "chưa rà soát"."""
        path, rel = self._source_of(doc_id)
        if not review.is_unreviewed(path):
            raise ServiceError(f"Tài liệu «{doc_id}» không ở trạng thái chưa rà soát.", 409)
        sidecar = review.approved_sidecar(path, by=_who(principal))
        write_atomic_bytes(path.with_name(path.stem + SIDECAR_SUFFIX), sidecar)
        log.info("Document %s approved by %s", doc_id, _who(principal))
        return self.jobs.enqueue(
            "approve",
            filename=rel,
            doc_id=doc_id,
            message=f"Đã duyệt «{rel}», chờ cập nhật chỉ mục.",
            principal=principal,
        )

    def undo(self, job_id: str) -> str:
        """After a cancelled upload: its file goes to the recycle bin and the file it replaced
        comes back, so the folder again matches the index. Returns what was done, in Vietnamese."""
        undo = self._undo.pop(job_id, None)
        if undo is None:
            return ""
        rel, doc_id, previous = undo
        if (self.settings.knowledge_dir / rel).exists():
            self.trash.put(doc_id, rel, reason="huỷ tải lên")
        if previous:
            self.trash.restore(previous, overwrite=True)
            return f"Tệp tải lên đã chuyển vào thùng rác; bản trước của «{rel}» đã được khôi phục."
        return "Tệp tải lên đã chuyển vào thùng rác."

    def _upload_target(self, name: str) -> tuple[Path, bool]:
        """Where an upload goes: over the file of the same name, else into uploads/ (and whether
        it replaces one). Refused if another file already has the document id it would get."""
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
        return target, bool(same_name)

    def _probe(self, name: str, data: bytes, sidecar: bytes, doc_id: str, target_rel: str) -> None:
        """Read it the way ingest will, from a scratch copy: a bad file never reaches the folder."""
        with tempfile.TemporaryDirectory(prefix="camnang-upload-") as tmp:
            probe = Path(tmp) / name
            probe.write_bytes(data)
            probe.with_name(probe.stem + SIDECAR_SUFFIX).write_bytes(sidecar)
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

    def delete_document(self, doc_id: str, *, principal: Principal | None = None) -> JobInfo:
        """Move the file and its sidecar to the recycle bin and queue the index update."""
        _path, rel = self._source_of(doc_id)
        title = self._title(doc_id)
        entry = self.trash.put(doc_id, rel, reason="xoá", by=_who(principal), title=title)
        log.info("Deleted document %s (%s), kept as trash entry %s", doc_id, rel, entry.id)
        days = self.settings.trash_retention_days
        kept = f" (khôi phục được trong {days} ngày)" if days else ""
        return self.jobs.enqueue(
            "delete",
            filename=rel,
            doc_id=doc_id,
            message=f"Đã chuyển «{rel}» vào thùng rác{kept}, chờ cập nhật chỉ mục.",
            principal=principal,
        )

    def trash_entries(self) -> list[TrashEntry]:
        return self.trash.entries()

    def restore(self, entry_id: str, *, principal: Principal | None = None) -> JobInfo:
        entry = self.trash.restore(entry_id)
        log.info("Restored %s (%s) from trash by %s", entry.doc_id, entry.source, _who(principal))
        return self.jobs.enqueue(
            "restore",
            filename=entry.source,
            doc_id=entry.doc_id,
            message=f"Đã khôi phục «{entry.source}», chờ cập nhật chỉ mục.",
            principal=principal,
        )

    def purge(self, entry_id: str) -> TrashEntry:
        entry = self.trash.purge(entry_id)
        log.info("Purged trash entry %s (%s)", entry.id, entry.source)
        return entry

    def _source_of(self, doc_id: str) -> tuple[Path, str]:
        """The file of a document: from the index's manifest, else from the folder."""
        manifest = self._manifest()
        rec = manifest.docs.get(doc_id) if manifest else None
        if rec is not None:
            path = self._knowledge_path(rec.source)
            if path.exists():
                return path, rec.source
        try:
            files, _ = scan(self.settings.ingest)
        except IngestError as exc:
            raise ServiceError(exc.reason_vi, 500) from exc
        match = [f for f in files if f.doc_id == doc_id]
        if not match:
            raise NotFound(f"Không có tài liệu mã «{doc_id}».")
        return match[0].path, match[0].rel

    def _title(self, doc_id: str) -> str:
        manifest = self._manifest()
        rec = manifest.docs.get(doc_id) if manifest else None
        return (rec.meta.get("title") or "") if rec else ""

    def _manifest(self) -> Manifest | None:
        return open_store(self.settings.ingest).manifest()


def _who(principal: Principal | None) -> str:
    return (principal.name or principal.key_id) if principal else ""


def _checked_name(filename: str) -> str:
    """The upload's file name, if it is a safe relative path of a type ingest reads."""
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
    return name
