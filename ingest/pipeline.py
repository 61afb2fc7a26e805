"""Incremental ingest: folder of documents -> a new index generation, only what changed embedded."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from chromadb.api.shared_system_client import SharedSystemClient
from tqdm import tqdm

from ingest import lexical
from ingest.accents import AccentRestorer
from ingest.chunking import chunk_text
from ingest.config import IngestConfig
from ingest.embeddings import CachedEmbeddings, make_embeddings
from ingest.errors import IngestCancelled, IngestError, RefusedFile
from ingest.lexical import ocr_repair
from ingest.loaders import SUPPORTED_EXTENSIONS, load_file
from ingest.metadata import extract_metadata, read_sidecar
from ingest.model import Chunk, DocumentMeta
from ingest.paging import read_collection
from ingest.prebuilt import seed_cache
from ingest.review import apply_review_marks
from ingest.store import DocRecord, Manifest
from ingest.stores import open_store
from ingest.text import LOST_DIACRITICS, content_hash, diacritic_ratio, fold, words

log = logging.getLogger(__name__)

CHUNKER_VERSION = "structure-v7"  # v7 statutes: Điều › khoản sections; v2 OCR roman numerals; v3 handbook labels; v4 OCR text embedded restored;  # v6 all-capitals bold title lines start a part in Markdown-style text
SIDECAR_SUFFIX = ".meta.yaml"
_SKIP_NAMES = re.compile(r"^(README|FORMAT)(\..*)?$|^\.|\.meta\.ya?ml$|~$", re.IGNORECASE)


@dataclass
class SourceFile:
    doc_id: str
    path: Path
    rel: str
    fingerprint: str


@dataclass
class FileProblem:
    source: str
    reason_en: str
    reason_vi: str


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[FileProblem] = field(default_factory=list)
    chunks_written: int = 0
    embedded: int = 0
    generation: str | None = None
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        verb = " (would be)" if self.dry_run else ""
        lines = [
            f"added: {len(self.added)}, changed: {len(self.changed)}, removed: {len(self.removed)}, "
            f"unchanged: {len(self.unchanged)}, failed: {len(self.failed)}",
        ]
        for name, docs in (
            ("added", self.added),
            ("changed", self.changed),
            ("removed", self.removed),
        ):
            if docs:
                lines.append(f"  {name}{verb}: {', '.join(docs)}")
        if not self.dry_run:
            lines.append(
                f"chunks written: {self.chunks_written}, newly embedded: {self.embedded}, "
                f"generation: {self.generation or '(unchanged)'}"
            )
        for p in self.failed:
            lines.append(f"  FAILED {p.source}: {p.reason_en}")
        return "\n".join(lines)


def doc_id_for(rel: Path) -> str:
    """File stem as a URL-safe id: the id users see in citations and API paths."""
    stem = rel.name
    for suffix in (".tar.gz",):
        stem = stem.removesuffix(suffix)
    stem = Path(stem).stem
    return re.sub(r"[^a-zA-Z0-9_-]+", "-", stem).strip("-").lower() or "document"


def is_skipped_name(name: str) -> bool:
    """Files in `knowledge/` that are not documents: READMEs, sidecars, hidden and backup files."""
    return bool(_SKIP_NAMES.search(name))


def safe_relative_path(name: str) -> Path:
    """Validate an uploaded file's name: no traversal, no absolute paths, no hidden files."""
    rel = Path(name.replace("\\", "/"))
    if (
        rel.is_absolute()
        or any(part in ("..", "") for part in rel.parts)
        or rel.name.startswith(".")
    ):
        raise RefusedFile(
            f"Refused file name {name!r}: path traversal or hidden file.",
            f"Tên tệp «{name}» không hợp lệ (chứa đường dẫn thư mục hoặc tệp ẩn).",
        )
    return rel


def file_fingerprint(path: Path, config: IngestConfig) -> str:
    h = hashlib.sha256()
    h.update(path.read_bytes())
    sidecar = path.with_name(path.stem + SIDECAR_SUFFIX)
    if sidecar.exists():
        h.update(sidecar.read_bytes())
    h.update(f"{CHUNKER_VERSION}:{config.chunk_size}:{config.chunk_overlap}".encode())
    return h.hexdigest()


