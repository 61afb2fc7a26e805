"""The admin tab's content from data: the documents table, an ingest job's progress, the recent
jobs, the "what the handbook lacks" report and the staleness report. Pure functions; times shown in Vietnam's time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from assistant.ui.locale import t, t_list
from assistant.ui.render import esc, t_html, vn_date

VN_TZ = timezone(timedelta(hours=7))
_JOB_STATUSES = ("queued", "running", "succeeded", "failed", "cancelled")
_JOB_KINDS = ("upload", "delete", "reingest")


def job_status(status: str | None) -> str | None:
    """A job's status for people; an unknown one as it is."""
    return t(f"job_status_{status}") if status in _JOB_STATUSES else status


def job_kind(kind: str | None) -> str | None:
    return t(f"job_kind_{kind}") if kind in _JOB_KINDS else kind


def when(value: object) -> str:
    """A timestamp as officials read it: 14:03 20/05/2026, Vietnam time."""
    if not value:
        return ""
    try:
        dt = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(VN_TZ).strftime("%H:%M %d/%m/%Y")


def documents_headers() -> list[str]:
    return t_list("documents_headers")


def documents_table(docs: list[dict]) -> list[list]:
    return [
        [
            d.get("number") or "—",
            d.get("title") or d.get("doc_id"),
            d.get("doc_type") or "",
            d.get("status") or "",
            int(d.get("chunks") or 0),
            when(d.get("ingested_at")),
            d.get("doc_id") or "",
            d.get("source") or "",
        ]
        for d in docs
    ]


def jobs_table(jobs: list[dict]) -> list[list]:
    return [
        [
            when(j.get("created_at")),
            job_kind(j.get("kind")),
            j.get("filename"),
            job_status(j.get("status")),
            j.get("message"),
        ]
        for j in jobs
    ]


def render_job(job: dict | None) -> str:
    if not job:
        return f'<div class="cn-job">{t_html("job_none")}</div>'
    status = job.get("status", "")
    cls = {"succeeded": "cn-job-ok", "failed": "cn-job-fail"}.get(status, "cn-job-run")
    what = job_kind(job.get("kind", ""))
    target = f" «{job['filename']}»" if job.get("filename") else ""
    lines = [f"<b>{esc(what)}{esc(target)}</b>: {esc(job_status(status))}"]
    if job.get("message"):
        lines.append(esc(job["message"]))
    report = job.get("report") or {}
    for f in report.get("failed") or []:
        lines.append(
            t_html("job_file_failed", source=esc(f.get("source")), reason=esc(f.get("reason")))
        )
    times = [
        x
        for x in (
            t("job_sent_at", time=when(job.get("created_at"))) if job.get("created_at") else "",
            t("job_finished_at", time=when(job.get("finished_at")))
            if job.get("finished_at")
            else "",
        )
        if x
    ]
    if times:
        lines.append(f'<span class="cn-admin-note">{esc(", ".join(times))}</span>')
    return f'<div class="cn-job {cls}">{"<br>".join(lines)}</div>'


def render_error(message: str) -> str:
    """A failed admin action, in the job box's failure style."""
    return f'<div class="cn-job cn-job-fail">{esc(message)}</div>'


def _report_topic(topic: dict) -> str:
    counts = []
    if topic.get("unanswered"):
        counts.append(t("report_unanswered_count", n=topic["unanswered"]))
    if topic.get("negative"):
        counts.append(t("report_negative_count", n=topic["negative"]))
    items = []
    for q in topic.get("questions") or []:
        tag = (
            f'<span class="cn-tag cn-tag-q">{t_html("report_tag_unanswered")}</span>'
            if q.get("kind") == "unanswered"
            else f'<span class="cn-tag cn-tag-down">{t_html("report_tag_negative")}</span>'
        )
        comment = f" — <i>«{esc(q['comment'])}»</i>" if q.get("comment") else ""
        items.append(
            f"<li>{tag} {esc(q.get('question'))}{comment} "
            f'<span class="cn-count">({esc(when(q.get("created_at")))})</span></li>'
        )
    return (
        f"<h4>{esc(topic.get('topic') or t('report_unknown_topic'))} "
        f'<span class="cn-count">· {esc(", ".join(counts))}</span></h4><ul>{"".join(items)}</ul>'
    )


