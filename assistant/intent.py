"""Whether a question is a citizen's legal question (answered by a law's article) or a question
about commune work (answered by the handbook or a resolution).

The two kinds want different rankings. For handbook questions, the handbook's procedure should
come before the article it rests on, and folded BM25 carries most of the ranking. For the
everyday legal questions of `eval/dev_laws` ("Chó nhà hàng xóm cắn con tôi…"), the embedder
ranks the right article better than BM25 does. The retriever picks its weights by this
probability (assistant/retrieval.py).

The model (assistant/text_model.py) is fitted by `python -m eval.route` on the gold set and the
development sets and kept in `assistant/data/law_intent.json`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from assistant.text_model import TextModel, load

MODEL_PATH = Path(__file__).parent / "data" / "law_intent.json"

# P(the question is answered by a law's article rather than the handbook): `.probability(q)`
LawIntent = TextModel


@lru_cache(maxsize=1)
def load_law_intent(path: Path = MODEL_PATH) -> LawIntent:
    return load(path)
