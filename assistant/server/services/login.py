"""The page's logins: the admin tab (an admin API key or CAMNANG_ADMIN_PASSWORD; nothing with
CAMNANG_AUTH_DISABLED) and, when CAMNANG_PAGE_PASSWORD is set, Gradio's own page login.

Written by hand because neither Gradio nor FastAPI slows down password guessing: `LoginThrottle`
locks a client (its IP) out after `login_max_failures` wrong logins, for `login_lockout_seconds`,
doubled at each further lock-out (up to an hour); a correct login clears the count.
`AdminSessions` remembers the page's admin logins (a random token, kept by the browser as a
cookie) so that the page's upload route can tell an admin from anyone else.
"""

from __future__ import annotations

import hmac
import math
import secrets
import threading
import time
from dataclasses import dataclass

from assistant.server.auth import KeyStore
from assistant.server.errors import ServiceError
from assistant.settings import Settings

ADMIN_COOKIE = "cn_admin"
_MAX_LOCKOUT_S = 3600.0
_MAX_CLIENTS = 10_000  # clients remembered; the oldest are forgotten beyond this


class LoginLocked(ServiceError):
    status = 429

    def __init__(self, seconds: float) -> None:
        self.retry_after = max(1, math.ceil(seconds))
        super().__init__(
            f"Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {self.retry_after} giây."
        )


def admin_login_required(settings: Settings) -> bool:
    return not settings.auth_disabled


def check_admin_login(settings: Settings, keys: KeyStore, secret: str) -> bool:
    """An admin API key, or settings.admin_password if one is set."""
    if not admin_login_required(settings):
        return True
    secret = (secret or "").strip()
    if not secret:
        return False
    password = settings.admin_password
    if password and hmac.compare_digest(secret.encode(), password.encode()):
        return True
    principal = keys.verify(secret)
    return principal is not None and principal.is_admin


def check_page_password(settings: Settings, password: str) -> bool:
    expected = settings.page_password
    return bool(expected) and hmac.compare_digest((password or "").encode(), expected.encode())


@dataclass
class _Client:
    failures: int = 0
    lockouts: int = 0
    locked_until: float = 0.0


class LoginThrottle:
    """Wrong logins per client: a lock-out after `max_failures`, growing with each one."""

    def __init__(self, max_failures: int, lockout_s: float) -> None:
        self.max_failures = max_failures
        self.lockout_s = lockout_s
        self._clients: dict[str, _Client] = {}
        self._lock = threading.Lock()

    def wait(self, client: str) -> float:
        """Seconds before `client` may try again (0 = now)."""
        with self._lock:
            state = self._clients.get(client)
            return max(0.0, state.locked_until - time.monotonic()) if state else 0.0

    def check(self, client: str) -> None:
        """Raise LoginLocked while the client is locked out."""
        wait = self.wait(client)
        if wait > 0:
            raise LoginLocked(wait)

    def failed(self, client: str) -> None:
        with self._lock:
            state = self._clients.pop(client, None) or _Client()
            self._clients[client] = state  # most recent last
            state.failures += 1
            if state.failures >= self.max_failures:
                lockout = min(_MAX_LOCKOUT_S, self.lockout_s * 2**state.lockouts)
                state.locked_until = time.monotonic() + lockout
                state.lockouts += 1
                state.failures = 0
            while len(self._clients) > _MAX_CLIENTS:
                self._clients.pop(next(iter(self._clients)))

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._clients.pop(client, None)


class AdminSessions:
    """Tokens of the page's admin logins, each valid for `hours` after its last use."""

    def __init__(self, hours: float) -> None:
        self.ttl = hours * 3600
        self._tokens: dict[str, float] = {}
        self._lock = threading.Lock()

    def open(self) -> str:
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._expire()
            self._tokens[token] = time.monotonic() + self.ttl
        return token

    def valid(self, token: str | None) -> bool:
        if not token:
            return False
        with self._lock:
            self._expire()
            if token not in self._tokens:
                return False
            self._tokens[token] = time.monotonic() + self.ttl
            return True

    def close(self, token: str | None) -> None:
        with self._lock:
            self._tokens.pop(token or "", None)

    def _expire(self) -> None:
        now = time.monotonic()
        for token in [t for t, until in self._tokens.items() if until < now]:
            del self._tokens[token]
