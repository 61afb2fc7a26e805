"""Put diacritics back on a query typed without them, learned from the indexed corpus.

The embedder reads "dang ky khai sinh" poorly and "đăng ký khai sinh" well, so before a folded
query is embedded we pick, syllable by syllable, the accented forms the corpus itself uses most,
with a bigram Viterbi pass so that "khai sinh" and "khai tu" each come back with the right tones.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

from ingest.text import LOST_DIACRITICS, diacritic_ratio, fold, has_diacritics, words


def count_syllables(texts: list[str]) -> tuple[Counter[str], Counter[tuple[str, str]]]:
    """Syllable and syllable-pair counts of the texts that carry diacritics: OCR text without
    them would teach the restorer that "quyet" is spelled "quyet". Counts add up, so a server
    keeps them per index segment (assistant/snapshot_features.py)."""
    unigrams: Counter[str] = Counter()
    bigrams: Counter[tuple[str, str]] = Counter()
    for text in texts:
        syllables = words(text)
        if diacritic_ratio(syllables) < LOST_DIACRITICS:
            continue
        unigrams.update(syllables)
        bigrams.update(zip(syllables, syllables[1:], strict=False))
    return unigrams, bigrams


class AccentRestorer:
    def __init__(
        self,
        texts: list[str] | None = None,
        max_candidates: int = 6,
        counts: tuple[Counter[str], Counter[tuple[str, str]]] | None = None,
    ) -> None:
        """Learned from `texts`, or from their `counts` (count_syllables) when those are kept."""
        self.unigrams, self.bigrams = counts if counts is not None else count_syllables(texts or [])
        forms: dict[str, Counter[str]] = defaultdict(Counter)
        for syllable, count in self.unigrams.items():
            forms[fold(syllable)][syllable] += count
        self.candidates = {
            key: [s for s, _ in counter.most_common(max_candidates)]
            for key, counter in forms.items()
        }
        self.total = sum(self.unigrams.values()) or 1

    def _unigram(self, s: str) -> float:
        return math.log((self.unigrams[s] + 0.1) / self.total)

    def _transition(self, a: str, b: str) -> float:
        return math.log((self.bigrams[(a, b)] + 0.01) / (self.unigrams[a] + 1))

    def restore(self, query: str) -> str:
        """The query with diacritics restored where it has none; accented input is returned as is."""
        if has_diacritics(query):
            return query
        tokens = words(query)
        if not tokens:
            return query
        options = [self.candidates.get(t, [t]) for t in tokens]
        # Viterbi over candidate spellings.
        best = [{c: (self._unigram(c), None) for c in options[0]}]
        for i in range(1, len(tokens)):
            layer = {}
            for c in options[i]:
                prev, score = max(
                    ((p, s + self._transition(p, c)) for p, (s, _) in best[-1].items()),
                    key=lambda x: x[1],
                )
                layer[c] = (score + 0.3 * self._unigram(c), prev)
            best.append(layer)
        current = max(best[-1].items(), key=lambda kv: kv[1][0])[0]
        path = [current]
        for i in range(len(tokens) - 1, 0, -1):
            current = best[i][current][1]
            path.append(current)
        return " ".join(reversed(path))
