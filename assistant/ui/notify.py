"""Toasts: a short note after an action, and a warning that stays a little longer."""

from __future__ import annotations

import gradio as gr

from assistant.ui.locale import t


def info(message: str) -> None:
    gr.Info(message, title=t("notify_info_title"), duration=5)


def warn(message: str) -> None:
    gr.Warning(message, title=t("notify_warn_title"), duration=8)
