"""The Gradio page without a browser: the Blocks build with the components officials rely on, and
the renderers turn real answers into the right HTML and Markdown."""

from __future__ import annotations

import re

from assistant.schemas import AskRequest
from assistant.ui import (
    SAMPLE_BANNER,
    build_ui,
    conversation_markdown,
    render_conversation,
    render_source,
)


def test_blocks_have_the_page_components(service, corpus):
    demo = build_ui(service, corpus.settings)
    ids = {getattr(b, "elem_id", None) for b in demo.blocks.values()}
    for needed in (
        "cn-header",
        "cn-conv",
        "cn-question",
        "cn-ask",
        "cn-field",
        "cn-doc",
        "cn-source",
        "cn-copy",
        "cn-download",
        "cn-new",
        "cn-fb-box",
        "cn-login",
        "cn-admin",
        "cn-docs",
        "cn-upload",
        "cn-report",
    ):
        assert needed in ids, needed
    assert demo.title == "Trợ lý nghiệp vụ cơ sở"


def test_answer_renders_chips_and_source_highlights_the_quote(service):
    result = service.ask(
        AskRequest(question="thu tuc dang ky khai sinh can giay to gi"), channel="ui"
    )
    assert result.citations and not result.refused
    turn = {
        "question": result.question,
        "answer": result.answer,
        "result": result.model_dump(mode="json"),
    }
    page = render_conversation([turn])
    assert page.count('<button type="button" class="cn-chip') == len(result.citations)
    assert 'data-action="cite" data-turn="0" data-n="1"' in page
    assert 'data-action="feedback"' in page

    c = result.citations[0]
    text = service.document_source(c.doc_id).text
    assert text[c.start : c.end] == c.quote
    panel = render_source(c.model_dump(), text, {"doc_type": "Cẩm nang"})
    marked = re.search(r"<mark>(.*?)</mark>", panel, re.S).group(1)
    shown = re.sub(r"<[^>]+>", "", re.sub(r"<br\s*/?>", " ", marked))
    assert shown.split()[:5] == c.quote.replace("**", "").split()[:5]
    assert (SAMPLE_BANNER in panel) == (c.status == "bản mẫu")

    md = conversation_markdown([turn])
    assert md.startswith("# Trợ lý nghiệp vụ cơ sở") and "[1]" in md and c.title in md


def test_refusal_is_said_plainly(service):
    result = service.ask(
        AskRequest(question="giá vé máy bay đi Đà Nẵng tháng sau là bao nhiêu"), channel="ui"
    )
    assert result.refused
    page = render_conversation(
        [
            {
                "question": result.question,
                "answer": result.answer,
                "result": result.model_dump(mode="json"),
            }
        ]
    )
    assert "Chưa tìm thấy câu trả lời" in page and "cn-chip" not in page


def test_a_refusal_for_a_missing_figure_says_what_is_missing(service):
    result = service.ask(
        AskRequest(question="Cấp giấy xác nhận tình trạng hôn nhân mất bao nhiêu tiền?"),
        channel="ui",
    )
    page = render_conversation(
        [{"question": result.question, "answer": result.answer, "result": result.model_dump()}]
    )
    assert "Tài liệu không nêu con số cụ thể" in page and "mục 5.5" in page
    assert "Gợi ý: nêu rõ tên thủ tục" not in page  # rephrasing will not find a missing figure


def test_images_and_links_quoted_from_a_document_are_never_live(service):
    """An uploaded text's Markdown image or link, quoted in an answer, stays text: no request
    leaves the page for an address the document chose."""
    quoted = (
        "> Lệ phí xem tại ![bảng](http://evil.example/a.png) hoặc [đây](http://evil.example/x) "
        "<http://evil.example/y> [1]"
    )
    turn = {
        "question": "Lệ phí?",
        "answer": quoted,
        "result": {"answer": quoted, "citations": [{"n": 1, "doc_id": "x", "quote": "q"}]},
    }
    page = render_conversation([turn])
    assert "<img" not in page and "<a " not in page and 'href="http://evil' not in page
    assert "evil.example/a.png" in page  # shown as text, so the reader sees what was there
