"""`make bench`: latency of retrieval and of the extractive answer on top of it, over the gold
questions, on this machine. Reported, never asserted in tests."""

from __future__ import annotations

import json
import time

from assistant.chain import Assistant
from assistant.settings import Settings
from eval.harness import read_questions, request_for
from eval.metrics import percentile
from eval.report import GOLD, REPORTS


def main_bench(settings: Settings, repeat: int = 3) -> int:
    rows = read_questions(GOLD)
    assistant = Assistant(settings)
    assistant.ask(request_for(rows[0]))  # warm-up: model load, index load
    retrieve, compose, total = [], [], []
    for _ in range(repeat):
        # cold queries: repeated questions would otherwise be served from the query cache
        clear = getattr(assistant.provider.embeddings, "clear_query_cache", None)
        if clear is not None:
            clear()
        for row in rows:
            t = time.perf_counter()
            result = assistant.ask(request_for(row))
            total.append((time.perf_counter() - t) * 1000)
            retrieve.append(result.timings.retrieve_ms)
            compose.append(result.timings.compose_ms)
    snap = assistant.provider.get()
    out = {
        "questions": len(rows) * repeat,
        "chunks_in_index": len(snap.ids),
        "documents": len(snap.manifest.docs),
        "retrieval_p50_ms": percentile(retrieve, 50),
        "retrieval_p95_ms": percentile(retrieve, 95),
        "extractive_compose_p50_ms": percentile(compose, 50),
        "extractive_compose_p95_ms": percentile(compose, 95),
        "answer_total_p50_ms": percentile(total, 50),
        "answer_total_p95_ms": percentile(total, 95),
    }
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / "bench.json").write_text(json.dumps(out, indent=1), encoding="utf-8")
    lines = ["# Benchmark (this machine)", "", "| measure | value |", "|---|---|"]
    lines += [
        f"| {k} | {v:.1f} |" if isinstance(v, float) else f"| {k} | {v} |" for k, v in out.items()
    ]
    targets = [
        ("retrieval p95 ≤ 100 ms", out["retrieval_p95_ms"] <= 100),
        (
            "extractive answer p95 ≤ 200 ms on top of retrieval",
            out["extractive_compose_p95_ms"] <= 200,
        ),
    ]
    lines += ["", *[f"- {name}: {'PASS' if ok else 'FAIL'}" for name, ok in targets]]
    text = "\n".join(lines) + "\n"
    (REPORTS / "bench.md").write_text(text, encoding="utf-8")
    print(text)
    return 0
