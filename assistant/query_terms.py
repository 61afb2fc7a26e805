"""The words of a question or a chunk that carry meaning, and the procedure-title match.

Shared by the snapshot (per-chunk features, document frequencies) and the searcher (per-query
signals): accent-folded, OCR-repaired syllables without function words.
"""

from __future__ import annotations

import re

import numpy as np

from ingest.lexical import ocr_repair
from ingest.text import fold, words

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


def title_bigrams(section: str) -> set[tuple[str, str]]:
    """Content bigrams of the procedure a chunk belongs to: the last heading that is not a
    handbook label ("5.1. Đăng ký khai sinh" in "… › 5.1. Đăng ký khai sinh › Lệ phí")."""
    parts = [p.strip() for p in section.split("›") if p.strip()]
    titled = [
        p for p in parts if re.match(r"^(\d|[IVX]+[.\-]|\(|[a-z]\)|Tình huống|Điều|Chương)", p)
    ]
    if not titled:
        return set()
    terms = content_terms(re.sub(r"^[\dIVX.()\-]+\s*", "", titled[-1]))
    return set(zip(terms, terms[1:], strict=False))


def title_match(folded_query: str, bigrams: list[set[tuple[str, str]]]) -> np.ndarray:
    """Share of each chunk's procedure-title bigrams that the question contains."""
    terms = content_terms(folded_query)
    asked = set(zip(terms, terms[1:], strict=False))
    return np.asarray([len(b & asked) / len(b) if b else 0.0 for b in bigrams], dtype=np.float32)


def content_terms(text: str) -> list[str]:
    """Accent-folded, OCR-repaired syllables that carry meaning (no function words)."""
    return [w for w in words(ocr_repair(fold(text))) if w not in STOP and len(w) > 1]
