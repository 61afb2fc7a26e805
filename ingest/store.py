"""The index on disk: immutable generations and an atomic pointer to the current one.

    index_dir/
      CURRENT                   name of the live generation, replaced atomically
      generations/gen-000007/   chroma/ (PersistentClient), manifest.json, lexical/ (BM25)
      embeddings.sqlite3        embedding cache, shared by all generations
      ingest.lock               one ingest at a time

Why generations instead of LangChain's `index()` with a SQL record manager: `index()` writes the
vector store and the record manager in separate steps and deletes stale chunks last, so an ingest
killed mid-way leaves a document half old, half new in what is served. Here an ingest writes a new
generation beside the live one and flips CURRENT with one rename; readers see the old or the new
index, never a mix, and a killed run leaves only a staging folder that the next run discards.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import chromadb
from chromadb.config import Settings as ChromaSettings
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

from ingest import lexical
from ingest.errors import IngestRunning

COLLECTION = "camnang"
# HNSW's breadth of search. At Chroma's default (100, below the ~200 dense candidates the
# retriever asks for) the candidates for one query differed between processes on the same index,
# so two `make eval` runs of one commit differed by a question; at 1000 they were identical.
HNSW = {"space": "cosine", "ef_search": 1000}
MANIFEST_VERSION = 1
_GEN = re.compile(r"^gen-(\d{6})$")


@dataclass
class DocRecord:
    doc_id: str
    source: str
    fingerprint: str
    chunk_ids: list[str]
    meta: dict
    ingested_at: str


@dataclass
class Manifest:
    embedder: str
    chunker: str
    docs: dict[str, DocRecord] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(
            {
                "version": MANIFEST_VERSION,
                "embedder": self.embedder,
                "chunker": self.chunker,
                "docs": {k: v.__dict__ for k, v in sorted(self.docs.items())},
            },
            ensure_ascii=False,
            indent=1,
        )

    @classmethod
    def from_json(cls, raw: str) -> Manifest:
        data = json.loads(raw)
        docs = {k: DocRecord(**v) for k, v in data["docs"].items()}
        return cls(embedder=data["embedder"], chunker=data["chunker"], docs=docs)


def search_breadth(collection) -> None:
    """Give a collection made before HNSW["ef_search"] was set that breadth (the one HNSW
    setting Chroma lets a collection change)."""
    current = (collection.configuration_json or {}).get("hnsw") or {}
    if current.get("ef_search") != HNSW["ef_search"]:
        collection.modify(configuration={"hnsw": {"ef_search": HNSW["ef_search"]}})


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic_bytes(path: Path, data: bytes) -> None:
    """Write next to the target under a hidden name (ingest skips dot-files), then rename: a
    crash leaves the previous file whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def write_atomic(path: Path, text: str) -> None:
    write_atomic_bytes(path, text.encode("utf-8"))


def _client(gen_dir: Path):
    return chromadb.PersistentClient(
        path=str(gen_dir / "chroma"),
        settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False),
    )


def open_collection(gen_dir: Path):
    """The generation's Chroma collection itself, for queries that need ids and distances only."""
    return _client(gen_dir).get_collection(COLLECTION)


class ChunkSearch:
    """Dense search of one generation's own collection: (chunk id, cosine distance) only, since
    a reader holds every chunk's text already (fetching them too cost 250 of 263 ms a query at
    100k chunks)."""

    def __init__(self, collection) -> None:
        self.collection = collection
        self.size = collection.count()

    def nearest(self, vector: list[float], k: int, where: dict | None) -> list[tuple[str, float]]:
        if not self.size or k <= 0:
            return []
        got = self.collection.query(
            query_embeddings=[vector],
            n_results=min(k, self.size),
            where=where,
            include=["distances"],
        )
        return list(zip(got["ids"][0], got["distances"][0], strict=True))


def open_chroma(gen_dir: Path, embeddings: Embeddings) -> Chroma:
    client = _client(gen_dir)
    return Chroma(
        collection_name=COLLECTION,
        embedding_function=embeddings,  # ours, always: Chroma's default would download a model
        client=client,
        collection_configuration={"hnsw": HNSW},
    )