def scan(config: IngestConfig) -> tuple[list[SourceFile], list[FileProblem]]:
    """Every document file under the knowledge dir, with the files refused and why."""
    root = config.knowledge_dir.resolve()
    if not root.is_dir():
        raise IngestError(
            f"Knowledge folder {root} does not exist.", f"Không tìm thấy thư mục tài liệu {root}."
        )
    files: list[SourceFile] = []
    problems: list[FileProblem] = []
    seen: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for d in dirnames:
            if (Path(dirpath) / d).is_symlink():
                problems.append(
                    _refused(Path(dirpath) / d, root, "symlinked folder is not followed")
                )
        for name in sorted(filenames):
            if is_skipped_name(name):
                continue
            path = Path(dirpath) / name
            rel = path.relative_to(root)
            try:
                problem = _check_file(path, root, config)
                fingerprint = None if problem else file_fingerprint(path, config)
            except OSError as exc:  # a broken symlink, a file we may not read...
                problem = FileProblem(
                    rel.as_posix(), f"cannot read file: {exc.strerror or exc}", "không đọc được tệp"
                )
            if problem:
                problems.append(problem)
                continue
            doc_id = doc_id_for(rel)
            if doc_id in seen:
                problems.append(
                    FileProblem(
                        rel.as_posix(),
                        f"duplicate document id {doc_id!r} (also {seen[doc_id]}); rename one file",
                        f"trùng mã tài liệu «{doc_id}» với {seen[doc_id]}; hãy đổi tên một tệp",
                    )
                )
                continue
            seen[doc_id] = rel.as_posix()
            files.append(SourceFile(doc_id, path, rel.as_posix(), fingerprint))
    return files, problems


def _refused(path: Path, root: Path, reason: str, reason_vi: str | None = None) -> FileProblem:
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    return FileProblem(rel, f"refused: {reason}", reason_vi or f"bị từ chối: {reason}")


def _check_file(path: Path, root: Path, config: IngestConfig) -> FileProblem | None:
    if path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(root):
            return _refused(
                path,
                root,
                "symlink points outside the knowledge folder",
                "bị từ chối: liên kết trỏ ra ngoài thư mục tài liệu",
            )
    if path.suffix.lower() not in SUPPORTED_EXTENSIONS:
        return FileProblem(
            path.relative_to(root).as_posix(),
            f"unsupported file type {path.suffix or '(none)'}; supported: "
            + ", ".join(sorted(SUPPORTED_EXTENSIONS)),
            f"định dạng {path.suffix or '(không có)'} chưa được hỗ trợ",
        )
    size = path.stat().st_size
    if size > config.max_file_bytes:
        return _refused(
            path,
            root,
            f"file is {size} bytes, over the limit of {config.max_file_bytes}",
            f"bị từ chối: tệp quá lớn ({size // 1024} KB)",
        )
    return None


def lacks_diacritics(text: str) -> bool:
    """Vietnamese prose has diacritics on most syllables; OCR that lost them has almost none."""
    syllables = words(text)
    return len(syllables) > 50 and diacritic_ratio(syllables) < LOST_DIACRITICS


def embedding_text(chunk: Chunk, meta: DocumentMeta, restorer: AccentRestorer | None = None) -> str:
    """What the embedder sees: the chunk with its document title and heading path as context;
    for text without diacritics, its OCR-repaired, accent-restored reading (the stored chunk
    stays verbatim: citations quote the document as it is)."""
    section = chunk.section
    body = chunk.text
    if restorer is not None:
        section = restorer.restore(ocr_repair(fold(section)))
        body = restorer.restore(ocr_repair(fold(body)))
    head = " › ".join(x for x in [meta.title, section] if x)
    return f"{head}\n{body}" if head else body


def chunk_metadata(chunk: Chunk, meta: DocumentMeta, fingerprint: str) -> dict:
    return {
        "doc_id": chunk.doc_id,
        "chunk_index": chunk.index,
        "section": chunk.section,
        "start": chunk.start,
        "end": chunk.end,
        "page": chunk.page or 0,
        "content_hash": chunk.content_hash,
        "fingerprint": fingerprint,
        "title": meta.title,
        "number": meta.number or "",
        "doc_type": meta.doc_type or "",
        "status": meta.status,
        "review": chunk.review,
    }


