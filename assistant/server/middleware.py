"""Auth, the per-key rate limit, body size limits and request metrics: one ASGI middleware, so a
request without a key gets 401 before anything else looks at it, and a body too large is refused
before it is read. The routes' dependencies (deps.py) only read what this decided.

The page's own doors are guarded here too, since Gradio's routes take no dependency of ours:
its upload route stores files only for a browser holding a page admin login's cookie, and its
login route (CAMNANG_PAGE_PASSWORD) shares the admin login's per-client throttle."""

from __future__ import annotations

import json
import math
import time
from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool
from starlette.requests import cookie_parser

from assistant.server.auth import DEV_PRINCIPAL, Principal, RateLimiter, key_from_headers
from assistant.server.services.login import ADMIN_COOKIE, LoginLocked
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.server.service import Service

# Gradio's routes, with the page mounted at "/".
PAGE_UPLOAD_PATH = "/gradio_api/upload"
PAGE_LOGIN_PATHS = ("/login", "/login/")
UPLOAD_REFUSED = "Chỉ quản trị viên đã đăng nhập (thẻ Quản trị) mới được tải tệp lên."

# A multipart upload carries its boundaries and part headers on top of the file itself.
_MULTIPART_OVERHEAD = 64 * 1024


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


def _client(scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "local"


def _too_large(limit: int) -> str:
    return f"Yêu cầu quá lớn: giới hạn {limit // 1024} KB."


class GuardMiddleware:
    def __init__(self, app, service: Service, settings: Settings, upload_path: str) -> None:
        self.app = app
        self.service = service
        self.settings = settings
        self.upload_path = upload_path
        self.limiter = RateLimiter(settings.rate_limit_per_minute)

    def protected(self, path: str) -> bool:
        if path.startswith("/v1/") or path == "/v1":
            return True
        return path == "/metrics" and not self.settings.metrics_public

    def body_limit(self, path: str) -> int:
        """Uploads and the Gradio page (which uploads too) may send a file; the API a question."""
        if path == self.upload_path or not path.startswith("/v1"):
            return self.settings.upload_limit_bytes + _MULTIPART_OVERHEAD
        return self.settings.max_request_bytes

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
            if (
                method == "POST"
                and path == PAGE_UPLOAD_PATH
                and not await run_in_threadpool(self._page_admin, scope)
            ):
                await _send_json(send_wrapper, 403, {"detail": UPLOAD_REFUSED})
                return
            if method == "POST" and path in PAGE_LOGIN_PATHS:
                client = _client(scope)
                wait = self.service.login_throttle.wait(client)
                if wait > 0:
                    locked = LoginLocked(wait)
                    retry = {"Retry-After": str(locked.retry_after)}
                    await _send_json(send_wrapper, 429, {"detail": locked.detail}, retry)
                    return
            if self.protected(path) and method != "OPTIONS":
                refusal = await run_in_threadpool(self._authorize, scope, path)
                if refusal is not None:
                    status, detail, headers = refusal
                    await _send_json(send_wrapper, status, {"detail": detail}, headers)
                    return
            limit = self.body_limit(path)
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
            if method == "POST" and path in PAGE_LOGIN_PATHS and started:
                self._page_login_done(_client(scope), status_holder[0])
            self._count(scope, method, path, status_holder[0], time.perf_counter() - t0)

    def _page_admin(self, scope) -> bool:
        headers = dict(scope.get("headers") or [])
        cookies = cookie_parser(headers.get(b"cookie", b"").decode("latin-1"))
        return self.service.admin_session_valid(cookies.get(ADMIN_COOKIE))

    def _page_login_done(self, client: str, status: int) -> None:
        """Gradio answers a wrong page password 400, a right one 200."""
        if status == 200:
            self.service.login_throttle.succeeded(client)
        elif status == 400:
            self.service.login_throttle.failed(client)

    def _count(self, scope, method: str, path: str, status: int, elapsed: float) -> None:
        route = scope.get("route")
        template = getattr(route, "path", None) or (
            "/v1/(unknown)" if path.startswith("/v1") else "/ui"
        )
        m = self.service.metrics
        m.requests.labels(method=method, route=template, status=str(status)).inc()
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
