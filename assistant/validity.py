"""Which texts in the index are no longer in force, and what replaced them.

A text is out of force when its metadata says "hết hiệu lực", names what replaced it
(`replaced_by`), or another text in the index says it replaces it (`replaces`, by doc id or
số hiệu). Such a text is not used to answer unless the question names it, and then the answer
says what replaced it (assistant/chain.py). A quoted section marked "cần rà soát" is quoted
with a warning giving the marker's reason.
"""

from __future__ import annotations

from assistant.labels import doc_label
from ingest.model import EXPIRED_STATUS


def out_of_force(docs: dict[str, dict]) -> dict[str, str]:
    """doc id -> why it is out of force, in Vietnamese ("đã được thay thế bởi Nghị quyết 12")."""
    by_key: dict[str, str] = {}
    for doc_id, meta in docs.items():
        by_key[doc_id.lower()] = doc_id
        if meta.get("number"):
            by_key[str(meta["number"]).lower()] = doc_id
    out: dict[str, str] = {}
    for doc_id, meta in docs.items():
        replaced_by = meta.get("replaced_by")
        if replaced_by:
            newer = by_key.get(str(replaced_by).lower())
            name = doc_label({"doc_id": newer, **docs[newer]}) if newer else str(replaced_by)
            out[doc_id] = f"đã được thay thế bởi {name}"
        elif meta.get("status") == EXPIRED_STATUS:
            out[doc_id] = "đã hết hiệu lực"
    for doc_id, meta in docs.items():
        older = by_key.get(str(meta.get("replaces") or "").lower())
        if older and older != doc_id and older not in out:
            out[older] = f"đã được thay thế bởi {doc_label({'doc_id': doc_id, **meta})}"
    return out


def out_of_force_warning(label: str, reason: str) -> str:
    return (
        f"{label} {reason}; nội dung trích chỉ để tham khảo, không áp dụng thay cho văn bản "
        "hiện hành."
    )


def review_warning(label: str, reason: str) -> str:
    """A quoted section marked "**Cần rà soát:** <lý do>" (ingest/review.py): say so, and why."""
    return f"Phần được trích của {label} đang được đánh dấu cần rà soát: {reason}"
