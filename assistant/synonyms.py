"""Everyday words -> the documents' terms ("sổ đỏ" -> "giấy chứng nhận quyền sử dụng đất")."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from ingest.text import fold

DEFAULT_PATH = Path(__file__).parent / "data" / "synonyms.yaml"


class SynonymMap:
    def __init__(self, mapping: dict[str, str]) -> None:
        # Longest phrases first, so their terms lead the expansion. Every phrase found adds its
        # terms, also one inside a longer phrase ("sổ đỏ" in "sang tên sổ đỏ"): letting the
        # longer one claim the words was measured neutral to slightly worse on the development
        # sets (eval/dev_laws/README.md).
        self._rules = sorted(
            (
                (re.compile(rf"(?<!\w){re.escape(fold(k).lower())}(?!\w)"), v)
                for k, v in mapping.items()
            ),
            key=lambda rule: -len(rule[0].pattern),
        )

    def expansions(self, query: str) -> list[str]:
        folded = fold(query).lower()
        found = []
        for pattern, target in self._rules:
            if pattern.search(folded) and target not in found:
                found.append(target)
        return found

    def expand(self, query: str) -> str:
        extra = self.expansions(query)
        return f"{query} ({'; '.join(extra)})" if extra else query


@lru_cache
def load_synonyms(path: Path = DEFAULT_PATH) -> SynonymMap:
    return SynonymMap(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
