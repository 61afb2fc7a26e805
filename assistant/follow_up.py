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


def carried_topic(questions: list[str]) -> str:
    """The topic a follow-up carries over from the conversation's questions (oldest first):
    the last one's words less its question words, and when that one was itself a follow-up,
    the topic it carried in turn. "Lệ phí bao nhiêu?" after "Mất bao lâu?" after "Đăng ký khai
    tử cần giấy tờ gì?" is still about a death registration; carried from "Mất bao lâu?" alone
    it was about nothing, and was refused."""
    topic = ""
    for question in questions:
        own = topic_of(question)
        if topic and is_follow_up(question) and _inherits(question):
            seen = {fold(w).lower() for w in own.split()}
            inherited = [w for w in topic.split() if fold(w).lower() not in seen]
            own = " ".join([own, *inherited]).strip()
        topic = own
    return topic


# What a follow-up asks about a procedure without naming one: its fee, its deadline, its papers
# (accent-folded syllables)
_ASPECTS = "mat le phi thoi han giai quyet ho so giay to nop mau bieu ky tiep theo sau do"
_ASPECT_WORDS = frozenset(f"{_ASPECTS} truong hop neu lau bao nhieu ngay muc tien".split())


def _inherits(question: str) -> bool:
    """Whether a follow-up stays on the topic it leans on, for the questions after it too: it
    continues it ("Còn gia hạn thì sao?") or asks only an aspect of it ("Mất bao lâu?"). One
    naming a topic of its own ("Thủ tục tách hộ thế nào?") starts a new one."""
    q = fold(question).lower().strip()
    if _CONTINUATION.match(q):
        return True
    return all(fold(w).lower().strip("?.,!") in _ASPECT_WORDS for w in topic_of(question).split())
