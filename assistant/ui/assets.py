"""The page's CSS and JavaScript, real files in `static/`, read once at start-up.

Gradio takes a component's script as a string, and each of ours has its own contract, so each is
its own file rather than one page.js: `conversation.js` and `source.js` are `js_on_load` bodies
(Gradio gives them `element`, `trigger` and `watch`), `copy.js` is the function expression of the
copy button's `js=`. The one word a script shows (the copy button's "copied") comes from the
locale, put in place of its `COPY_DONE` name. `page.css` is the page's stylesheet.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from assistant.ui.locale import t

STATIC_DIR = Path(__file__).resolve().parent / "static"


@lru_cache(maxsize=8)
def _read(name: str) -> str:
    return (STATIC_DIR / name).read_text(encoding="utf-8")


def page_css() -> str:
    return _read("page.css")


def conversation_js() -> str:
    """Clicks on citations, 👍/👎 and example questions go back to Python; a new question is
    scrolled to the top of the conversation box."""
    return _read("conversation.js")


def source_js() -> str:
    """Clicks on a law link in the source panel; the quoted span scrolled into view."""
    return _read("source.js")


def copy_js() -> str:
    return _read("copy.js").replace("COPY_DONE", json.dumps(t("copy_done"), ensure_ascii=False))


def download_js() -> str:
    """The conversation's Markdown saved as a file by the browser (nothing written server-side)."""
    name = t("conversation_file_name", time="TIME")
    return _read("download.js").replace("FILE_NAME", json.dumps(name, ensure_ascii=False))


def admin_cookie_js(cookie: str) -> str:
    """The page's admin session token kept as a cookie, for Gradio's upload route (a token of
    "" clears it)."""
    return _read("admin_cookie.js").replace("COOKIE_NAME", json.dumps(cookie))


def inject_css_js(css: str) -> str:
    """A script adding the page CSS once: mount_gradio_app takes it, but api.py may mount the
    Blocks without it."""
    return (
        "if (!document.getElementById('cn-global-css')) {"
        " const s = document.createElement('style'); s.id = 'cn-global-css';"
        f" s.textContent = {json.dumps(css)}; document.head.appendChild(s); }}"
    )
