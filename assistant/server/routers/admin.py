"""Maintenance: re-ingest the knowledge folder, follow and cancel the ingest jobs, and read the
reports of what the handbook lacks and of what may no longer be current. (Uploading and deleting
a document are in documents.py.)"""

from __future__ import annotations

from fastapi import APIRouter

from assistant.server.deps import Admin, ServiceDep
from assistant.server.errors import ADMIN_ERRORS, responses
from assistant.server.models import GapReport, JobInfo, StalenessReport

router = APIRouter(tags=["quản trị"], responses=ADMIN_ERRORS)


@router.post(
    "/v1/admin/reingest", response_model=JobInfo, status_code=202, responses=responses(409)
)
def reingest(principal: Admin, service: ServiceDep) -> JobInfo:
    return service.reingest(principal=principal)


@router.get("/v1/admin/jobs", response_model=list[JobInfo])
def jobs(_principal: Admin, service: ServiceDep, limit: int = 20) -> list[JobInfo]:
    return service.jobs(limit=max(1, min(limit, 200)))


@router.get("/v1/admin/jobs/{job_id}", response_model=JobInfo, responses=responses(404))
def job(job_id: str, _principal: Admin, service: ServiceDep) -> JobInfo:
    return service.job(job_id)


@router.post(
    "/v1/admin/jobs/{job_id}/cancel",
    response_model=JobInfo,
    summary="Cancel a queued or running ingest job (a cancelled upload goes to the recycle bin)",
    responses=responses(404, 409),
)
def cancel_job(job_id: str, _principal: Admin, service: ServiceDep) -> JobInfo:
    return service.cancel_job(job_id)


@router.get("/v1/admin/report", response_model=GapReport)
def report(_principal: Admin, service: ServiceDep) -> GapReport:
    return service.report()


@router.get(
    "/v1/admin/staleness",
    response_model=StalenessReport,
    summary="Texts past their review date, sections marked 'cần rà soát', legal bases naming "
    "replaced or expired texts, documents without validity metadata",
)
def staleness(_principal: Admin, service: ServiceDep) -> StalenessReport:
    return service.staleness()
