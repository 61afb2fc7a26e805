"""The index on a Chroma server (ingest/remote_store.py), against a real `chroma run` started by
the test: publishing writes the manifest, then the pointer; two generations are kept and what
neither uses is deleted; readers see only their own generation's chunks; what a killed ingest
wrote is collected by the next run; an embedder change gets its own collection.

Embedded with the hashing stand-in (eval/hashing.py): these tests are about storage, not
meaning, and the real embedder is exercised by tests/test_multiprocess.py.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from assistant.settings import Settings
from assistant.snapshot import IndexSnapshot, SnapshotProvider
from eval.hashing import BACKEND, HashingEmbeddings
from ingest.config import IngestConfig
from ingest.embeddings import make_embeddings, register_backend
from ingest.errors import IndexServerUnavailable
from ingest.pipeline import run_ingest
from ingest.remote_store import POINTER, RemoteIndexStore
from ingest.store import Manifest
from tests.ingest_fixtures import resolution, write_corpus
from tests.servers import chroma, free_port

PROJECT = Path(__file__).resolve().parents[1]
DOCS = {f"nghi-quyet-{n}.txt": resolution(n) for n in (1, 2, 3)}


class OtherHashing(HashingEmbeddings):
    """The stand-in under another name: an embedder change, as far as the index can tell."""

    model_id = "test-other-hashing/384"


register_backend("test-other-hashing")(lambda _model, _device: OtherHashing())


@pytest.fixture(scope="module")
def chroma_url():
    with chroma(required=True) as url:
        yield url


@pytest.fixture
def config(chroma_url, tmp_path) -> IngestConfig:
    """A corpus of three resolutions, its own local folder and its own collections (a unique
    prefix) on the shared test server."""
    return IngestConfig(
        knowledge_dir=write_corpus(tmp_path / "knowledge", DOCS),
        index_dir=tmp_path / "index",
        embedding_backend=BACKEND,
        chunk_size=300,
        chunk_overlap=60,
        chroma_url=chroma_url,
        chroma_collection=f"t{uuid.uuid4().hex[:12]}",
        index_poll_seconds=0.5,
    )


def chunk_ids(manifest: Manifest) -> set[str]:
    return {cid for rec in manifest.docs.values() for cid in rec.chunk_ids}


def chunk_ids_of(manifest: Manifest, doc_id: str) -> set[str]:
    return set(manifest.docs[doc_id].chunk_ids)


def on_server(store: RemoteIndexStore) -> dict:
    """What the server holds for this prefix: pointer, manifests, chunk ids per collection."""
    generations = store.client.get_collection(f"{store.prefix}-generations")
    records = generations.get(include=["metadatas"])
    pointer = dict(zip(records["ids"], records["metadatas"], strict=True)).get(POINTER, {})
    chunks = {
        c.name: set(c.get(include=[])["ids"])
        for c in store.client.list_collections()
        if c.name.startswith(f"{store.prefix}-chunks-")
    }
    return {
        "current": pointer.get("generation"),
        "previous": pointer.get("previous") or None,
        "manifests": {
            m["generation"]
            for rid, m in zip(records["ids"], records["metadatas"], strict=True)
            if rid != POINTER
        },
        "chunks": chunks,
    }


def edit(config: IngestConfig, name: str, seed: int) -> None:
    (config.knowledge_dir / name).write_text(resolution(seed), encoding="utf-8")


def test_publish_keeps_two_generations_and_deletes_what_neither_uses(config):
    store = RemoteIndexStore(config)
    report = run_ingest(config)
    assert report.ok and len(report.added) == 3 and report.generation == "gen-000001"
    m1 = store.manifest()
    state = on_server(store)
    assert state["current"] == "gen-000001" and state["previous"] is None
    assert state["manifests"] == {"gen-000001"}
    (chunks,) = state["chunks"].values()
    assert chunks == chunk_ids(m1)
    # nothing of the index on this disk: no generation folders, no scratch left
    assert not (config.index_dir / "generations").exists()
    assert list((config.index_dir / "staging").iterdir()) == []
    assert store.current_dir() is not None and not store.current_dir().exists()

    edit(config, "nghi-quyet-2.txt", 52)
    assert run_ingest(config).changed == ["nghi-quyet-2"]
    m2 = store.manifest()
    state = on_server(store)
    assert (state["current"], state["previous"]) == ("gen-000002", "gen-000001")
    assert state["manifests"] == {"gen-000001", "gen-000002"}
    assert set().union(*state["chunks"].values()) == chunk_ids(m1) | chunk_ids(m2)

    edit(config, "nghi-quyet-2.txt", 62)
    assert run_ingest(config).changed == ["nghi-quyet-2"]
    m3 = store.manifest()
    state = on_server(store)
    assert state["manifests"] == {"gen-000002", "gen-000003"}
    held = set().union(*state["chunks"].values())
    assert held == chunk_ids(m2) | chunk_ids(m3)
    first_version = set(m1.docs["nghi-quyet-2"].chunk_ids)
    assert first_version and not first_version & held

    (config.knowledge_dir / "nghi-quyet-3.txt").unlink()
    assert run_ingest(config).removed == ["nghi-quyet-3"]
    m4 = store.manifest()
    assert set(m4.docs) == {"nghi-quyet-1", "nghi-quyet-2"}
    # the previous generation still reads the removed document's chunks
    assert set().union(*on_server(store)["chunks"].values()) == chunk_ids(m3) | chunk_ids(m4)

    again = run_ingest(config)
    assert again.generation == "gen-000004" and again.unchanged == ["nghi-quyet-1", "nghi-quyet-2"]


def test_a_reader_sees_only_its_generation_while_others_share_the_collection(config):
    store = RemoteIndexStore(config)
    run_ingest(config)
    m1 = store.manifest()
    edit(config, "nghi-quyet-2.txt", 72)
    run_ingest(config)
    m2 = store.manifest()
    stale = chunk_ids(m1) - chunk_ids(m2)
    assert stale, "the edit should leave the previous version's chunks for the old generation"

    embeddings = make_embeddings(BACKEND)
    snapshot = IndexSnapshot(store, embeddings)
    assert snapshot.generation == "gen-000002"
    assert sorted(snapshot.ids) == sorted(chunk_ids(m2))
    assert snapshot.lexical.ids and set(snapshot.lexical.ids) == chunk_ids(m2)

    # Ask with the vector of a chunk only the old generation has: its own version and its
    # neighbours are the nearest records in the collection, and none of them may come back.
    view = snapshot.vectorstore
    collection = store.client.get_collection(store.chunks_name(m2.embedder))
    probe_id = sorted(stale)[0]
    probe = collection.get(ids=[probe_id], include=["embeddings"])["embeddings"][0]
    mine = view.get(include=["embeddings"])
    vectors = np.asarray(mine["embeddings"], dtype=np.float32)
    # the 5 best similarities within this generation, by brute force; compared as values, since
    # two chunks whose similarities differ in the last float digits may come back in either order
    exact = np.sort(vectors @ np.asarray(probe, dtype=np.float32))[::-1][:5]
    current = set(mine["ids"])
    # The server's search is approximate (HNSW over the records of both generations): twice in
    # the full runs of stop 38 one of the nearest records of this generation did not come back,
    # once the best. What must hold is that no old generation's record comes back and that the
    # nearest are found, all but one at worst.
    for max_overfetch in (10_000, 0):  # over-fetch and drop; or filter by document version
        view.max_overfetch = max_overfetch
        hits = view.similarity_search_by_vector_with_relevance_scores(list(probe), k=5)
        assert len(hits) == 5 and {doc.id for doc, _ in hits} <= current
        assert all(0.0 <= distance <= 2.0 for _, distance in hits)
        found = [1.0 - distance for _, distance in hits]
        matched = sum(bool(np.isclose(exact, f, atol=1e-4).any()) for f in found)
        assert matched >= 4, (max_overfetch, sorted(found, reverse=True), exact)
    # a filter (the retriever's allowed documents) combines with both
    for max_overfetch in (10_000, 0):
        view.max_overfetch = max_overfetch
        hits = view.similarity_search_by_vector_with_relevance_scores(
            list(probe), k=3, filter={"doc_id": {"$in": ["nghi-quyet-1"]}}
        )
        assert len(hits) == 3 and {doc.id for doc, _ in hits} <= chunk_ids_of(m2, "nghi-quyet-1")

    # the previous generation is still whole for a reader that has not moved on yet
    old = store.open_vectorstore(store.handle("gen-000001"), embeddings, m1)
    assert set(old.get(include=[])["ids"]) == chunk_ids(m1)


def test_a_publish_elsewhere_is_seen_within_the_poll_interval(config):
    run_ingest(config)
    reader = SnapshotProvider(config.index_dir, make_embeddings(BACKEND), RemoteIndexStore(config))
    assert reader.get().generation == "gen-000001"
    # another host publishes: its pointer record changes on the server, not in this process
    edit(config, "nghi-quyet-1.txt", 81)
    writer = _ingest_in_child(config, -1)
    assert writer.returncode == 0, writer.stderr
    assert on_server(reader.store)["current"] == "gen-000002"  # read with chromadb's own client
    deadline = time.monotonic() + 5
    while reader.get().generation != "gen-000002":
        assert time.monotonic() < deadline, "the reader never saw the new generation"
        time.sleep(0.1)
    assert "nghi-quyet-1" in reader.get().manifest.docs


# A child process that ingests and, given N >= 0, kills itself with SIGKILL at its N-th check
# for cancellation (checked once per document read, then once per document written).
_INGEST_CHILD = """
import json, os, signal, sys
from pathlib import Path
import eval.hashing
from ingest.config import IngestConfig
from ingest.pipeline import run_ingest
values = json.loads(sys.argv[1])
config = IngestConfig(**{**values, "knowledge_dir": Path(values["knowledge_dir"]),
                         "index_dir": Path(values["index_dir"])})
