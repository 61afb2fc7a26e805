"""The words of a question or a chunk that carry meaning, and the procedure-title match.

Shared by the snapshot (per-chunk features, document frequencies) and the searcher (per-query
signals): accent-folded, OCR-repaired syllables without function words.
"""

from __future__ import annotations

import re

import numpy as np

from ingest.lexical import ocr_repair
from ingest.text import fold, nfc, words

_CONTENT = re.compile(r"\w+")
STOP = set(
    [
        "là",
        "và",
        "của",
        "có",
        "cho",
        "các",
        "được",
        "không",
        "những",
        "thì",
        "với",
        "trong",
        "khi",
        "nào",
        "gì",
        "ai",
        "bao",
        "nhiêu",
        "thế",
        "sao",
        "như",
        "này",
        "đó",
        "một",
        "hay",
        "hoặc",
        "ở",
        "tại",
        "về",
        "theo",
        "để",
        "do",
        "bị",
        "phải",
        "cần",
        "làm",
        "ra",
        "vào",
        "lên",
        "nếu",
        "mà",
        # question words and the small talk around a question: they say nothing about the topic
        "mấy",
        "người",
        "mỗi",
        "vậy",
        "rồi",
        "chưa",
        "đâu",
        "nên",
        "cũng",
        "đã",
        "sẽ",
        "đang",
        "còn",
        "hãy",
        "xin",
        "biết",
        "hỏi",
        "giúp",
        "tôi",
        "em",
        "anh",
        "chị",
        "mình",
        "ạ",
        "nhé",
        "ơi",
        "thể",
    ]
)
STOP |= {fold(w) for w in STOP}


def procedure_title(section: str) -> str:
    """The title of the procedure a chunk belongs to: the last heading that is not a handbook
    label ("5.1. Đăng ký khai sinh" in "… › 5.1. Đăng ký khai sinh › Lệ phí"), without its
    number ("" when no heading is numbered)."""
    parts = [p.strip() for p in section.split("›") if p.strip()]
    titled = [
        p for p in parts if re.match(r"^(\d|[IVX]+[.\-]|\(|[a-z]\)|Tình huống|Điều|Chương)", p)
    ]
    return re.sub(r"^[\dIVX.()\-]+\s*", "", titled[-1]) if titled else ""


def title_bigrams(section: str) -> set[tuple[str, str]]:
    """Content bigrams of the procedure a chunk belongs to (`procedure_title`)."""
    terms = content_terms(procedure_title(section))
    return set(zip(terms, terms[1:], strict=False))


class TitleIndex:
    """Each chunk's procedure-title bigrams, inverted (bigram -> rows), so that a question is
    matched against the few chunks sharing a bigram with it instead of every chunk in turn
    (48 ms a question at 100k chunks, measured by `make bench-scale`)."""

    def __init__(self, bigrams: list[set[tuple[str, str]]]) -> None:
        rows: dict[tuple[str, str], list[int]] = {}
        for row, pairs in enumerate(bigrams):
            for pair in pairs:
                rows.setdefault(pair, []).append(row)
        self.rows = {pair: np.asarray(r, dtype=np.int64) for pair, r in rows.items()}
        self.sizes = np.asarray([len(b) for b in bigrams], dtype=np.float64)

    def match(self, folded_query: str) -> np.ndarray:
        """Share of each chunk's procedure-title bigrams that the question contains."""
        terms = content_terms(folded_query)
        counts = np.zeros(self.sizes.size, dtype=np.float64)
        for pair in set(zip(terms, terms[1:], strict=False)):
            if (rows := self.rows.get(pair)) is not None:
                counts[rows] += 1
        share = np.divide(counts, self.sizes, out=np.zeros_like(counts), where=self.sizes > 0)
        return share.astype(np.float32)


def accented_terms(text: str) -> list[str]:
    """The syllables that carry meaning, as written (lower-cased, NFC, diacritics kept)."""
    return [w for w in words(nfc(text)) if fold(w) not in STOP and len(w) > 1]


def content_terms(text: str) -> list[str]:
    """Accent-folded, OCR-repaired syllables that carry meaning (no function words)."""
    return [w for w in words(ocr_repair(fold(text))) if w not in STOP and len(w) > 1]
