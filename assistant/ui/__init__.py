"""The Gradio page for commune officials: ask, read the cited source, rate; and the admin tab.

What is where:
- page.py: the Blocks (`build_ui`) and their mount on the FastAPI app (`mount_ui`, used by
  assistant/api.py);
- chat.py, admin.py: the two tabs, each as layout, named event handlers and their wiring;
- backend.py: the Service methods the page uses (`PageService`), and Vietnamese errors;
- render.py, render_sources.py, render_admin.py: pure functions from data to HTML/Markdown;
- locale.py + locale/vi.json: every string a user reads; static/: the page's CSS and scripts.
"""

from assistant.ui.page import build_ui, mount_ui, theme
from assistant.ui.render import APP_TITLE, conversation_markdown, render_conversation, render_turn
from assistant.ui.render_sources import SAMPLE_BANNER, render_article, render_source

__all__ = [
    "APP_TITLE",
    "SAMPLE_BANNER",
    "build_ui",
    "conversation_markdown",
    "mount_ui",
    "render_article",
    "render_conversation",
    "render_source",
    "render_turn",
    "theme",
]
