"""The HTTP API (FastAPI) and the Gradio page, served by one process.

Public: /healthz, /readyz, /docs, /openapi.json and the Gradio page at "/" (which calls `Service`
in-process; its admin tab asks for an admin key or the admin password). Everything under /v1/
(and /metrics unless CAMNANG_METRICS_PUBLIC) needs an API key: `Authorization: Bearer <key>` or
`X-API-Key: <key>`; /v1/admin/* needs an admin key. Auth, the per-key rate limit, body size
limits and metrics are one ASGI middleware, so a request without a key gets 401 before anything
else looks at it.
"""

from __future__ import annotations

import json
import logging
import math
import re
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI, File, Request, Security, UploadFile
from fastapi.exceptions import HTTPException, RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, RedirectResponse, Response, StreamingResponse
from fastapi.security import APIKeyHeader, HTTPBearer
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from assistant.schemas import AnswerResult, AskRequest, Citation, RelatedPassage, Turn
from assistant.server.auth import DEV_PRINCIPAL, Principal, RateLimiter, key_from_headers
from assistant.server.errors import ServiceError
from assistant.server.models import (
    DocumentDetail,
    DocumentSource,
    DocumentSummary,
    ErrorResponse,
    FeedbackRequest,
    FeedbackResponse,
    GapReport,
    Health,
    JobInfo,
)
from assistant.server.openai_models import (
    ChatChoice,
    ChatChoiceMessage,
    ChatCompletion,
    ChatCompletionRequest,
    ChatUsage,
)
from assistant.server.service import Service
from assistant.settings import Settings, get_settings

log = logging.getLogger(__name__)

MODEL_NAME = "camnang"
UPLOAD_PATH = "/v1/admin/documents"
_MULTIPART_OVERHEAD = 64 * 1024
_FOOTNOTE = re.compile(r"^\[\d+\]: .*$", re.MULTILINE)

_ERRORS = {
    401: {"model": ErrorResponse, "description": "Thiếu hoặc sai khoá API"},
    429: {"model": ErrorResponse, "description": "Vượt giới hạn số yêu cầu mỗi phút"},
}
_ADMIN_ERRORS = {
    **_ERRORS,
    403: {"model": ErrorResponse, "description": "Cần khoá quản trị (admin)"},
}


# ---- auth, rate limit, size limits and metrics: one ASGI middleware ----------------------------


class _BodyTooLarge(Exception):
    pass


async def _send_json(send, status: int, body: dict, headers: dict[str, str] | None = None) -> None:
    raw = json.dumps(body, ensure_ascii=False).encode("utf-8")
    hdrs = [
        (b"content-type", b"application/json; charset=utf-8"),
        (b"content-length", str(len(raw)).encode()),
    ]
    for k, v in (headers or {}).items():
        hdrs.append((k.lower().encode(), v.encode()))
    await send({"type": "http.response.start", "status": status, "headers": hdrs})
    await send({"type": "http.response.body", "body": raw})


