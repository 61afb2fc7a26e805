"""Personal data typed into a question: kept out of scoring and of what the chain logs; and
questions with no words at all, refused by the request contract with a Vietnamese message."""

from __future__ import annotations

import logging

import pytest
from pydantic import ValidationError

from assistant.privacy import for_search, has_personal_data, redact
from assistant.schemas import NO_WORDS, AskRequest

CCCD, PHONE, EMAIL = "079123456789", "0912 345 678", "nguyen.van.a@gmail.com"


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        (f"CCCD {CCCD} đăng ký khai sinh", "CCCD [số định danh] đăng ký khai sinh"),
        (f"gọi {PHONE} hoặc +84912345678", "gọi [số điện thoại] hoặc [số điện thoại]"),
        (f"gửi {EMAIL} giúp", "gửi [email] giúp"),
        ("CMND 123456789 cấp lại", "CMND [số định danh] cấp lại"),
        ("STK 19031234567890 Techcombank", "STK [số định danh] Techcombank"),
    ],
)
def test_personal_numbers_and_addresses_are_replaced_by_a_label(text, kept):
    assert has_personal_data(text)
    assert redact(text) == kept


@pytest.mark.parametrize(
    "text",
    [
        "Nghị định 123/2015/NĐ-CP ngày 22/11/2026",
        "lệ phí 5.000.000 đồng, hoặc 100000 đồng",
        "Nghị quyết số 34-NQ/TU, Điều 22 khoản 3, 07 ngày làm việc",
        "mã hồ sơ 000.00.12.H56-250101-0001",
    ],
)
def test_numbers_that_documents_use_are_left_alone(text):
    assert not has_personal_data(text) and redact(text) == text


def test_a_cccd_in_the_question_changes_nothing_in_what_is_found(assistant_chain, caplog):
    plain = assistant_chain.ask(AskRequest(question="Đăng ký khai sinh cần giấy tờ gì?"))
    with caplog.at_level(logging.INFO, logger="camnang"):
        with_id = assistant_chain.ask(
            AskRequest(question=f"Đăng ký khai sinh cho cháu, mẹ CCCD {CCCD}, cần giấy tờ gì?")
        )
        refused = assistant_chain.ask(AskRequest(question=f"Số {PHONE} của ai, {EMAIL} là gì?"))
    assert not with_id.refused
    assert with_id.retrieved[0].id == plain.retrieved[0].id
    assert CCCD not in with_id.standalone_question
    assert refused.refused
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "unanswered question" in logged
    assert CCCD not in logged and "345 678" not in logged and EMAIL not in logged


@pytest.mark.parametrize("question", ["???", ".", "😀😀", "\x01\x02", "___", "  -- ! "])
def test_a_question_with_no_words_is_refused_by_the_request_contract(question):
    with pytest.raises(ValidationError) as refused:
        AskRequest(question=question)
    assert NO_WORDS in str(refused.value)


@pytest.mark.parametrize("question", ["a", "Lệ phí?", "34-NQ/TU", "khai sinh 😀"])
def test_short_questions_with_a_word_are_accepted(question):
    assert AskRequest(question=question).question == question


def test_the_search_text_of_a_question_is_only_its_words():
    assert for_search(f"CCCD {CCCD}, SĐT {PHONE}: đổi hộ khẩu") == "CCCD , SĐT : đổi hộ khẩu"


@pytest.fixture(scope="module")
def private_env(tmp_path_factory, corpus, assistant_chain):
    from tests.conftest import admin_environment

    yield from admin_environment(tmp_path_factory.mktemp("privacy"), corpus, assistant_chain)


def test_no_personal_number_is_kept_in_the_database_or_the_log(private_env, caplog):
    """Questions and feedback carrying a CCCD, a phone number and an e-mail go through the real
    API; afterwards none of them is in any row of the database or in any log record."""
    import sqlite3

    settings, _service, client, headers = private_env
    caplog.set_level(logging.DEBUG)
    unanswered = client.post(
        "/v1/ask",
        headers=headers,
        json={"question": f"CCCD {CCCD}, gọi {PHONE}: giá vé máy bay đi Paris bao nhiêu?"},
    ).json()
    assert unanswered["refused"]
    answered = client.post(
        "/v1/ask",
        headers=headers,
        json={"question": f"Tôi số {PHONE}, đăng ký khai sinh cần giấy tờ gì?"},
    ).json()
    feedback = client.post(
        "/v1/feedback",
        headers=headers,
        json={
            "answer_id": answered["id"],
            "rating": "down",
            "comment": f"Liên hệ {EMAIL} hoặc {PHONE}, CCCD {CCCD}",
            "question": f"CCCD {CCCD} khai sinh",
        },
    )
    assert feedback.status_code == 201, feedback.text
    report = client.get("/v1/admin/report", headers=headers).json()
    assert report["total_unanswered"] >= 1 and report["total_negative"] >= 1

    db = settings.resolved_database_url.removeprefix("sqlite:///")
    conn = sqlite3.connect(db)
    tables = [t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    stored = " ".join(
        str(value) for t in tables for row in conn.execute(f'SELECT * FROM "{t}"') for value in row
    )
    conn.close()
    assert "[số định danh]" in stored  # the rows are there, redacted
    flat, logged = stored.replace(" ", ""), caplog.text.replace(" ", "")
    for secret in (CCCD, PHONE.replace(" ", ""), EMAIL):
        assert secret not in flat and secret not in logged
