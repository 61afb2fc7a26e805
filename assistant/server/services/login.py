"""The page's admin tab has no API key to send: it asks for one (an admin key) or for
CAMNANG_ADMIN_PASSWORD, and with CAMNANG_AUTH_DISABLED asks for nothing."""

from __future__ import annotations

import hmac

from assistant.server.auth import KeyStore
from assistant.settings import Settings


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
