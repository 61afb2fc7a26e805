"""The errors the service raises and how the HTTP API answers them.

A `ServiceError` carries an HTTP status and a Vietnamese message meant for the user, so the page
and the API show the same words; invalid requests get a Vietnamese 422 instead of FastAPI's
English one. `responses(...)` documents in OpenAPI the errors a route can answer, each with the
body actually sent; `use_sent_422` puts that body (`InvalidRequest`) in place of FastAPI's own
422 schema, which describes a body this app never sends (tests/test_openapi_fuzz.py checks).
"""

from __future__ import annotations

import json

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from starlette.exceptions import HTTPException

from assistant.server.models import ErrorResponse, InvalidRequest


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


_DESCRIPTIONS = {
    400: "Yêu cầu không hợp lệ",
    401: "Thiếu hoặc sai khoá API",
    403: "Cần khoá quản trị (admin)",
    404: "Không tìm thấy",
    409: "Xung đột với trạng thái hiện tại (tác vụ đã kết thúc, tài liệu không chờ duyệt, …)",
    413: "Yêu cầu hoặc tệp quá lớn",
    415: "Định dạng tệp chưa được hỗ trợ",
    422: "Dữ liệu gửi lên không hợp lệ",
    429: "Vượt giới hạn số yêu cầu mỗi phút",
    500: "Lỗi khi đọc tệp",
    503: "Chưa có chỉ mục để trả lời",
}


def responses(*codes: int) -> dict[int | str, dict]:
    """The OpenAPI entries of these error statuses, each with the body sent ({"detail": ...})."""
    return {
        code: {
            "model": InvalidRequest if code == 422 else ErrorResponse,
            "description": _DESCRIPTIONS[code],
        }
        for code in codes
    }


# The refusals the guard middleware may answer before a route runs (413: any /v1 body above the
# limit), for the OpenAPI document.
READER_ERRORS = responses(401, 413, 429)
ADMIN_ERRORS = responses(401, 403, 413, 429)


def use_sent_422(schema: dict) -> dict:
    """FastAPI documents a 422 with its own `HTTPValidationError` body wherever a route takes
    parameters; this app sends `InvalidRequest` instead (`invalid_request` below)."""
    ours = {"$ref": "#/components/schemas/InvalidRequest"}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            answer = operation.get("responses", {}).get("422")
            if answer is None:
                continue
            answer["description"] = _DESCRIPTIONS[422]
            answer["content"] = {"application/json": {"schema": ours}}
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    components["InvalidRequest"] = InvalidRequest.model_json_schema(
        ref_template="#/components/schemas/{model}"
    )
    return schema


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


# FastAPI's answer to a body it cannot read at all (not UTF-8, so not JSON): an undocumented 400
# in English. It is an invalid request like any other (tests/test_openapi_fuzz.py found it).
_UNREADABLE_BODY = "There was an error parsing the body"


async def unreadable_body(request: Request, exc: HTTPException) -> Response:
    if exc.status_code != 400 or exc.detail != _UNREADABLE_BODY:
        return await http_exception_handler(request, exc)
    return JSONResponse(
        {
            "detail": "Yêu cầu không hợp lệ (body): nội dung gửi lên phải là JSON mã hóa UTF-8.",
            "errors": [{"type": "body_unreadable", "loc": ["body"], "msg": _UNREADABLE_BODY}],
        },
        status_code=422,
    )


def add_exception_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ServiceError, service_error)
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(ValidationError, invalid_model)
    app.add_exception_handler(HTTPException, unreadable_body)
