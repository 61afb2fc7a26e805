"""Operations: liveness, readiness (is there an index to answer from?) and Prometheus metrics,
for the process supervisor and the monitoring; and "/" when the page is not mounted.

/readyz is public so that a supervisor needs no key, and so it tells an anonymous caller only
"ready" or "not ready"; the index generation, the number of documents and the reason come with a
valid API key (any role)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from assistant.server.auth import key_from_headers
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
def readyz(request: Request, service: ServiceDep, settings: SettingsDep) -> JSONResponse:
    ok, detail, generation, docs = service.readiness()
    status = "ready" if ok else "not ready"
    key = key_from_headers(request.headers.get("authorization"), request.headers.get("x-api-key"))
    if settings.auth_disabled or (key and service.keys.verify(key) is not None):
        body = Health(status=status, detail=detail, generation=generation, documents=docs)
        content = body.model_dump()
    else:
        content = Health(status=status).model_dump(include={"status"})
    return JSONResponse(content, status_code=200 if ok else 503)


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