def prepare(source: SourceFile, config: IngestConfig) -> tuple[DocumentMeta, list[Chunk], str]:
    """Load, describe and chunk one file. Raises IngestError for bad input."""
    loaded = load_file(source.path, ocr_languages=config.ocr_languages)
    if len(loaded.text) > config.max_text_chars:
        raise IngestError(
            f"extracted text is {len(loaded.text)} characters, over the limit of "
            f"{config.max_text_chars}",
            f"Văn bản trích từ tệp dài {len(loaded.text):,} ký tự, vượt giới hạn "
            f"{config.max_text_chars:,} ký tự; hãy tách thành nhiều tệp.",
        )
    sidecar = read_sidecar(source.path)
    meta = extract_metadata(
        loaded.text,
        doc_id=source.doc_id,
        source=source.rel,
        fmt=loaded.format,
        front_matter=loaded.front_matter,
        sidecar=sidecar,
    )
    chunks = chunk_text(
        loaded,
        source.doc_id,
        size=config.chunk_size,
        overlap=config.chunk_overlap,
        title=meta.title,
    )
    meta.reviews = apply_review_marks(loaded.text, chunks)
    if not chunks:
        raise IngestError("no text to index", "tệp không có nội dung để lập chỉ mục")
    if len(chunks) > config.max_chunks_per_file:
        raise IngestError(
            f"{len(chunks)} chunks, over the per-file limit of {config.max_chunks_per_file}",
            f"Tệp tạo ra {len(chunks):,} đoạn, vượt giới hạn {config.max_chunks_per_file:,} "
            "đoạn cho một tệp; hãy tách thành nhiều tệp.",
        )
    return meta, chunks, loaded.text


def close_chroma(path: Path) -> None:
    """Stop Chroma's cached system for one path so its files are complete before a rename."""
    system = SharedSystemClient._identifier_to_system.pop(str(path), None)
    if system is not None:
        system.stop()


def run_ingest(
    config: IngestConfig,
    *,
    dry_run: bool = False,
    progress: bool = False,
    cancelled: Callable[[], bool] | None = None,
) -> IngestReport:
    """Bring the index up to date with the knowledge folder, in a staging generation published
    atomically at the end. `cancelled` is polled between documents: when it says so, the
    staging generation is dropped and IngestCancelled raised (the served index is unchanged)."""
    store = open_store(config)
    report = IngestReport(dry_run=dry_run)
    files, problems = scan(config)
    report.failed.extend(problems)
    base = make_embeddings(
        config.embedding_backend, config.embedding_model, config.embedding_device
    )
    embedder_id = base.model_id  # type: ignore[attr-defined]

    with store.lock():
        if not dry_run:
            for name in store.discard_staging():
                log.warning(
                    "Discarded unfinished generation %s left by an interrupted ingest", name
                )
        old = store.manifest()
        rebuild = old is None or old.embedder != embedder_id or old.chunker != CHUNKER_VERSION
        previous = {} if rebuild or old is None else old.docs
        todo = _plan(files, previous, report)
        if dry_run or (not rebuild and not todo and not report.removed and not store.outdated()):
            report.generation = store.current_name()
            return report

        staging = store.new_staging(copy_current=not rebuild)
        manifest = Manifest(embedder=embedder_id, chunker=CHUNKER_VERSION, docs=dict(previous))
        if todo:
            seed_cache(config.knowledge_dir, store.cache_path, base)
        embeddings = CachedEmbeddings(base, store.cache_path)
        try:
            client, collection = store.open_staging(staging, manifest)
            for doc_id in report.removed:
                collection.delete(ids=manifest.docs.pop(doc_id).chunk_ids)
            prepared = _read_all(todo, config, report, progress, cancelled)
            report.chunks_written += _write_all(
                collection, embeddings, manifest, prepared, config, progress, cancelled
            )
            if store.keeps_lexical:  # else each server process builds it from the chunks
                lexical.sync(
                    collection.get,
                    staging / "lexical",
                    before={cid for rec in previous.values() for cid in rec.chunk_ids},
                    after={cid for rec in manifest.docs.values() for cid in rec.chunk_ids},
                )
            (staging / "manifest.json").write_text(manifest.to_json(), encoding="utf-8")
            del collection, client
            close_chroma(staging / "chroma")
            report.embedded = embeddings.embedded
            report.generation = store.publish(staging).name
        except IngestCancelled:
            close_chroma(staging / "chroma")
            shutil.rmtree(staging, ignore_errors=True)
            raise
        finally:
            embeddings.close()
    return report


