"""The HTTP API (FastAPI) and the Gradio page, served by one process.

Public: /healthz, /readyz, /docs, /openapi.json and the Gradio page at "/" (which calls `Service`
in-process; its admin tab asks for an admin key or the admin password). Everything under /v1/
(and /metrics unless CAMNANG_METRICS_PUBLIC) needs an API key: `Authorization: Bearer <key>` or
`X-API-Key: <key>`; /v1/admin/* needs an admin key. The key, the rate limit and the body size are
checked by one middleware (middleware.py); the routes are in routers/, one module per resource.
"""

from __future__ import annotations

import logging
import threading
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.routing import APIRoute

from assistant.server.errors import add_exception_handlers, use_sent_422
from assistant.server.middleware import GuardMiddleware
from assistant.server.routers import admin, ask, documents, feedback, ops
from assistant.server.routers import openai as openai_routes
from assistant.server.service import Service
from assistant.settings import Settings, get_settings

log = logging.getLogger(__name__)

# In this order in the OpenAPI document.
ROUTERS = (
    ops.router,
    ask.router,
    openai_routes.router,
    documents.router,
    feedback.router,
    documents.admin_router,
    admin.router,
)


def _add_routes(app: FastAPI, router: APIRouter) -> None:
    """The router's routes, added to the app itself as `include_router` did before FastAPI 0.137
    (which now keeps an included router as one opaque node of `app.routes`): `app.routes` lists
    every APIRoute, for the tests and tools that walk it. The routers have no prefix, and their
    tags and responses are already in each route."""
    for route in router.routes:
        assert isinstance(route, APIRoute), route
        app.router.add_api_route(
            route.path,
            route.endpoint,
            response_model=route.response_model,
            status_code=route.status_code,
            tags=route.tags,
            dependencies=route.dependencies,
            summary=route.summary,
            description=route.description,
            response_description=route.response_description,
            responses=route.responses,
            deprecated=route.deprecated,
            methods=route.methods,
            operation_id=route.operation_id,
            include_in_schema=route.include_in_schema,
            response_class=route.response_class,
            name=route.name,
            route_class_override=type(route),
            callbacks=route.callbacks,
            openapi_extra=route.openapi_extra,
        )


def _document_sent_errors(app: FastAPI) -> None:
    """The OpenAPI document with the 422 body this app sends (errors.use_sent_422)."""
    build = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            app.openapi_schema = use_sent_422(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _lifespan(service: Service, warm_up: bool):
    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        if warm_up:
            threading.Thread(target=service.warm_up, name="camnang-warmup", daemon=True).start()
        yield

    return lifespan


def _add_middleware(app: FastAPI, service: Service, settings: Settings) -> None:
    """Last added = outermost: CORS wraps the guard so refusals carry CORS headers."""
    app.add_middleware(
        GuardMiddleware, service=service, settings=settings, upload_path=documents.UPLOAD_PATH
    )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_credentials=False,
            allow_methods=["GET", "POST", "DELETE", "OPTIONS"],
            allow_headers=["Authorization", "X-API-Key", "Content-Type"],
            expose_headers=["Retry-After"],
        )


def create_app(
    settings: Settings | None = None,
    *,
    service: Service | None = None,
    mount_ui: bool = True,
    warm_up: bool = True,
) -> FastAPI:
    settings = settings or get_settings()
    service = service or Service(settings)
    if settings.auth_disabled:
        log.warning(
            "!!! CAMNANG_AUTH_DISABLED=true: the API accepts requests WITHOUT an API key and every "
            "caller is admin. Use this only on a developer machine, never on a server. !!!"
        )
    app = FastAPI(
        title="Trợ lý nghiệp vụ cơ sở — API",
        description=(
            "Hỏi đáp nghiệp vụ cấp xã có trích dẫn nguồn. Gửi khoá API qua `Authorization: Bearer <khoá>` "
            "hoặc `X-API-Key`. `/v1/chat/completions` tương thích giao thức OpenAI."
        ),
        version="0.1.0",
        lifespan=_lifespan(service, warm_up),
    )
    app.state.service = service
    app.state.settings = settings
    add_exception_handlers(app)
    _document_sent_errors(app)
    for router in ROUTERS:
        _add_routes(app, router)
    _add_middleware(app, service, settings)
    if mount_ui:
        from assistant.ui import mount_ui as mount_page

        return mount_page(app, service, settings, path="/")
    _add_routes(app, ops.root_router)
    return app


def create_app_from_env() -> FastAPI:
    """uvicorn factory (`camnang serve` with several workers)."""
    return create_app(get_settings())
