"""`python -m eval run`: answer a question file with the real chain, one JSON line per question.

The output format is a contract other tools read; keep its fields stable.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from assistant.chain import Assistant
from assistant.schemas import AnswerResult, AskRequest, Turn
from assistant.settings import Settings
from ingest.pipeline import run_ingest


def question_set(name: str) -> Path:
    """The questions file of the set `eval/<name>/`."""
    return Path(__file__).resolve().parent / name / "questions.jsonl"


def read_questions(path: Path) -> list[dict]:
    rows = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            if "id" not in row or "question" not in row:
                raise ValueError(f"{path}:{n}: each line needs 'id' and 'question'")
            rows.append(row)
    return rows


def request_for(row: dict) -> AskRequest:
    history = [
        Turn(question=h.get("question", ""), answer=h.get("answer", "") or "")
        for h in row.get("history") or []
    ]
    return AskRequest(question=row["question"], history=history, mode=row.get("mode", "auto"))


def output_line(row: dict, result: AnswerResult, latency_ms: float) -> dict:
    return {
        "id": row["id"],
        "question": row["question"],
        "answer": result.answer,
        "refused": result.refused,
        "refusal_reason": result.refusal_reason,
        "citations": [
            {
                "n": c.n,
                "doc_id": c.doc_id,
                "title": c.title,
                "section": c.section,
                "quote": c.quote,
                "chunk_id": c.chunk_id,
                "start": c.start,
                "end": c.end,
            }
            for c in result.citations
        ],
        "retrieved": [
            {
                "rank": p.rank,
                "doc_id": p.doc_id,
                "title": p.title,
                "section": p.section,
                "text": p.text,
                "score": p.score,
                "id": p.id,
            }
            for p in result.retrieved
        ],
        "latency_ms": round(latency_ms, 2),
        "confidence": result.confidence,
        "standalone_question": result.standalone_question,
        "timings": result.timings.model_dump(),
    }


def answer_all(
    assistant: Assistant, rows: Iterable[dict]
) -> Iterator[tuple[dict, AnswerResult, float]]:
    for row in rows:
        t = time.perf_counter()
        result = assistant.ask(request_for(row))
        yield row, result, (time.perf_counter() - t) * 1000


def refused_without_topics(assistant: Assistant, answers: list) -> list[bool]:
    """Whether each question would be refused without the uncovered-topic check
    (assistant/topics.py), from the same run: the check only ever turns an answer or a
    weak-evidence refusal into a topic refusal, so only the questions it refused are asked
    again, with an empty topic list."""
    from assistant.topics import TopicList

    topics, assistant.topics = assistant.topics, TopicList([])
    try:
        return [
            assistant.ask(request_for(row)).refused
            if res.refusal_reason == "topic not covered"
            else res.refused
            for row, res, _ in answers
        ]
    finally:
        assistant.topics = topics


def run(settings: Settings, questions: Path, out: Path, k: int = 10, ingest: bool = True) -> int:
    """Bring the index up to date with the knowledge folder, then answer every question."""
    if ingest:
        report = run_ingest(settings.ingest, progress=False)
        print(f"ingest: {report.summary().splitlines()[0]}")
    settings = settings.model_copy(update={"top_k": k})
    assistant = Assistant(settings)
    rows = read_questions(questions)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8") as fh:
        for row, result, latency in answer_all(assistant, rows):
            fh.write(json.dumps(output_line(row, result, latency), ensure_ascii=False) + "\n")
    print(f"answered {len(rows)} questions -> {out}")
    return 0
