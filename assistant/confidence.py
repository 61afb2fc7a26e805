"""How likely the retrieved passages answer the question: the number the refusal decision uses.

A logistic model over four signals, fitted on the gold set's answerable and unanswerable
questions by `python -m eval.calibrate` (which prints the constants below and a cross-validated
table of refusal rates per threshold). Signals:
- coverage of the question by the chunk that matched (rarity-weighted: "giá vàng" matched only
  on "giá" covers little), and by the whole passage returned;
- the share of the question's words the corpus never uses (out-of-domain questions have some);
- the embedder's similarity of the best passage;
- whether the question asks for an amount (money, a percentage, an area) that the best passage
  does not state: near-domain questions ("phụ cấp ... bao nhiêu tiền") find the right topic but
  no figure.
"""

from __future__ import annotations

import math
import re

from assistant.query_terms import content_terms
from assistant.snapshot import IndexSnapshot, Passage
from ingest.text import fold

FEATURES = ("coverage_chunk", "coverage_passage", "unknown_terms", "dense", "amount_missing")

# (how the question asks for an amount, what that amount looks like in a passage), accent-folded
_AMOUNTS = (
    (
        re.compile(
            r"\b(bao nhieu tien|bao nhieu dong|muc tien|so tien|may trieu|bao nhieu trieu|tien la bao nhieu)\b"
        ),
        re.compile(r"\d[\d.,]*\s*(dong|d\b|trieu|ty|nghin|vnd)|mien (le )?phi|khong thu"),
    ),
    (re.compile(r"\b(phan tram|bao nhieu %|ty le bao nhieu)\b"), re.compile(r"\d\s*%|phan tram")),
    (re.compile(r"\b(met vuong|m2|dien tich toi thieu)\b"), re.compile(r"\d\s*(m2|met vuong)")),
    (
        re.compile(r"\b(he so luong|bang luong|muc luong)\b"),
        re.compile(r"he so \d|\d[\d.,]*\s*dong"),
    ),
)


def asks_amount(question: str) -> bool:
    """Whether the question asks for a figure: money, a percentage, an area, a salary scale."""
    q = fold(question).lower()
    return any(asked.search(q) for asked, _ in _AMOUNTS)


def amount_missing(question: str, passage_text: str) -> float:
    q, text = fold(question).lower(), fold(passage_text).lower()
    for asked, stated in _AMOUNTS:
        if asked.search(q):
            return 0.0 if stated.search(text) else 1.0
    return 0.0


# Fitted by `python -m eval.calibrate` (standardised logistic regression, C=0.3, balanced).
# Cross-validated on the gold set at threshold 0.35: 84% of unanswerable questions refused,
# 1% of answerable ones wrongly refused (the refusal threshold setting defaults to 0.35). The chain
# adds answer-type and place checks on top (assistant/chain.py `_decide`).
MEAN = (0.75969, 0.82466, 0.01191, 0.89499, 0.02691)
SCALE = (0.23598, 0.2112, 0.0462, 0.0284, 0.16181)
COEF = (0.46992, 0.61719, -0.0729, 1.14385, -0.81571)
INTERCEPT = 1.67565


def features(snap: IndexSnapshot, question: str, passages: list[Passage]) -> list[float]:
    # a province no document covers cannot be in any passage; it says nothing about the topic
    scope = snap.scope.detect(question)
    if scope.uncovered and not scope.named:
        question = scope.rest or question
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
        amount_missing(question, top.text),
    ]


def confidence(snap: IndexSnapshot, question: str, passages: list[Passage]) -> float:
    if not passages:
        return 0.0
    z = INTERCEPT + sum(
        c * (x - m) / s
        for c, x, m, s in zip(COEF, features(snap, question, passages), MEAN, SCALE, strict=True)
    )
    return round(1 / (1 + math.exp(-z)), 4)
