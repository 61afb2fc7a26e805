"""The Gradio page for commune officials: ask, read the cited source, rate; and the admin tab.

`build_ui(service, settings)` returns the Blocks; assistant/api.py mounts it in the same FastAPI
app (`mount_ui` does it with the page's theme and title). Every handler calls `Service` directly.

The conversation is rendered by us (one `gr.HTML`), not by `gr.Chatbot`: each answer carries its
`[n]` citation chips and 👍/👎 buttons inline, and one delegated click handler in the browser sends
`{action, turn, n, ...}` back to Python, which answers with the source panel (the passage with the
quoted span in `<mark>`), the comment box or a new question.
"""

from __future__ import annotations

import html
import json
import logging
import re
import tempfile
import time
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import gradio as gr
from markdown_it import MarkdownIt

from assistant.schemas import AnswerResult, AskRequest, Filters, Turn
from assistant.server.models import FeedbackRequest
from assistant.settings import Settings
from assistant.statute import is_statute, legal_basis_links
from ingest.errors import IndexUnavailable
from ingest.model import SAMPLE_STATUS

log = logging.getLogger(__name__)

APP_TITLE = "Trợ lý nghiệp vụ cơ sở"
SAMPLE_BANNER = "Bản mẫu — cần cơ quan có thẩm quyền rà soát"
HISTORY_TURNS = 4
STATIC_DIR = Path(__file__).resolve().parent / "static"

# Example questions per field: what officers actually ask, each answerable from the handbook.
EXAMPLES: dict[str, list[str]] = {
    "Hộ tịch": [
        "Đăng ký khai sinh cần những giấy tờ gì?",
        "Khai sinh quá hạn cho trẻ sinh tại nhà, không có giấy chứng sinh thì làm thế nào?",
        "Thủ tục đăng ký kết hôn tại UBND xã?",
    ],
    "Đất đai": [
        "Hồ sơ đăng ký biến động khi chuyển nhượng quyền sử dụng đất gồm gì?",
        "Hòa giải tranh chấp đất đai tại UBND xã thực hiện trong bao lâu?",
        "Cấp lại Giấy chứng nhận bị mất cần giấy tờ gì?",
    ],
    "Xây dựng": [
        "Cấp giấy phép xây dựng nhà ở riêng lẻ cần hồ sơ gì?",
        "Xử lý hộ dân xây nhà không phép như thế nào?",
    ],
    "Một cửa": [
        "Hồ sơ quá hạn thì phải làm phiếu xin lỗi như thế nào?",
        "Khi nào được từ chối tiếp nhận hồ sơ?",
    ],
    "Cư trú": [
        "Đăng ký thường trú cần giấy tờ gì?",
        "Thủ tục tách hộ thực hiện thế nào?",
    ],
    "Tiếp công dân": [
        "Xử lý đơn tố cáo nặc danh như thế nào?",
        "Thời hạn giải quyết khiếu nại lần đầu của Chủ tịch UBND xã?",
    ],
    "Ngân sách xã": [
        "Quy trình lập dự toán ngân sách xã?",
        "Thôn có được thu bắt buộc tiền làm đường không?",
    ],
}


def _svg(paths: str, size: int = 16) -> str:
    return (
        f'<svg class="cn-icon" viewBox="0 0 24 24" width="{size}" height="{size}" fill="none" '
        'stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" '
        f'aria-hidden="true">{paths}</svg>'
    )


# Line icons (no emoji: office PCs often lack a colour-emoji font).
ICON_UP = _svg(
    '<path d="M7 10v12"/><path d="M15 5.88 14 10h5.83a2 2 0 0 1 1.92 2.56l-2.33 8A2 2 0 0 1 '
    '17.5 22H4a2 2 0 0 1-2-2v-8a2 2 0 0 1 2-2h2.76a2 2 0 0 0 1.79-1.11L12 2a3.13 3.13 0 0 1 3 3.88Z"/>'
)
ICON_DOWN = _svg(
    '<path d="M17 14V2"/><path d="M9 18.12 10 14H4.17a2 2 0 0 1-1.92-2.56l2.33-8A2 2 0 0 1 6.5 '
    '2H20a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2h-2.76a2 2 0 0 0-1.79 1.11L12 22a3.13 3.13 0 0 1-3-3.88Z"/>'
)
ICON_BOOK = _svg(
    '<path d="M2 3h6a4 4 0 0 1 4 4v14a3 3 0 0 0-3-3H2z"/><path d="M22 3h-6a4 4 0 0 0-4 4v14a3 3 '
    '0 0 1 3-3h7z"/>',
    28,
)
ICON_WARN = _svg(
    '<path d="m21.73 18-8-14a2 2 0 0 0-3.48 0l-8 14A2 2 0 0 0 4 21h16a2 2 0 0 0 1.73-3"/>'
    '<path d="M12 9v4"/><path d="M12 17h.01"/>',
    18,
)
ICON_DOC = _svg(
    '<path d="M15 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V7Z"/><path d="M14 2v4a2 2 0 '
    '0 0 2 2h4"/><path d="M16 13H8"/><path d="M16 17H8"/><path d="M10 9H8"/>',
    26,
)


_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    "table"
)
_CITE_MARK = re.compile(r"\[(\d{1,2}(?:\s*[,;]\s*\d{1,2})*)\]")


def _info(message: str) -> None:
    gr.Info(message, title="Thông báo", duration=5)


def _warn(message: str) -> None:
    gr.Warning(message, title="Lưu ý", duration=8)


def esc(text: Any) -> str:
    return html.escape(str(text if text is not None else ""), quote=True)


# --------------------------------------------------------------------------------------------
# Talking to the Service (assistant/service.py); tolerant of the exact return shapes.
# --------------------------------------------------------------------------------------------


def _as_dict(obj: Any) -> dict:
    if obj is None:
        return {}
    if isinstance(obj, dict):
        return obj
    if hasattr(obj, "model_dump"):
        return obj.model_dump()
    if hasattr(obj, "__dict__"):
        return dict(vars(obj))
    return {}


def _as_result(obj: Any) -> AnswerResult:
    return obj if isinstance(obj, AnswerResult) else AnswerResult.model_validate(_as_dict(obj))


