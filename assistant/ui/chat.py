"""The chat tab: ask, read the cited source, rate.

`chat_state()` makes the session state, `build_chat_tab` lays the components out, `ChatHandlers`
holds the event handlers (named methods; Gradio names its API endpoints after them) and
`wire_chat` connects them. The conversation is rendered by us (one `gr.HTML`, see render.py), not
by `gr.Chatbot`: a click inside it arrives as `{action, turn, n, ...}` in `on_click`, which
answers with the source panel, the comment box or a new question.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass

import gradio as gr

from assistant.schemas import HISTORY_TURNS, MAX_QUESTION_CHARS, AskRequest, Filters, Turn
from assistant.ui.assets import conversation_js, copy_js, download_js, source_js
from assistant.ui.backend import MAX_COMMENT_CHARS, UIBackend, as_result, client_of, service_error
from assistant.ui.locale import t
from assistant.ui.notify import info, warn
from assistant.ui.render import (
    conversation_markdown,
    doc_choices,
    examples_html,
    field_choices,
    render_conversation,
    t_html,
)
from assistant.ui.render_sources import SOURCE_PLACEHOLDER, render_article, render_source

log = logging.getLogger(__name__)

_STREAM_REDRAW_S = 0.08  # redraw the streamed answer at most this often


def _skips(n: int) -> tuple:
    return (gr.skip(),) * n


@dataclass
class ChatState:
    turns: gr.State  # the turns (see render.py)
    pending_q: gr.State  # an example question clicked, asked by the event that follows
    fb_target: gr.State  # (turn index, rating) waiting for an optional comment


def chat_state() -> ChatState:
    return ChatState(turns=gr.State([]), pending_q=gr.State(""), fb_target=gr.State(None))


@dataclass
class ChatView:
    state: ChatState
    conv: gr.HTML
    fb_box: gr.Group
    fb_label: gr.Markdown
    fb_comment: gr.Textbox
    fb_send: gr.Button
    fb_cancel: gr.Button
    question: gr.Textbox
    ask_btn: gr.Button
    field_filter: gr.Dropdown
    doc_filter: gr.Dropdown
    new_btn: gr.Button
    copy_btn: gr.Button
    download_btn: gr.Button
    conv_md: gr.Textbox
    examples: gr.HTML
    source: gr.HTML


# -- layout --------------------------------------------------------------------------------------


def _feedback_box() -> tuple[gr.Group, gr.Markdown, gr.Textbox, gr.Button, gr.Button]:
    with gr.Group(visible=False, elem_id="cn-fb-box") as fb_box:
        fb_label = gr.Markdown("", elem_id="cn-fb-label")
        fb_comment = gr.Textbox(
            show_label=False,
            lines=2,
            max_lines=5,
            max_length=MAX_COMMENT_CHARS,
            placeholder=t("feedback_placeholder"),
        )
        with gr.Row():
            fb_send = gr.Button(
                t("feedback_send"), variant="primary", size="sm", elem_id="cn-fb-send"
            )
            fb_cancel = gr.Button(t("feedback_cancel"), size="sm")
    return fb_box, fb_label, fb_comment, fb_send, fb_cancel


def _ask_row() -> tuple[gr.Textbox, gr.Button]:
    with gr.Row(elem_id="cn-ask-row", equal_height=True):
        question = gr.Textbox(
            show_label=False,
            lines=1,
            max_lines=5,
            scale=6,
            autofocus=True,
            placeholder=t("question_placeholder"),
            elem_id="cn-question",
            max_length=MAX_QUESTION_CHARS,
            submit_btn=False,
        )
        ask_btn = gr.Button(
            t("ask_button"), variant="primary", scale=1, min_width=90, elem_id="cn-ask"
        )
    return question, ask_btn


def _filters() -> tuple[gr.Dropdown, gr.Dropdown]:
    with gr.Row(elem_id="cn-filters"):
        field_filter = gr.Dropdown(
            label=t("field_filter_label"),
            choices=[],
            multiselect=True,
            scale=2,
            elem_id="cn-field",
            info=t("field_filter_info"),
        )
        doc_filter = gr.Dropdown(
            label=t("doc_filter_label"),
            choices=[],
            multiselect=True,
            scale=3,
            elem_id="cn-doc",
            info=t("doc_filter_info"),
        )
    return field_filter, doc_filter


def _tools() -> tuple[gr.Button, gr.Button, gr.Button]:
    """The download is made in the browser from the conversation's Markdown (download.js): no
    file is written on the server for it."""
    with gr.Row(elem_id="cn-tools"):
        new_btn = gr.Button(t("new_conversation"), size="sm", elem_id="cn-new")
        copy_btn = gr.Button(t("copy_conversation"), size="sm", elem_id="cn-copy")
        download_btn = gr.Button(
            t("download_conversation"), size="sm", interactive=False, elem_id="cn-download"
        )
    return new_btn, copy_btn, download_btn


def build_chat_tab(state: ChatState) -> ChatView:
    """The conversation, the question box, filters and tools on the left; the source panel on
    the right."""
    with gr.Row(equal_height=False, elem_id="cn-main"):
        with gr.Column(scale=3, min_width=420, elem_classes="cn-chat-col"):
            conv = gr.HTML(
                render_conversation([], 0),
                js_on_load=conversation_js(),
                elem_id="cn-conv",
                autoscroll=False,
            )
            fb_box, fb_label, fb_comment, fb_send, fb_cancel = _feedback_box()
            question, ask_btn = _ask_row()
            field_filter, doc_filter = _filters()
            new_btn, copy_btn, download_btn = _tools()
            conv_md = gr.Textbox(visible="hidden", elem_id="cn-conv-md")
            with gr.Accordion(t("examples_heading"), open=False, elem_id="cn-ex-acc"):
                examples = gr.HTML(examples_html(compact=True), js_on_load=conversation_js())
        with gr.Column(scale=2, min_width=340, elem_classes="cn-source-col"):
            gr.HTML(f'<div class="cn-panel-title">{t_html("source_panel_title")}</div>')
            source = gr.HTML(SOURCE_PLACEHOLDER, js_on_load=source_js(), elem_id="cn-source")
    return ChatView(
        state=state,
        conv=conv,
        fb_box=fb_box,
        fb_label=fb_label,
        fb_comment=fb_comment,
        fb_send=fb_send,
        fb_cancel=fb_cancel,
        question=question,
        ask_btn=ask_btn,
        field_filter=field_filter,
        doc_filter=doc_filter,
        new_btn=new_btn,
        copy_btn=copy_btn,
        download_btn=download_btn,
        conv_md=conv_md,
        examples=examples,
        source=source,
    )


# -- handlers ------------------------------------------------------------------------------------


def _request(
    q: str, previous: list[dict], fields: list[str] | None, docs: list[str] | None
) -> AskRequest:
    """The question with the answered turns before it and the filters set."""
    history = [
        Turn(question=turn["question"], answer=(turn.get("result") or {}).get("answer", ""))
        for turn in previous
        if turn.get("result") and not turn["result"].get("refused")
    ]
    filters = Filters(field=fields or None, doc_id=docs or None)
    return AskRequest(
        question=q[:MAX_QUESTION_CHARS],
        history=history[-HISTORY_TURNS:],
        filters=filters if filters.as_dict() else None,
    )


class ChatHandlers:
    """The chat tab's event handlers; each returns the outputs `wire_chat` lists for it."""

    def __init__(self, backend: UIBackend) -> None:
        self.backend = backend

    # -- feedback ----------------------------------------------------------------------------
    def flush_feedback(self, turns: list[dict], target: tuple[int, str] | None) -> None:
        """A 👍/👎 left without pressing «Gửi đánh giá» still counts (without comment)."""
        if not target:
            return
        turn_i, rating = target
        if 0 <= turn_i < len(turns) and not turns[turn_i].get("feedback"):
            self.record_feedback(turns, turn_i, rating, "")

    def record_feedback(self, turns: list[dict], turn_i: int, rating: str, comment: str) -> bool:
        turn = turns[turn_i]
        result = turn.get("result") or {}
        try:
            self.backend.feedback(result["id"], rating, comment, question=turn["question"])
        except Exception as exc:
            warn(t("feedback_not_saved", error=service_error(exc)))
            return False
        turn["feedback"] = rating
        turn.pop("feedback_pending", None)
        return True

    def send_feedback(self, comment: str, target, turns: list[dict]):
        if target and 0 <= target[0] < len(turns):
            turn_i, rating = target
            if self.record_feedback(turns, turn_i, rating, (comment or "").strip()):
                info(t("feedback_thanks"))
        return gr.update(visible=False), "", None, render_conversation(turns), turns

    def cancel_feedback(self, target, turns: list[dict]):
        if target and 0 <= target[0] < len(turns):
            turns[target[0]].pop("feedback_pending", None)
        return gr.update(visible=False), "", None, render_conversation(turns), turns

    # -- asking ------------------------------------------------------------------------------
    def ask(
        self,
        q: str,
        turns: list[dict],
        fields: list[str] | None,
        docs: list[str] | None,
        target,
        request: gr.Request,
    ):
        q = (q or "").strip()
        if not q:
            yield _skips(7)
            return
        wait = self.backend.rate_wait(client_of(request))
        if wait > 0:
            message = t("page_rate_limited", seconds=max(1, math.ceil(wait)))
            warn(message)
            turns = [*turns, {"question": q, "answer": "", "result": None, "error": message}]
            yield (render_conversation(turns), gr.skip(), turns, *_skips(4))
            return
        self.flush_feedback(turns, target)
        for turn in turns:
            turn.pop("feedback_pending", None)
        turns = [*turns, {"question": q, "answer": "", "result": None, "feedback": None}]
        yield (render_conversation(turns), "", turns, *_skips(2), gr.update(visible=False), None)
        turn = turns[-1]
        try:
            request = _request(q, turns[:-1], fields, docs)
            for page in self._stream_answer(turns, request):
                yield (page, *_skips(6))
        except Exception as exc:
            log.exception("UI: answering failed")
            turn["error"] = service_error(exc)
        if turn.get("result") is None and not turn.get("error"):
            turn["error"] = t("no_answer")
        md = conversation_markdown(turns)
        download = gr.update(interactive=True)
        yield (render_conversation(turns), gr.skip(), turns, md, download, *_skips(2))

    def _stream_answer(self, turns: list[dict], request: AskRequest) -> Iterator[str]:
        """The conversation redrawn as the last turn's answer streams in; its result kept."""
        turn, last = turns[-1], 0.0
        for event in self.backend.stream(request):
            if event.get("event") == "delta":
                turn["answer"] += event.get("text", "")
                if time.monotonic() - last > _STREAM_REDRAW_S:
                    last = time.monotonic()
                    yield render_conversation(turns)
            elif event.get("event") == "result":
                turn["result"] = as_result(event["result"]).model_dump(mode="json")

    def after_click(self, q: str, turns: list[dict], fields, docs, target, request: gr.Request):
        """Ask the example question a click left in `pending_q`, if any."""
        if not q:
            yield _skips(7)
            return
        yield from self.ask(q, turns, fields, docs, target, request)

    # -- clicks inside the conversation: citation, feedback, example question, law link -------
    def on_click(self, turns: list[dict], target, evt: gr.EventData):
        data = evt._data or {}
        action = data.get("action")
        if action == "example":
            return (*_skips(6), str(data.get("question") or "")[:MAX_QUESTION_CHARS])
        if action == "article":
            return (self.open_article(data), *_skips(6))
        turn_i = int(data.get("turn", -1))
        if not (0 <= turn_i < len(turns)) or not turns[turn_i].get("result"):
            return _skips(7)
        result = turns[turn_i]["result"]
        if action == "cite":
            panel = self._source_panel(result, int(data.get("n", 0)))
            return _skips(7) if panel is None else (panel, *_skips(5), "")
        if action == "feedback" and result.get("id"):
            return self._start_feedback(turns, turn_i, target, data)
        return _skips(7)

    def _source_panel(self, result: dict, n: int) -> str | None:
        cite = next((c for c in result.get("citations") or [] if int(c["n"]) == n), None)
        if cite is None:
            return None
        meta = self.backend.document(cite["doc_id"])
        text = self.backend.document_text(cite["doc_id"])
        return render_source(cite, text, meta, self.backend.laws())

    def _start_feedback(self, turns: list[dict], turn_i: int, target, data: dict):
        """Mark the rating on the turn and open the comment box for it."""
        rating = "down" if data.get("rating") == "down" else "up"
        if turns[turn_i].get("feedback"):
            info(t("feedback_already_given"))
            return _skips(7)
        if target and target[0] != turn_i:
            self.flush_feedback(turns, target)
        turns[turn_i]["feedback_pending"] = rating
        label = t(
            "feedback_prompt_down" if rating == "down" else "feedback_prompt_up", n=turn_i + 1
        )
        return (
            gr.skip(),
            render_conversation(turns),
            turns,
            gr.update(visible=True),
            label,
            (turn_i, rating),
            "",
        )

    def open_article(self, data: dict):
        """The panel showing the article a legal-basis link names."""
        doc_id, article = str(data.get("doc") or ""), str(data.get("article") or "")
        try:
            found = self.backend.article(doc_id, article)
        except Exception as exc:
            warn(service_error(exc))
            return gr.skip()
        return render_article(found, self.backend.document(doc_id))

    def on_source_click(self, evt: gr.EventData):
        data = evt._data or {}
        return self.open_article(data) if data.get("action") == "article" else gr.skip()

    # -- the conversation as a whole ---------------------------------------------------------
    def new_conversation(self, turns: list[dict], target):
        self.flush_feedback(turns, target)
        return (
            render_conversation([], len(self.backend.documents())),
            [],
            "",
            gr.update(interactive=False),
            SOURCE_PLACEHOLDER,
            gr.update(visible=False),
            None,
        )

    def on_load(self, turns: list[dict]):
        docs = self.backend.documents()
        conv_html = render_conversation(turns, len(docs)) if not turns else gr.skip()
        return (
            conv_html,
            gr.update(choices=field_choices(docs)),
            gr.update(choices=doc_choices(docs)),
        )


