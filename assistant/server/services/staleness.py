"""The staleness report for maintainers: what in the index may no longer be current.

Four lists, read from the published index: (a) texts whose law was last checked (`legal_as_of`,
or failing that the document's date) more than `review_after_months` ago; (b) sections marked
"**Cần rà soát:** <lý do>"; (c) sections whose "Căn cứ pháp lý" names a text the index marks as
replaced or expired (assistant/validity.py); (d) documents that state neither their status nor
any date of currency (effective, legal_as_of). Texts already out of force are not listed in (a)
or (d): they are not used to answer, and their validity is known.
"""

from __future__ import annotations

import calendar
import datetime as dt

from assistant.labels import doc_label
from assistant.related import BASIS_LABEL
from assistant.server.db import utcnow
from assistant.server.models import (
    MissingValidity,
    PastReview,
    SectionUnderReview,
    StaleLegalBasis,
    StalenessReport,
)
from assistant.snapshot import IndexSnapshot
from assistant.statute import names_document


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier (the month's last day when it has no such day)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _past_review(snap: IndexSnapshot, cutoff: str) -> list[PastReview]:
    out = []
    for doc_id, rec in snap.manifest.docs.items():
        meta = rec.meta
        if doc_id in snap.out_of_force:
            continue
        field = "legal_as_of" if meta.get("legal_as_of") else "date"
        as_of = meta.get(field) or ""
        if as_of and as_of < cutoff:
            out.append(
                PastReview(
                    **_named(doc_id, meta),
                    status=meta.get("status") or "",
                    as_of=as_of,
                    as_of_field=field,  # type: ignore[arg-type]
                )
            )
    return sorted(out, key=lambda p: (p.as_of, p.doc_id))


def _under_review(snap: IndexSnapshot) -> list[SectionUnderReview]:
    return [
        SectionUnderReview(
            **_named(doc_id, rec.meta),
            section=mark.get("section", ""),
            reason=mark.get("reason", ""),
        )
        for doc_id, rec in sorted(snap.manifest.docs.items())
        for mark in rec.meta.get("reviews") or []
    ]


def _basis_paragraphs(snap: IndexSnapshot, doc_id: str) -> list[tuple[str, str]]:
    """(section the legal basis belongs to, its text) for each "Căn cứ pháp lý" of a document."""
    out = []
    for row in snap.rows_by_doc.get(doc_id, []):
        section = snap.metas[row].get("section", "")
        text = snap.texts[row]
        if section.rsplit(" › ", 1)[-1] == BASIS_LABEL:
            out.append((section.rsplit(" › ", 1)[0] if " › " in section else "", text))
    return out


def _stale_basis(snap: IndexSnapshot) -> list[StaleLegalBasis]:
    docs = snap.manifest.docs
    stale = {d: why for d, why in snap.out_of_force.items() if d in docs}
    if not stale:
        return []
    out = []
    for doc_id, rec in sorted(docs.items()):
        if doc_id in snap.statute_docs:
            continue
        for section, basis in _basis_paragraphs(snap, doc_id):
            for named, why in stale.items():
                if named != doc_id and names_document(basis, docs[named].meta):
                    out.append(
                        StaleLegalBasis(
                            **_named(doc_id, rec.meta),
                            section=section,
                            basis=basis,
                            named_doc_id=named,
                            named_title=doc_label({"doc_id": named, **docs[named].meta}),
                            why=why,
                        )
                    )
    return out


def _named(doc_id: str, meta: dict) -> dict:
    """The fields every entry of the report starts with: which document it is."""
    return {
        "doc_id": doc_id,
        "title": meta.get("title") or doc_id,
        "number": meta.get("number") or "",
    }


def _missing_validity(snap: IndexSnapshot) -> list[MissingValidity]:
    out = []
    for doc_id, rec in sorted(snap.manifest.docs.items()):
        unstated = list(rec.meta.get("unstated") or [])
        if doc_id in snap.out_of_force:
            continue
        if "status" in unstated or {"effective", "legal_as_of"} <= set(unstated):
            out.append(
                MissingValidity(
                    **_named(doc_id, rec.meta),
                    missing=unstated,
                )
            )
    return out


def staleness_report(
    snap: IndexSnapshot, review_after_months: int, today: dt.date | None = None
) -> StalenessReport:
    now = utcnow()
    cutoff = months_before(today or now.date(), review_after_months).isoformat()
    return StalenessReport(
        generated_at=now,
        review_after_months=review_after_months,
        cutoff=cutoff,
        past_review=_past_review(snap, cutoff),
        under_review=_under_review(snap),
        stale_basis=_stale_basis(snap),
        missing_validity=_missing_validity(snap),
    )
