"""The errors the service raises and how the HTTP API answers them.

A `ServiceError` carries an HTTP status and a Vietnamese message meant for the user, so the page
and the API show the same words; invalid requests get a Vietnamese 422 instead of FastAPI's
English one.
"""

from __future__ import annotations

import json

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from assistant.server.models import ErrorResponse


class ServiceError(Exception):
    status = 400

    def __init__(self, detail: str, status: int | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        if status is not None:
            self.status = status


class NotFound(ServiceError):
    status = 404


class NotReady(ServiceError):
    status = 503


# The refusals the guard middleware may answer before a route runs, for the OpenAPI document.
READER_ERRORS = {
    401: {"model": ErrorResponse, "description": "Thiếu hoặc sai khoá API"},
    429: {"model": ErrorResponse, "description": "Vượt giới hạn số yêu cầu mỗi phút"},
}
ADMIN_ERRORS = {
    **READER_ERRORS,
    403: {"model": ErrorResponse, "description": "Cần khoá quản trị (admin)"},
}


def _where(errors: list) -> str:
    return ", ".join(".".join(str(x) for x in e.get("loc", ())) for e in errors[:5])


async def service_error(_request: Request, exc: ServiceError) -> JSONResponse:
    return JSONResponse({"detail": exc.detail}, status_code=exc.status)


async def invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = exc.errors()
    return JSONResponse(
        {
            "detail": f"Yêu cầu không hợp lệ ({_where(errors)}).",
            "errors": json.loads(json.dumps(errors, default=str)),
        },
        status_code=422,
    )


async def invalid_model(_request: Request, exc: ValidationError) -> JSONResponse:
    """A model built inside a route (the OpenAI messages turned into an AskRequest) failed."""
    return JSONResponse(
        {"detail": f"Yêu cầu không hợp lệ ({_where(exc.errors())})."}, status_code=422
    )


def add_exception_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ServiceError, service_error)
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(ValidationError, invalid_model)
