"""Phone shorthand ("ko", "dc", "j", "ntn") is read written out: the question is searched and
judged as if typed in full (real small index, real chain: tests/conftest.py)."""

from __future__ import annotations

import pytest

from assistant.schemas import AskRequest
from assistant.shorthand import expand_shorthand


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("lam khai sinh can giay to j", "lam khai sinh can giay to gi"),
        ("nhat dc vi tien k biet cua ai", "nhat duoc vi tien khong biet cua ai"),
        ("Đăng ký kết hôn có mất phí ko?", "Đăng ký kết hôn có mất phí không?"),
        ("dang ky tam tru lam ntn", "dang ky tam tru lam nhu the nao"),
        # a point of a law, an initial and a word that only contains the letters stay
        ("theo điểm k khoản 1", "theo điểm k khoản 1"),
        ("Phim gắn nhãn loại K nghĩa là gì?", "Phim gắn nhãn loại K nghĩa là gì?"),
        ("xem phim loai k co can bo me di cung k", "xem phim loai k co can bo me di cung khong"),
        ("các trường hợp tại điểm k) khoản 2", "các trường hợp tại điểm k) khoản 2"),
        ("kho bạc, kg.", "kho bạc, kg."),
        ("KO DC A", "khong duoc A"),
    ],
)
def test_shorthand_is_written_out_in_the_questions_own_script(typed, read):
    assert expand_shorthand(typed) == read


def test_a_question_in_shorthand_is_answered_as_the_one_written_out(assistant_chain):
    short = assistant_chain.ask(AskRequest(question="dang ky khai sinh cho con can giay to j"))
    full = assistant_chain.ask(AskRequest(question="dang ky khai sinh cho con can giay to gi"))
    assert not short.refused and not full.refused
    assert [c.section for c in short.citations] == [c.section for c in full.citations]
    assert short.confidence == full.confidence
    assert short.question == "dang ky khai sinh cho con can giay to j"  # shown as typed
