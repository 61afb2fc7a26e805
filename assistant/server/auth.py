"""API keys with roles, stored hashed, and a per-key rate limit.

A key looks like `cn_<key id>_<secret>`. The database keeps the key id (to find the row), a random
salt and sha256(salt + key); the key itself is printed once by `camnang keys create` and never
stored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import select

from assistant.server.db import ApiKey, Database, as_utc, utcnow

Role = Literal["reader", "admin"]
ROLES: tuple[str, ...] = ("reader", "admin")
_PREFIX = "cn_"


@dataclass(frozen=True)
class Principal:
    key_id: str
    role: str
    name: str = ""

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


DEV_PRINCIPAL = Principal(key_id="dev", role="admin", name="CAMNANG_AUTH_DISABLED")


@dataclass
class KeyInfo:
    id: str
    name: str
    role: str
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def _hash(salt: str, key: str) -> str:
    return hashlib.sha256((salt + key).encode("utf-8")).hexdigest()


def _info(row: ApiKey) -> KeyInfo:
    return KeyInfo(
        id=row.id,
        name=row.name,
        role=row.role,
        created_at=as_utc(row.created_at),  # type: ignore[arg-type]
        revoked_at=as_utc(row.revoked_at),
        last_used_at=as_utc(row.last_used_at),
    )


class KeyStore:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._touched: dict[str, float] = {}

    def create(self, role: str, name: str = "") -> tuple[KeyInfo, str]:
        """A new key: (its record, the key in clear — show it once, it is not stored)."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}, not {role!r}")
        key_id = secrets.token_hex(6)
        key = f"{_PREFIX}{key_id}_{secrets.token_urlsafe(32)}"
        salt = secrets.token_hex(16)
        row = ApiKey(
            id=key_id,
            name=name,
            role=role,
            salt=salt,
            key_hash=_hash(salt, key),
            created_at=utcnow(),
        )
        with self.db.session() as s:
            s.add(row)
        return _info(row), key

    def revoke(self, key_id: str) -> bool:
        with self.db.session() as s:
            row = s.get(ApiKey, key_id)
            if row is None or row.revoked_at is not None:
                return False
            row.revoked_at = utcnow()
            return True

    def list(self) -> list[KeyInfo]:
        with self.db.session() as s:
            rows = s.scalars(select(ApiKey).order_by(ApiKey.created_at)).all()
            return [_info(r) for r in rows]

    def verify(self, key: str | None) -> Principal | None:
        """The key's principal, or None if it is unknown, malformed or revoked."""
        if not key or not key.startswith(_PREFIX) or len(key) > 200:
            return None
        key_id, _, secret = key[len(_PREFIX) :].partition("_")
        if not key_id or not secret:
            return None
        with self.db.session() as s:
            row = s.get(ApiKey, key_id)
            if row is None or row.revoked_at is not None:
                return None
            if not hmac.compare_digest(row.key_hash, _hash(row.salt, key)):
                return None
            now = time.monotonic()
            if now - self._touched.get(key_id, 0.0) > 60:  # one write a minute, not per request
                self._touched[key_id] = now
                row.last_used_at = utcnow()
            return Principal(key_id=row.id, role=row.role, name=row.name)


def key_from_headers(authorization: str | None, x_api_key: str | None) -> str | None:
    if x_api_key:
        return x_api_key.strip()
    if authorization:
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return value.strip()
    return None


class RateLimiter:
    """A token bucket per key: `per_minute` requests a minute, bursts up to the same number."""

    def __init__(self, per_minute: int) -> None:
        self.capacity = max(1, per_minute)
        self.rate = self.capacity / 60.0
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def acquire(self, key: str) -> float:
        """0 if the request may go ahead, else the seconds to wait before retrying."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.capacity), now))
            tokens = min(float(self.capacity), tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.rate
