"""A question read by its words alone: a TF-IDF (accent-folded syllables and syllable pairs)
logistic regression, the shape of the law-intent router (assistant/intent.py) and of the
question prior (assistant/question_prior.py).

Both are fitted by scripts in `eval/` on the gold set and the development sets, never on a
held-out set, and kept as JSON (vocabulary, idf, weights), because a pickled scikit-learn object
breaks across versions. At run time scikit-learn's own vectorizer is rebuilt from that JSON.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from ingest.text import fold

NGRAMS = (1, 2)


def normalise(text: str) -> str:
    """What the model reads: accents folded (typed with or without them), lower case."""
    return fold(text).lower()


def vectorizer(vocabulary: dict[str, int] | None = None) -> TfidfVectorizer:
    """The vectorizer used both to fit (eval/) and at run time."""
    return TfidfVectorizer(
        preprocessor=normalise, ngram_range=NGRAMS, sublinear_tf=True, vocabulary=vocabulary
    )


def to_json(fitted, trained_on: list[str], C: float) -> dict:
    """A fitted `make_pipeline(vectorizer(), LogisticRegression(...))` as the JSON kept."""
    vec, clf = fitted[0], fitted[1]
    return {
        "trained_on": trained_on,
        "C": C,
        "terms": vec.get_feature_names_out().tolist(),
        "idf": [round(float(v), 6) for v in vec.idf_],
        "coef": [round(float(v), 6) for v in clf.coef_[0]],
        "intercept": round(float(clf.intercept_[0]), 6),
    }


class TextModel:
    def __init__(self, model: dict) -> None:
        terms = model["terms"]
        self.trained_on = list(model.get("trained_on", []))
        self.vectorizer = vectorizer({t: i for i, t in enumerate(terms)})
        self.vectorizer.idf_ = np.asarray(model["idf"], dtype=np.float64)
        self.coef = np.asarray(model["coef"], dtype=np.float64)
        self.intercept = float(model["intercept"])
        # the retriever and the chain's decisions ask about the same question
        self.probability = lru_cache(maxsize=1024)(self._probability)

    def _probability(self, question: str) -> float:
        """P(label 1 | the question's words); 0.0 for an empty question."""
        if not question.strip():
            return 0.0
        x = self.vectorizer.transform([question])
        z = float((x @ self.coef)[0]) + self.intercept
        return 1.0 / (1.0 + np.exp(-z))


def load(path: Path) -> TextModel:
    return TextModel(json.loads(path.read_text(encoding="utf-8")))
