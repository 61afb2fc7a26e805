"""`python -m eval report`: score the gold set, our retriever against baselines and ablations in
the same run, plus the answer-level metrics; write Markdown, JSON and PNG plots."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

from assistant.chain import Assistant
from assistant.retrieval import RetrievalConfig
from assistant.settings import PROJECT_ROOT, Settings
from assistant.statute import article_of
from eval.baselines import NaiveBaselines
from eval.harness import (
    answer_all,
    output_line,
    question_set,
    read_questions,
    refused_without_topics,
    request_for,
)
from eval.metrics import (
    first_hit,
    gold_quotes,
    has_gold_quote,
    ndcg_at_k,
    percentile,
    recall_curve,
    relevant,
    retrieval_scores,
    states,
)
from eval.places import build_place_report, place_section, read_previous, with_previous
from eval.without_laws import hit_at_1_without_laws
from ingest.pipeline import run_ingest

GOLD = question_set("gold")
REPORTS = PROJECT_ROOT / "eval" / "reports"
TAGS = ("clean", "no-diacritic", "everyday", "ocr", "follow-up")
ABLATIONS = (
    "dense",
    "bm25-folded",
    "accent-restoration",
    "synonyms",
    "section passages",
    "situation prior",
    "named-document scope",
    "procedure named",
    "law-intent routing",
    "legal basis first",
    "query adapter",
    "collection statistics",
)
SINGLE_SIGNALS = {
    "ours with reciprocal-rank fusion": RetrievalConfig(fusion="rrf"),
    "ours + procedure-title match (w 0.3)": RetrievalConfig(title_weight=0.3),
    "ours + accented BM25 (w 0.5) + label prior (w 0.3)": RetrievalConfig(
        plain_weight=0.5, label_weight=0.3
    ),
    "ours, dense signal only": RetrievalConfig(use_plain=False, use_folded=False, use_labels=False),
    "ours, folded BM25 only": RetrievalConfig(use_dense=False, use_plain=False, use_labels=False),
}
TARGETS = {"hit@1": 0.85, "hit@5": 0.97, "mrr": 0.90}


@dataclass
class SystemRun:
    name: str
    ranks: list[int | None]
    ndcgs: list[float]
    latencies: list[float]
    avg_chars: float = 0.0  # mean length of the top-5 passages: bigger passages hit more easily


def tags_of(row: dict) -> list[str]:
    tags = list(row.get("tags") or [])
    if row.get("answerable", True) and not set(tags) & {
        "no-diacritic",
        "everyday",
        "ocr",
        "follow-up",
    }:
        tags.append("clean")
    return tags


def score_system(name: str, rows: list[dict], search) -> SystemRun:
    ranks, ndcgs, lat = [], [], []
    chars = count = 0
    for row in rows:
        t = time.perf_counter()
        texts = search(row)
        chars += sum(len(x) for x in texts[:5])
        count += len(texts[:5])
        lat.append((time.perf_counter() - t) * 1000)
        ranks.append(first_hit(texts, gold_quotes(row)))
        ndcgs.append(ndcg_at_k(texts, gold_quotes(row)))
    return SystemRun(name, ranks, ndcgs, lat, chars / max(count, 1))


def by_tag(run: SystemRun, rows: list[dict]) -> dict[str, dict]:
    out = {}
    for tag in TAGS:
        idx = [i for i, r in enumerate(rows) if tag in tags_of(r)]
        if idx:
            out[tag] = retrieval_scores([run.ranks[i] for i in idx], [run.ndcgs[i] for i in idx])
    return out


def calibration(answers: list[tuple[dict, float]]) -> list[dict]:
    """Refusal rates at each confidence threshold, on answerable and unanswerable questions."""
    table = []
    pos = [c for r, c in answers if not r.get("answerable", True)]
    neg = [c for r, c in answers if r.get("answerable", True)]
    for i in range(10, 71):
        th = i / 100
        table.append(
            {
                "threshold": th,
                "correct_refusal": sum(c < th for c in pos) / (len(pos) or 1),
                "false_refusal": sum(c < th for c in neg) / (len(neg) or 1),
            }
        )
    return table


def build_report(
    settings: Settings,
    gold: Path = GOLD,
    out_dir: Path = REPORTS,
    ingest: bool = True,
    systems: tuple[Assistant, NaiveBaselines] | None = None,
) -> dict:
    """Scores one question set. `systems` lets several sets share one loaded index and one
    set of naive baselines (built after the ingest when not given)."""
    if ingest:
        print("ingest:", run_ingest(settings.ingest, progress=False).summary().splitlines()[0])
    rows = read_questions(gold)
    answerable = [r for r in rows if has_gold_quote(r)]
    assistant, naive = systems or (Assistant(settings), NaiveBaselines(settings))

    # 1. The full chain (what users get): answers, refusals, citations, latency.
    answers = list(answer_all(assistant, rows))
    lines = [output_line(r, res, ms) for r, res, ms in answers]
    standalone = {r["id"]: res.standalone_question for r, res, _ in answers}
    runs = retrieval_runs(assistant, naive, answerable)
    follow = [i for i, r in enumerate(answerable) if "follow-up" in tags_of(r)]
    result = {
        "gold": str(gold),
        "n_questions": len(rows),
        "refusal_threshold": settings.refusal_threshold,
        "systems": {
            run.name: {
                **retrieval_scores(run.ranks, run.ndcgs),
                "latency_p50_ms": percentile(run.latencies, 50),
                "latency_p95_ms": percentile(run.latencies, 95),
                "avg_passage_chars": run.avg_chars,
                "recall_curve": recall_curve(run.ranks),
                "by_tag": by_tag(run, answerable),
            }
            for run in runs
        },
        "answers": answer_metrics(
            assistant, answers, plain=refused_without_topics(assistant, answers)
        ),
        "follow_up_hit@5": retrieval_scores(
            [runs[0].ranks[i] for i in follow], [runs[0].ndcgs[i] for i in follow]
        )["hit@5"]
        if follow
        else None,
        "calibration": calibration([(r, res.confidence) for r, res, _ in answers]),
        "misses": [
            {
                "id": r["id"],
                "question": r["question"],
                "rank": rank,
                "standalone": standalone[r["id"]],
            }
            for r, rank in zip(answerable, runs[0].ranks, strict=True)
            if rank != 1
        ],
    }
    write_outputs(result, lines, out_dir)
    return result


def retrieval_runs(assistant: Assistant, naive: NaiveBaselines, answerable: list[dict]) -> list:
    """Our retriever (searching as the chain does), its ablations and single signals, then the
    naive recipes (1000/200 chunks, the raw question: no history, no restoration)."""
    searcher = assistant.searcher
    terms = {r["id"]: assistant.search_terms(request_for(r)) for r in answerable}

    def ours(config: RetrievalConfig):
        return lambda row: [
            p.text
            for p in searcher.search(
                terms[row["id"]][0], k=10, config=config, context=terms[row["id"]][1]
            )
        ]

    systems = [("ours (hybrid)", ours(searcher.config))]
    systems += [(f"ours − {c}", ours(searcher.config.without(c))) for c in ABLATIONS]
    # Our chunks and passages with one signal only: what each signal brings on its own.
    systems += [(name, ours(config)) for name, config in SINGLE_SIGNALS.items()]
    systems += [
        ("baseline: naive LangChain 1000/200 + e5", lambda row: naive.dense(row["question"])),
        ("baseline: BM25 plain (1000/200)", lambda row: naive.lexical(row["question"], "plain")),
        (
            "baseline: BM25 folded (1000/200)",
            lambda row: naive.lexical(row["question"], "folded"),
        ),
    ]
    return [score_system(name, answerable, search) for name, search in systems]


def answer_metrics(assistant: Assistant, answers: list, plain: list[bool] | None = None) -> dict:
    """Answer-level metrics on the chain's output: citations, refusals, the Điều, latency.
    `plain`: each question's refusal without the uncovered-topic check, from the same run
    (eval/harness.py `refused_without_topics`); without it those two rates are None."""
    cited_hits, correct_ref, false_ref, article_hits = [], [], [], []
    quoted_hits, lead_hits, correct_plain, false_plain = [], [], [], []
    snap = assistant.provider.get()
    for i, (row, res, _) in enumerate(answers):
        refused_plain = plain[i] if plain is not None else None
        if row.get("article"):
            article_hits.append(first_citation_names_article(row, res))
        if has_gold_quote(row):
            # the passage each citation was drawn from (a retrieved passage, or its chunk)
            passages = {p.id: p.text for p in res.retrieved}
            cited_texts = [
                passages.get(c.chunk_id) or snap.texts[snap.position[c.chunk_id]]
                for c in res.citations
                if c.chunk_id in passages or c.chunk_id in snap.position
            ]
            cited_hits.append(any(relevant(t, gold_quotes(row)) for t in cited_texts))
            # stricter: the words quoted state the answer, and the answer leads with them
            quotes = [] if res.refused else [c.quote for c in res.citations]
            quoted_hits.append(any(states(q, gold_quotes(row)) for q in quotes))
            lead_hits.append(bool(quotes) and states(quotes[0], gold_quotes(row)))
            false_ref.append(res.refused)
            false_plain.append(refused_plain)
        elif not row.get("answerable", True):
            correct_ref.append(res.refused)
            correct_plain.append(refused_plain)
    total_ms = [ms for _, _, ms in answers]
    retrieve_ms = [res.timings.retrieve_ms for _, res, _ in answers]
    compose_ms = [res.timings.compose_ms for _, res, _ in answers]
    return {
        "citation_hit_rate": sum(cited_hits) / (len(cited_hits) or 1),
        "quote_hit_rate": sum(quoted_hits) / (len(quoted_hits) or 1),
        "lead_hit_rate": sum(lead_hits) / (len(lead_hits) or 1),
        "correct_refusal": sum(correct_ref) / (len(correct_ref) or 1),
        "false_refusal": sum(false_ref) / (len(false_ref) or 1),
        # the same run without the uncovered-topic check (assistant/topics.py)
        "correct_refusal_without_topics": (
            sum(correct_plain) / (len(correct_plain) or 1) if plain is not None else None
        ),
        "false_refusal_without_topics": (
            sum(false_plain) / (len(false_plain) or 1) if plain is not None else None
        ),
        "n_answerable": len(cited_hits),
        # statute questions: the first citation names the right law and Điều
        "article_hit_rate": sum(article_hits) / len(article_hits) if article_hits else None,
        "n_unanswerable": len(correct_ref),
        "latency_total_p50_ms": percentile(total_ms, 50),
        "latency_total_p95_ms": percentile(total_ms, 95),
        "latency_retrieve_p50_ms": percentile(retrieve_ms, 50),
        "latency_retrieve_p95_ms": percentile(retrieve_ms, 95),
        "latency_compose_p95_ms": percentile(compose_ms, 95),
    }


def first_citation_names_article(row: dict, res) -> bool:
    """The first citation is from the gold law and its article ("Điều 22") is the gold one."""
    if not res.citations:
        return False
    first = res.citations[0]
    art = article_of(first.section)
    return first.doc_id == row["doc"] and art is not None and f"Điều {art[0]}" == row["article"]


def write_outputs(result: dict, lines: list[dict], out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "report.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    with open(out_dir / "answers.jsonl", "w", encoding="utf-8") as fh:
        for line in lines:
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")
    plot(result, out_dir)
    (out_dir / "report.md").write_text(markdown(result), encoding="utf-8")


def shown(path: str | Path) -> str:
    """A path as the report shows it: relative to the project when inside it."""
    try:
        return str(Path(path).resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def markdown(result: dict) -> str:
    systems = result["systems"]
    ours = systems["ours (hybrid)"]
    a = result["answers"]
    out = [
        f"# Evaluation on `{shown(result['gold'])}` ({result['n_questions']} questions)\n",
        "All rows come from this one run; compare them only with each other.\n",
        "## Retrieval\n",
        "| system | hit@1 | hit@5 | MRR | nDCG@10 | p50 ms | p95 ms | passage chars |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, s in systems.items():
        out.append(
            f"| {name} | {s['hit@1']:.3f} | {s['hit@5']:.3f} | {s['mrr']:.3f} | {s['ndcg@10']:.3f} | "
            f"{s['latency_p50_ms']:.1f} | {s['latency_p95_ms']:.1f} | {s['avg_passage_chars']:.0f} |"
        )
    out += [
        "",
        "## Our retriever by tag\n",
        "| tag | n | hit@1 | hit@5 | MRR |",
        "|---|---|---|---|---|",
    ]
    for tag, s in ours["by_tag"].items():
        out.append(f"| {tag} | {s['n']} | {s['hit@1']:.3f} | {s['hit@5']:.3f} | {s['mrr']:.3f} |")
    out += ["", "## Answers (full chain)\n", "| metric | value |", "|---|---|"]
    for key, value in a.items():
        out.append(
            f"| {key} | {value:.3f} |" if isinstance(value, float) else f"| {key} | {value} |"
        )
    fu = result["follow_up_hit@5"]
    out.append(f"| follow_up_hit@5 | {fu:.3f} |" if fu is not None else "| follow_up_hit@5 | n/a |")
    out += ["", "## Targets\n", "| target | value | status |", "|---|---|---|"]
    best_baseline = {
        m: max(s[m] for n, s in systems.items() if n.startswith("baseline")) for m in TARGETS
    }
    for metric, target in TARGETS.items():
        ok = ours[metric] >= target and ours[metric] > best_baseline[metric]
        out.append(
            f"| {metric} ≥ {target} and above every baseline ({best_baseline[metric]:.3f}) | {ours[metric]:.3f} | {'PASS' if ok else 'FAIL'} |"
        )
    clean5 = ours["by_tag"].get("clean", {}).get("hit@5", 0)
    for tag in ("no-diacritic", "everyday", "ocr"):
        v = ours["by_tag"].get(tag, {}).get("hit@5", 0)
        out.append(
            f"| {tag} hit@5 within 0.05 of clean ({clean5:.3f}) | {v:.3f} | {'PASS' if v >= clean5 - 0.05 else 'FAIL'} |"
        )
    for metric, target, higher in (
        ("citation_hit_rate", 0.90, True),
        ("correct_refusal", 0.90, True),
        ("false_refusal", 0.05, False),
    ):
        v = a[metric]
        out.append(
            f"| {metric} {'≥' if higher else '≤'} {target} | {v:.3f} | {'PASS' if (v >= target if higher else v <= target) else 'FAIL'} |"
        )
    if fu is not None:
        out.append(f"| follow-up hit@5 ≥ 0.90 | {fu:.3f} | {'PASS' if fu >= 0.90 else 'FAIL'} |")
    out += [
        "",
        f"## Refusal calibration (current threshold {result['refusal_threshold']})\n",
        "| threshold | correct refusal | false refusal |",
        "|---|---|---|",
    ]
    for row in result["calibration"][::5]:
        out.append(
            f"| {row['threshold']:.2f} | {row['correct_refusal']:.3f} | {row['false_refusal']:.3f} |"
        )
    out += ["", f"## Questions whose gold passage was not ranked first ({len(result['misses'])})\n"]
    for m in result["misses"]:
        out.append(f"- `{m['id']}` rank {m['rank']}: {m['question']}")
    out += ["", "Plots: `recall_at_k.png`, `per_tag.png`."]
    return "\n".join(out) + "\n"


def plot(result: dict, out_dir: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 5))
    for name, s in result["systems"].items():
        if name.startswith("ours −"):
            continue
        ax.plot(
            range(1, 11),
            s["recall_curve"],
            marker="o",
            label=name,
            linewidth=2.5 if name.startswith("ours") else 1.2,
        )
    ax.set_xlabel("k")
    ax.set_ylabel("recall@k (gold passage in top k)")
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    ax.set_title(f"Recall@k on {shown(result['gold'])}")
    fig.tight_layout()
    fig.savefig(out_dir / "recall_at_k.png", dpi=110)
    plt.close(fig)

    systems = {n: s for n, s in result["systems"].items() if not n.startswith("ours −")}
    tags = [t for t in TAGS if t in result["systems"]["ours (hybrid)"]["by_tag"]]
    fig, ax = plt.subplots(figsize=(9, 6.5))
    width = 0.8 / max(len(systems), 1)
    for i, (name, s) in enumerate(systems.items()):
        values = [s["by_tag"].get(t, {}).get("hit@5", 0) for t in tags]
        ax.bar([x + i * width for x in range(len(tags))], values, width, label=name)
    ax.set_xticks([x + width * (len(systems) - 1) / 2 for x in range(len(tags))], tags)
    ax.set_ylabel("hit@5")
    ax.set_ylim(0, 1.05)
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=2, frameon=False)
    ax.set_title(f"hit@5 per question tag ({shown(result['gold'])})")
    fig.tight_layout()
    fig.savefig(out_dir / "per_tag.png", dpi=110)
    plt.close(fig)


def holdout_section(
    gold: dict,
    held: dict[str, dict],
    previous: dict | None = None,
    without_laws: dict[str, float] | None = None,
) -> str:
    """The same numbers on each held-out set, beside the gold set's: settings were chosen on the
    gold set, so a gap between the columns is how much of that choice was fitting. Each value
    carries the previous release's figure on the same set (eval/previous_release.json);
    `without_laws`: hit@1 of the handbook sets over an index without the laws
    (eval/without_laws.py)."""
    rows = [
        ("questions", "", "n_questions"),
        ("hit@1 (ours)", "systems", "hit@1"),
        ("hit@5 (ours)", "systems", "hit@5"),
        ("MRR (ours)", "systems", "mrr"),
        ("citation hit rate", "answers", "citation_hit_rate"),
        ("the words quoted state the answer", "answers", "quote_hit_rate"),
        ("the answer leads with them", "answers", "lead_hit_rate"),
        ("correct refusal", "answers", "correct_refusal"),
        ("false refusal", "answers", "false_refusal"),
        ("correct refusal without the topic check", "answers", "correct_refusal_without_topics"),
        ("false refusal without the topic check", "answers", "false_refusal_without_topics"),
        ("first citation names the right Điều", "answers", "article_hit_rate"),
    ]
    previous = previous or {}

    def value(name: str, result: dict, where: str, key: str) -> str:
        if not where:
            return str(result[key])
        v = result["systems"]["ours (hybrid)"][key] if where == "systems" else result[where][key]
        return with_previous(v, previous.get(name, {}).get(key))

    def best_baseline(result: dict) -> str:
        best = max(s["hit@1"] for n, s in result["systems"].items() if n.startswith("baseline"))
        return f"{best:.3f}"

    results = {"gold": gold, **held}
    out = [
        "",
        "## Held-out sets\n",
        "Written by separate sessions without seeing the gold set, the synonym list or the code; "
        "no weight or threshold is chosen on them (each README says how it has been used). "
        "Full reports in `eval/reports/<set>/`. In brackets: the previous release "
        f"({previous.get('release', 'not recorded')}) on the same set.\n",
        "| metric | " + " | ".join(results) + " |",
        "|---" * (len(results) + 1) + "|",
    ]
    for label, where, key in rows:
        out.append(
            f"| {label} | " + " | ".join(value(n, r, where, key) for n, r in results.items()) + " |"
        )
    if without_laws:
        out.append(
            "| hit@1 without the laws in the index | "
            + " | ".join(f"{without_laws[n]:.3f}" if n in without_laws else "—" for n in results)
            + " |"
        )
    out.append(
        "| best baseline hit@1 | " + " | ".join(best_baseline(r) for r in results.values()) + " |"
    )
    return "\n".join(out) + "\n"


def holdout_sets(root: Path = PROJECT_ROOT / "eval") -> list[Path]:
    """Every `eval/holdout*/questions.jsonl`: question sets written apart from the gold set."""
    return sorted(root.glob("holdout*/questions.jsonl"))


def place_sets(root: Path = PROJECT_ROOT / "eval") -> list[Path]:
    """Held-out sets labelled by place (doc + section) rather than quote: `eval/trust/`."""
    return sorted(root.glob("trust*/questions.jsonl"))


def main_report(settings: Settings, holdouts: list[Path] | None = None) -> int:
    print("ingest:", run_ingest(settings.ingest, progress=False).summary().splitlines()[0])
    systems = (Assistant(settings), NaiveBaselines(settings))
    result = build_report(settings, ingest=False, systems=systems)
    text = (REPORTS / "report.md").read_text(encoding="utf-8")
    held_paths = holdout_sets() if holdouts is None else holdouts
    held = {
        path.parent.name: build_report(
            settings, gold=path, out_dir=REPORTS / path.parent.name, ingest=False, systems=systems
        )
        for path in held_paths
    }
    previous = read_previous()
    if held:
        without = hit_at_1_without_laws(systems[0], [GOLD, *held_paths])
        text += holdout_section(result, held, previous, without)
    places = {
        path.parent.name: build_place_report(
            systems[0], path, REPORTS / path.parent.name, previous.get(path.parent.name)
        )
        for path in (place_sets() if holdouts is None else [])
    }
    if places:
        text += place_section(places, previous)
    (REPORTS / "report.md").write_text(text, encoding="utf-8")
    print(text)
    return 0 if result else 1
