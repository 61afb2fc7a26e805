"""When the sources disagree on a figure, the answer says so and quotes both.

An upload stating "Lệ phí đăng ký khai sinh là 5.000.000 đồng" and the handbook stating "Miễn lệ
phí" both answer "Lệ phí đăng ký khai sinh là bao nhiêu?"; ranking puts reviewed text first, but
quoting only one would hide that another source says otherwise. `figures` reads the amounts a
sentence states (money, normalised to đồng; "miễn lệ phí"/"không thu" as 0), and `disagreement`
finds, among the sentences that answer about as well, two documents whose figures have nothing in
common. Written by hand: the amounts are Vietnamese ("5.000.000 đồng", "2 triệu đồng").
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant.confidence import asks_amount
from assistant.questions import question_types
from ingest.text import fold

if TYPE_CHECKING:
    from assistant.extractive import Unit

CLOSE = 0.75  # a sentence scoring at least this share of the best one answers the question too

_MONEY = re.compile(
    r"(?<![\d.,])(\d{1,3}(?:[.,]\d{3})+|\d+)\s*(trieu|nghin|ngan|ty)?\s*(dong|vnd)\b"
)
_SCALE = {"trieu": 10**6, "nghin": 10**3, "ngan": 10**3, "ty": 10**9}
_FREE = re.compile(r"\b(mien (le )?phi|khong (thu|phai nop) (le )?phi)\b")


def asks_figure(question: str) -> bool:
    """A question about a fee or another amount."""
    return "fee" in question_types(question) or asks_amount(question)


def figures(text: str) -> frozenset[int]:
    """The amounts in đồng a text states (0 for "miễn lệ phí")."""
    folded = fold(text).lower()
    found = {
        int(re.sub(r"[.,]", "", m.group(1))) * _SCALE.get(m.group(2) or "", 1)
        for m in _MONEY.finditer(folded)
    }
    if _FREE.search(folded):
        found.add(0)
    return frozenset(found)


def disagreement(ranked: list[Unit]) -> tuple[Unit, Unit] | None:
    """Two sentences of different documents, among those that answer about as well as the best
    (`ranked` best first), whose figures differ entirely; None when the sources agree."""
    if not ranked:
        return None
    floor = ranked[0].score * CLOSE
    first: tuple[Unit, frozenset[int]] | None = None
    for unit in ranked:
        if unit.score < floor:
            break
        stated = figures(unit.text)
        if not stated:
            continue
        if first is None:
            first = (unit, stated)
        elif unit.passage.doc_id != first[0].passage.doc_id and not stated & first[1]:
            return first[0], unit
    return None