class GuardMiddleware:
    def __init__(self, app, service: Service, settings: Settings) -> None:
        self.app = app
        self.service = service
        self.settings = settings
        self.limiter = RateLimiter(settings.rate_limit_per_minute)

    def protected(self, path: str) -> bool:
        if path.startswith("/v1/") or path == "/v1":
            return True
        return path == "/metrics" and not self.settings.metrics_public

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        method: str = scope["method"]
        t0 = time.perf_counter()
        started = False
        status_holder = [500]

        async def send_wrapper(message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                status_holder[0] = message["status"]
            await send(message)

        try:
            if self.protected(path) and method != "OPTIONS":
                refusal = await run_in_threadpool(self._authorize, scope, path)
                if refusal is not None:
                    status, detail, headers = refusal
                    await _send_json(send_wrapper, status, {"detail": detail}, headers)
                    return
            limit = self.settings.max_request_bytes
            if path == UPLOAD_PATH or not path.startswith("/v1"):  # uploads and the Gradio page
                limit = self.settings.max_upload_bytes + _MULTIPART_OVERHEAD
            headers = dict(scope.get("headers") or [])
            length = headers.get(b"content-length")
            if length is not None and length.isdigit() and int(length) > limit:
                await _send_json(send_wrapper, 413, {"detail": _too_large(limit)})
                return
            received = 0

            async def receive_wrapper():
                nonlocal received
                message = await receive()
                if message["type"] == "http.request":
                    received += len(message.get("body", b""))
                    if received > limit:
                        raise _BodyTooLarge
                return message

            try:
                await self.app(scope, receive_wrapper, send_wrapper)
            except _BodyTooLarge:
                if not started:
                    await _send_json(send_wrapper, 413, {"detail": _too_large(limit)})
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or (
                "/v1/(unknown)" if path.startswith("/v1") else "/ui"
            )
            elapsed = time.perf_counter() - t0
            m = self.service.metrics
            m.requests.labels(method=method, route=template, status=str(status_holder[0])).inc()
            m.latency.labels(method=method, route=template).observe(elapsed)

    def _authorize(self, scope, path: str) -> tuple[int, str, dict[str, str]] | None:
        if self.settings.auth_disabled:
            principal: Principal | None = DEV_PRINCIPAL
        else:
            headers = {
                k.decode("latin-1").lower(): v.decode("latin-1")
                for k, v in scope.get("headers") or []
            }
            key = key_from_headers(headers.get("authorization"), headers.get("x-api-key"))
            if not key:
                return (
                    401,
                    (
                        "Thiếu khoá API. Gửi khoá qua tiêu đề 'Authorization: Bearer <khoá>' "
                        "hoặc 'X-API-Key: <khoá>'."
                    ),
                    {"WWW-Authenticate": "Bearer"},
                )
            principal = self.service.keys.verify(key)
            if principal is None:
                return (
                    401,
                    "Khoá API không hợp lệ hoặc đã bị thu hồi.",
                    {"WWW-Authenticate": "Bearer"},
                )
        assert principal is not None
        if path.startswith("/v1/admin") and not principal.is_admin:
            return (
                403,
                "Khoá API này chỉ có quyền đọc; chức năng quản trị cần khoá quyền admin.",
                {},
            )
        wait = self.limiter.acquire(principal.key_id)
        if wait > 0:
            self.service.metrics.rate_limited.inc()
            seconds = max(1, math.ceil(wait))
            return (
                429,
                (
                    f"Vượt giới hạn {self.settings.rate_limit_per_minute} yêu cầu mỗi phút. "
                    f"Vui lòng thử lại sau {seconds} giây."
                ),
                {"Retry-After": str(seconds)},
            )
        scope.setdefault("state", {})["principal"] = principal
        return None


def _too_large(limit: int) -> str:
    return f"Yêu cầu quá lớn: giới hạn {limit // 1024} KB."


# ---- dependencies (the middleware did the work; these document it in OpenAPI) ------------------

_bearer = HTTPBearer(auto_error=False, description="Khoá API: `Authorization: Bearer <khoá>`")
_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="Khoá API (cách thứ hai)")


def reader(request: Request, _b=Security(_bearer), _k=Security(_header)) -> Principal:  # noqa: B008
    principal = getattr(request.state, "principal", None)
    if principal is None:
        raise HTTPException(401, "Thiếu khoá API.", headers={"WWW-Authenticate": "Bearer"})
    return principal


def admin(principal: Annotated[Principal, Depends(reader)]) -> Principal:
    if not principal.is_admin:
        raise HTTPException(403, "Chức năng quản trị cần khoá quyền admin.")
    return principal


Reader = Annotated[Principal, Depends(reader)]
Admin = Annotated[Principal, Depends(admin)]


# ---- OpenAI chat completions -------------------------------------------------------------------


def chat_to_ask(req: ChatCompletionRequest) -> AskRequest:
    """The last user message is the question; earlier user/assistant pairs are the history."""
    msgs = [m for m in req.messages if m.role in ("user", "assistant")]
    last = max((i for i, m in enumerate(msgs) if m.role == "user"), default=None)
    if last is None or not msgs[last].text().strip():
        raise ServiceError("Thiếu câu hỏi: cần ít nhất một tin nhắn role='user' có nội dung.", 400)
    history: list[Turn] = []
    for i, m in enumerate(msgs[:last]):
        if m.role != "user" or not m.text().strip():
            continue
        reply = msgs[i + 1].text() if i + 1 < last and msgs[i + 1].role == "assistant" else ""
        history.append(
            Turn(question=m.text().strip()[:2000], answer=_FOOTNOTE.sub("", reply).strip())
        )
    return AskRequest(
        question=msgs[last].text().strip(), history=history[-20:], filters=req.filters
    )


