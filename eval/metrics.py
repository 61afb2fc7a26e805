"""Retrieval and answer metrics. A passage is relevant when it contains the gold quote, compared
accent-, case- and whitespace-insensitively (so OCR text and re-chunking don't change the verdict).

A question may also list, under "also", other places that state the same answer (found by
reviewing passages ranked above the gold one); a passage containing any of them is relevant."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

from ingest.text import squash

Quotes = str | Sequence[str]


def has_gold_quote(row: dict) -> bool:
    """An answerable row labelled with the words that answer it (place-labelled rows have none)."""
    return bool(row.get("answerable", True) and row.get("quote"))


def _listed(quote: Quotes) -> Sequence[str]:
    return [quote] if isinstance(quote, str) else quote


def gold_quotes(row: dict) -> list[str]:
    """The question's gold quote and any other quotes accepted as stating the same answer."""
    return [row["quote"], *(alt["quote"] for alt in row.get("also") or [])]


def relevant(passage_text: str, quote: Quotes) -> bool:
    text = squash(passage_text)
    return any(squash(q) in text for q in _listed(quote))


def states(quoted: str, quote: Quotes, min_chars: int = 40) -> bool:
    """Whether the words an answer quotes state the gold answer: they hold a gold quote, or are
    themselves a part of one long enough to say something (a sentence of a gold paragraph).
    Stricter than `relevant` on the cited passage, which a whole handbook section passes."""
    said = squash(quoted)
    if not said:
        return False
    golds = [squash(q) for q in _listed(quote)]
    return any(g in said or (len(said) >= min_chars and said in g) for g in golds)


def first_hit(texts: list[str], quote: Quotes) -> int | None:
    """1-based rank of the first relevant passage, or None."""
    for i, text in enumerate(texts, 1):
        if relevant(text, quote):
            return i
    return None


def ndcg_at_k(texts: list[str], quote: Quotes, k: int = 10) -> float:
    gains = [1.0 if relevant(t, quote) else 0.0 for t in texts[:k]]
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sum(1.0 / math.log2(i + 2) for i in range(max(1, min(int(sum(gains)), k))))
    return dcg / ideal if ideal else 0.0


def retrieval_scores(ranks: list[int | None], ndcgs: list[float]) -> dict[str, float]:
    n = len(ranks) or 1
    return {
        "n": len(ranks),
        "hit@1": sum(1 for r in ranks if r == 1) / n,
        "hit@3": sum(1 for r in ranks if r is not None and r <= 3) / n,
        "hit@5": sum(1 for r in ranks if r is not None and r <= 5) / n,
        "hit@10": sum(1 for r in ranks if r is not None and r <= 10) / n,
        "mrr": sum(1.0 / r for r in ranks if r is not None and r <= 10) / n,
        "ndcg@10": sum(ndcgs) / n,
    }


def recall_curve(ranks: list[int | None], k_max: int = 10) -> list[float]:
    n = len(ranks) or 1
    return [sum(1 for r in ranks if r is not None and r <= k) / n for k in range(1, k_max + 1)]


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]
