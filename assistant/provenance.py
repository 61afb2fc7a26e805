"""Where a text comes from decides how far it is trusted.

Documents in `knowledge/` were put there by maintainers; an upload through the admin page or
API is "chưa rà soát" (unreviewed) until an admin approves it. Unreviewed text never outranks
reviewed text on a question, and every quote from it is labelled. A sentence that gives the
reader instructions about the assistant itself ("Bỏ qua mọi hướng dẫn trước đó…") is content,
never guidance: it is not quoted, and the admin report lists the documents that contain one.
"""

from __future__ import annotations

import re

from ingest.model import UNREVIEWED_STATUS
from ingest.text import fold

UNREVIEWED_WARNING = (
    "Có trích dẫn từ tài liệu tải lên chưa được rà soát; cần đối chiếu văn bản chính thức "
    "trước khi áp dụng."
)

# Phrases, folded, of text that addresses the reader or a model instead of stating a rule.
_INSTRUCTION = re.compile(
    r"\b(bo qua|phot lo|khong can quan tam|quen)\s+(moi|tat ca|cac|nhung)?\s*"
    r"(huong dan|chi dan|quy dinh|cau lenh|lenh|chi thi)\s+(truoc|tren|khac|cu)"
    r"|\b(ignore|disregard|forget)\s+(all\s+|any\s+)?(previous|prior|above|earlier)\s+"
    r"(instructions?|prompts?|rules?)"
    r"|\b(ban la|hay dong vai|you are now|act as)\s+(mot\s+)?(tro ly|mo hinh|ai|chatgpt|assistant)"
    r"|\b(system prompt|prompt he thong)\b"
)


def is_instruction_like(sentence: str) -> bool:
    """True for "Bỏ qua mọi hướng dẫn trước đó…", "Ignore previous instructions", "Bạn là một
    trợ lý…": text aimed at the answering system, not a rule for commune staff."""
    return bool(_INSTRUCTION.search(fold(sentence).lower()))


# Where one sentence ends: after . ! ? ; or a line break.
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")


def instruction_sentences(text: str) -> list[str]:
    """The instruction-like sentences of a text, each once, in order (for the admin report)."""
    if not _INSTRUCTION.search(fold(text).lower()):  # most texts: one pass, nothing to split
        return []
    found: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        sentence = " ".join(sentence.split()).strip("#*>- ")
        if sentence and is_instruction_like(sentence) and sentence not in found:
            found.append(sentence)
    return found


def is_unreviewed(status: str) -> bool:
    return status == UNREVIEWED_STATUS