def wire_chat(demo: gr.Blocks, view: ChatView, handlers: ChatHandlers) -> None:
    """Connect the chat tab's events (inside the Blocks context)."""
    s, h = view.state, handlers
    ask_inputs = [view.question, s.turns, view.field_filter, view.doc_filter, s.fb_target]
    ask_outputs = [
        view.conv,
        view.question,
        s.turns,
        view.conv_md,
        view.download_btn,
        view.fb_box,
        s.fb_target,
    ]
    view.question.submit(h.ask, ask_inputs, ask_outputs)
    view.ask_btn.click(h.ask, ask_inputs, ask_outputs)

    click_outputs = [
        view.source,
        view.conv,
        s.turns,
        view.fb_box,
        view.fb_label,
        s.fb_target,
        s.pending_q,
    ]
    view.source.click(h.on_source_click, None, [view.source])
    for html_comp in (view.conv, view.examples):
        html_comp.click(h.on_click, [s.turns, s.fb_target], click_outputs).then(
            h.after_click,
            [s.pending_q, s.turns, view.field_filter, view.doc_filter, s.fb_target],
            ask_outputs,
        )

    fb_outputs = [view.fb_box, view.fb_comment, s.fb_target, view.conv, s.turns]
    fb_inputs = [view.fb_comment, s.fb_target, s.turns]
    view.fb_send.click(h.send_feedback, fb_inputs, fb_outputs)
    view.fb_comment.submit(h.send_feedback, fb_inputs, fb_outputs)
    view.fb_cancel.click(h.cancel_feedback, [s.fb_target, s.turns], fb_outputs)

    view.new_btn.click(
        h.new_conversation,
        [s.turns, s.fb_target],
        [
            view.conv,
            s.turns,
            view.conv_md,
            view.download_btn,
            view.source,
            view.fb_box,
            s.fb_target,
        ],
    )
    view.copy_btn.click(None, [view.conv_md], None, js=copy_js())
    view.download_btn.click(None, [view.conv_md], None, js=download_js())
    demo.load(h.on_load, [s.turns], [view.conv, view.field_filter, view.doc_filter])
