"""Section-level review markers: "**Cần rà soát:** <lý do>" in a handbook section.

A maintainer who cannot confirm that a section's legal basis is still current writes that line
in the section (or in a chapter's introduction, for the whole chapter). Ingest gives every chunk
of the section the reason, so an answer quoting any part of it can say so and the staleness
report can list it. Why by hand: the marker is our own Markdown convention; the chunker already
knows each chunk's heading path, and a marker belongs to the section that holds it.
"""

from __future__ import annotations

import re

from ingest.model import Chunk

REVIEW_LABEL = "Cần rà soát"
_MARKER = re.compile(r"^\*\*Cần rà soát\s*:\s*\*\*[ \t]*(?P<reason>\S[^\n]*)$", re.MULTILINE)


def review_marks(text: str, chunks: list[Chunk]) -> list[tuple[list[str], str]]:
    """(heading path of the marked section, reason) for every marker in the text."""
    marks: list[tuple[list[str], str]] = []
    for m in _MARKER.finditer(text):
        holder = next((c for c in chunks if c.start <= m.start() < c.end), None)
        if holder is None:
            continue
        path = list(holder.heading_path)
        if path and path[-1] == REVIEW_LABEL:  # the marker line is its own labelled section
            path = path[:-1]
        marks.append((path, m.group("reason").strip()))
    return marks


def apply_review_marks(text: str, chunks: list[Chunk]) -> list[dict]:
    """Set `chunk.review` to the reasons of the markers of every section the chunk sits in;
    returns the marked sections ({"section", "reason"}) for the document's metadata."""
    marks = review_marks(text, chunks)
    for chunk in chunks:
        reasons = [r for path, r in marks if chunk.heading_path[: len(path)] == path]
        chunk.review = " ".join(dict.fromkeys(reasons))
    return [{"section": " › ".join(path), "reason": reason} for path, reason in marks]