class UIBackend:
    """The Service calls the page makes, in one place, with Vietnamese errors."""

    def __init__(self, service: Any, settings: Settings) -> None:
        self.service = service
        self.settings = settings
        self._texts: OrderedDict[tuple[str, str], str] = OrderedDict()

    # -- asking ------------------------------------------------------------------------------
    def stream(self, request: AskRequest) -> Iterator[dict]:
        yield from self.service.stream(request, channel="ui")

    def feedback(self, answer_id: str, rating: str, comment: str = "", question: str = "") -> None:
        self.service.feedback(
            FeedbackRequest(
                answer_id=answer_id,
                rating=rating,
                comment=(comment or "")[:2000],
                question=question[:2000],
            )
        )

    # -- documents ---------------------------------------------------------------------------
    def documents(self) -> list[dict]:
        try:
            return [_as_dict(d) for d in self.service.list_documents()]
        except Exception as exc:  # no index yet: the page still loads, and says so
            log.warning("UI: no documents (%s)", exc)
            return []

    def laws(self) -> dict[str, dict]:
        """The laws in the index (doc_id -> title, date), for linking legal bases to them."""
        return {
            d["doc_id"]: {"title": d.get("title", ""), "date": d.get("date") or ""}
            for d in self.documents()
            if is_statute(d)
        }

    def article(self, doc_id: str, article: str) -> dict:
        return _as_dict(self.service.article(doc_id, article))

    def document_text(self, doc_id: str) -> str:
        """The document's normalized text, cached per index generation: reading a scanned PDF
        again would mean OCR on every click."""
        key = (doc_id, self.service.index_generation())
        if key in self._texts:
            self._texts.move_to_end(key)
            return self._texts[key]
        text = self.service.document_text(doc_id)
        self._texts[key] = text
        while len(self._texts) > 16:
            self._texts.popitem(last=False)
        return text

    # -- admin -------------------------------------------------------------------------------
    def login_required(self) -> bool:
        return bool(getattr(self.service, "admin_login_required", True))

    def check_login(self, secret: str) -> bool:
        return bool(self.service.check_admin_login(secret))


def service_error(exc: Exception) -> str:
    """A message for people: the Service's Vietnamese detail, or a generic line."""
    detail = getattr(exc, "detail", None)
    if detail:
        return str(detail)
    if isinstance(exc, IndexUnavailable):
        return "Chưa có chỉ mục tài liệu: quản trị viên cần nạp tài liệu trước."
    if type(exc).__name__ == "ValidationError":
        return "Dữ liệu không hợp lệ (câu hỏi trống hoặc quá dài)."
    log.error("UI: unexpected error: %r", exc)
    return "Lỗi hệ thống, vui lòng thử lại sau hoặc báo quản trị viên."


# --------------------------------------------------------------------------------------------
# Rendering: pure functions from state to HTML / Markdown (unit-testable without a browser).
# --------------------------------------------------------------------------------------------


def _status_badge(status: str) -> str:
    status = status or "hiệu lực"
    kind = "sample" if status == SAMPLE_STATUS else ("ok" if status == "hiệu lực" else "other")
    return f'<span class="cn-status cn-status-{kind}">{esc(status)}</span>'


def chip_label(c: dict) -> str:
    doc = c.get("number") or c.get("title") or c.get("doc_id", "")
    where = statute_where(c)
    if where:  # a law: "Luật Cư trú · Điều 27, khoản 3"
        return f"{doc} · {where}"
    section = _short_section(c.get("section", ""))
    return f"{doc} · {section}" if section else doc


def statute_where(c: dict) -> str:
    """ "Điều 27, khoản 3" from a law citation's reference ("" for any other text)."""
    ref = c.get("reference") or ""
    title = c.get("title") or ""
    if not ref.startswith(f"{title}, Điều "):
        return ""
    return short_reference(ref[len(title) + 2 :])


def short_reference(ref: str) -> str:
    """ "Luật Cư trú, Điều 22 (Thủ tục …), khoản 1" -> "Luật Cư trú, Điều 22, khoản 1"."""
    return re.sub(r" \([^)]*\)", "", ref)


def _validity_line(c: dict, meta: dict) -> str:
    """When the cited text took effect and which version it is: shown beside every law quote."""
    effective = c.get("effective") or meta.get("effective") or ""
    version = c.get("version") or meta.get("version") or ""
    parts = []
    if effective:
        parts.append(f"Có hiệu lực từ {_vn_date(effective)}")
    if version:
        parts.append(version)
    return (
        f'<div class="cn-src-validity">{esc(". ".join(p.rstrip(".") for p in parts))}.</div>'
        if parts
        else ""
    )


def _vn_date(iso: str) -> str:
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})$", iso or "")
    return f"{m.group(3)}/{m.group(2)}/{m.group(1)}" if m else iso


def _short_section(section: str) -> str:
    parts = [p.strip() for p in (section or "").split("›") if p.strip()]
    last = parts[-1] if parts else ""
    return last if len(last) <= 70 else last[:67].rstrip() + "…"


def _answer_html(text: str, turn: int, numbers: set[int]) -> str:
    body = _md.render(text or "")

    def chip(m: re.Match) -> str:
        ns = [int(x) for x in re.split(r"\s*[,;]\s*", m.group(1))]
        if not all(n in numbers for n in ns):
            return m.group(0)
        return "".join(
            f'<button type="button" class="cn-ref" data-action="cite" data-turn="{turn}" data-n="{n}" '
            f'title="Xem nguồn [{n}]">{n}</button>'
            for n in ns
        )

    return _CITE_MARK.sub(chip, body)


def _examples_html(compact: bool = False) -> str:
    groups = []
    for field, questions in EXAMPLES.items():
        buttons = "".join(
            f'<button type="button" class="cn-ex" data-action="example" data-q="{esc(q)}">{esc(q)}</button>'
            for q in questions
        )
        groups.append(
            f'<div class="cn-ex-group"><div class="cn-ex-field">{esc(field)}</div>'
            f'<div class="cn-ex-list">{buttons}</div></div>'
        )
    cls = "cn-examples cn-examples-compact" if compact else "cn-examples"
    return f'<div class="{cls}">{"".join(groups)}</div>'


def render_welcome(n_docs: int) -> str:
    docs = f"{n_docs} tài liệu" if n_docs else "các tài liệu đã nạp"
    return (
        '<div class="cn-welcome">'
        '<div class="cn-welcome-title">Anh/chị cần tra cứu nghiệp vụ gì?</div>'
        f"<p>Trợ lý tìm câu trả lời trong {esc(docs)} (cẩm nang nghiệp vụ, nghị quyết của tỉnh) "
        "và ghi rõ nguồn cho từng ý. Có thể gõ tiếng Việt không dấu. "
        "Bấm vào một câu hỏi gợi ý dưới đây để thử:</p>"
        f"{_examples_html()}</div>"
    )


REFUSAL_TITLES = {
    "amount not stated": "Tài liệu không nêu con số cụ thể",
    "place not covered": "Chưa có văn bản của tỉnh này",
}


