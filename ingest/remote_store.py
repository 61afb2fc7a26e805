"""The index on a Chroma server, shared by every API process (CAMNANG_CHROMA_URL).

    on the server
      <prefix>-generations             the pointer record "CURRENT" (the live generation's name
                                       and the one before it) and one "manifest:gen-NNNNNN"
                                       record per kept generation (the Manifest JSON)
      <prefix>-chunks-<embedder hash>  the chunks of every kept generation
    on this machine (index_dir)
      embeddings.sqlite3, ingest.lock  as with the disk store
      staging/gen-NNNNNN.staging/      a run's scratch (its manifest.json and BM25 files)

Why not a copy of the index per generation, as on disk: publishing would copy every chunk over
the network. Chunk ids carry their document's fingerprint (`{doc_id}:{fingerprint[:12]}:{i}`),
so a changed document's new chunks never overwrite its old ones, and a generation is only the
list of ids its manifest names (remote_collection.py reads a generation through that list).
An embedder change writes to another chunk collection: a collection has one vector size, and the
same id would otherwise carry another model's vector under the readers of the live generation.

Publishing writes the manifest record, then the pointer record; one record is written
atomically, and readers read the pointer, then that manifest, then its chunks, so they see the
old generation or the new one, never a mix. A killed run leaves chunks that no manifest names
(and maybe a manifest that no pointer names): invisible to readers, deleted by the next run.
After publishing, what neither the new nor the previous generation uses is deleted (a reader
still on the previous one can finish, as with the disk store's two kept generations).

A process reads the pointer at most every `index_poll_seconds` (one small get); a publish in
this process is seen by this process at once. One ingest at a time is still the local lock
file's job: one ingest host, or an index_dir on a shared filesystem. Chroma has no
transactions or compare-and-set, so two hosts ingesting at once would collect each other's
chunks: that is the one rule this design needs from its operators.
"""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import chromadb
import httpx
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import ChromaError, NotFoundError

from ingest.config import IngestConfig
from ingest.errors import IndexServerUnavailable, IndexUnavailable
from ingest.paging import read_collection
from ingest.remote_collection import GenerationView, GenerationWriter
from ingest.store import HNSW, IndexStore, Manifest, search_breadth

log = logging.getLogger(__name__)

POINTER = "CURRENT"
_MANIFEST = "manifest:"
_DUMMY = [1.0]  # the generations collection stores records, not vectors; Chroma wants one


def _manifest_id(name: str) -> str:
    return _MANIFEST + name


def _number(name: str) -> int:
    return int(name.removeprefix("gen-"))


