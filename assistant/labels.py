"""How an answer names a document and a section: pure functions of their metadata.

Kept apart from the citation builder so modules below the snapshot (validity) can use them.
"""

from __future__ import annotations

import re


def doc_label(meta: dict) -> str:
    """How an answer names its source: "Nghị quyết 34-NQ/TU của ..." or the title."""
    doc_type, number, issuer = meta.get("doc_type"), meta.get("number"), meta.get("issuer")
    if doc_type == "Cẩm nang":
        return meta.get("title") or meta.get("doc_id", "")
    if number and doc_type:
        label = f"{doc_type} {number}"
        return f"{label} của {issuer}" if issuer else label
    return meta.get("title") or meta.get("doc_id", "")


def section_label(section: str) -> str:
    """'II- NHIỆM VỤ… › 7. Xây dựng…' -> 'mục II.7' style reference plus the last heading."""
    parts = [p.strip() for p in section.split("›") if p.strip()]
    if not parts:
        return ""
    numbers = []
    for p in parts:
        m = re.match(
            r"^(Chương\s+\d+|[IVX]+|\d+(?:\.\d+)*|\(\d+\)|[a-zđ]\)|Tình huống\s+[\d.]+)", p
        )
        if m and not m.group(1).startswith("Chương"):
            numbers.append(m.group(1).rstrip("."))
    last = re.sub(r"^(Tình huống\s+)?[\dIVX]+(\.[\d]+)*[.\-)]?\s+", "", parts[-1]) or parts[-1]
    return f"mục {'.'.join(numbers)} ({last})" if numbers else last


def vn_date(iso: str) -> str:
    """2026-11-22 -> 22/11/2026, as dates are written in Vietnamese documents."""
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})$", iso or "")
    return f"{m.group(3)}/{m.group(2)}/{m.group(1)}" if m else iso
