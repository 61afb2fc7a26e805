"""Asking: one question (with its conversation so far) in, a cited answer out, whole or as
server-sent events while it is composed."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from assistant.schemas import AnswerResult, AskRequest
from assistant.server.deps import Reader, ServiceDep
from assistant.server.errors import READER_ERRORS, responses
from assistant.server.sse import event_stream, sse

log = logging.getLogger(__name__)

router = APIRouter(tags=["hỏi đáp"], responses=READER_ERRORS)


@router.post("/v1/ask", response_model=AnswerResult, responses=responses(503))
def ask(body: AskRequest, principal: Reader, service: ServiceDep) -> AnswerResult:
    return service.ask(body, channel="api", principal=principal)


def _answer_events(events: Iterator[dict]) -> Iterator[str]:
    try:
        for ev in events:
            if ev["event"] == "delta":
                yield sse({"event": "delta", "text": ev["text"]}, "delta")
            elif ev["event"] == "result":
                result: AnswerResult = ev["result"]
                yield sse({"event": "result", "result": result.model_dump(mode="json")}, "result")
    except Exception as exc:
        log.exception("Streaming answer failed")
        yield sse({"event": "error", "detail": f"Lỗi khi tạo câu trả lời: {exc}"}, "error")
    yield sse({"event": "done"}, "done")


@router.post(
    "/v1/ask/stream",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {"text/event-stream": {}},
            "description": "Sự kiện SSE: `delta` (từng đoạn câu trả lời), `result` "
            "(AnswerResult đầy đủ kèm trích dẫn), `done`.",
        },
        **responses(503),
    },
)
def ask_stream(body: AskRequest, principal: Reader, service: ServiceDep) -> StreamingResponse:
    # asked before the response starts, so a missing index is a 503, not a broken stream
    events = service.stream(body, channel="api", principal=principal)
    return event_stream(_answer_events(events))