def footnotes(citations: list[Citation]) -> str:
    lines = []
    for c in citations:
        title = c.title + (f" ({c.number})" if c.number and c.number not in c.title else "")
        head = f"{title} — {c.section}" if c.section else title
        quote = " ".join(c.quote.split())
        if len(quote) > 300:
            quote = quote[:299].rstrip() + "…"
        lines.append(f'[{c.n}]: {head}: "{quote}"')
    return "\n".join(lines)


def chat_content(result: AnswerResult) -> str:
    notes = footnotes(result.citations)
    return f"{result.answer}\n\n{notes}" if notes else result.answer


def _usage(question: str, content: str) -> ChatUsage:
    p, c = len(question.split()), len(content.split())
    return ChatUsage(prompt_tokens=p, completion_tokens=c, total_tokens=p + c)


def _sse(data: dict | str, event: str | None = None) -> str:
    payload = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    return (f"event: {event}\n" if event else "") + f"data: {payload}\n\n"


# ---- the app ------------------------------------------------------------------------------------


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

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        if warm_up:
            threading.Thread(target=service.warm_up, name="camnang-warmup", daemon=True).start()
        yield

    app = FastAPI(
        title="Trợ lý nghiệp vụ cơ sở — API",
        description=(
            "Hỏi đáp nghiệp vụ cấp xã có trích dẫn nguồn. Gửi khoá API qua `Authorization: Bearer <khoá>` "
            "hoặc `X-API-Key`. `/v1/chat/completions` tương thích giao thức OpenAI."
        ),
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.service = service
    app.state.settings = settings

    @app.exception_handler(ServiceError)
    async def _service_error(_request: Request, exc: ServiceError) -> JSONResponse:
        return JSONResponse({"detail": exc.detail}, status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        where = ", ".join(".".join(str(x) for x in e.get("loc", ())) for e in errors[:5])
        return JSONResponse(
            {
                "detail": f"Yêu cầu không hợp lệ ({where}).",
                "errors": json.loads(json.dumps(errors, default=str)),
            },
            status_code=422,
        )

    @app.exception_handler(ValidationError)
    async def _invalid_model(_request: Request, exc: ValidationError) -> JSONResponse:
        where = ", ".join(".".join(str(x) for x in e.get("loc", ())) for e in exc.errors()[:5])
        return JSONResponse({"detail": f"Yêu cầu không hợp lệ ({where})."}, status_code=422)

    # -- health --------------------------------------------------------------------------------
    @app.get("/healthz", response_model=Health, tags=["vận hành"])
    def healthz() -> Health:
        return Health(status="ok")

    @app.get(
        "/readyz",
        response_model=Health,
        tags=["vận hành"],
        responses={503: {"model": Health, "description": "Chưa sẵn sàng"}},
    )
    def readyz() -> JSONResponse:
        ok, detail, generation, docs = service.readiness()
        body = Health(
            status="ready" if ok else "not ready",
            detail=detail,
            generation=generation,
            documents=docs,
        )
        return JSONResponse(body.model_dump(), status_code=200 if ok else 503)

    @app.get(
        "/metrics",
        tags=["vận hành"],
        response_class=Response,
        responses={200: {"content": {"text/plain": {}}}},
    )
    def metrics(request: Request) -> Response:
        if not settings.metrics_public:
            reader(request)
        return Response(service.metrics.render(), media_type=service.metrics.content_type)

    # -- asking --------------------------------------------------------------------------------
    @app.post("/v1/ask", response_model=AnswerResult, tags=["hỏi đáp"], responses=_ERRORS)
    def ask(body: AskRequest, principal: Reader) -> AnswerResult:
        return service.ask(body, channel="api", principal=principal)

    @app.post(
        "/v1/ask/stream",
        tags=["hỏi đáp"],
        response_class=StreamingResponse,
        responses={
            **_ERRORS,
            200: {
                "content": {"text/event-stream": {}},
                "description": "Sự kiện SSE: `delta` (từng đoạn câu trả lời), `result` "
                "(AnswerResult đầy đủ kèm trích dẫn), `done`.",
            },
        },
    )
    def ask_stream(body: AskRequest, principal: Reader) -> StreamingResponse:
        events = service.stream(body, channel="api", principal=principal)

        def generate() -> Iterator[str]:
            try:
                for ev in events:
                    if ev["event"] == "delta":
                        yield _sse({"event": "delta", "text": ev["text"]}, "delta")
                    elif ev["event"] == "result":
                        result: AnswerResult = ev["result"]
                        yield _sse(
                            {"event": "result", "result": result.model_dump(mode="json")}, "result"
                        )
            except Exception as exc:
                log.exception("Streaming answer failed")
                yield _sse({"event": "error", "detail": f"Lỗi khi tạo câu trả lời: {exc}"}, "error")
            yield _sse({"event": "done"}, "done")

        return StreamingResponse(
            generate(),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    @app.post(
        "/v1/chat/completions",
        tags=["hỏi đáp"],
        response_model=ChatCompletion,
        responses={
            **_ERRORS,
            200: {
                "content": {"application/json": {}, "text/event-stream": {}},
                "description": "chat.completion, hoặc các chat.completion.chunk khi stream=true",
            },
        },
    )
    def chat_completions(body: ChatCompletionRequest, principal: Reader):
        request = chat_to_ask(body)
        created = int(time.time())
        if not body.stream:
            result = service.ask(request, channel="openai", principal=principal)
            content = chat_content(result)
            return ChatCompletion(
                id=f"chatcmpl-{result.id}",
                created=created,
                model=body.model,
                choices=[ChatChoice(message=ChatChoiceMessage(content=content))],
                usage=_usage(request.question, content),
                citations=result.citations,
                answer_id=result.id,
                refused=result.refused,
            )
        events = service.stream(request, channel="openai", principal=principal)
        chunk_id = f"chatcmpl-{uuid.uuid4().hex[:16]}"

        def chunk(delta: dict, finish: str | None = None, **extra) -> str:
            return _sse(
                {
                    "id": chunk_id,
                    "object": "chat.completion.chunk",
                    "created": created,
                    "model": body.model,
                    "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                    **extra,
                }
            )

        def generate() -> Iterator[str]:
            yield chunk({"role": "assistant", "content": ""})
            streamed: list[str] = []
            try:
                for ev in events:
                    if ev["event"] == "delta":
                        streamed.append(ev["text"])
                        yield chunk({"content": ev["text"]})
                    elif ev["event"] == "result":
                        result: AnswerResult = ev["result"]
                        tail = ""
                        if "".join(streamed).strip() != result.answer.strip():
                            # the checked answer differs from the streamed draft: give the checked one
                            tail = (
                                "\n\n---\nCâu trả lời đã đối chiếu với nguồn:\n\n" + result.answer
                                if streamed
                                else result.answer
                            )
                        notes = footnotes(result.citations)
                        if notes:
                            tail += "\n\n" + notes
                        if tail:
                            yield chunk({"content": tail})
                        yield chunk(
                            {},
                            "stop",
                            citations=[c.model_dump(mode="json") for c in result.citations],
                            answer_id=result.id,
                            refused=result.refused,
                        )
            except Exception as exc:
                log.exception("Streaming chat completion failed")
                yield chunk({"content": f"\n\n[Lỗi khi tạo câu trả lời: {exc}]"}, "stop")
            yield "data: [DONE]\n\n"

        return StreamingResponse(
            generate(),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    @app.get("/v1/models", tags=["hỏi đáp"], responses=_ERRORS)
    def models(_principal: Reader) -> dict:
        return {
            "object": "list",
            "data": [{"id": MODEL_NAME, "object": "model", "created": 0, "owned_by": "camnang"}],
        }

    # -- documents & feedback ------------------------------------------------------------------
    @app.get(
        "/v1/documents", response_model=list[DocumentSummary], tags=["tài liệu"], responses=_ERRORS
    )
    def documents(_principal: Reader) -> list[DocumentSummary]:
        return service.list_documents()

    @app.get(
        "/v1/documents/{doc_id}",
        response_model=DocumentDetail,
        tags=["tài liệu"],
        responses=_ERRORS,
    )
    def document(doc_id: str, _principal: Reader) -> DocumentDetail:
        return service.document(doc_id)

    @app.get(
        "/v1/documents/{doc_id}/source",
        response_model=DocumentSource,
        tags=["tài liệu"],
        responses=_ERRORS,
    )
    def document_source(doc_id: str, _principal: Reader) -> DocumentSource:
        return service.document_source(doc_id)

    @app.get(
        "/v1/documents/{doc_id}/articles/{article}",
        response_model=RelatedPassage,
        tags=["tài liệu"],
        responses=_ERRORS,
        summary="One article (Điều) of a law in the index, whole and verbatim",
    )
    def article(doc_id: str, article: str, _principal: Reader) -> RelatedPassage:
        return service.article(doc_id, article)

    @app.post(
        "/v1/feedback",
        response_model=FeedbackResponse,
        status_code=201,
        tags=["hỏi đáp"],
        responses=_ERRORS,
    )
    def feedback(body: FeedbackRequest, principal: Reader) -> FeedbackResponse:
        return service.feedback(body, principal=principal)

    # -- admin -----------------------------------------------------------------------------------
    @app.post(
        UPLOAD_PATH,
        response_model=JobInfo,
        status_code=202,
        tags=["quản trị"],
        responses={
            **_ADMIN_ERRORS,
            413: {"model": ErrorResponse},
            415: {"model": ErrorResponse},
            422: {"model": ErrorResponse},
            409: {"model": ErrorResponse},
        },
    )
    async def upload(principal: Admin, file: UploadFile = File(...)) -> JobInfo:  # noqa: B008
        limit = settings.max_upload_bytes
        data = await file.read(limit + 1)
        if len(data) > limit:
            raise ServiceError(
                f"Tệp «{file.filename}» quá lớn; giới hạn là {limit // 1024} KB.", 413
            )
        return await run_in_threadpool(
            service.upload, file.filename or "", data, principal=principal
        )

    @app.delete(
        "/v1/admin/documents/{doc_id}",
        response_model=JobInfo,
        status_code=202,
        tags=["quản trị"],
        responses=_ADMIN_ERRORS,
    )
    def delete_document(doc_id: str, principal: Admin) -> JobInfo:
        return service.delete_document(doc_id, principal=principal)

    @app.post(
        "/v1/admin/reingest",
        response_model=JobInfo,
        status_code=202,
        tags=["quản trị"],
        responses=_ADMIN_ERRORS,
    )
    def reingest(principal: Admin) -> JobInfo:
        return service.reingest(principal=principal)

    @app.get(
        "/v1/admin/jobs", response_model=list[JobInfo], tags=["quản trị"], responses=_ADMIN_ERRORS
    )
    def jobs(_principal: Admin, limit: int = 20) -> list[JobInfo]:
        return service.jobs(limit=max(1, min(limit, 200)))

    @app.get(
        "/v1/admin/jobs/{job_id}",
        response_model=JobInfo,
        tags=["quản trị"],
        responses=_ADMIN_ERRORS,
    )
    def job(job_id: str, _principal: Admin) -> JobInfo:
        return service.job(job_id)

    @app.get(
        "/v1/admin/report", response_model=GapReport, tags=["quản trị"], responses=_ADMIN_ERRORS
    )
    def report(_principal: Admin) -> GapReport:
        return service.report()

    # -- middleware (last added = outermost: CORS wraps the guard so refusals carry CORS headers) --
    app.add_middleware(GuardMiddleware, service=service, settings=settings)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_credentials=False,
            allow_methods=["GET", "POST", "DELETE", "OPTIONS"],
            allow_headers=["Authorization", "X-API-Key", "Content-Type"],
            expose_headers=["Retry-After"],
        )

    # -- the Gradio page -------------------------------------------------------------------------
    if mount_ui:
        from assistant.ui import mount_ui as mount_page

        app = mount_page(app, service, settings, path="/")
    else:

        @app.get("/", include_in_schema=False)
        def root() -> RedirectResponse:
            return RedirectResponse("/docs")

    return app


def create_app_from_env() -> FastAPI:
    """uvicorn factory (`camnang serve` with several workers)."""
    return create_app(get_settings())
