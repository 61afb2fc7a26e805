"""CLI commands that need the answer chain or the server (registered separately to keep
`camnang ingest` importable without the serving stack)."""

from __future__ import annotations


def register(sub, corpus_args) -> None:  # noqa: ARG001 - filled in as the assistant grows
    return None
