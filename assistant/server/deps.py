"""The routes' dependencies in one place. The guard middleware has already checked the key and
the role; these read its verdict (and document the key schemes in OpenAPI) and hand a route the
app's Service and Settings."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.exceptions import HTTPException
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from assistant.server.auth import Principal
from assistant.server.service import Service
from assistant.settings import Settings

_bearer = HTTPBearer(auto_error=False, description="Khoá API: `Authorization: Bearer <khoá>`")
_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="Khoá API (cách thứ hai)")


def principal_of(request: Request) -> Principal:
    """Who the middleware let in, or 401 if it let the request through without a key."""
    principal = getattr(request.state, "principal", None)
    if principal is None:
        raise HTTPException(401, "Thiếu khoá API.", headers={"WWW-Authenticate": "Bearer"})
    return principal


def reader(
    request: Request,
    _b: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
    _k: Annotated[str | None, Security(_header)],
) -> Principal:
    return principal_of(request)


def admin(principal: Annotated[Principal, Depends(reader)]) -> Principal:
    if not principal.is_admin:
        raise HTTPException(403, "Chức năng quản trị cần khoá quyền admin.")
    return principal


def service(request: Request) -> Service:
    return request.app.state.service


def settings(request: Request) -> Settings:
    """The app's settings (a test may build an app with other limits around a shared Service)."""
    return request.app.state.settings


Reader = Annotated[Principal, Depends(reader)]
Admin = Annotated[Principal, Depends(admin)]
ServiceDep = Annotated[Service, Depends(service)]
SettingsDep = Annotated[Settings, Depends(settings)]
