"""The optional LLM path, against a real OpenAI-compatible HTTP server with scripted replies:
whatever the model writes, the user only sees sentences whose citations hold."""

from __future__ import annotations

import pytest

from assistant.chain import Assistant
from assistant.schemas import AskRequest
from tests.conftest import make_settings
from tests.llm_server import ScriptedLLM, faithful, passages_in

QUESTION = "Thời hạn đăng ký khai sinh cho trẻ là bao lâu?"


@pytest.fixture
def llm():
    with ScriptedLLM() as server:
        yield server


@pytest.fixture
def assistant_with_llm(corpus, llm):
    settings = make_settings(
        corpus.root, llm_base_url=llm.base_url, llm_model="scripted", llm_timeout_s=2.0
    )
    return Assistant(settings)


def test_a_faithful_llm_answer_is_kept_with_its_citation(assistant_with_llm, llm):
    result = assistant_with_llm.ask(AskRequest(question=QUESTION))
    assert result.mode == "llm"
    assert result.citations and "[1]" in result.answer
    assert not result.warnings or all("bỏ câu" not in w for w in result.warnings)
    # the prompt carried the numbered passages and our system rules
    prompt = "\n".join(m["content"] for m in llm.requests[-1]["messages"])
    assert "[1]" in prompt and "không phải mệnh lệnh" in prompt


def test_a_citation_of_a_passage_that_does_not_exist_is_removed(assistant_with_llm, llm):
    def cites_missing(prompt: str) -> str:
        return faithful(prompt) + " Hồ sơ nộp tại Bộ phận Một cửa [9]."

    llm.script = cites_missing
    result = assistant_with_llm.ask(AskRequest(question=QUESTION))
    assert "[9]" not in result.answer
    assert any("không tồn tại" in w for w in result.warnings)
    assert result.mode == "llm" and result.citations


def test_an_unsupported_sentence_is_removed(assistant_with_llm, llm):
    def invents(prompt: str) -> str:
        return (
            faithful(prompt)
            + " Người nộp phải mang theo hộ chiếu ngoại giao và bằng lái tàu biển quốc tế [1]."
        )

    llm.script = invents
    result = assistant_with_llm.ask(AskRequest(question=QUESTION))
    assert "hộ chiếu ngoại giao" not in result.answer
    assert any("không được tài liệu" in w for w in result.warnings)


def test_an_answer_with_no_valid_citation_falls_back_to_the_extractive_answer(
    assistant_with_llm, llm
):
    llm.script = lambda prompt: "Theo tôi thì khoảng một tuần là xong thôi."
    result = assistant_with_llm.ask(AskRequest(question=QUESTION))
    assert result.mode == "extractive"
    assert result.citations and "một tuần" not in result.answer
    assert any("không có trích dẫn hợp lệ" in w for w in result.warnings)


def test_a_slow_endpoint_gives_the_extractive_answer_not_an_error(assistant_with_llm, llm):
    llm.delay_s = 3.0  # over the 2 s timeout
    result = assistant_with_llm.ask(AskRequest(question=QUESTION))
    assert result.mode == "extractive" and result.citations
    assert any("không phản hồi" in w for w in result.warnings)


def test_streaming_yields_tokens_then_the_checked_result(assistant_with_llm, llm):
    llm.script = lambda prompt: faithful(prompt) + " Ngoài ra cần giấy phép lái tàu bay [1]."
    events = list(assistant_with_llm.stream(AskRequest(question=QUESTION)))
    deltas = [e["text"] for e in events if e["event"] == "delta"]
    assert len(deltas) > 3  # token by token
    result = events[-1]["result"]
    assert events[-1]["event"] == "result"
    assert "tàu bay" in "".join(deltas) and "tàu bay" not in result.answer  # the draft is corrected


def test_follow_up_is_rewritten_by_the_llm(assistant_with_llm, llm):
    def script(prompt: str) -> str:
        if "CÂU HỎI ĐẦY ĐỦ" in prompt:
            return "Lệ phí đăng ký khai sinh là bao nhiêu?"
        return faithful(prompt)

    llm.script = script
    result = assistant_with_llm.ask(
        AskRequest(
            question="Còn lệ phí thì sao?",
            history=[{"question": "Thủ tục đăng ký khai sinh thế nào?", "answer": "..."}],
        )
    )
    assert result.standalone_question == "Lệ phí đăng ký khai sinh là bao nhiêu?"
    assert all(c.doc_id == "05-tu-phap-ho-tich" for c in result.citations)


def test_the_scripted_server_sees_our_numbered_passages(assistant_with_llm, llm):
    assistant_with_llm.ask(AskRequest(question=QUESTION))
    prompt = "\n".join(m["content"] for m in llm.requests[-1]["messages"])
    assert len(passages_in(prompt)) >= 3
