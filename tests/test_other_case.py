"""A question on one case of a pair ("khiếu nại lần hai") is not answered from the procedure
titled for the other ("6.3. Giải quyết khiếu nại lần đầu …") unless what states the answer names
the case asked. Real index of the handbook's chapter 6 (shipped embeddings), real chain."""

from __future__ import annotations

import pytest

from assistant.questions import titled_other_case
from tests.conftest import asking

CHAPTER = "handbook/06-tiep-cong-dan-khieu-nai-to-cao.md"
FIRST = "Giải quyết khiếu nại lần đầu của Chủ tịch UBND xã"


@pytest.fixture(scope="module")
def ask(tmp_path_factory):
    return asking(tmp_path_factory.mktemp("other-case"), [CHAPTER])


def test_a_title_for_the_other_case_is_read_with_or_without_diacritics():
    deadline = "Thời hạn giải quyết: Không quá 30 ngày kể từ ngày thụ lý."
    assert titled_other_case("Thời hạn giải quyết khiếu nại lần hai là bao lâu?", FIRST, [deadline])
    assert titled_other_case("khieu nai lan 2 giai quyet trong bao lau", FIRST, [deadline])
    # the case asked is the title's, or a text stating the answer names it
    assert not titled_other_case("Khiếu nại lần đầu giải quyết trong bao lâu?", FIRST, [deadline])
    assert not titled_other_case(
        "Khiếu nại lần hai gửi ai?", FIRST, ["… khiếu nại lần hai lên cấp tỉnh …"]
    )
    # a question naming no case, or both
    assert not titled_other_case("Khiếu nại giải quyết trong bao lâu?", FIRST, [deadline])
    assert not titled_other_case("Lần đầu và lần hai khác nhau thế nào?", FIRST, [deadline])


def test_the_first_complaints_deadline_does_not_answer_the_second(ask):
    result = ask("Thời hạn giải quyết khiếu nại lần hai là bao lâu?")
    assert result.refused and result.refusal_reason == "weak evidence"
    assert result.confidence == 0.0  # a check found the passages do not answer it
    # the first complaint's own deadline is still answered
    first = ask("Thời hạn giải quyết khiếu nại lần đầu là bao lâu?")
    assert not first.refused
    assert "6.3." in first.citations[0].section and "30 ngày" in first.answer


def test_what_the_procedure_says_of_the_other_case_still_answers(ask):
    # 6.3 notes that a second complaint goes to the province
    result = ask("Khiếu nại lần hai lên cấp nào giải quyết?")
    assert not result.refused
    assert "lần hai" in result.answer
