"""The whole page: header, the chat tab and the admin tab, and its mount on the FastAPI app.

`build_ui(service, settings)` returns the Blocks; assistant/server/app.py mounts them in the same
app with `mount_ui` (the page's theme, CSS and upload limit). The page talks to the Service only
through `UIBackend` (backend.py).

Access: open when CAMNANG_PAGE_PASSWORD is empty (a development run on 127.0.0.1); otherwise
Gradio's own login (`auth=` of mount_gradio_app) guards the whole page and every Gradio route, any
user name with that password. Gradio deletes the files it keeps (uploads) an hour after they came.
"""

from __future__ import annotations

import gradio as gr
from fastapi import FastAPI

from assistant.server.services.login import check_page_password
from assistant.settings import Settings
from assistant.ui.admin import build_admin
from assistant.ui.assets import inject_css_js, page_css
from assistant.ui.backend import PageService, UIBackend
from assistant.ui.chat import ChatHandlers, build_chat_tab, chat_state, wire_chat
from assistant.ui.icons import ICON_BOOK
from assistant.ui.locale import gradio_strings, t
from assistant.ui.render import APP_TITLE, t_html

_DELETE_CACHE = (600, 3600)  # every 10 minutes, Gradio's files older than an hour


def _header() -> None:
    gr.HTML(
        f'<header class="cn-header"><div class="cn-logo">{ICON_BOOK}</div><div>'
        f"<h1>{t_html('app_title')}</h1>"
        f"<p>{t_html('header_intro')}</p>"
        "</div></header>",
        js_on_load=inject_css_js(page_css()),
        elem_id="cn-header",
    )


def build_ui(service: PageService, settings: Settings) -> gr.Blocks:
    """The page's Blocks. `settings` is not read here (the mount reads the upload limit); it is
    taken so that callers build and mount with the same arguments."""
    backend = UIBackend(service)
    with gr.Blocks(title=APP_TITLE, analytics_enabled=False, delete_cache=_DELETE_CACHE) as demo:
        state = chat_state()
        _header()
        with gr.Tabs(elem_id="cn-tabs"):
            with gr.Tab(t("tab_chat"), id="chat"):
                chat = build_chat_tab(state)
            with gr.Tab(t("tab_admin"), id="admin"):
                admin_load = build_admin(backend)
        wire_chat(demo, chat, ChatHandlers(backend))
        admin_load(demo)
    # Gradio's own strings (upload box, queue, errors) in Vietnamese, whatever the browser's locale.
    strings = gradio_strings()
    demo.i18n_instance = gr.I18n(en=strings, vi=strings)
    return demo


def theme() -> gr.themes.Base:
    return gr.themes.Default(
        primary_hue="blue", secondary_hue="slate", neutral_hue="slate", radius_size="md"
    )


def mount_ui(app: FastAPI, service: PageService, settings: Settings, path: str = "/") -> FastAPI:
    """Mount the page on a FastAPI app with its theme and CSS, without Gradio's footer links."""
    blocks = build_ui(service, settings)
    auth = None
    if settings.page_password:

        def auth(_username: str, password: str) -> bool:
            return check_page_password(settings, password)

    return gr.mount_gradio_app(
        app,
        blocks,
        path=path,
        css=page_css(),
        theme=theme(),
        footer_links=[],
        show_error=True,
        max_file_size=settings.upload_limit_bytes,
        auth=auth,
        auth_message=t("page_login_message") if auth else None,
    )
