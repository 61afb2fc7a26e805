"""python -m eval run | report | bench | scale"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from assistant.settings import get_settings


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["scale"]:  # its own options: python -m eval scale --help
        from eval.scale import main as main_scale

        return main_scale(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m eval")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="answer a JSONL question file, one JSON line per question")
    run.add_argument("--questions", type=Path, required=True)
    run.add_argument("--out", type=Path, required=True)
    run.add_argument("--k", type=int, default=10)
    run.add_argument("--knowledge", type=Path)
    run.add_argument("--index", type=Path)
    run.add_argument("--no-ingest", action="store_true", help="answer from the index as it is")
    rep = sub.add_parser("report", help="score the gold set against baselines; write eval/reports/")
    rep.add_argument("--knowledge", type=Path)
    rep.add_argument("--index", type=Path)
    bench = sub.add_parser("bench", help="latency benchmark of retrieval and answering")
    bench.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    settings = get_settings().with_dirs(
        knowledge=getattr(args, "knowledge", None), index=getattr(args, "index", None)
    )
    if args.command == "run":
        from eval.harness import run as run_questions

        return run_questions(
            settings, args.questions, args.out, k=args.k, ingest=not args.no_ingest
        )
    if args.command == "report":
        from eval.report import main_report

        return main_report(settings)
    from eval.bench import main_bench

    return main_bench(settings, repeat=args.repeat)


if __name__ == "__main__":
    sys.exit(main())
