"""The law behind a handbook rule: the articles a cited section's "Căn cứ pháp lý" names, read
from the index, so an answer can show the handbook's rule and the article it rests on.

A handbook section ends with "**Căn cứ pháp lý:** Luật Cư trú 2020 (Điều 20: …; Điều 22: …)";
`assistant/statute.py` finds which of those articles the index holds; this module fetches them
as whole-article passages and picks the one that answers the question best.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.extractive import Unit, select_units
from assistant.snapshot import IndexSnapshot, Passage
from assistant.statute import article_label, article_of, legal_basis_links

BASIS_LABEL = "Căn cứ pháp lý"
MAX_RELATED = 6  # articles offered per answer
# A law quote is added to a handbook answer only when it shares the question's terms: the unit
# score is overlap + bigrams + type bonus + 0.6 (rank prior of a single passage) - penalties.
MIN_ARTICLE_SCORE = 1.0


@dataclass
class Related:
    passage: Passage  # the whole article
    article: str
    cited_by: int  # citation number of the handbook quote whose section names it


def basis_text(snap: IndexSnapshot, passage: Passage) -> str:
    """The "Căn cứ pháp lý" paragraph of the section a passage belongs to ("" if none)."""
    at = passage.text.find(BASIS_LABEL)
    if at != -1:
        end = passage.text.find("\n\n", at)
        return passage.text[at : end if end != -1 else len(passage.text)]
    for row in snap.rows_by_doc.get(passage.doc_id, []):
        section = snap.metas[row].get("section", "")
        if not section.endswith(BASIS_LABEL) or " › " not in section:
            continue
        owner = section.rsplit(" › ", 1)[0]
        if passage.section == owner or passage.section.startswith(owner + " › "):
            return snap.texts[row]
    return ""


def related_articles(snap: IndexSnapshot, cited: list[tuple[int, Passage]]) -> list[Related]:
    """Articles named by the legal basis of the cited (non-statute) passages, in citation order."""
    laws = snap.statute_metas
    if not laws:
        return []
    out: list[Related] = []
    seen: set[tuple[str, str]] = set()
    done_sections: set[tuple[str, str]] = set()
    for n, passage in cited:
        key = (passage.doc_id, passage.section)
        if passage.doc_id in laws or key in done_sections:
            continue
        done_sections.add(key)
        for link in legal_basis_links(basis_text(snap, passage), laws):
            if (link.doc_id, link.article) in seen:
                continue
            seen.add((link.doc_id, link.article))
            article = snap.article_passage(link.doc_id, link.article)
            if article is not None:
                out.append(Related(article, link.article, n))
            if len(out) >= MAX_RELATED:
                return out
    return out


def basis_first(snap: IndexSnapshot, passages: list[Passage], window: int) -> list[Passage]:
    """A citizen's legal question answered by a handbook section whose legal basis names an
    article also retrieved within the first `window` passages: the article first, the handbook
    rule next. Both state the rule, and the question asks what the law says."""
    laws = snap.statute_metas
    if not passages or passages[0].doc_id in laws:
        return passages
    named = {
        (link.doc_id, link.article)
        for link in legal_basis_links(basis_text(snap, passages[0]), laws)
    }
    for j, passage in enumerate(passages[1:window], start=1):
        article = article_of(passage.section)
        if passage.doc_id in laws and article and (passage.doc_id, article[0]) in named:
            return [passage, *passages[:j], *passages[j + 1 :]]
    return passages


def best_article_unit(question: str, related: list[Related]) -> tuple[Related, Unit] | None:
    """The related article's sentence that answers the question best, if it is on topic."""
    best: tuple[Related, Unit] | None = None
    for rel in related:
        units = select_units(question, [rel.passage], max_units=1)
        if (
            units
            and units[0].score >= MIN_ARTICLE_SCORE
            and (best is None or units[0].score > best[1].score)
        ):
            best = (rel, units[0])
    return best


def article_reference(title: str, passage: Passage) -> str:
    """ "Luật Cư trú, Điều 22 (Thủ tục đăng ký thường trú)"."""
    label = article_label(passage.section)
    return f"{title}, {label}" if label else title