def render_report(report: dict) -> str:
    summary = t_html(
        "report_summary",
        unanswered=f"<b>{int(report.get('total_unanswered') or 0)}</b>",
        negative=f"<b>{int(report.get('total_negative') or 0)}</b>",
    )
    head = f'<div class="cn-report"><p>{summary}</p>'
    topics = report.get("topics") or []
    flagged = _flagged(report.get("flagged") or [])
    if not topics:
        return head + f"<p>{t_html('report_empty')}</p>" + flagged + "</div>"
    return head + "".join(_report_topic(topic) for topic in topics) + flagged + "</div>"


def _flagged(items: list[dict]) -> str:
    """The documents' sentences addressed to the assistant, for an admin to check."""
    if not items:
        return ""
    rows = "".join(
        f"<li><b>{esc(item.get('title') or item.get('doc_id', ''))}</b> "
        f"(<code>{esc(item.get('doc_id', ''))}</code>): «{esc(item.get('sentence', ''))}»</li>"
        for item in items
    )
    return (
        f'<div class="cn-report-flagged"><h4>{t_html("report_flagged_title", n=len(items))}</h4>'
        f"<p>{t_html('report_flagged_intro')}</p><ul>{rows}</ul></div>"
    )


def _stale_list(title: str, items: list[str]) -> str:
    body = "".join(f"<li>{item}</li>" for item in items) or f"<li>{t_html('stale_none')}</li>"
    return f'<h4>{esc(title)} <span class="cn-count">· {len(items)}</span></h4><ul>{body}</ul>'


def _doc_name(entry: dict) -> str:
    number = f" ({esc(entry['number'])})" if entry.get("number") else ""
    return f"<b>{esc(entry.get('title') or entry.get('doc_id'))}</b>{number}"


def _where(entry: dict) -> str:
    section = entry.get("section") or ""
    return _doc_name(entry) + (f" › {esc(section)}" if section else "")


def render_staleness(report: dict) -> str:
    """What may no longer be current (GET /v1/admin/staleness), in four lists."""
    summary = t_html(
        "stale_summary",
        cutoff=f"<b>{esc(vn_date(report.get('cutoff') or ''))}</b>",
        months=f"<b>{int(report.get('review_after_months') or 0)}</b>",
    )
    past = [
        f"{_doc_name(p)} — "
        + esc(
            t(
                "stale_past_legal_as_of"
                if p.get("as_of_field") == "legal_as_of"
                else "stale_past_date",
                date=vn_date(p.get("as_of") or ""),
            )
        )
        for p in report.get("past_review") or []
    ]
    marked = [f"{_where(m)} — {esc(m.get('reason'))}" for m in report.get("under_review") or []]
    basis = [
        f"{_where(b)} — " + esc(t("stale_basis_item", named=b.get("named_title"), why=b.get("why")))
        for b in report.get("stale_basis") or []
    ]
    missing = [
        f"{_doc_name(m)} — "
        + esc(
            t(
                "stale_missing_item",
                fields=", ".join(t(f"stale_field_{f}") for f in m.get("missing") or []),
            )
        )
        for m in report.get("missing_validity") or []
    ]
    return (
        f'<div class="cn-report cn-staleness"><p>{summary}</p>'
        + _stale_list(t("stale_past_title"), past)
        + _stale_list(t("stale_marked_title"), marked)
        + _stale_list(t("stale_basis_title"), basis)
        + _stale_list(t("stale_missing_title"), missing)
        + "</div>"
    )