def copy_or_link(src: str, dst: str) -> None:
    """The BM25 files are never rewritten (ingest/bm25_segments.py), so the next generation
    shares them by hard link; Chroma's files are changed in place and are copied."""
    if f"{os.sep}lexical{os.sep}" in src:
        try:
            os.link(src, dst)
            return
        except OSError:  # a file system without hard links
            pass
    shutil.copy2(src, dst)


class IndexStore:
    keeps_lexical = True  # the BM25 segments live in the generation folder

    def __init__(self, index_dir: Path) -> None:
        self.root = Path(index_dir)
        self.generations = self.root / "generations"

    @property
    def cache_path(self) -> Path:
        return self.root / "embeddings.sqlite3"

    def current_name(self) -> str | None:
        try:
            name = (self.root / "CURRENT").read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        return name if _GEN.match(name) and (self.generations / name).is_dir() else None

    def current_dir(self) -> Path | None:
        name = self.current_name()
        return self.generations / name if name else None

    def outdated(self) -> bool:
        """Whether the live generation was written by an older release (BM25 from before
        segments, or another HNSW search breadth): the next ingest then writes a new one even
        if no file changed."""
        gen = self.current_dir()
        if gen is None:
            return False
        if not lexical.is_current(gen / "lexical"):
            return True
        hnsw = (open_collection(gen).configuration_json or {}).get("hnsw") or {}
        return hnsw.get("ef_search") != HNSW["ef_search"]

    def manifest(self, gen_dir: Path | None = None) -> Manifest | None:
        gen_dir = gen_dir or self.current_dir()
        if gen_dir is None:
            return None
        return Manifest.from_json((gen_dir / "manifest.json").read_text(encoding="utf-8"))

    @contextmanager
    def lock(self):
        """One writer at a time; a second ingest fails fast instead of racing the first."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / "ingest.lock", "w") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise IngestRunning(f"Another ingest is running on {self.root}.") from exc
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def open_vectorstore(
        self, gen_dir: Path, embeddings: Embeddings, manifest: Manifest | None = None
    ) -> Chroma:
        """The generation's vector store (its own Chroma folder holds exactly its chunks)."""
        return open_chroma(gen_dir, embeddings)

    def open_search(self, gen_dir: Path, vectorstore) -> ChunkSearch:
        """The generation's dense search (`nearest`): its own Chroma folder holds exactly its
        chunks."""
        return ChunkSearch(open_collection(gen_dir))

    def open_staging(self, staging: Path, manifest: Manifest):
        """(client, collection) of the staging generation's Chroma folder."""
        client = chromadb.PersistentClient(
            path=str(staging / "chroma"), settings=ChromaSettings(anonymized_telemetry=False)
        )
        collection = client.get_or_create_collection(
            COLLECTION,
            embedding_function=None,
            configuration={"hnsw": HNSW},
            metadata={"embedder": manifest.embedder, "chunker": manifest.chunker},
        )
        search_breadth(collection)
        return client, collection

    def discard_staging(self) -> list[str]:
        """Remove what a killed ingest left behind (staging folders are never read)."""
        removed = []
        if self.generations.is_dir():
            for p in self.generations.iterdir():
                if p.name.endswith(".staging"):
                    shutil.rmtree(p, ignore_errors=True)
                    removed.append(p.name)
        return removed

    def new_staging(self, copy_current: bool) -> Path:
        self.generations.mkdir(parents=True, exist_ok=True)
        numbers = [int(m.group(1)) for p in self.generations.iterdir() if (m := _GEN.match(p.name))]
        staging = self.generations / f"gen-{max(numbers, default=0) + 1:06d}.staging"
        current = self.current_dir()
        if copy_current and current is not None:
            shutil.copytree(current, staging, copy_function=copy_or_link)
        else:
            staging.mkdir()
        return staging

    def publish(self, staging: Path, keep: int = 2) -> Path:
        """Make a finished staging generation the live one with a single atomic rename."""
        final = staging.with_name(staging.name.removesuffix(".staging"))
        os.rename(staging, final)
        _fsync_dir(self.generations)
        write_atomic(self.root / "CURRENT", final.name + "\n")
        self._prune(keep)
        return final

    def _prune(self, keep: int) -> None:
        """Keep the last `keep` generations so a server still reading the previous one can finish."""
        gens = sorted(p for p in self.generations.iterdir() if _GEN.match(p.name))
        for old in gens[:-keep]:
            shutil.rmtree(old, ignore_errors=True)
