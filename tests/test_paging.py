"""Whole-collection reads go a page at a time: one get() of more than ~32k records fails in
Chroma's SQLite ("too many SQL variables", found by make bench-scale at 33,000 records)."""

from __future__ import annotations

import chromadb
from chromadb.config import Settings as ChromaSettings

from ingest.paging import read_collection


def test_a_collection_is_read_whole_in_pages_in_its_own_order(tmp_path):
    client = chromadb.PersistentClient(
        path=str(tmp_path / "chroma"), settings=ChromaSettings(anonymized_telemetry=False)
    )
    col = client.get_or_create_collection("paged", embedding_function=None)
    n = 1_234
    col.add(
        ids=[f"id-{i:05d}" for i in range(n)],
        documents=[f"văn bản {i}" for i in range(n)],
        metadatas=[{"i": i} for i in range(n)],
        embeddings=[[float(i), 1.0, 0.0] for i in range(n)],
    )
    whole = col.get(include=["documents", "metadatas"])  # small enough for one read
    paged = read_collection(col.get, ["documents", "metadatas", "embeddings"], page=100)
    assert paged["ids"] == whole["ids"] and len(set(paged["ids"])) == n
    assert paged["documents"] == whole["documents"]
    assert paged["metadatas"] == whole["metadatas"]
    assert len(paged["embeddings"]) == n
    assert {int(v[0]) for v in paged["embeddings"]} == set(range(n))
    # a page size that divides the count exactly still ends, with nothing read twice
    exact = read_collection(col.get, ["documents"], page=617)
    assert exact["ids"] == whole["ids"]
