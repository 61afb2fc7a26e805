"""Server-sent events, as both streaming endpoints send them (`/v1/ask/stream` and the OpenAI
`stream=true`): one `data:` line per event, and no buffering by the server or a proxy."""

from __future__ import annotations

import json
from collections.abc import Iterator

from fastapi.responses import StreamingResponse


def sse(data: dict | str, event: str | None = None) -> str:
    payload = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    return (f"event: {event}\n" if event else "") + f"data: {payload}\n\n"


def event_stream(events: Iterator[str]) -> StreamingResponse:
    return StreamingResponse(
        events,
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
