"""The admin tab: log in, see the documents, upload/replace/delete them (each change re-ingested
by a background job, polled every second, cancellable), read what the handbook lacks and
what may no longer be current.

`build_admin_tab` lays it out, `AdminHandlers` holds the event handlers (named methods; Gradio
names its API endpoints after them) and `wire_admin` connects them. Every action checks the
session's login state first (`guarded`): the tab's buttons stay clickable after a logout.
Wrong logins are throttled per client (services/login.py); a login's session token goes to the
browser as a cookie (`admin_cookie.js`), which the page's upload route requires.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import gradio as gr

from assistant.server.errors import ServiceError
from assistant.server.services.login import ADMIN_COOKIE
from assistant.ui.assets import admin_cookie_js
from assistant.ui.backend import UIBackend, client_of, service_error
from assistant.ui.locale import t, t_list
from assistant.ui.notify import info, warn
from assistant.ui.render import doc_choices
from assistant.ui.render_admin import (
    documents_headers,
    documents_table,
    jobs_table,
    render_error,
    render_job,
    render_report,
    render_staleness,
)

_N_VIEW = 5  # the outputs `admin_view` fills: documents, delete choices, jobs, two reports
_DONE = ("succeeded", "failed", "cancelled")


def _skips(n: int) -> tuple:
    return (gr.skip(),) * n


@dataclass
class AdminView:
    admin_ok: gr.State
    job_id: gr.State
    token: gr.Textbox
    login_box: gr.Column
    secret: gr.Textbox
    login_btn: gr.Button
    login_msg: gr.Markdown
    admin_box: gr.Column
    dev_note: gr.Markdown
    refresh_btn: gr.Button
    logout_btn: gr.Button
    docs_table: gr.Dataframe
    upload_file: gr.File
    upload_btn: gr.Button
    delete_pick: gr.Dropdown
    delete_confirm: gr.Checkbox
    delete_btn: gr.Button
    reingest_btn: gr.Button
    job_html: gr.HTML
    cancel_btn: gr.Button
    timer: gr.Timer
    jobs_table: gr.Dataframe
    report_btn: gr.Button
    report_html: gr.HTML
    staleness_html: gr.HTML

    @property
    def view_outputs(self) -> list:
        return [
            self.docs_table,
            self.delete_pick,
            self.jobs_table,
            self.report_html,
            self.staleness_html,
        ]


# -- layout --------------------------------------------------------------------------------------


def _login_box() -> tuple[gr.Column, gr.Textbox, gr.Button, gr.Markdown]:
    with gr.Column(visible=True, elem_id="cn-login") as login_box:
        gr.Markdown(f"### {t('admin_login_title')}\n{t('admin_login_intro')}")
        with gr.Row(equal_height=True):
            secret = gr.Textbox(
                label=t("admin_secret_label"),
                type="password",
                scale=4,
                elem_id="cn-admin-secret",
            )
            login_btn = gr.Button(
                t("admin_login_button"), variant="primary", scale=1, elem_id="cn-admin-login"
            )
        login_msg = gr.Markdown("")
    return login_box, secret, login_btn, login_msg


def _documents_section() -> tuple[gr.Button, gr.Button, gr.Dataframe]:
    with gr.Row():
        gr.Markdown(f"### {t('admin_documents_title')}")
        refresh_btn = gr.Button(t("admin_refresh"), size="sm", scale=0, min_width=100)
        logout_btn = gr.Button(t("admin_logout"), size="sm", scale=0, min_width=100)
    docs_table = gr.Dataframe(
        headers=documents_headers(),
        value=[],
        interactive=False,
        wrap=True,
        elem_id="cn-docs",
        max_height=420,
        column_widths=["10%", "34%", "9%", "8%", "6%", "11%", "11%", "11%"],
    )
    return refresh_btn, logout_btn, docs_table


def _upload_column(extensions: list[str]) -> tuple[gr.File, gr.Button]:
    with gr.Column(scale=3):
        gr.Markdown(f"### {t('admin_upload_title')}")
        gr.Markdown(
            t("admin_upload_help", extensions=", ".join(extensions)),
            elem_classes="cn-admin-note",
        )
        upload_file = gr.File(
            label=t("admin_upload_file_label"),
            file_types=extensions,
            type="filepath",
            elem_id="cn-upload",
        )
        upload_btn = gr.Button(t("admin_upload_button"), variant="primary")
    return upload_file, upload_btn


def _delete_column() -> tuple[gr.Dropdown, gr.Checkbox, gr.Button, gr.Button]:
    with gr.Column(scale=2):
        gr.Markdown(f"### {t('admin_delete_title')}")
        delete_pick = gr.Dropdown(
            label=t("admin_delete_pick_label"), choices=[], elem_id="cn-delete-pick"
        )
        delete_confirm = gr.Checkbox(label=t("admin_delete_confirm_label"), value=False)
        delete_btn = gr.Button(t("admin_delete_button"), variant="stop", size="sm")
        gr.Markdown(f"### {t('admin_reingest_title')}")
        reingest_btn = gr.Button(t("admin_reingest_button"), size="sm")
    return delete_pick, delete_confirm, delete_btn, reingest_btn


def _jobs_section() -> tuple[gr.HTML, gr.Button, gr.Timer, gr.Dataframe]:
    gr.Markdown(f"### {t('admin_progress_title')}")
    job_html = gr.HTML(render_job(None), elem_id="cn-job")
    cancel_btn = gr.Button(
        t("admin_cancel_job"), size="sm", variant="stop", elem_id="cn-cancel-job"
    )
    timer = gr.Timer(1.0, active=False)
    with gr.Accordion(t("admin_recent_jobs"), open=False):
        jobs = gr.Dataframe(headers=t_list("jobs_headers"), value=[], interactive=False, wrap=True)
    return job_html, cancel_btn, timer, jobs


def _report_section() -> tuple[gr.Button, gr.HTML]:
    with gr.Row():
        gr.Markdown(f"### {t('admin_report_title')}")
        report_btn = gr.Button(t("admin_report_button"), size="sm", scale=0, min_width=140)
    report_html = gr.HTML("", elem_id="cn-report")
    return report_btn, report_html


def _staleness_section() -> gr.HTML:
    gr.Markdown(f"### {t('admin_staleness_title')}")
    return gr.HTML("", elem_id="cn-staleness")


def build_admin_tab(extensions: list[str]) -> AdminView:
    """The login box, and the admin area behind it (hidden until logged in)."""
    admin_ok = gr.State(False)
    job_id = gr.State("")
    token = gr.Textbox(visible="hidden", elem_id="cn-admin-token")
    login_box, secret, login_btn, login_msg = _login_box()
    with gr.Column(visible=False, elem_id="cn-admin") as admin_box:
        dev_note = gr.Markdown("")
        refresh_btn, logout_btn, docs_table = _documents_section()
        with gr.Row(equal_height=False):
            upload_file, upload_btn = _upload_column(extensions)
            delete_pick, delete_confirm, delete_btn, reingest_btn = _delete_column()
        job_html, cancel_btn, timer, jobs = _jobs_section()
        report_btn, report_html = _report_section()
        staleness_html = _staleness_section()
    return AdminView(
        admin_ok=admin_ok,
        job_id=job_id,
        token=token,
        login_box=login_box,
        secret=secret,
        login_btn=login_btn,
        login_msg=login_msg,
        admin_box=admin_box,
        dev_note=dev_note,
        refresh_btn=refresh_btn,
        logout_btn=logout_btn,
        docs_table=docs_table,
        upload_file=upload_file,
        upload_btn=upload_btn,
        delete_pick=delete_pick,
        delete_confirm=delete_confirm,
        delete_btn=delete_btn,
        reingest_btn=reingest_btn,
        job_html=job_html,
        cancel_btn=cancel_btn,
        timer=timer,
        jobs_table=jobs,
        report_btn=report_btn,
        report_html=report_html,
        staleness_html=staleness_html,
    )


# -- handlers ------------------------------------------------------------------------------------


class AdminHandlers:
    """The admin tab's event handlers; each returns the outputs `wire_admin` lists for it."""

    def __init__(self, backend: UIBackend) -> None:
        self.backend = backend

    def admin_view(self) -> tuple:
        """The documents table, the delete choices, the recent jobs and the two reports."""
        docs = self.backend.documents()
        jobs = jobs_table(self.backend.recent_jobs(10))
        try:
            report = render_report(self.backend.report())
        except Exception as exc:
            report = render_error(service_error(exc))
        try:
            staleness = render_staleness(self.backend.staleness())
        except Exception as exc:
            staleness = render_error(service_error(exc))
        choices = gr.update(choices=doc_choices(docs), value=None)
        return documents_table(docs), choices, jobs, report, staleness

    def login(self, value: str, request: gr.Request):
        """A right secret opens the tab; a wrong one, or any after too many wrong ones from
        this client, leaves it closed with the reason."""
        try:
            token = self.backend.login(value, client_of(request))
        except ServiceError as exc:
            return (False, *_skips(2), "", f"**{exc.detail}**", *_skips(_N_VIEW), "")
        if token:
            return (
                True,
                gr.update(visible=False),
                gr.update(visible=True),
                "",
                "",
                *self.admin_view(),
                token,
            )
        return (False, *_skips(2), "", t("admin_login_failed"), *_skips(_N_VIEW), "")

    def logout(self, token: str):
        self.backend.logout(token)
        return False, gr.update(visible=True), gr.update(visible=False), [], "", "", ""

    def refresh(self, ok: bool):
        return self.admin_view() if ok else _skips(_N_VIEW)

    def on_load(self):
        """Logged in already when the Service needs no login (local development)."""
        if self.backend.login_required():
            return (False, *_skips(3), *_skips(_N_VIEW))
        return (
            True,
            gr.update(visible=False),
            gr.update(visible=True),
            t("admin_dev_mode"),
            *self.admin_view(),
        )

    # -- changes: each starts a job --------------------------------------------------------
    def guarded(self, fn: Callable[..., tuple]) -> Callable[..., tuple]:
        def wrapper(ok: bool, *args):
            if not ok:
                warn(t("admin_session_expired"))
                return _skips(3 + _N_VIEW)
            return fn(*args)

        return wrapper

    def guarded_job(self, fn: Callable[..., tuple]) -> Callable[..., tuple]:
        """`guarded` for the handlers that fill the job panel, the timer and the view."""

        def wrapper(ok: bool, *args):
            if not ok:
                warn(t("admin_session_expired"))
                return _skips(2 + _N_VIEW)
            return fn(*args)

        return wrapper

    def _started(self, job: dict) -> tuple:
        info(t("admin_request_received"))
        return (job.get("id", ""), render_job(job), gr.Timer(active=True), *self.admin_view())

    def _failed(self, exc: Exception) -> tuple:
        return (gr.skip(), render_error(service_error(exc)), *_skips(1 + _N_VIEW))

    def do_upload(self, path: str | None):
        if not path:
            warn(t("admin_no_file"))
            return _skips(3 + _N_VIEW)
        p = Path(path)
        try:
            return self._started(self.backend.upload(p.name, p.read_bytes()))
        except Exception as exc:
            return self._failed(exc)
        finally:  # Gradio's copy of the upload: the document store has its own now
            p.unlink(missing_ok=True)

    def do_delete(self, doc_id: str | None, sure: bool):
        if not doc_id:
            warn(t("admin_no_document"))
            return _skips(3 + _N_VIEW)
        if not sure:
            warn(t("admin_confirm_first"))
            return _skips(3 + _N_VIEW)
        try:
            return self._started(self.backend.delete_document(doc_id))
        except Exception as exc:
            return self._failed(exc)

    def do_reingest(self):
        try:
            return self._started(self.backend.reingest())
        except Exception as exc:
            return self._failed(exc)

    def do_cancel(self, jid: str):
        """Cancel the job shown (queued: at once; running: after the current document)."""
        if not jid:
            warn(t("admin_no_job"))
            return gr.skip(), gr.skip(), *_skips(_N_VIEW)
        try:
            job = self.backend.cancel_job(jid)
        except Exception as exc:
            return render_error(service_error(exc)), gr.skip(), *_skips(_N_VIEW)
        info(t("admin_cancel_requested"))
        if job.get("status") in _DONE:
            return render_job(job), gr.Timer(active=False), *self.admin_view()
        return render_job(job), gr.Timer(active=True), *_skips(_N_VIEW)

    def clear_upload(self):
        return None, False

    def clear_confirm(self):
        return False

    def poll(self, ok: bool, jid: str):
        """The running job's progress; the tab refreshed and the timer stopped once it ends."""
        if not ok or not jid:
            return gr.skip(), gr.Timer(active=False), *_skips(_N_VIEW)
        try:
            job = self.backend.job(jid)
        except Exception as exc:
            return render_error(service_error(exc)), gr.Timer(active=False), *_skips(_N_VIEW)
        if job.get("status") in _DONE:
            return render_job(job), gr.Timer(active=False), *self.admin_view()
        return render_job(job), gr.skip(), *_skips(_N_VIEW)


