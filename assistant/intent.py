"""Whether a question is a citizen's legal question (answered by a law's article) or a question
about commune work (answered by the handbook or a resolution).

The two kinds want different rankings. For handbook questions, the handbook's procedure should
come before the article it rests on, and folded BM25 carries most of the ranking. For the
everyday legal questions of `eval/dev_laws` ("Chó nhà hàng xóm cắn con tôi…"), the embedder
ranks the right article better than BM25 does. The retriever picks its weights by this
probability (assistant/retrieval.py).

The model is a TF-IDF (folded syllables and syllable pairs) logistic regression fitted by
`python -m eval.route` on the gold set and the development sets, never on a held-out set. Its
vocabulary, idf and weights are kept as JSON in `assistant/data/law_intent.json`, because a
pickled scikit-learn object breaks across versions. At run time scikit-learn's own vectorizer
is rebuilt from that JSON.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from ingest.text import fold

MODEL_PATH = Path(__file__).parent / "data" / "law_intent.json"
NGRAMS = (1, 2)


def normalise(text: str) -> str:
    """What the model reads: accents folded (typed with or without them), lower case."""
    return fold(text).lower()


def vectorizer(vocabulary: dict[str, int] | None = None) -> TfidfVectorizer:
    """The vectorizer used both to fit (eval/route.py) and at run time."""
    return TfidfVectorizer(
        preprocessor=normalise, ngram_range=NGRAMS, sublinear_tf=True, vocabulary=vocabulary
    )


class LawIntent:
    def __init__(self, model: dict) -> None:
        terms = model["terms"]
        self.vectorizer = vectorizer({t: i for i, t in enumerate(terms)})
        self.vectorizer.idf_ = np.asarray(model["idf"], dtype=np.float64)
        self.coef = np.asarray(model["coef"], dtype=np.float64)
        self.intercept = float(model["intercept"])
        # the retriever and the chain's refusal decision both ask about the same question
        self.probability = lru_cache(maxsize=1024)(self._probability)

    def _probability(self, question: str) -> float:
        """P(the question is answered by a law's article rather than the handbook)."""
        if not question.strip():
            return 0.0
        x = self.vectorizer.transform([question])
        z = float((x @ self.coef)[0]) + self.intercept
        return 1.0 / (1.0 + np.exp(-z))


@lru_cache(maxsize=1)
def load_law_intent(path: Path = MODEL_PATH) -> LawIntent:
    return LawIntent(json.loads(path.read_text(encoding="utf-8")))
