"""Our answers in the OpenAI chat-completions protocol: the messages become a question and its
history, the answer and its citations become the assistant message (sources as `[n]:` footnotes,
which a follow-up's history drops again), and a stream becomes `chat.completion.chunk`s."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterator

from assistant.labels import vn_date
from assistant.schemas import (
    HISTORY_TURNS,
    MAX_QUESTION_CHARS,
    AnswerResult,
    AskRequest,
    Citation,
    Turn,
)
from assistant.server.errors import ServiceError
from assistant.server.openai_models import (
    ChatChoice,
    ChatChoiceMessage,
    ChatCompletion,
    ChatCompletionRequest,
    ChatUsage,
)
from assistant.server.sse import sse

log = logging.getLogger(__name__)

MODEL_NAME = "camnang"
_FOOTNOTE = re.compile(r"^\[\d+\]: .*$", re.MULTILINE)


def chat_to_ask(req: ChatCompletionRequest) -> AskRequest:
    """The last user message is the question; earlier user/assistant pairs are the history (the
    last HISTORY_TURNS of them: all the answer reads)."""
    msgs = [m for m in req.messages if m.role in ("user", "assistant")]
    last = max((i for i, m in enumerate(msgs) if m.role == "user"), default=None)
    if last is None or not msgs[last].text().strip():
        raise ServiceError("Thiếu câu hỏi: cần ít nhất một tin nhắn role='user' có nội dung.", 400)
    history: list[Turn] = []
    for i, m in enumerate(msgs[:last]):
        if m.role != "user" or not m.text().strip():
            continue
        reply = msgs[i + 1].text() if i + 1 < last and msgs[i + 1].role == "assistant" else ""
        history.append(
            Turn(
                question=m.text().strip()[:MAX_QUESTION_CHARS],
                answer=_FOOTNOTE.sub("", reply).strip(),
            )
        )
    return AskRequest(
        question=msgs[last].text().strip(), history=history[-HISTORY_TURNS:], filters=req.filters
    )


def footnotes(citations: list[Citation]) -> str:
    lines = []
    for c in citations:
        title = c.title + (f" ({c.number})" if c.number and c.number not in c.title else "")
        head = f"{title} — {c.section}" if c.section else title
        # how current the text is, as the API's citation objects and the page say it
        validity = [c.status, vn_date(c.date) if c.date else ""]
        validity += [f"cần rà soát: {c.review}" if c.review else ""]
        if any(validity):
            head += f" ({'; '.join(v for v in validity if v)})"
        quote = " ".join(c.quote.split())
        if len(quote) > 300:
            quote = quote[:299].rstrip() + "…"
        lines.append(f'[{c.n}]: {head}: "{quote}"')
    return "\n".join(lines)


def chat_content(result: AnswerResult) -> str:
    notes = footnotes(result.citations)
    return f"{result.answer}\n\n{notes}" if notes else result.answer


def _usage(question: str, content: str) -> ChatUsage:
    p, c = len(question.split()), len(content.split())
    return ChatUsage(prompt_tokens=p, completion_tokens=c, total_tokens=p + c)


def completion(result: AnswerResult, question: str, model: str, created: int) -> ChatCompletion:
    content = chat_content(result)
    return ChatCompletion(
        id=f"chatcmpl-{result.id}",
        created=created,
        model=model,
        choices=[ChatChoice(message=ChatChoiceMessage(content=content))],
        usage=_usage(question, content),
        citations=result.citations,
        answer_id=result.id,
        refused=result.refused,
    )


def _final_tail(streamed: list[str], result: AnswerResult) -> str:
    """What follows the streamed draft: the checked answer if it differs, then the footnotes."""
    tail = ""
    if "".join(streamed).strip() != result.answer.strip():
        # the checked answer differs from the streamed draft: give the checked one
        tail = (
            "\n\n---\nCâu trả lời đã đối chiếu với nguồn:\n\n" + result.answer
            if streamed
            else result.answer
        )
    notes = footnotes(result.citations)
    if notes:
        tail += "\n\n" + notes
    return tail


def completion_chunks(events: Iterator[dict], model: str, created: int) -> Iterator[str]:
    """The service's answer events as `chat.completion.chunk` SSE lines, ending with [DONE]."""
    chunk_id = f"chatcmpl-{uuid.uuid4().hex[:16]}"

    def chunk(delta: dict, finish: str | None = None, **extra) -> str:
        return sse(
            {
                "id": chunk_id,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                **extra,
            }
        )

    yield chunk({"role": "assistant", "content": ""})
    streamed: list[str] = []
    try:
        for ev in events:
            if ev["event"] == "delta":
                streamed.append(ev["text"])
                yield chunk({"content": ev["text"]})
            elif ev["event"] == "result":
                result: AnswerResult = ev["result"]
                tail = _final_tail(streamed, result)
                if tail:
                    yield chunk({"content": tail})
                yield chunk(
                    {},
                    "stop",
                    citations=[c.model_dump(mode="json") for c in result.citations],
                    answer_id=result.id,
                    refused=result.refused,
                )
    except Exception as exc:
        log.exception("Streaming chat completion failed")
        yield chunk({"content": f"\n\n[Lỗi khi tạo câu trả lời: {exc}]"}, "stop")
    yield "data: [DONE]\n\n"
