"""Personal data in what officials type: found, and kept out of storage, logs and scoring.

Officials paste a citizen's CCCD or phone number into a question ("CCCD 079… đăng ký khai sinh
cần gì?"). Those digits answer nothing, lower the retrieval's confidence and must not be kept:
`redact` replaces them by a label before anything is stored or logged, and `for_search` drops
them from what retrieval scores. Regular expressions, written here because the patterns are
Vietnamese (CCCD/CMND lengths, +84 phone numbers) and no maintained library covers them.
"""

from __future__ import annotations

import re

# Order matters: an e-mail may hold digits, a phone number is a 10-11 digit run starting 0/84.
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[email]"),
    (
        re.compile(r"(?<!\w)(?<!\d[.,/])(?:\+84|84|0)(?:[ .-]?\d){9,10}(?!\w|[.,/]\d)"),
        "[số điện thoại]",
    ),
    # CCCD (12 digits), CMND (9), tax codes and bank accounts (10-19): any long run of digits
    (re.compile(r"(?<!\w)(?<!\d[.,/])\d{9,19}(?!\w|[.,/]\d)"), "[số định danh]"),
)
_LABELS = re.compile(r"\[(?:email|số điện thoại|số định danh)\]")


def redact(text: str) -> str:
    """The text with personal numbers and addresses replaced by a label ("[số định danh]")."""
    for pattern, label in _PATTERNS:
        text = pattern.sub(label, text)
    return text


def has_personal_data(text: str) -> bool:
    return any(pattern.search(text) for pattern, _ in _PATTERNS)


def for_search(text: str) -> str:
    """What retrieval scores: the question without the personal numbers at all."""
    return re.sub(r"\s{2,}", " ", _LABELS.sub(" ", redact(text))).strip()
