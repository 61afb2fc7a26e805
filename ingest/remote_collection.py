"""One generation's chunks inside the shared chunk collection of a Chroma server.

In server mode (see remote_store.py) one collection holds the chunks of every kept generation,
and a generation is the list of chunk ids its manifest names. These two adapters give the
pipeline and the snapshot what they used to get from a collection of their own:

- `GenerationWriter` (ingest): `upsert` writes to the server at once; `delete` only drops ids
  from the generation being built, because the live generation still reads those chunks (they
  are deleted after publishing, by the garbage collection); `get` reads back only this
  generation's chunks.
- `GenerationView` (readers): `get` pages over the manifest's ids, and a dense query asks for
  as many more hits as the collection holds records outside the manifest, then drops those, so
  chunks of another generation (the previous one, or one being written) neither show up nor take
  a candidate's place. When there are too many of those (a rebuild being written), the query is
  filtered to the manifest's document versions (chunk metadata `fingerprint`) instead.

Written by hand because Chroma knows no subset of a collection other than a metadata filter, and
filtering every query by fingerprint would make every search a filtered one over an `$in` list
of every document, where over-fetching costs nothing once a publish is collected. Only the
methods the pipeline and the retriever call exist: anything else fails loudly instead of
reading another generation.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import nullcontext

from langchain_core.documents import Document

from ingest.errors import IndexUnavailable

# Up to this many records outside the generation, a dense query asks for that many more hits
# and drops them (exact, and the usual case: the previous generation's few changed chunks).
# Beyond it the query is filtered to the generation's document versions instead, so a reader
# never fetches a whole rebuild's worth of hits per question.
MAX_OVERFETCH = 2_000


def fetch(collection, ids: Sequence[str], include: list[str]) -> dict:
    """The records of exactly these ids, in this order; IndexUnavailable if one is missing."""
    if not ids:
        return {"ids": [], **{key: [] for key in include}}
    got = collection.get(ids=list(ids), include=include)
    at = {cid: i for i, cid in enumerate(got["ids"])}
    missing = [cid for cid in ids if cid not in at]
    if missing:
        raise IndexUnavailable(
            f"{len(missing)} chunk(s) of this generation are missing from the Chroma collection "
            f"{collection.name!r} (first: {missing[0]}); it was replaced while being read, or "
            "the server lost data: reload, or re-ingest."
        )
    order = [at[cid] for cid in ids]
    out: dict[str, list] = {"ids": list(ids)}
    for key in include:
        values = got.get(key)
        out[key] = [values[i] for i in order] if values is not None else []
    return out


def _page(ids: list[str], include: list[str], collection, limit, offset) -> dict:
    start = offset or 0
    end = len(ids) if limit is None else start + limit
    return fetch(collection, ids[start:end], include)


class GenerationWriter:
    """The generation an ingest is building: starts as the chunks it copies from the live one."""

    def __init__(self, collection, chunk_ids: Iterable[str], batch_size: int) -> None:
        self.collection = collection
        self.batch_size = batch_size
        self._ids = dict.fromkeys(chunk_ids)  # ordered set

    @property
    def chunk_ids(self) -> list[str]:
        return list(self._ids)

    def delete(self, ids: Iterable[str]) -> None:
        """Drop chunks from this generation only; the server keeps them for the live one."""
        for cid in ids:
            self._ids.pop(cid, None)

    def upsert(self, ids, embeddings, documents, metadatas) -> None:
        for start in range(0, len(ids), self.batch_size):
            end = start + self.batch_size
            self.collection.upsert(
                ids=list(ids[start:end]),
                embeddings=list(embeddings[start:end]),
                documents=list(documents[start:end]),
                metadatas=list(metadatas[start:end]),
            )
        self._ids.update(dict.fromkeys(ids))

    def get(self, include: list[str], limit: int | None = None, offset: int | None = None) -> dict:
        return _page(self.chunk_ids, include, self.collection, limit, offset)


class GenerationView:
    """A published generation, read like LangChain's Chroma store (`get` and the two searches
    the code uses)."""

    def __init__(
        self,
        collection,
        chunk_ids: list[str],
        fingerprints: Iterable[str] = (),
        embeddings=None,
        errors=None,
        max_overfetch: int = MAX_OVERFETCH,
    ) -> None:
        self.collection = collection
        self.ids = chunk_ids
        self._members = frozenset(chunk_ids)
        self._fingerprints = sorted(set(fingerprints))
        self.embeddings = embeddings
        self._errors = errors or (lambda _doing: nullcontext())
        self.max_overfetch = max_overfetch

    def get(self, include: list[str], limit: int | None = None, offset: int | None = None) -> dict:
        with self._errors("reading chunks"):
            return _page(self.ids, include, self.collection, limit, offset)

    def nearest(self, vector: list[float], k: int, where: dict | None) -> list[tuple[str, float]]:
        """(chunk id, cosine distance) of the k nearest chunks of this generation. Ids only: the
        retriever has every chunk's text and metadata already, and fetching them again cost 210
        of 228 ms a query for 2,500 candidates (measured on this server)."""
        if k <= 0 or not self.ids:
            return []
        with self._errors("searching chunks"):
            others = max(0, self.collection.count() - len(self.ids))
            if others > self.max_overfetch:
                # many records of another generation (a rebuild being written, a killed run's
                # leftovers): only this generation's documents' versions are searched
                versions = {"fingerprint": {"$in": self._fingerprints}}
                where = {"$and": [where, versions]} if where else versions
                others = 0
            got = self.collection.query(
                query_embeddings=[vector],
                n_results=k + others,
                where=where,
                include=["distances"],
            )
        hits = [
            (cid, distance)
            for cid, distance in zip(got["ids"][0], got["distances"][0], strict=True)
            if cid in self._members
        ]
        return hits[:k]

    def similarity_search_by_vector_with_relevance_scores(
        self, embedding: list[float], k: int = 4, filter: dict | None = None
    ) -> list[tuple[Document, float]]:
        """`nearest`, shaped as LangChain's Chroma store answers (chunks carry their id only)."""
        return [
            (Document(id=cid, page_content=""), distance)
            for cid, distance in self.nearest(embedding, k, filter)
        ]

    def similarity_search(
        self, query: str, k: int = 4, filter: dict | None = None
    ) -> list[Document]:
        """The k nearest chunks of this generation to a text, whole (text and metadata)."""
        if self.embeddings is None:
            raise TypeError("GenerationView was opened without an embedder")
        vector = self.embeddings.embed_query(query)
        hits = self.similarity_search_by_vector_with_relevance_scores(vector, k, filter)
        ids = [doc.id for doc, _ in hits]
        with self._errors("reading chunks"):
            got = fetch(self.collection, ids, ["documents", "metadatas"])
        return [
            Document(id=cid, page_content=text, metadata=meta)
            for cid, text, meta in zip(ids, got["documents"], got["metadatas"], strict=True)
        ]
