"""The documents in the index: readers list them and read their source text and law articles
(what a citation's offsets and a "Căn cứ pháp lý" link point into); admins upload, approve,
delete (to the recycle bin), restore and purge."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, UploadFile
from starlette.concurrency import run_in_threadpool

from assistant.schemas import RelatedPassage
from assistant.server.deps import Admin, Reader, ServiceDep, SettingsDep
from assistant.server.errors import ADMIN_ERRORS, READER_ERRORS, responses
from assistant.server.models import (
    DocumentDetail,
    DocumentSource,
    DocumentSummary,
    JobInfo,
    TrashEntry,
)
from assistant.server.services.documents import check_upload_size

UPLOAD_PATH = "/v1/admin/documents"

router = APIRouter(tags=["tài liệu"], responses=READER_ERRORS)
admin_router = APIRouter(tags=["quản trị"], responses=ADMIN_ERRORS)


@router.get("/v1/documents", response_model=list[DocumentSummary], responses=responses(503))
def documents(_principal: Reader, service: ServiceDep) -> list[DocumentSummary]:
    return service.list_documents()


@router.get("/v1/documents/{doc_id}", response_model=DocumentDetail, responses=responses(404, 503))
def document(doc_id: str, _principal: Reader, service: ServiceDep) -> DocumentDetail:
    return service.document(doc_id)


@router.get(
    "/v1/documents/{doc_id}/source",
    response_model=DocumentSource,
    responses=responses(404, 500, 503),
)
def document_source(doc_id: str, _principal: Reader, service: ServiceDep) -> DocumentSource:
    return service.document_source(doc_id)


@router.get(
    "/v1/documents/{doc_id}/articles/{article}",
    response_model=RelatedPassage,
    summary="One article (Điều) of a law in the index, whole and verbatim",
    responses=responses(404, 503),
)
def article(doc_id: str, article: str, _principal: Reader, service: ServiceDep) -> RelatedPassage:
    return service.article(doc_id, article)


@admin_router.post(
    UPLOAD_PATH,
    response_model=JobInfo,
    status_code=202,
    responses=responses(400, 409, 413, 415, 422, 500),
)
async def upload(
    principal: Admin,
    service: ServiceDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File()],
) -> JobInfo:
    name = file.filename or ""
    data = await file.read()  # no larger than the middleware's limit
    check_upload_size(name, len(data), settings)  # this app's limit; the service checks its own
    return await run_in_threadpool(service.upload, name, data, principal=principal)


@admin_router.post(
    "/v1/admin/documents/{doc_id}/approve",
    response_model=JobInfo,
    status_code=202,
    summary="Approve an upload: it is no longer 'chưa rà soát' (unreviewed)",
    responses=responses(404, 409),
)
def approve(doc_id: str, principal: Admin, service: ServiceDep) -> JobInfo:
    return service.approve(doc_id, principal=principal)


@admin_router.delete(
    "/v1/admin/documents/{doc_id}",
    response_model=JobInfo,
    status_code=202,
    summary="Move a document to the recycle bin (restorable until purged) and update the index",
    responses=responses(404, 409, 500),
)
def delete_document(doc_id: str, principal: Admin, service: ServiceDep) -> JobInfo:
    return service.delete_document(doc_id, principal=principal)


@admin_router.get("/v1/admin/trash", response_model=list[TrashEntry])
def trash(_principal: Admin, service: ServiceDep) -> list[TrashEntry]:
    return service.trash_entries()


@admin_router.post(
    "/v1/admin/trash/{entry_id}/restore",
    response_model=JobInfo,
    status_code=202,
    responses=responses(404, 409),
)
def restore(entry_id: str, principal: Admin, service: ServiceDep) -> JobInfo:
    return service.restore(entry_id, principal=principal)


@admin_router.delete(
    "/v1/admin/trash/{entry_id}", response_model=TrashEntry, responses=responses(404)
)
def purge(entry_id: str, _principal: Admin, service: ServiceDep) -> TrashEntry:
    return service.purge(entry_id)
