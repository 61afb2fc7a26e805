"""Answering a question (plain or streamed) and what follows from it: every answer is counted,
a refusal is logged for the gap report, a conversation is stored when the settings opt in, and the
recent answers are remembered so a 👍/👎 can say which question and passage it was about.
Everything typed by a person is redacted (assistant/privacy.py) before it is kept anywhere."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass

from assistant.privacy import redact
from assistant.schemas import AnswerResult, AskRequest
from assistant.server.auth import Principal
from assistant.server.db import Conversation, Database, Feedback, Unanswered, new_id, utcnow
from assistant.server.metrics import Metrics
from assistant.server.models import FeedbackRequest, FeedbackResponse
from assistant.server.services.engine import Engine
from assistant.settings import Settings

log = logging.getLogger(__name__)

# Answers remembered in memory for the feedback that may follow them (the oldest is forgotten).
RECENT_ANSWERS = 2000


@dataclass
class _Recent:
    question: str
    doc_id: str
    title: str
    section: str


def _top_source(result: AnswerResult) -> tuple[str, str, str]:
    """The document and section an answer rests on (or, for a refusal, came closest to). A
    question on a matter no document guides belongs to that matter, not to the section it came
    closest to: the gap report then lists what people ask that the documents lack."""
    if result.refusal_reason == "topic not covered" and result.uncovered_topic:
        return "", f"Chưa có tài liệu hướng dẫn: {result.uncovered_topic}", ""
    if result.citations:
        c = result.citations[0]
        return c.doc_id, c.title, c.section
    if result.retrieved:
        p = result.retrieved[0]
        return p.doc_id, p.title, p.section
    return "", "", ""


def _redacted_turn(turn: dict) -> dict:
    return {k: redact(v) if isinstance(v, str) else v for k, v in turn.items()}


class Answers:
    def __init__(self, settings: Settings, db: Database, metrics: Metrics, engine: Engine) -> None:
        self.settings = settings
        self.db = db
        self.metrics = metrics
        self.engine = engine
        self._recent: OrderedDict[str, _Recent] = OrderedDict()
        self._recent_lock = threading.Lock()

    def ask(
        self, request: AskRequest, *, channel: str = "api", principal: Principal | None = None
    ) -> AnswerResult:
        self.engine.snapshot()
        result = self.engine.assistant.ask(request)
        self._record(request, result, channel, principal)
        return result

    def stream(
        self, request: AskRequest, *, channel: str = "api", principal: Principal | None = None
    ) -> Iterator[dict]:
        """The Assistant's events ({"event": "delta", "text"} ..., then {"event": "result", "result"}),
        recorded like `ask` once the result is known. A missing index raises here, not mid-stream."""
        self.engine.snapshot()
        return self._stream(request, channel, principal)

    def _stream(
        self, request: AskRequest, channel: str, principal: Principal | None
    ) -> Iterator[dict]:
        for event in self.engine.assistant.stream(request):
            if event.get("event") == "result":
                self._record(request, event["result"], channel, principal)
            yield event

    def _record(
        self, request: AskRequest, result: AnswerResult, channel: str, principal: Principal | None
    ) -> None:
        if not result.id:
            result.id = new_id()[:16]
        doc_id, title, section = _top_source(result)
        with self._recent_lock:
            self._recent[result.id] = _Recent(redact(request.question), doc_id, title, section)
            while len(self._recent) > RECENT_ANSWERS:
                self._recent.popitem(last=False)
        self.metrics.answers.labels(mode=result.mode, channel=channel).inc()
        key_id = principal.key_id if principal else ""
        try:
            with self.db.session() as s:
                if result.refused:
                    self.metrics.refusals.labels(channel=channel).inc()
                    s.add(
                        Unanswered(
                            answer_id=result.id,
                            question=redact(request.question),
                            standalone_question=redact(result.standalone_question),
                            top_doc_id=doc_id,
                            top_title=title,
                            top_section=section,
                            confidence=int(round(result.confidence * 1000)),
                            created_at=utcnow(),
                        )
                    )
                if self.settings.store_conversations:
                    s.add(
                        Conversation(
                            answer_id=result.id,
                            question=redact(request.question),
                            answer=redact(result.answer),
                            history=[_redacted_turn(t.model_dump()) for t in request.history],
                            citations=[c.model_dump() for c in result.citations],
                            refused=int(result.refused),
                            mode=result.mode,
                            channel=channel,
                            api_key_id=key_id,
                            created_at=utcnow(),
                        )
                    )
        except Exception:  # losing a log line must not lose the user's answer
            log.exception("Could not record answer %s", result.id)

    def feedback(
        self, request: FeedbackRequest, *, principal: Principal | None = None
    ) -> FeedbackResponse:
        with self._recent_lock:
            recent = self._recent.get(request.answer_id)
        question = request.question or (recent.question if recent else "")
        row = Feedback(
            id=new_id(),
            answer_id=request.answer_id,
            rating=request.rating,
            comment=redact(request.comment.strip()),
            question=redact(question),
            top_doc_id=recent.doc_id if recent else "",
            top_title=recent.title if recent else "",
            top_section=recent.section if recent else "",
            api_key_id=principal.key_id if principal else "",
            created_at=utcnow(),
        )
        with self.db.session() as s:
            s.add(row)
        self.metrics.feedback.labels(rating=request.rating).inc()
        return FeedbackResponse(id=row.id, answer_id=row.answer_id, rating=row.rating)