class _Pointers:
    """The pointer each store of this process last read, by server and prefix: a publish here
    updates it for every reader here, and readers poll the server at most every poll_seconds."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], tuple[str | None, float]] = {}
        self._lock = threading.Lock()

    def fresh(self, key: tuple[str, str], max_age: float) -> tuple[bool, str | None]:
        with self._lock:
            name, at = self._seen.get(key, (None, float("-inf")))
        return time.monotonic() - at < max_age, name

    def saw(self, key: tuple[str, str], name: str | None) -> None:
        with self._lock:
            self._seen[key] = (name, time.monotonic())


_POINTERS = _Pointers()


class RemoteIndexStore:
    """The same duties as `IndexStore` (see stores.py), with generations kept on a Chroma server."""

    # No BM25 segments are kept: every server process builds its BM25 views from the chunks
    # it reads (the shared store), so the ingest does not build one to throw it away.
    keeps_lexical = False

    def __init__(self, config: IngestConfig) -> None:
        self.url = config.chroma_url.rstrip("/")
        self.prefix = config.chroma_collection
        self.poll_seconds = config.index_poll_seconds
        self.local = IndexStore(config.index_dir)
        self.scratch = Path(config.index_dir) / "staging"
        # A generation's handle: a path never created (the generation lives on the server), so
        # a reader looking for files of it on disk, such as a persisted BM25 index, finds none
        # and builds what it needs from the chunks it read.
        self.handles = Path(config.index_dir) / "on-chroma-server"
        self._client = None

    def outdated(self) -> bool:
        """Never: readers build BM25 themselves, and every run sets the chunk collection's
        search breadth when it opens it."""
        return False

    @property
    def root(self) -> str:
        return f"{self.url} ({self.prefix})"

    @property
    def cache_path(self) -> Path:
        return self.local.cache_path

    def lock(self):
        return self.local.lock()

    # -- talking to the server -----------------------------------------------------------------
    @contextmanager
    def _server(self, doing: str):
        try:
            yield
        except (httpx.HTTPError, ChromaError, ConnectionError) as exc:
            raise IndexServerUnavailable(
                f"Chroma server {self.url}: {doing} failed: {exc}",
            ) from exc

    @property
    def client(self):
        if self._client is None:
            parts = urlsplit(self.url)
            https = parts.scheme == "https"
            try:
                self._client = chromadb.HttpClient(
                    host=parts.hostname or "",
                    port=parts.port or (443 if https else 8000),
                    ssl=https,
                    settings=ChromaSettings(anonymized_telemetry=False),
                )
            except (ValueError, httpx.HTTPError, ChromaError) as exc:
                raise IndexServerUnavailable(
                    f"Cannot reach the Chroma server {self.url}: {exc}"
                ) from exc
        return self._client

    def _generations(self, create: bool = False):
        name = f"{self.prefix}-generations"
        with self._server("opening the generations collection"):
            if create:
                return self.client.get_or_create_collection(name, embedding_function=None)
            try:
                return self.client.get_collection(name, embedding_function=None)
            except NotFoundError:
                return None

    def chunks_name(self, embedder: str) -> str:
        return f"{self.prefix}-chunks-{hashlib.sha256(embedder.encode()).hexdigest()[:12]}"

    def _chunks(self, embedder: str, create: bool = False):
        name = self.chunks_name(embedder)
        with self._server(f"opening collection {name}"):
            if create:
                collection = self.client.get_or_create_collection(
                    name,
                    embedding_function=None,  # ours, always: Chroma's default downloads a model
                    configuration={"hnsw": HNSW},
                    metadata={"embedder": embedder},
                )
                search_breadth(collection)
                return collection
            try:
                return self.client.get_collection(name, embedding_function=None)
            except NotFoundError:
                return None

    # -- reading -------------------------------------------------------------------------------
    def _read_pointer(self) -> tuple[str | None, str | None]:
        """(live generation, the one before it), straight from the server."""
        generations = self._generations()
        if generations is None:
            name, previous = None, None
        else:
            with self._server("reading the pointer"):
                got = generations.get(ids=[POINTER], include=["metadatas"])
            meta = got["metadatas"][0] if got["ids"] else {}
            name, previous = meta.get("generation"), meta.get("previous") or None
        _POINTERS.saw((self.url, self.prefix), name)
        return name, previous

    def current_name(self) -> str | None:
        """The live generation, as this process last saw it (at most poll_seconds ago)."""
        fresh, name = _POINTERS.fresh((self.url, self.prefix), self.poll_seconds)
        return name if fresh else self._read_pointer()[0]

    def handle(self, name: str) -> Path:
        return self.handles / name

    def current_dir(self) -> Path | None:
        name = self.current_name()
        return self.handle(name) if name else None

    def manifest(self, gen_dir: Path | None = None) -> Manifest | None:
        """A generation's manifest; without one, the live generation's (read now, not polled)."""
        name = gen_dir.name if gen_dir is not None else self._read_pointer()[0]
        return self._manifest(name) if name else None

    def _manifest(self, name: str) -> Manifest:
        generations = self._generations()
        got = {"ids": []}
        if generations is not None:
            with self._server(f"reading the manifest of {name}"):
                got = generations.get(ids=[_manifest_id(name)], include=["documents"])
        if not got["ids"]:
            raise IndexUnavailable(
                f"Generation {name} is no longer on {self.root}: a newer one replaced it while "
                "it was being loaded; load again."
            )
        return Manifest.from_json(got["documents"][0])

    def open_vectorstore(self, gen_dir: Path, embeddings, manifest: Manifest) -> GenerationView:
        """The generation's chunks, for the snapshot: `get` and dense searches."""
        ids = [cid for rec in manifest.docs.values() for cid in rec.chunk_ids]
        collection = self._chunks(manifest.embedder)
        if collection is None and ids:
            raise IndexUnavailable(
                f"The chunk collection of {gen_dir.name} is missing on {self.root}: re-ingest."
            )
        return GenerationView(
            collection,
            ids,
            {rec.fingerprint for rec in manifest.docs.values()},
            embeddings,
            errors=self._server,
        )

    def open_search(self, gen_dir: Path, vectorstore: GenerationView) -> GenerationView:
        """The generation's dense search (`nearest`): its view of the shared collection."""
        return vectorstore

    # -- an ingest run -------------------------------------------------------------------------
    def discard_staging(self) -> list[str]:
        """Remove what a killed ingest left: its scratch folder here, its chunks on the server."""
        removed = []
        if self.scratch.is_dir():
            for p in self.scratch.iterdir():
                if p.name.endswith(".staging"):
                    shutil.rmtree(p, ignore_errors=True)
                    removed.append(p.name)
        self.collect_garbage()
        return removed

    def new_staging(self, copy_current: bool) -> Path:
        """A scratch folder named after the next generation. Nothing is copied: the writer
        (`open_staging`) starts from the chunk ids of the manifest the run starts from."""
        generations = self._generations(create=True)
        with self._server("numbering the next generation"):
            records = generations.get(include=["metadatas"])["metadatas"]
        number = max((int(m.get("number", 0)) for m in records), default=0) + 1
        staging = self.scratch / f"gen-{number:06d}.staging"
        staging.mkdir(parents=True)
        return staging

    def open_staging(self, staging: Path, manifest: Manifest):
        """(client, writer) for the generation being built from `manifest` (the live one's
        documents, or none on a rebuild)."""
        collection = self._chunks(manifest.embedder, create=True)
        ids = [cid for rec in manifest.docs.values() for cid in rec.chunk_ids]
        with self._server("reading the batch size"):
            batch = self.client.get_max_batch_size()
        return self.client, GenerationWriter(collection, ids, batch)

    def publish(self, staging: Path, keep: int = 2) -> Path:
        """Make the run's generation the live one: its manifest record, then the pointer."""
        raw = (staging / "manifest.json").read_text(encoding="utf-8")
        manifest = Manifest.from_json(raw)
        name = staging.name.removesuffix(".staging")
        previous, _ = self._read_pointer()
        generations = self._generations(create=True)
        with self._server(f"publishing {name}"):
            generations.upsert(
                ids=[_manifest_id(name)],
                documents=[raw],
                metadatas=[
                    {
                        "kind": "manifest",
                        "generation": name,
                        "number": _number(name),
                        "embedder": manifest.embedder,
                    }
                ],
                embeddings=[_DUMMY],
            )
            generations.upsert(
                ids=[POINTER],
                documents=[name],
                metadatas=[
                    {
                        "kind": "pointer",
                        "generation": name,
                        "number": _number(name),
                        "previous": previous or "",
                    }
                ],
                embeddings=[_DUMMY],
            )
        _POINTERS.saw((self.url, self.prefix), name)
        shutil.rmtree(staging, ignore_errors=True)
        try:
            self.collect_garbage(keep)
        except IndexUnavailable as exc:  # published all the same; the next run collects
            log.warning("Garbage collection after publishing %s failed: %s", name, exc)
        return self.handle(name)

    # -- garbage -------------------------------------------------------------------------------
    def collect_garbage(self, keep: int = 2) -> int:
        """Delete every manifest, chunk and chunk collection that neither the live generation
        nor (with keep >= 2) the one before it uses. Returns the number of chunks deleted."""
        generations = self._generations()
        if generations is None:
            return 0
        current, previous = self._read_pointer()
        kept: dict[str, Manifest] = {}
        for name in (current, previous if keep > 1 else None):
            if not name:
                continue
            try:
                kept[name] = self._manifest(name)
            except IndexUnavailable:
                if name == current:
                    raise  # never collect without knowing what the live generation uses
                log.warning("The previous generation %s has no manifest any more", name)
        with self._server("listing generations"):
            records = generations.get(include=["metadatas"])
        stale = [
            rid
            for rid, meta in zip(records["ids"], records["metadatas"], strict=True)
            if rid != POINTER and meta.get("generation") not in kept
        ]
        if stale:
            with self._server("deleting old manifests"):
                generations.delete(ids=stale)
        deleted = 0
        ours = re.compile(re.escape(self.prefix) + r"-chunks-[0-9a-f]{12}")
        with self._server("listing collections"):
            collections = [c for c in self.client.list_collections() if ours.fullmatch(c.name)]
        for collection in collections:
            embedder = (collection.metadata or {}).get("embedder", "")
            if self.chunks_name(embedder) != collection.name:
                log.warning("Collection %s does not say its embedder; left alone", collection.name)
                continue
            used = [m for m in kept.values() if m.embedder == embedder]
            if not used:
                with self._server(f"deleting collection {collection.name}"):
                    deleted += collection.count()
                    self.client.delete_collection(collection.name)
                log.info("Deleted chunk collection %s: no kept generation uses it", collection.name)
                continue
            deleted += self._collect_chunks(collection, used)
        if deleted:
            log.info("Deleted %d chunks that no kept generation uses", deleted)
        return deleted

    def _collect_chunks(self, collection, used: list[Manifest]) -> int:
        """Delete the collection's chunks that none of `used` names. Counting first: when the
        collection holds no more records than the kept manifests name, nothing is listed."""
        wanted = {cid for m in used for rec in m.docs.values() for cid in rec.chunk_ids}
        with self._server(f"collecting {collection.name}"):
            count = collection.count()
            if count < len(wanted):
                log.error(
                    "%s holds %d chunks but the kept generations name %d: chunks are missing; "
                    "re-ingest",
                    collection.name,
                    count,
                    len(wanted),
                )
            if count <= len(wanted):
                return 0
            stray = [cid for cid in read_collection(collection.get, [])["ids"] if cid not in wanted]
            batch = self.client.get_max_batch_size()
            for start in range(0, len(stray), batch):
                collection.delete(ids=stray[start : start + batch])
        return len(stray)
