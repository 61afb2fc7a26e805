"""Reading a whole Chroma collection, a page at a time.

One `get()` of every record fails above ~32k records: Chroma's SQLite segment binds one variable
per id, and SQLite refuses more than 32,766 ("too many SQL variables"; measured by
`make bench-scale`: 32,000 records read, 33,000 fail). Chroma and LangChain's wrapper both take
`limit`/`offset`, so every full read goes through here instead.
"""

from __future__ import annotations

from collections.abc import Callable

PAGE = 5_000


def read_collection(get: Callable[..., dict], include: list[str], page: int = PAGE) -> dict:
    """{"ids": [...], <each of include>: [...]} for every record, in the collection's order.
    `get` is a Chroma collection's or a LangChain Chroma store's `get`."""
    out: dict[str, list] = {"ids": [], **{key: [] for key in include}}
    offset = 0
    while True:
        got = get(include=include, limit=page, offset=offset)
        ids = list(got["ids"])
        out["ids"] += ids
        for key in include:
            values = got.get(key)
            out[key] += list(values) if values is not None else []
        if len(ids) < page:
            return out
        offset += page


def read_records(get: Callable[..., dict], ids: list[str], include: list[str], page: int = PAGE):
    """{"ids": [...], <each of include>: [...]} for the given ids, a page of ids at a time (the
    same SQLite limit applies to a list of ids)."""
    out: dict[str, list] = {"ids": [], **{key: [] for key in include}}
    for start in range(0, len(ids), page):
        got = get(ids=ids[start : start + page], include=include)
        out["ids"] += list(got["ids"])
        for key in include:
            values = got.get(key)
            out[key] += list(values) if values is not None else []
    return out
