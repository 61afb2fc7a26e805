"""Operations: liveness, readiness (is there an index to answer from?) and Prometheus metrics,
for the process supervisor and the monitoring; and "/" when the page is not mounted."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from assistant.server.deps import ServiceDep, SettingsDep, principal_of
from assistant.server.models import Health

router = APIRouter(tags=["vận hành"])
root_router = APIRouter()


@router.get("/healthz", response_model=Health)
def healthz() -> Health:
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Health,
    responses={503: {"model": Health, "description": "Chưa sẵn sàng"}},
)
def readyz(service: ServiceDep) -> JSONResponse:
    ok, detail, generation, docs = service.readiness()
    body = Health(
        status="ready" if ok else "not ready",
        detail=detail,
        generation=generation,
        documents=docs,
    )
    return JSONResponse(body.model_dump(), status_code=200 if ok else 503)


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}}},
)
def metrics(request: Request, service: ServiceDep, settings: SettingsDep) -> Response:
    if not settings.metrics_public:
        principal_of(request)
    return Response(service.metrics.render(), media_type=service.metrics.content_type)


@root_router.get("/", include_in_schema=False)
def root() -> RedirectResponse:
    return RedirectResponse("/docs")