def wire_admin(view: AdminView, h: AdminHandlers) -> None:
    """Connect the admin tab's events (inside the Blocks context)."""
    v = view
    login_outputs = [
        v.admin_ok,
        v.login_box,
        v.admin_box,
        v.secret,
        v.login_msg,
        *v.view_outputs,
        v.token,
    ]
    keep_cookie = admin_cookie_js(ADMIN_COOKIE)
    for event in (v.login_btn.click, v.secret.submit):
        event(h.login, [v.secret], login_outputs).then(None, [v.token], None, js=keep_cookie)
    v.logout_btn.click(
        h.logout,
        [v.token],
        [
            v.admin_ok,
            v.login_box,
            v.admin_box,
            v.docs_table,
            v.report_html,
            v.staleness_html,
            v.token,
        ],
    ).then(None, [v.token], None, js=keep_cookie)

    job_outputs = [v.job_id, v.job_html, v.timer, *v.view_outputs]
    v.upload_btn.click(h.guarded(h.do_upload), [v.admin_ok, v.upload_file], job_outputs).then(
        h.clear_upload, None, [v.upload_file, v.delete_confirm]
    )
    v.delete_btn.click(
        h.guarded(h.do_delete), [v.admin_ok, v.delete_pick, v.delete_confirm], job_outputs
    ).then(h.clear_confirm, None, [v.delete_confirm])
    v.reingest_btn.click(h.guarded(h.do_reingest), [v.admin_ok], job_outputs)

    v.cancel_btn.click(
        h.guarded_job(h.do_cancel), [v.admin_ok, v.job_id], [v.job_html, v.timer, *v.view_outputs]
    )
    v.timer.tick(h.poll, [v.admin_ok, v.job_id], [v.job_html, v.timer, *v.view_outputs])
    v.refresh_btn.click(h.refresh, [v.admin_ok], v.view_outputs)
    v.report_btn.click(h.refresh, [v.admin_ok], v.view_outputs)


def build_admin(backend: UIBackend) -> Callable[[gr.Blocks], None]:
    """The admin tab with its events; returns a function that wires its page-load event."""
    view = build_admin_tab(backend.upload_extensions())
    handlers = AdminHandlers(backend)
    wire_admin(view, handlers)

    def wire_load(demo: gr.Blocks) -> None:
        demo.load(
            handlers.on_load,
            None,
            [view.admin_ok, view.login_box, view.admin_box, view.dev_note, *view.view_outputs],
        )

    return wire_load