def _write_all(
    collection,
    embeddings: CachedEmbeddings,
    manifest: Manifest,
    prepared: list,
    config: IngestConfig,
    progress: bool,
    cancelled: Callable[[], bool] | None,
) -> int:
    """Embed and write every prepared document; returns the chunks written. Text that lost its
    diacritics (OCR) goes last, through an accent restorer learned from everything else in the
    index, so the embedder reads Vietnamese."""
    prepared.sort(key=lambda item: item[3])
    restorer: AccentRestorer | None = None
    written = 0
    for source, meta, chunks, restore in tqdm(
        prepared, desc="Nhúng", unit="tệp", disable=not progress
    ):
        if cancelled is not None and cancelled():
            raise IngestCancelled()
        if restore and restorer is None:
            restorer = AccentRestorer(read_collection(collection.get, ["documents"])["documents"])
        written += _write_document(
            collection,
            embeddings,
            manifest,
            (source, meta, chunks),
            restorer if restore else None,
            config.embedding_batch_size,
        )
    return written


def _plan(files: list[SourceFile], previous: dict, report: IngestReport) -> list[SourceFile]:
    """Which files to (re)index, and which documents to drop; fills the report's lists."""
    todo: list[SourceFile] = []
    for f in files:
        rec = previous.get(f.doc_id)
        if rec is None:
            report.added.append(f.doc_id)
            todo.append(f)
        elif rec.fingerprint != f.fingerprint:
            report.changed.append(f.doc_id)
            todo.append(f)
        else:
            report.unchanged.append(f.doc_id)
    # A file still in the folder but refused or unreadable this time keeps its indexed version.
    kept = {p.source for p in report.failed}
    current_ids = {f.doc_id for f in files}
    report.removed = sorted(
        d for d in set(previous) - current_ids if previous[d].source not in kept
    )
    return todo


def _read_all(
    todo: list[SourceFile],
    config: IngestConfig,
    report: IngestReport,
    progress: bool,
    cancelled: Callable[[], bool] | None = None,
) -> list[tuple[SourceFile, DocumentMeta, list[Chunk], bool]]:
    """Load and chunk every file to index; a file that fails is reported and keeps its
    previous version."""
    prepared = []
    for source in tqdm(todo, desc="Tài liệu", unit="tệp", disable=not progress):
        if cancelled is not None and cancelled():
            raise IngestCancelled()
        try:
            meta, chunks, text = prepare(source, config)
        except IngestError as exc:
            report.failed.append(FileProblem(source.rel, exc.reason_en, exc.reason_vi))
            _undo_plan(report, source.doc_id)
            continue
        except Exception as exc:  # a loader bug must not kill the whole ingest
            log.exception("Unexpected error reading %s", source.rel)
            report.failed.append(
                FileProblem(
                    source.rel, f"unexpected error: {exc}", "lỗi không xác định khi đọc tệp"
                )
            )
            _undo_plan(report, source.doc_id)
            continue
        prepared.append((source, meta, chunks, lacks_diacritics(text)))
    return prepared


def _write_document(
    collection,
    embeddings: CachedEmbeddings,
    manifest: Manifest,
    document: tuple[SourceFile, DocumentMeta, list[Chunk]],
    restorer: AccentRestorer | None,
    batch_size: int,
) -> int:
    """Embed one document's chunks and replace its previous chunks in the staging collection."""
    source, meta, chunks = document
    ids = [f"{source.doc_id}:{source.fingerprint[:12]}:{c.index}" for c in chunks]
    texts = [embedding_text(c, meta, restorer) for c in chunks]
    vectors = embeddings.embed_documents(texts, batch_size=batch_size)
    old_rec = manifest.docs.get(source.doc_id)
    if old_rec:
        collection.delete(ids=old_rec.chunk_ids)
    collection.upsert(
        ids=ids,
        embeddings=vectors,
        documents=[c.text for c in chunks],
        metadatas=[
            {**chunk_metadata(c, meta, source.fingerprint), "embed_hash": content_hash(t)}
            for c, t in zip(chunks, texts, strict=True)
        ],
    )
    manifest.docs[source.doc_id] = DocRecord(
        doc_id=source.doc_id,
        source=source.rel,
        fingerprint=source.fingerprint,
        chunk_ids=ids,
        meta=meta.__dict__,
        ingested_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    return len(chunks)


def _undo_plan(report: IngestReport, doc_id: str) -> None:
    """A file that failed keeps its previous version in the index (if it had one)."""
    if doc_id in report.added:
        report.added.remove(doc_id)
    if doc_id in report.changed:
        report.changed.remove(doc_id)
