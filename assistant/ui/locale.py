"""The page's wording: every Vietnamese string a user reads, from `locale/vi.json`.

Kept apart from the logic so the wording can be reviewed (and corrected) without reading Python.
Keys are English snake_case. Strings hold no HTML: the renderers put the markup around them and
escape what they escape; strings shown by a `gr.Markdown` may use Markdown emphasis. `{name}`
fields are filled by `t(key, name=...)`. Three entries are not plain strings: `examples` (the
example questions per field), the table headers (lists) and `gradio_strings` (Gradio's own
interface strings, under Gradio's keys).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

LOCALE_FILE = Path(__file__).resolve().parent / "locale" / "vi.json"


@lru_cache(maxsize=1)
def _catalog() -> dict[str, object]:
    return json.loads(LOCALE_FILE.read_text(encoding="utf-8"))


def t(key: str, **fmt: object) -> str:
    """The string `key`, with its `{fields}` filled; a missing key raises (a typo shows at once)."""
    text = _catalog()[key]
    if not isinstance(text, str):
        raise TypeError(f"locale entry {key!r} is not a string")
    return text.format(**fmt) if fmt else text


def t_list(key: str) -> list[str]:
    """A list entry (table headers)."""
    items = _catalog()[key]
    if not isinstance(items, list):
        raise TypeError(f"locale entry {key!r} is not a list")
    return [str(x) for x in items]


def examples() -> dict[str, list[str]]:
    """The example questions, field -> questions, in the file's order."""
    groups = _catalog()["examples"]
    assert isinstance(groups, list)
    return {str(g["field"]): [str(q) for q in g["questions"]] for g in groups}


def gradio_strings() -> dict[str, str]:
    """Gradio's own strings (upload box, queue, errors), for `gr.I18n`."""
    strings = _catalog()["gradio_strings"]
    assert isinstance(strings, dict)
    return {str(k): str(v) for k, v in strings.items()}