kill_at, calls = int(sys.argv[2]), 0
def cancelled():
    global calls
    calls += 1
    if calls == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)
    return False
print(run_ingest(config, cancelled=cancelled).summary())
"""


def _ingest_in_child(config, kill_at_check: int) -> subprocess.CompletedProcess:
    """`run_ingest` in another process (another host), SIGKILLed at that store check (-1: never)."""
    return subprocess.run(
        [sys.executable, "-c", _INGEST_CHILD, json.dumps(_as_json(config)), str(kill_at_check)],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _as_json(config: IngestConfig) -> dict:
    values = dict(config.__dict__)
    values["knowledge_dir"] = str(config.knowledge_dir)
    values["index_dir"] = str(config.index_dir)
    return values


def test_a_killed_ingest_loses_nothing_and_the_next_run_collects_what_it_wrote(config):
    store = RemoteIndexStore(config)
    run_ingest(config)
    live = chunk_ids(store.manifest())
    write_corpus(config.knowledge_dir, {f"ke-hoach-{n}.txt": resolution(100 + n) for n in (0, 1)})
    # two documents to read (checks 1-2), then written one by one: killed at the second write,
    # after the first new document's chunks went to the server
    killed = _ingest_in_child(config, 4)
    assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr

    state = on_server(store)
    assert state["current"] == "gen-000001" and state["manifests"] == {"gen-000001"}
    (held,) = state["chunks"].values()
    orphans = held - live
    assert orphans and {cid.split(":")[0] for cid in orphans} == {"ke-hoach-0"}
    assert list((config.index_dir / "staging").glob("*.staging")), "the kill left its scratch"

    # readers still get the published generation, whole, and never the orphans
    snapshot = IndexSnapshot(store, make_embeddings(BACKEND))
    assert snapshot.generation == "gen-000001" and set(snapshot.ids) == live
    hits = snapshot.vectorstore.similarity_search(resolution(100)[:400], k=8)
    assert len(hits) == 8 and all(doc.id in live for doc in hits)
    assert all(doc.page_content and doc.metadata["doc_id"].startswith("nghi-quyet") for doc in hits)

    # the document the killed run wrote is gone before the next run: its chunks must go too
    (config.knowledge_dir / "ke-hoach-0.txt").unlink()
    report = run_ingest(config)
    assert report.added == ["ke-hoach-1"] and report.generation == "gen-000002", report.summary()
    m2 = store.manifest()
    state = on_server(store)
    (held,) = state["chunks"].values()
    assert held == live | chunk_ids(m2)
    assert not [cid for cid in held if cid.startswith("ke-hoach-0:")]
    assert not list((config.index_dir / "staging").iterdir())


def test_an_embedder_change_gets_its_own_collection_dropped_when_unused(config):
    store = RemoteIndexStore(config)
    run_ingest(config)
    first = store.chunks_name(HashingEmbeddings.model_id)
    assert set(on_server(store)["chunks"]) == {first}

    other = replace(config, embedding_backend="test-other-hashing")
    report = run_ingest(other)
    assert len(report.added) == 3  # a rebuild: every document again, under the new embedder
    second = store.chunks_name(OtherHashing.model_id)
    state = on_server(store)
    assert set(state["chunks"]) == {first, second}  # the previous generation still uses the first
    assert state["chunks"][second] == chunk_ids(store.manifest())

    edit(other, "nghi-quyet-3.txt", 93)
    run_ingest(other)
    assert set(on_server(store)["chunks"]) == {second}


def test_an_unreachable_server_is_reported_as_such(config):
    down = replace(config, chroma_url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(IndexServerUnavailable, match="Chroma server"):
        RemoteIndexStore(down).current_name()


def test_settings_refuse_a_chroma_url_that_is_not_a_server_address():
    with pytest.raises(ValueError, match="CAMNANG_CHROMA_URL"):
        Settings(_env_file=None, chroma_url="localhost:8001")
    with pytest.raises(ValueError, match="CAMNANG_CHROMA_COLLECTION"):
        Settings(_env_file=None, chroma_collection="camnang chính")
    settings = Settings(_env_file=None, chroma_url="http://10.0.0.5:8001")
    assert settings.ingest.chroma_url == "http://10.0.0.5:8001"
    assert Settings(_env_file=None).ingest.chroma_url == ""  # the disk index stays the default


def test_the_prebuilt_embedding_file_is_exported_from_the_server(config, tmp_path):
    from ingest.prebuilt import export, prebuilt_path

    store = RemoteIndexStore(config)
    first = run_ingest(config)
    assert first.embedded == first.chunks_written > 0
    embedder = make_embeddings(BACKEND)
    path = export(config.knowledge_dir, config.index_dir, embedder, store)
    assert path == prebuilt_path(config.knowledge_dir, HashingEmbeddings.model_id)
    # a fresh index (another prefix, another local folder) seeds its cache from the file
    fresh = replace(
        config, index_dir=tmp_path / "fresh-index", chroma_collection=config.chroma_collection + "b"
    )
    again = run_ingest(fresh)
    assert again.chunks_written == first.chunks_written and again.embedded == 0
