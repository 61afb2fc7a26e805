"""How likely the retrieved passages answer the question: the number the refusal decision uses.

A logistic model over four signals, fitted on the gold set's answerable and unanswerable
questions by `python -m eval.calibrate` (which prints the constants below and a cross-validated
table of refusal rates per threshold). Signals:
- coverage of the question by the chunk that matched (rarity-weighted: "giá vàng" matched only
  on "giá" covers little), and by the whole passage returned;
- the share of the question's words the corpus never uses (out-of-domain questions have some);
- the embedder's similarity of the best passage.
"""

from __future__ import annotations

import math

from assistant.retrieval import IndexSnapshot, Passage, content_terms

FEATURES = ("coverage_chunk", "coverage_passage", "unknown_terms", "dense")
# Fitted by `python -m eval.calibrate` (standardised logistic regression, C=0.3, balanced).
# Cross-validated on the gold set at threshold 0.35: 72% of unanswerable questions refused,
# 3% of answerable ones wrongly refused (the refusal threshold setting defaults to 0.35).
MEAN = (0.75443, 0.82014, 0.01191, 0.89458)
SCALE = (0.23842, 0.21543, 0.0462, 0.02876)
COEF = (0.23279, 0.71422, -0.18766, 1.22537)
INTERCEPT = 1.23923


def features(snap: IndexSnapshot, question: str, passages: list[Passage]) -> list[float]:
    top = passages[0]
    row = snap.position.get(top.id)
    meta = snap.metas[row] if row is not None else {"title": top.title, "section": top.section}
    chunk = snap.texts[row] if row is not None else top.text
    terms = set(content_terms(question))
    return [
        snap.weighted_coverage(
            question, f"{meta.get('title', '')} {meta.get('section', '')} {chunk}"
        ),
        snap.weighted_coverage(question, f"{top.title} {top.section} {top.text}"),
        sum(1 for t in terms if snap.doc_freq[t] == 0) / max(len(terms), 1),
        top.signals.get("dense", 0.0),
    ]


def confidence(snap: IndexSnapshot, question: str, passages: list[Passage]) -> float:
    if not passages:
        return 0.0
    z = INTERCEPT + sum(
        c * (x - m) / s
        for c, x, m, s in zip(COEF, features(snap, question, passages), MEAN, SCALE, strict=True)
    )
    return round(1 / (1 + math.exp(-z)), 4)