def render_turn(i: int, turn: dict) -> str:
    q = f'<div class="cn-q"><div class="cn-bubble">{esc(turn["question"])}</div></div>'
    result = turn.get("result")
    citations = (result or {}).get("citations") or []
    numbers = {int(c["n"]) for c in citations}
    parts = ['<div class="cn-a">']
    if turn.get("error"):
        parts.append(
            f'<div class="cn-note cn-note-error"><b>Có lỗi khi trả lời.</b> {esc(turn["error"])} '
            "Anh/chị vui lòng thử lại sau ít phút.</div>"
        )
    elif result and result.get("refused"):
        title = REFUSAL_TITLES.get(
            result.get("refusal_reason", ""), "Chưa tìm thấy câu trả lời trong tài liệu"
        )
        tips = (
            ""  # the answer already says what is missing; rephrasing will not find it
            if result.get("refusal_reason") in REFUSAL_TITLES
            else '<div class="cn-note-tips">Gợi ý: nêu rõ tên thủ tục (ví dụ "đăng ký khai sinh", '
            '"tách thửa"), bỏ bớt bộ lọc lĩnh vực/tài liệu, hoặc hỏi ngắn gọn hơn.</div>'
        )
        parts.append(
            f'<div class="cn-note cn-note-refused"><div class="cn-note-title">{esc(title)}</div>'
            f"<div>{esc(result.get('answer', ''))}</div>{tips}</div>"
        )
    else:
        text = result["answer"] if result else turn.get("answer", "")
        if text:
            parts.append(f'<div class="cn-answer">{_answer_html(text, i, numbers)}</div>')
        if not result:
            parts.append(
                '<div class="cn-typing" aria-label="Đang soạn câu trả lời">'
                "<span></span><span></span><span></span> Đang tìm trong tài liệu…</div>"
            )
    if result and citations:
        chips, previous = [], None
        for c in citations:
            n, label = int(c["n"]), chip_label(c)
            sample = " cn-chip-sample" if c.get("status") == SAMPLE_STATUS else ""
            # Several quotes from the same section: one label, then just the numbers.
            text = "" if label == previous else f'<span class="cn-chip-text">{esc(label)}</span>'
            compact = " cn-chip-compact" if label == previous else ""
            chips.append(
                f'<button type="button" class="cn-chip{sample}{compact}" data-action="cite" data-turn="{i}" '
                f'data-n="{n}" title="[{n}] {esc(c.get("title", ""))} — {esc(label)}">'
                f'<span class="cn-chip-n">{n}</span>{text}</button>'
            )
            previous = label
        chips = "".join(chips)
        parts.append(
            f'<div class="cn-sources"><span class="cn-sources-label">Nguồn (bấm để xem):</span>{chips}</div>'
        )
    related = (result or {}).get("related") or []
    if related and not turn.get("error"):
        links = "".join(
            f'<button type="button" class="cn-law-link" data-action="article" '
            f'data-doc="{esc(r["doc_id"])}" data-article="{esc(r["article"])}" '
            f'title="Mở {esc(r["reference"])}">{esc(short_reference(r["reference"]))}</button>'
            for r in related
        )
        parts.append(
            '<div class="cn-sources cn-related"><span class="cn-sources-label">'
            f"Căn cứ pháp lý (bấm để mở điều luật):</span>{links}</div>"
        )
    if result and not turn.get("error"):
        warnings = [
            w
            for w in result.get("warnings") or []
            if not (SAMPLE_STATUS in w and SAMPLE_STATUS in (result.get("answer") or ""))
        ]
        for w in warnings:
            parts.append(f'<div class="cn-note cn-note-warn">{esc(w)}</div>')
        fb = turn.get("feedback") or turn.get("feedback_pending")
        if result.get("id"):
            up = " cn-fb-on" if fb == "up" else ""
            down = " cn-fb-on" if fb == "down" else ""
            if turn.get("feedback"):
                note = '<span class="cn-fb-thanks">Đã ghi nhận đánh giá. Cảm ơn anh/chị!</span>'
            elif turn.get("feedback_pending"):
                note = '<span class="cn-fb-pending">Góp ý thêm ở ô bên dưới (không bắt buộc), rồi bấm «Gửi đánh giá».</span>'
            else:
                note = ""
            parts.append(
                '<div class="cn-fb">Câu trả lời có hữu ích không?'
                f'<button type="button" class="cn-fb-btn{up}" data-action="feedback" data-turn="{i}" '
                f'data-rating="up" title="Câu trả lời hữu ích">{ICON_UP}<span>Hữu ích</span></button>'
                f'<button type="button" class="cn-fb-btn{down}" data-action="feedback" data-turn="{i}" '
                f'data-rating="down" title="Câu trả lời chưa đúng hoặc chưa đủ">{ICON_DOWN}<span>Chưa đạt</span></button>'
                f"{note}</div>"
            )
    parts.append("</div>")
    return f'<div class="cn-turn" id="cn-turn-{i}">{q}{"".join(parts)}</div>'


def render_conversation(turns: list[dict], n_docs: int = 0) -> str:
    if not turns:
        return f'<div class="cn-conv cn-conv-empty">{render_welcome(n_docs)}</div>'
    return f'<div class="cn-conv">{"".join(render_turn(i, t) for i, t in enumerate(turns))}</div>'


SOURCE_PLACEHOLDER = (
    f'<div class="cn-src cn-src-empty"><div class="cn-src-empty-icon">{ICON_DOC}</div>'
    '<div>Bấm vào số trích dẫn (ví dụ <span class="cn-ref cn-ref-static">1</span>) hoặc thẻ nguồn '
    'dưới câu trả lời để xem đoạn văn bản gốc, với câu được trích <span class="cn-mark-demo">tô vàng</span>.</div></div>'
)


