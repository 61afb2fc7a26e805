"""The "what the handbook lacks" report for maintainers: refused questions and 👎 answers,
grouped by the document section they came closest to, most frequent first."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.server.db import Database, Feedback, Unanswered, as_utc, utcnow
from assistant.server.models import GapQuestion, GapReport, GapTopic

# The newest refused questions, and separately the newest thumbs-down, that a report reads.
REPORT_ROWS = 2000

# (doc_id, title, section, question) of one refusal or one 👎
_Item = tuple[str, str, str, GapQuestion]


def _unanswered(s: Session) -> list[_Item]:
    rows = s.scalars(select(Unanswered).order_by(Unanswered.created_at.desc()).limit(REPORT_ROWS))
    return [
        (
            u.top_doc_id,
            u.top_title,
            u.top_section,
            GapQuestion(
                kind="unanswered",
                question=u.question,
                answer_id=u.answer_id,
                created_at=as_utc(u.created_at),  # type: ignore[arg-type]
            ),
        )
        for u in rows
    ]


def _negative(s: Session) -> list[_Item]:
    rows = s.scalars(
        select(Feedback)
        .where(Feedback.rating == "down")
        .order_by(Feedback.created_at.desc())
        .limit(REPORT_ROWS)
    )
    return [
        (
            f.top_doc_id,
            f.top_title,
            f.top_section,
            GapQuestion(
                kind="negative",
                question=f.question or "(không rõ câu hỏi)",
                comment=f.comment,
                answer_id=f.answer_id,
                created_at=as_utc(f.created_at),  # type: ignore[arg-type]
            ),
        )
        for f in rows
    ]


def _topics(items: list[_Item], limit_per_topic: int) -> list[GapTopic]:
    """Grouped by document and the first two levels of its section path."""
    topics: dict[tuple[str, str], GapTopic] = {}
    for doc_id, title, section, q in items:
        top_section = " › ".join(section.split(" › ")[:2]) if section else ""
        key = (doc_id, top_section)
        if key not in topics:
            label = " › ".join(x for x in (title, top_section) if x) or "Chưa rõ chủ đề"
            topics[key] = GapTopic(topic=label, doc_id=doc_id, section=top_section, count=0)
        t = topics[key]
        t.count += 1
        if q.kind == "unanswered":
            t.unanswered += 1
        else:
            t.negative += 1
        if len(t.questions) < limit_per_topic:
            t.questions.append(q)
    return sorted(topics.values(), key=lambda t: (-t.count, t.topic))


def gap_report(db: Database, limit_per_topic: int = 20) -> GapReport:
    with db.session() as s:
        items = _unanswered(s) + _negative(s)
        total_unanswered = s.scalar(select(func.count()).select_from(Unanswered)) or 0
        total_negative = (
            s.scalar(select(func.count()).select_from(Feedback).where(Feedback.rating == "down"))
            or 0
        )
    return GapReport(
        generated_at=utcnow(),
        total_unanswered=total_unanswered,
        total_negative=total_negative,
        topics=_topics(items, limit_per_topic),
    )
