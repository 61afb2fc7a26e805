"""The OpenAI-compatible endpoints, so the official `openai` client and the tools built on it can
ask the assistant: chat completions (plain and streamed) and the model list."""

from __future__ import annotations

import time

from fastapi import APIRouter

from assistant.server.deps import Reader, ServiceDep
from assistant.server.errors import READER_ERRORS, responses
from assistant.server.openai_models import ChatCompletion, ChatCompletionRequest
from assistant.server.openai_protocol import (
    MODEL_NAME,
    chat_to_ask,
    completion,
    completion_chunks,
)
from assistant.server.sse import event_stream

router = APIRouter(tags=["hỏi đáp"], responses=READER_ERRORS)


@router.post(
    "/v1/chat/completions",
    response_model=ChatCompletion,
    responses={
        200: {
            "content": {"application/json": {}, "text/event-stream": {}},
            "description": "chat.completion, hoặc các chat.completion.chunk khi stream=true",
        },
        **responses(400, 503),
    },
)
def chat_completions(body: ChatCompletionRequest, principal: Reader, service: ServiceDep):
    request = chat_to_ask(body)
    created = int(time.time())
    if not body.stream:
        result = service.ask(request, channel="openai", principal=principal)
        return completion(result, request.question, body.model, created)
    events = service.stream(request, channel="openai", principal=principal)
    return event_stream(completion_chunks(events, body.model, created))


@router.get("/v1/models")
def models(_principal: Reader) -> dict:
    return {
        "object": "list",
        "data": [{"id": MODEL_NAME, "object": "model", "created": 0, "owned_by": "camnang"}],
    }