def _section_window(text: str, start: int, end: int, limit: int = 3500) -> tuple[int, int]:
    """The passage to show around [start, end): its section (heading to next heading) if that is
    not too long, else paragraphs around the quote."""
    heading = re.compile(r"^#{1,6} |^(Chương|Điều|Mục|Phần)\s+[\dIVXLC]+", re.M)
    lo = 0
    for m in heading.finditer(text, 0, start):
        lo = m.start()
    nxt = heading.search(text, end)
    hi = nxt.start() if nxt else len(text)
    if hi - lo <= limit:
        return lo, hi
    pad = max((limit - (end - start)) // 2, 400)
    lo = max(lo, start - pad)
    hi = min(hi, end + pad)
    para_lo = text.rfind("\n\n", lo, start)
    para_hi = text.find("\n\n", end, hi)
    lo = para_lo + 2 if para_lo > 0 and start - para_lo < pad else lo
    hi = para_hi if para_hi != -1 else hi
    return lo, hi


_BOLD = re.compile(r"\*\*(.+?)\*\*")


def _display_lines(raw: str) -> str:
    """Escape a passage (with \x01/\x02 marking the quote) for display; light Markdown cleanup."""
    out = []
    for line in raw.split("\n"):
        m = re.match(r"^(#{1,6})\s+(.*)$", line.replace("\x01", "").replace("\x02", ""))
        body = esc(line)
        body = _BOLD.sub(r"<strong>\1</strong>", body)
        body = body.replace("\x01", "<mark>").replace("\x02", "</mark>")
        if m:
            body = re.sub(r"^(<mark>)?#{1,6}\s+", r"\1", body)
            body = f'<span class="cn-src-h">{body}</span>'
        out.append(body)
    return "<br>".join(out)


def _linked_raw(text: str, lo: int, hi: int, start: int, end: int, links: list) -> str:
    """The window [lo, hi) of the text with \x01/\x02 around the quote and \x03/\x04 around
    each article a legal basis names (turned into buttons after escaping)."""
    marks = [(start, "\x01"), (end, "\x02")]
    for link in links:
        if lo <= link.start and link.end <= hi:
            marks += [(link.start, "\x03"), (link.end, "\x04")]
    marks.sort(key=lambda m: m[0])
    out, cursor = [], lo
    for offset, mark in marks:
        offset = min(max(offset, cursor), hi)
        out.append(text[cursor:offset] + mark)
        cursor = offset
    out.append(text[cursor:hi])
    return "".join(out)


def _link_buttons(body: str, links: list) -> str:
    """Replace the escaped \x03…\x04 spans by buttons that open the article (in order)."""
    it = iter(links)

    def button(m: re.Match) -> str:
        link = next(it)
        return (
            f'<button type="button" class="cn-law-link" data-action="article" '
            f'data-doc="{esc(link.doc_id)}" data-article="{esc(link.article)}" '
            f'title="Mở điều luật">{m.group(1)}</button>'
        )

    return re.sub("\x03(.*?)\x04", button, body, flags=re.S)


def render_source(
    citation: dict, doc_text: str, doc_meta: dict | None = None, laws: dict | None = None
) -> str:
    meta = doc_meta or {}
    status = citation.get("status") or meta.get("status") or ""
    number = citation.get("number") or meta.get("number") or ""
    title = citation.get("title") or meta.get("title") or citation.get("doc_id", "")
    doc_type = meta.get("doc_type") or meta.get("type") or ""
    section = " › ".join(p.strip() for p in (citation.get("section") or "").split("›") if p.strip())
    quote = citation.get("quote") or ""
    start, end = int(citation.get("start") or 0), int(citation.get("end") or 0)
    text = doc_text or ""
    if text and not (0 <= start < end <= len(text) and text[start:end] == quote):
        found = text.find(quote) if quote else -1
        if found >= 0:
            start, end = found, found + len(quote)
        else:
            text = ""
    if text:
        lo, hi = _section_window(text, start, end)
        links = [
            link
            for link in (legal_basis_links(text[lo:hi], laws) if laws else [])
            if link.doc_id != citation.get("doc_id")
        ]
        links = [replace(link, start=link.start + lo, end=link.end + lo) for link in links]
        raw = _linked_raw(text, lo, hi, start, end, links)
        visible = [link for link in links if lo <= link.start and link.end <= hi]
        passage = (
            ("… " if lo > 0 else "")
            + _link_buttons(_display_lines(raw.strip("\n")), visible)
            + (" …" if hi < len(text) else "")
        )
    else:  # the document is gone from the index: show the quote we kept
        passage = f"<mark>{esc(quote)}</mark>"
    head_line = " · ".join(x for x in (doc_type, number) if x)
    banner = (
        (
            f'<div class="cn-banner" role="note">{ICON_WARN}<span><b>{esc(SAMPLE_BANNER)}</b>. Đối chiếu văn bản '
            "pháp luật hiện hành trước khi áp dụng.</span></div>"
        )
        if status == SAMPLE_STATUS
        else ""
    )
    where = statute_where(citation)
    return (
        f'<div class="cn-src" data-doc="{esc(citation.get("doc_id", ""))}" data-n="{int(citation.get("n", 0))}">'
        f'<div class="cn-src-top"><span class="cn-ref cn-ref-static">{int(citation.get("n", 0))}</span>'
        f'<span class="cn-src-kind">{esc(head_line)}</span>{_status_badge(status)}</div>'
        f'<div class="cn-src-title">{esc(title)}</div>'
        + (
            f'<div class="cn-src-section">{esc(where)}</div>'
            if where
            else (f'<div class="cn-src-section">Mục: {esc(section)}</div>' if section else "")
        )
        + _validity_line(citation, meta)
        + banner
        + f'<div class="cn-src-text">{passage}</div></div>'
    )


def render_article(article: dict, doc_meta: dict | None = None) -> str:
    """A whole article of a law, opened from a handbook's legal basis."""
    meta = doc_meta or {}
    status = article.get("status") or meta.get("status") or ""
    head_line = " · ".join(x for x in (meta.get("doc_type") or "", meta.get("number") or "") if x)
    return (
        f'<div class="cn-src cn-src-article" data-doc="{esc(article.get("doc_id", ""))}" '
        f'data-article="{esc(article.get("article", ""))}">'
        f'<div class="cn-src-top"><span class="cn-src-kind">{esc(head_line)}</span>'
        f"{_status_badge(status)}</div>"
        f'<div class="cn-src-title">{esc(article.get("reference", ""))}</div>'
        + _validity_line(article, meta)
        + f'<div class="cn-src-text">{_display_lines(article.get("text", ""))}</div></div>'
    )


def conversation_markdown(turns: list[dict]) -> str:
    lines = [f"# {APP_TITLE} — cuộc hỏi đáp", "", f"_Xuất lúc {datetime.now():%H:%M %d/%m/%Y}_", ""]
    for i, t in enumerate(turns, 1):
        result = t.get("result") or {}
        lines += [f"## Câu hỏi {i}", "", t["question"], "", "### Trả lời", ""]
        if t.get("error"):
            lines += [f"(Lỗi: {t['error']})", ""]
            continue
        lines += [result.get("answer") or t.get("answer") or "", ""]
        if result.get("refused"):
            lines += ["_(Trợ lý chưa tìm thấy câu trả lời trong tài liệu.)_", ""]
        cites = result.get("citations") or []
        if cites:
            lines += ["**Nguồn:**", ""]
            for c in cites:
                where = f", mục {c['section']}" if c.get("section") else ""
                num = f"{c['number']} — " if c.get("number") else ""
                sample = f" ({SAMPLE_STATUS})" if c.get("status") == SAMPLE_STATUS else ""
                lines.append(f"[{c['n']}] {num}{c.get('title', '')}{where}{sample}")
                quote = " ".join((c.get("quote") or "").split())
                if quote:
                    lines.append(f"    > {quote}")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _write_markdown(md: str) -> str:
    folder = Path(tempfile.mkdtemp(prefix="camnang-hoidap-"))
    path = folder / f"hoi-dap-{datetime.now():%Y%m%d-%H%M}.md"
    path.write_text(md, encoding="utf-8")
    return str(path)


# --------------------------------------------------------------------------------------------
# Browser glue: one delegated click handler, global CSS injected once.
# --------------------------------------------------------------------------------------------

CLICK_JS = """
let seen = element.querySelectorAll('.cn-turn').length;
watch('value', () => {
  // A new question: bring it to the top of the conversation box, the answer reads from there.
  const all = element.querySelectorAll('.cn-turn');
  if (all.length > seen) {
    const sc = element.closest('#cn-conv') || element;
    const last = all[all.length - 1];
    sc.scrollTop += last.getBoundingClientRect().top - sc.getBoundingClientRect().top - 8;
  }
  seen = all.length;
});
element.addEventListener('click', (e) => {
  const b = e.target.closest('[data-action]');
  if (!b || !element.contains(b)) return;
  e.preventDefault();
  const d = b.dataset;
  if (d.action === 'cite') {
    document.querySelectorAll('.cn-chip.cn-active, .cn-ref.cn-active').forEach(x => x.classList.remove('cn-active'));
    b.classList.add('cn-active');
  }
  trigger('click', {action: d.action, turn: Number(d.turn ?? -1), n: Number(d.n ?? 0),
                    rating: d.rating || '', question: d.q || '',
                    doc: d.doc || '', article: d.article || ''});
});
"""

SOURCE_JS = """
element.addEventListener('click', (e) => {
  const b = e.target.closest('[data-action="article"]');
  if (!b || !element.contains(b)) return;
  e.preventDefault();
  trigger('click', {action: 'article', doc: b.dataset.doc || '', article: b.dataset.article || ''});
});
watch('value', () => {
  const box = element.querySelector('.cn-src-text');
  const m = element.querySelector('mark');
  if (box && m) { box.scrollTop = Math.max(0, m.offsetTop - box.offsetTop - 40); }
  const panel = element.closest('.cn-source-col') || element;
  const r = panel.getBoundingClientRect();
  if (r.top < 0 || r.top > window.innerHeight - 80) panel.scrollIntoView({behavior: 'smooth', block: 'start'});
});
"""

COPY_JS = """
(md) => {
  const done = () => {
    const b = document.querySelector('#cn-copy');
    if (!b) return;
    const old = b.innerText; b.innerText = 'Đã sao chép ✓';
    setTimeout(() => { b.innerText = old; }, 1800);
  };
  if (!md) return [];
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(md).then(done);
  } else {
    const t = document.createElement('textarea'); t.value = md; document.body.appendChild(t);
    t.select(); document.execCommand('copy'); t.remove(); done();
  }
  return [];
}
"""


def _css() -> str:
    return (STATIC_DIR / "ui.css").read_text(encoding="utf-8")


def _global_css_js(css: str) -> str:
    # mount_gradio_app takes the page CSS, but api.py may mount without it: inject it ourselves.
    return (
        "if (!document.getElementById('cn-global-css')) {"
        " const s = document.createElement('style'); s.id = 'cn-global-css';"
        f" s.textContent = {json.dumps(css)}; document.head.appendChild(s); }}"
    )


# --------------------------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------------------------


def _doc_choices(docs: list[dict]) -> list[tuple[str, str]]:
    out = []
    for d in docs:
        doc_id = d.get("doc_id") or d.get("id") or ""
        number = d.get("number") or ""
        title = d.get("title") or doc_id
        short = title if len(title) <= 80 else title[:77].rstrip() + "…"
        out.append((f"{number} — {short}" if number else short, doc_id))
    return sorted(out)


def _field_choices(docs: list[dict]) -> list[str]:
    fields = {f for d in docs for f in (d.get("fields") or [])}
    return sorted(fields, key=lambda s: s.lower())


GRADIO_STRINGS_VI = {
    "upload_text.drop_file": "Kéo thả tệp vào đây",
    "upload_text.click_to_upload": "Bấm để chọn tệp",
    "common.or": "hoặc",
    "common.clear": "Xoá",
    "common.remove": "Bỏ",
    "common.download": "Tải về",
    "common.loading": "Đang tải",
    "common.error": "Lỗi",
    "common.empty": "Trống",
    "common.copy": "Sao chép",
    "errors.connection_can_break": "Mất kết nối tới máy chủ. Vui lòng tải lại trang.",
    "status.queue_position": "Đang chờ: {position}/{size}",
    "dropdown.no_options": "Không có lựa chọn",
}


def build_ui(service: Any, settings: Settings) -> gr.Blocks:
    backend = UIBackend(service, settings)
    css = _css()

    with gr.Blocks(title=APP_TITLE, analytics_enabled=False) as demo:
        turns_state = gr.State([])
        pending_q = gr.State("")
        fb_target = gr.State(None)  # (turn index, rating) waiting for an optional comment

        gr.HTML(
            f'<header class="cn-header"><div class="cn-logo">{ICON_BOOK}</div><div>'
            f"<h1>{APP_TITLE}</h1>"
            "<p>Trả lời từ cẩm nang nghiệp vụ và văn bản đã nạp, mỗi ý có số trích dẫn [1], [2]… "
            "dẫn tới đúng đoạn nguồn. Đối chiếu văn bản gốc trước khi áp dụng.</p>"
            "</div></header>",
            js_on_load=_global_css_js(css),
            elem_id="cn-header",
        )

        with gr.Tabs(elem_id="cn-tabs"):
            with gr.Tab("Hỏi đáp", id="chat"), gr.Row(equal_height=False, elem_id="cn-main"):
                with gr.Column(scale=3, min_width=420, elem_classes="cn-chat-col"):
                    conv = gr.HTML(
                        render_conversation([], 0),
                        js_on_load=CLICK_JS,
                        elem_id="cn-conv",
                        autoscroll=False,
                    )
                    with gr.Group(visible=False, elem_id="cn-fb-box") as fb_box:
                        fb_label = gr.Markdown("", elem_id="cn-fb-label")
                        fb_comment = gr.Textbox(
                            show_label=False,
                            lines=2,
                            max_lines=5,
                            max_length=2000,
                            placeholder="Góp ý thêm (không bắt buộc), ví dụ: thiếu thời hạn giải quyết, "
                            "trích sai mục…",
                        )
                        with gr.Row():
                            fb_send = gr.Button(
                                "Gửi đánh giá", variant="primary", size="sm", elem_id="cn-fb-send"
                            )
                            fb_cancel = gr.Button("Huỷ", size="sm")
                    with gr.Row(elem_id="cn-ask-row", equal_height=True):
                        question = gr.Textbox(
                            show_label=False,
                            lines=1,
                            max_lines=5,
                            scale=6,
                            autofocus=True,
                            placeholder="Nhập câu hỏi, ví dụ: thủ tục đăng ký khai sinh cần giấy tờ gì? "
                            "(gõ không dấu cũng được)",
                            elem_id="cn-question",
                            max_length=2000,
                            submit_btn=False,
                        )
                        ask_btn = gr.Button(
                            "Hỏi", variant="primary", scale=1, min_width=90, elem_id="cn-ask"
                        )
                    with gr.Row(elem_id="cn-filters"):
                        field_filter = gr.Dropdown(
                            label="Lọc theo lĩnh vực",
                            choices=[],
                            multiselect=True,
                            scale=2,
                            elem_id="cn-field",
                            info="Để trống: tìm trong mọi lĩnh vực",
                        )
                        doc_filter = gr.Dropdown(
                            label="Lọc theo tài liệu",
                            choices=[],
                            multiselect=True,
                            scale=3,
                            elem_id="cn-doc",
                            info="Để trống: tìm trong mọi tài liệu",
                        )
                    with gr.Row(elem_id="cn-tools"):
                        new_btn = gr.Button("Cuộc hỏi đáp mới", size="sm", elem_id="cn-new")
                        copy_btn = gr.Button("Sao chép cuộc hỏi đáp", size="sm", elem_id="cn-copy")
                        download_btn = gr.DownloadButton(
                            "Tải về (.md)",
                            size="sm",
                            interactive=False,
                            elem_id="cn-download",
                        )
                    conv_md = gr.Textbox(visible="hidden", elem_id="cn-conv-md")
                    with gr.Accordion(
                        "Câu hỏi gợi ý theo lĩnh vực", open=False, elem_id="cn-ex-acc"
                    ):
                        examples = gr.HTML(_examples_html(compact=True), js_on_load=CLICK_JS)
                with gr.Column(scale=2, min_width=340, elem_classes="cn-source-col"):
                    gr.HTML('<div class="cn-panel-title">Nguồn trích dẫn</div>')
                    source = gr.HTML(SOURCE_PLACEHOLDER, js_on_load=SOURCE_JS, elem_id="cn-source")

            with gr.Tab("Quản trị", id="admin"):
                admin_load = build_admin(backend)

        # ---- asking ----------------------------------------------------------------------------
        def flush_feedback(turns: list[dict], target) -> None:
            """A 👍/👎 left without pressing «Gửi đánh giá» still counts (without comment)."""
            if not target:
                return
            turn_i, rating = target
            if 0 <= turn_i < len(turns) and not turns[turn_i].get("feedback"):
                record_feedback(turns, turn_i, rating, "")

        def record_feedback(turns: list[dict], turn_i: int, rating: str, comment: str) -> bool:
            turn = turns[turn_i]
            result = turn.get("result") or {}
            try:
                backend.feedback(result["id"], rating, comment, question=turn["question"])
            except Exception as exc:
                _warn(f"Chưa ghi được đánh giá: {service_error(exc)}")
                return False
            turn["feedback"] = rating
            turn.pop("feedback_pending", None)
            return True

        def ask(
            q: str, turns: list[dict], fields: list[str] | None, docs: list[str] | None, target
        ):
            q = (q or "").strip()
            if not q:
                yield (gr.skip(),) * 7
                return
            flush_feedback(turns, target)
            for t in turns:
                t.pop("feedback_pending", None)
            turns = [*turns, {"question": q, "answer": "", "result": None, "feedback": None}]
            history = [
                Turn(question=t["question"], answer=(t.get("result") or {}).get("answer", ""))
                for t in turns[:-1]
                if t.get("result") and not t["result"].get("refused")
            ]
            filters = Filters(field=fields or None, doc_id=docs or None)
            yield (
                render_conversation(turns),
                "",
                turns,
                gr.skip(),
                gr.skip(),
                gr.update(visible=False),
                None,
            )
            turn = turns[-1]
            try:
                request = AskRequest(
                    question=q[:2000],
                    history=history[-HISTORY_TURNS:],
                    filters=filters if filters.as_dict() else None,
                )
                last = 0.0
                for event in backend.stream(request):
                    if event.get("event") == "delta":
                        turn["answer"] += event.get("text", "")
                        if time.monotonic() - last > 0.08:
                            last = time.monotonic()
                            yield (render_conversation(turns),) + (gr.skip(),) * 6
                    elif event.get("event") == "result":
                        turn["result"] = _as_result(event["result"]).model_dump(mode="json")
            except Exception as exc:
                log.exception("UI: answering failed")
                turn["error"] = service_error(exc)
            if turn.get("result") is None and not turn.get("error"):
                turn["error"] = "Không nhận được câu trả lời."
            md = conversation_markdown(turns)
            yield (
                render_conversation(turns),
                gr.skip(),
                turns,
                md,
                gr.update(value=_write_markdown(md), interactive=True),
                gr.skip(),
                gr.skip(),
            )

        ask_inputs = [question, turns_state, field_filter, doc_filter, fb_target]
        ask_outputs = [conv, question, turns_state, conv_md, download_btn, fb_box, fb_target]
        question.submit(ask, ask_inputs, ask_outputs)
        ask_btn.click(ask, ask_inputs, ask_outputs)

        # ---- clicks inside the conversation: citation, feedback, example question --------------
        def on_click(turns: list[dict], target, evt: gr.EventData):
            data = evt._data or {}
            action = data.get("action")
            nothing = (gr.skip(),) * 7
            if action == "example":
                q = str(data.get("question") or "")[:2000]
                return (gr.skip(),) * 6 + (q,)
            if action == "article":
                return (open_article(data),) + (gr.skip(),) * 6
            turn_i = int(data.get("turn", -1))
            if not (0 <= turn_i < len(turns)) or not turns[turn_i].get("result"):
                return nothing
            result = turns[turn_i]["result"]
            if action == "cite":
                n = int(data.get("n", 0))
                cite = next((c for c in result.get("citations") or [] if int(c["n"]) == n), None)
                if cite is None:
                    return nothing
                meta = next(
                    (d for d in backend.documents() if d.get("doc_id") == cite["doc_id"]), {}
                )
                panel = render_source(
                    cite, backend.document_text(cite["doc_id"]), meta, backend.laws()
                )
                return (panel,) + (gr.skip(),) * 5 + ("",)
            if action == "feedback" and result.get("id"):
                rating = "down" if data.get("rating") == "down" else "up"
                if turns[turn_i].get("feedback"):
                    _info("Câu trả lời này đã được đánh giá.")
                    return nothing
                if target and target[0] != turn_i:
                    flush_feedback(turns, target)
                turns[turn_i]["feedback_pending"] = rating
                label = (
                    f"**Câu trả lời {turn_i + 1}: chưa đạt.** Điều gì sai hoặc còn thiếu?"
                    if rating == "down"
                    else f"**Câu trả lời {turn_i + 1}: hữu ích.** Anh/chị có muốn góp ý thêm?"
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
            return nothing

        click_outputs = [source, conv, turns_state, fb_box, fb_label, fb_target, pending_q]

        def open_article(data: dict):
            """The panel showing the article a legal-basis link names."""
            doc_id, article = str(data.get("doc") or ""), str(data.get("article") or "")
            try:
                found = backend.article(doc_id, article)
            except Exception as exc:
                _warn(service_error(exc))
                return gr.skip()
            meta = next((d for d in backend.documents() if d.get("doc_id") == doc_id), {})
            return render_article(found, meta)

        def on_source_click(evt: gr.EventData):
            data = evt._data or {}
            return open_article(data) if data.get("action") == "article" else gr.skip()

        source.click(on_source_click, None, [source])

        def after_click(q: str, turns: list[dict], fields, docs, target):
            if not q:
                yield (gr.skip(),) * 7
                return
            yield from ask(q, turns, fields, docs, target)

        for html_comp in (conv, examples):
            html_comp.click(on_click, [turns_state, fb_target], click_outputs).then(
                after_click,
                [pending_q, turns_state, field_filter, doc_filter, fb_target],
                ask_outputs,
            )

        def send_feedback(comment: str, target, turns: list[dict]):
            if target and 0 <= target[0] < len(turns):
                turn_i, rating = target
                if record_feedback(turns, turn_i, rating, (comment or "").strip()):
                    _info("Đã ghi nhận đánh giá. Cảm ơn anh/chị!")
            return gr.update(visible=False), "", None, render_conversation(turns), turns

        def cancel_feedback(target, turns: list[dict]):
            if target and 0 <= target[0] < len(turns):
                turns[target[0]].pop("feedback_pending", None)
            return gr.update(visible=False), "", None, render_conversation(turns), turns

        fb_outputs = [fb_box, fb_comment, fb_target, conv, turns_state]
        fb_send.click(send_feedback, [fb_comment, fb_target, turns_state], fb_outputs)
        fb_comment.submit(send_feedback, [fb_comment, fb_target, turns_state], fb_outputs)
        fb_cancel.click(cancel_feedback, [fb_target, turns_state], fb_outputs)

        def new_conversation(turns: list[dict], target):
            flush_feedback(turns, target)
            return (
                render_conversation([], len(backend.documents())),
                [],
                "",
                gr.update(value=None, interactive=False),
                SOURCE_PLACEHOLDER,
                gr.update(visible=False),
                None,
            )

        new_btn.click(
            new_conversation,
            [turns_state, fb_target],
            [conv, turns_state, conv_md, download_btn, source, fb_box, fb_target],
        )
        copy_btn.click(None, [conv_md], None, js=COPY_JS)

        def on_load(turns: list[dict]):
            docs = backend.documents()
            conv_html = render_conversation(turns, len(docs)) if not turns else gr.skip()
            return (
                conv_html,
                gr.update(choices=_field_choices(docs)),
                gr.update(choices=_doc_choices(docs)),
            )

        demo.load(on_load, [turns_state], [conv, field_filter, doc_filter])
        admin_load(demo)

    demo.camnang_css = css  # type: ignore[attr-defined]
    # Gradio's own strings (upload box, queue, errors) in Vietnamese, whatever the browser's locale.
    demo.i18n_instance = gr.I18n(en=GRADIO_STRINGS_VI, vi=GRADIO_STRINGS_VI)
    return demo


# --------------------------------------------------------------------------------------------
# Admin tab
# --------------------------------------------------------------------------------------------

VN_TZ = timezone(timedelta(hours=7))
DOC_HEADERS = [
    "Số hiệu",
    "Tiêu đề",
    "Loại",
    "Trạng thái",
    "Số đoạn",
    "Lần nạp cuối",
    "Mã tài liệu",
    "Tệp",
]
JOB_STATUS_VI = {
    "queued": "đang chờ",
    "running": "đang lập chỉ mục",
    "succeeded": "hoàn tất",
    "failed": "thất bại",
}
JOB_KIND_VI = {"upload": "Tải lên", "delete": "Xoá", "reingest": "Lập chỉ mục lại"}


def _when(value: Any) -> str:
    if not value:
        return ""
    try:
        dt = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(VN_TZ).strftime("%H:%M %d/%m/%Y")


def documents_table(docs: list[dict]) -> list[list]:
    return [
        [
            d.get("number") or "—",
            d.get("title") or d.get("doc_id"),
            d.get("doc_type") or "",
            d.get("status") or "",
            int(d.get("chunks") or 0),
            _when(d.get("ingested_at")),
            d.get("doc_id") or "",
            d.get("source") or "",
        ]
        for d in docs
    ]


def render_job(job: dict | None) -> str:
    if not job:
        return '<div class="cn-job">Chưa có tác vụ nào trong phiên này.</div>'
    status = job.get("status", "")
    cls = {"succeeded": "cn-job-ok", "failed": "cn-job-fail"}.get(status, "cn-job-run")
    what = JOB_KIND_VI.get(job.get("kind", ""), job.get("kind", ""))
    target = f" «{job['filename']}»" if job.get("filename") else ""
    lines = [f"<b>{esc(what)}{esc(target)}</b>: {esc(JOB_STATUS_VI.get(status, status))}"]
    if job.get("message"):
        lines.append(esc(job["message"]))
    report = job.get("report") or {}
    for f in report.get("failed") or []:
        lines.append(f"Lỗi tệp {esc(f.get('source'))}: {esc(f.get('reason'))}")
    times = [
        x
        for x in (
            f"gửi lúc {_when(job.get('created_at'))}" if job.get("created_at") else "",
            f"xong lúc {_when(job.get('finished_at'))}" if job.get("finished_at") else "",
        )
        if x
    ]
    if times:
        lines.append(f'<span class="cn-admin-note">{esc(", ".join(times))}</span>')
    return f'<div class="cn-job {cls}">{"<br>".join(lines)}</div>'


def render_report(report: dict) -> str:
    topics = report.get("topics") or []
    head = (
        f'<div class="cn-report"><p><b>{int(report.get("total_unanswered") or 0)}</b> câu hỏi chưa trả lời được, '
        f"<b>{int(report.get('total_negative') or 0)}</b> đánh giá «chưa đạt». Nhóm theo tài liệu/mục gần nhất mà "
        "trợ lý tìm được: đó là chỗ cẩm nang cần bổ sung hoặc sửa.</p>"
    )
    if not topics:
        return head + "<p>Chưa có câu hỏi nào bị bỏ ngỏ.</p></div>"
    body = []
    for t in topics:
        counts = []
        if t.get("unanswered"):
            counts.append(f"{t['unanswered']} chưa trả lời được")
        if t.get("negative"):
            counts.append(f"{t['negative']} đánh giá chưa đạt")
        items = []
        for q in t.get("questions") or []:
            tag = (
                '<span class="cn-tag cn-tag-q">chưa trả lời</span>'
                if q.get("kind") == "unanswered"
                else '<span class="cn-tag cn-tag-down">chưa đạt</span>'
            )
            comment = f" — <i>«{esc(q['comment'])}»</i>" if q.get("comment") else ""
            items.append(
                f"<li>{tag} {esc(q.get('question'))}{comment} "
                f'<span class="cn-count">({esc(_when(q.get("created_at")))})</span></li>'
            )
        body.append(
            f"<h4>{esc(t.get('topic') or 'Chưa rõ chủ đề')} "
            f'<span class="cn-count">· {esc(", ".join(counts))}</span></h4><ul>{"".join(items)}</ul>'
        )
    return head + "".join(body) + "</div>"


def build_admin(backend: UIBackend):
    """The admin tab; returns a function that wires its page-load event."""
    exts = backend.service.upload_extensions()
    admin_ok = gr.State(False)
    job_id = gr.State("")

    with gr.Column(visible=True, elem_id="cn-login") as login_box:
        gr.Markdown(
            "### Đăng nhập quản trị\nPhần này dành cho người quản lý tài liệu: nạp, thay thế, "
            "xoá tài liệu và xem câu hỏi mà trợ lý chưa trả lời được."
        )
        with gr.Row(equal_height=True):
            secret = gr.Textbox(
                label="Khoá quản trị (API key) hoặc mật khẩu quản trị",
                type="password",
                scale=4,
                elem_id="cn-admin-secret",
            )
            login_btn = gr.Button("Đăng nhập", variant="primary", scale=1, elem_id="cn-admin-login")
        login_msg = gr.Markdown("")

    with gr.Column(visible=False, elem_id="cn-admin") as admin_box:
        dev_note = gr.Markdown("")
        with gr.Row():
            gr.Markdown("### Tài liệu đang dùng")
            refresh_btn = gr.Button("Làm mới", size="sm", scale=0, min_width=100)
            logout_btn = gr.Button("Đăng xuất", size="sm", scale=0, min_width=100)
        docs_table = gr.Dataframe(
            headers=DOC_HEADERS,
            value=[],
            interactive=False,
            wrap=True,
            elem_id="cn-docs",
            max_height=420,
            column_widths=["10%", "34%", "9%", "8%", "6%", "11%", "11%", "11%"],
        )
        with gr.Row(equal_height=False):
            with gr.Column(scale=3):
                gr.Markdown("### Tải lên hoặc thay thế tài liệu")
                gr.Markdown(
                    f"Định dạng: {', '.join(exts)}. Tải lên tệp **trùng tên** với tệp đang có để thay thế "
                    "tài liệu đó; chỉ tài liệu thay đổi được lập chỉ mục lại.",
                    elem_classes="cn-admin-note",
                )
                upload_file = gr.File(
                    label="Chọn tệp", file_types=exts, type="filepath", elem_id="cn-upload"
                )
                upload_btn = gr.Button("Tải lên và lập chỉ mục", variant="primary")
            with gr.Column(scale=2):
                gr.Markdown("### Xoá tài liệu")
                delete_pick = gr.Dropdown(
                    label="Tài liệu cần xoá", choices=[], elem_id="cn-delete-pick"
                )
                delete_confirm = gr.Checkbox(
                    label="Tôi chắc chắn muốn xoá tệp này khỏi thư mục tài liệu", value=False
                )
                delete_btn = gr.Button("Xoá tài liệu", variant="stop", size="sm")
                gr.Markdown("### Lập chỉ mục lại")
                reingest_btn = gr.Button("Quét lại thư mục tài liệu", size="sm")
        gr.Markdown("### Tiến trình lập chỉ mục")
        job_html = gr.HTML(render_job(None), elem_id="cn-job")
        timer = gr.Timer(1.0, active=False)
        with gr.Accordion("Các tác vụ gần đây", open=False):
            jobs_table = gr.Dataframe(
                headers=["Thời gian", "Việc", "Tệp", "Trạng thái", "Ghi chú"],
                value=[],
                interactive=False,
                wrap=True,
            )
        with gr.Row():
            gr.Markdown("### Cẩm nang còn thiếu gì?")
            report_btn = gr.Button("Cập nhật báo cáo", size="sm", scale=0, min_width=140)
        report_html = gr.HTML("", elem_id="cn-report")

    def admin_view():
        docs = backend.documents()
        choices = [(f"{label}", doc_id) for label, doc_id in _doc_choices(docs)]
        try:
            jobs = [_as_dict(j) for j in backend.service.jobs(10)]
        except Exception:
            jobs = []
        rows = [
            [
                _when(j.get("created_at")),
                JOB_KIND_VI.get(j.get("kind"), j.get("kind")),
                j.get("filename"),
                JOB_STATUS_VI.get(j.get("status"), j.get("status")),
                j.get("message"),
            ]
            for j in jobs
        ]
        try:
            report = render_report(_as_dict(backend.service.report()))
        except Exception as exc:
            report = f'<div class="cn-job cn-job-fail">{esc(service_error(exc))}</div>'
        return documents_table(docs), gr.update(choices=choices, value=None), rows, report

    view_outputs = [docs_table, delete_pick, jobs_table, report_html]

    def login(value: str):
        if backend.check_login(value):
            return (True, gr.update(visible=False), gr.update(visible=True), "", "", *admin_view())
        return (
            False,
            gr.skip(),
            gr.skip(),
            "",
            "Khoá hoặc mật khẩu không đúng (cần khoá có quyền quản trị).",
            *(gr.skip(),) * 4,
        )

    login_outputs = [admin_ok, login_box, admin_box, secret, login_msg, *view_outputs]
    login_btn.click(login, [secret], login_outputs)
    secret.submit(login, [secret], login_outputs)
    logout_btn.click(
        lambda: (False, gr.update(visible=True), gr.update(visible=False), [], ""),
        None,
        [admin_ok, login_box, admin_box, docs_table, report_html],
    )

    def guarded(fn):
        def wrapper(ok, *args):
            if not ok:
                _warn("Phiên quản trị đã hết, vui lòng đăng nhập lại.")
                return (gr.skip(),) * 3 + (gr.skip(),) * len(view_outputs)
            return fn(*args)

        return wrapper

    def started(job) -> tuple:
        info = _as_dict(job)
        _info("Đã nhận yêu cầu, đang lập chỉ mục…")
        return (info.get("id", ""), render_job(info), gr.Timer(active=True), *admin_view())

    def failed(exc: Exception) -> tuple:
        return (
            gr.skip(),
            f'<div class="cn-job cn-job-fail">{esc(service_error(exc))}</div>',
            gr.skip(),
            *(gr.skip(),) * len(view_outputs),
        )

    def do_upload(path: str | None):
        if not path:
            _warn("Chưa chọn tệp để tải lên.")
            return (gr.skip(),) * (3 + len(view_outputs))
        p = Path(path)
        try:
            return started(backend.service.upload(p.name, p.read_bytes()))
        except Exception as exc:
            return failed(exc)

    def do_delete(doc_id: str | None, sure: bool):
        if not doc_id:
            _warn("Chưa chọn tài liệu cần xoá.")
            return (gr.skip(),) * (3 + len(view_outputs))
        if not sure:
            _warn("Hãy đánh dấu ô xác nhận trước khi xoá.")
            return (gr.skip(),) * (3 + len(view_outputs))
        try:
            return started(backend.service.delete_document(doc_id))
        except Exception as exc:
            return failed(exc)

    def do_reingest():
        try:
            return started(backend.service.reingest())
        except Exception as exc:
            return failed(exc)

    job_outputs = [job_id, job_html, timer, *view_outputs]
    upload_btn.click(guarded(do_upload), [admin_ok, upload_file], job_outputs).then(
        lambda: (None, False), None, [upload_file, delete_confirm]
    )
    delete_btn.click(guarded(do_delete), [admin_ok, delete_pick, delete_confirm], job_outputs).then(
        lambda: False, None, [delete_confirm]
    )
    reingest_btn.click(guarded(do_reingest), [admin_ok], job_outputs)

    def poll(ok: bool, jid: str):
        if not ok or not jid:
            return gr.skip(), gr.Timer(active=False), *(gr.skip(),) * len(view_outputs)
        try:
            info = _as_dict(backend.service.job(jid))
        except Exception as exc:
            return (
                f'<div class="cn-job cn-job-fail">{esc(service_error(exc))}</div>',
                gr.Timer(active=False),
                *(gr.skip(),) * len(view_outputs),
            )
        if info.get("status") in ("succeeded", "failed"):
            return render_job(info), gr.Timer(active=False), *admin_view()
        return render_job(info), gr.skip(), *(gr.skip(),) * len(view_outputs)

    timer.tick(poll, [admin_ok, job_id], [job_html, timer, *view_outputs])
    refresh_btn.click(lambda ok: admin_view() if ok else (gr.skip(),) * 4, [admin_ok], view_outputs)
    report_btn.click(lambda ok: admin_view() if ok else (gr.skip(),) * 4, [admin_ok], view_outputs)

    def wire_load(demo: gr.Blocks) -> None:
        def on_load():
            if backend.login_required():
                return (False, gr.skip(), gr.skip(), gr.skip(), *(gr.skip(),) * len(view_outputs))
            return (
                True,
                gr.update(visible=False),
                gr.update(visible=True),
                "Chế độ phát triển (CAMNANG_AUTH_DISABLED): không cần đăng nhập.",
                *admin_view(),
            )

        demo.load(on_load, None, [admin_ok, login_box, admin_box, dev_note, *view_outputs])

    return wire_load


def theme() -> gr.themes.Base:
    return gr.themes.Default(
        primary_hue="blue", secondary_hue="slate", neutral_hue="slate", radius_size="md"
    )


def mount_ui(app, service: Any, settings: Settings, path: str = "/"):
    """Mount the page on a FastAPI app with its theme and CSS, without Gradio's footer links."""
    blocks = build_ui(service, settings)
    return gr.mount_gradio_app(
        app,
        blocks,
        path=path,
        css=blocks.camnang_css,
        theme=theme(),
        footer_links=[],
        show_error=True,
        max_file_size=settings.max_upload_bytes,
    )
