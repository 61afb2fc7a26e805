"""Follow-up questions: does a question lean on the previous turn, and what topic does it carry?

"Còn lệ phí thì sao?" after a question on birth registration is about birth registration; the
condense step adds the previous question's topic (its words minus the question words).
"""

from __future__ import annotations

import re

from ingest.text import fold, words

_FOLLOW_UP_START = re.compile(
    r"^(con|vay|the con|the|neu|truong hop|thoi han|le phi|phi|ho so|ai|co quan nao|o dau|"
    r"mat bao lau|bao lau|can|phai|giay to|mau|bieu mau|ky|tiep theo|sau do)\b"
)
_CONTINUATION = re.compile(r"^(con|vay|the con|the|neu vay|neu the|vay thi|vay con)\b")
_ANAPHORA = re.compile(r"\b(do|nay|tren|ay|thu tuc nay|viec nay|truong hop nay|thi sao|the nao)\b")
_QUESTION_WORDS = {
    "thu",
    "tuc",
    "thi",
    "sao",
    "the",
    "nao",
    "gi",
    "bao",
    "lau",
    "nhieu",
    "can",
    "co",
    "khong",
    "la",
    "ai",
    "o",
    "dau",
    "vay",
    "con",
    "phai",
    "lam",
    "nhu",
    "duoc",
    "cho",
    "hoi",
    "minh",
    "em",
    "anh",
    "chi",
}


def is_follow_up(question: str) -> bool:
    """A question that leans on the previous turn: very short, opening like a continuation
    ("Còn …", "Vậy …", "Thế còn …"), or pointing back ("việc đó", "thủ tục này")."""
    q = fold(question).lower().strip()
    n = len(words(q))
    if n <= 6:
        return True
    if _CONTINUATION.match(q):
        return n <= 20
    return n <= 10 and bool(_FOLLOW_UP_START.match(q) or _ANAPHORA.search(q))


def topic_of(question: str) -> str:
    """The previous question without its question words: the procedure being talked about."""
    kept = [w for w in question.split() if fold(w).lower().strip("?.,!") not in _QUESTION_WORDS]
    return " ".join(kept)
