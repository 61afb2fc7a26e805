"""How an answer names what it quotes: the document, the section or Điều/khoản, the quote.

One builder turns a quoted unit into a `Citation` and a related article into a
`RelatedPassage`, reading the document's metadata from the published index.
"""

from __future__ import annotations

from assistant.extractive import Unit, clean_quote
from assistant.labels import doc_label, section_label
from assistant.related import Related, article_reference
from assistant.schemas import Citation, RelatedPassage
from assistant.snapshot import Passage, SnapshotProvider
from assistant.statute import is_statute, reference
from ingest.text import squash


def quote_reference(meta: dict, passage: Passage, offset: int) -> str:
    """Where a quote is: "Luật Cư trú, Điều 22 (…), khoản 1" for a law (its khoản and điểm read
    from the article's text), "Cẩm nang …, mục 5.1 (…)" otherwise."""
    label = doc_label(meta)
    where = (
        reference(passage.section, passage.text, offset)
        if is_statute(meta)
        else section_label(passage.section)
    )
    # a preamble's section is the document's own title: naming it twice says nothing more
    if not where or squash(where.rstrip("… ")) in squash(label):
        return label
    return f"{label}, {where}"


def blockquote(text: str) -> str:
    quote = clean_quote(text)
    return "\n".join(f"> {line}" if line.strip() else ">" for line in quote.splitlines())


class CitationBuilder:
    """Citations and related articles, with the metadata of the index being served."""

    def __init__(self, provider: SnapshotProvider) -> None:
        self.provider = provider

    def meta(self, doc_id: str, title: str) -> dict:
        rec = self.provider.get().manifest.docs.get(doc_id)
        return rec.meta if rec else {"title": title}

    def citation(self, n: int, unit: Unit) -> Citation:
        p = unit.passage
        meta = self.meta(p.doc_id, p.title)
        return Citation(
            n=n,
            doc_id=p.doc_id,
            title=p.title,
            number=p.number,
            section=p.section,
            quote=unit.text,
            start=p.start + unit.start,
            end=p.start + unit.end,
            status=p.status,
            chunk_id=p.id,
            reference=quote_reference(meta, p, unit.start),
            effective=meta.get("effective") or "",
            version=meta.get("version") or "",
            date=meta.get("date") or "",
            legal_as_of=meta.get("legal_as_of") or "",
            review=p.review,
        )

    def related(self, rel: Related) -> RelatedPassage:
        p = rel.passage
        meta = self.meta(p.doc_id, p.title)
        return RelatedPassage(
            doc_id=p.doc_id,
            title=p.title,
            article=rel.article,
            reference=article_reference(doc_label(meta), p),
            text=p.text,
            start=p.start,
            end=p.end,
            cited_by=rel.cited_by,
            status=p.status,
            version=meta.get("version") or "",
        )

    def article(self, doc_id: str, article: str) -> RelatedPassage | None:
        """One article of a law in the index, whole ("Điều 22"); None if it has no such article."""
        snap = self.provider.get()
        if doc_id not in snap.statute_docs:
            return None
        passage = snap.article_passage(doc_id, article)
        return self.related(Related(passage, article, 0)) if passage else None
