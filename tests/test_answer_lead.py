"""What an answer quotes first: the sentence that answers this question, not a paragraph that
only shares its words. Real index of a handbook chapter (shipped embeddings), real chain."""

from __future__ import annotations

import pytest

from assistant.chain import Assistant
from assistant.schemas import AskRequest
from tests.conftest import ingested

CHAPTER = "handbook/06-tiep-cong-dan-khieu-nai-to-cao.md"


@pytest.fixture(scope="module")
def ask(tmp_path_factory):
    corpus = ingested(tmp_path_factory.mktemp("lead"), [CHAPTER], n_docs=1, prebuilt=True)
    chain = Assistant(corpus.settings)
    return lambda question: chain.ask(AskRequest(question=question))


def test_a_general_question_is_not_answered_with_a_worked_cases_story(ask):
    # the case "Ông Hoàng Văn P. nộp đơn … cách đây 5 tháng" shares the question's words and
    # ranks first in this index; how the case is handled ("… không thụ lý") is the answer
    result = ask("dan muon kien quyet dinh cua chu tich xa thi phai nop don trong bao lau")
    assert not result.refused
    first = result.citations[0].quote
    assert not first.startswith("**Tình huống:**"), first[:80]
    assert "thụ lý" in first, first[:80]


def test_a_count_question_leads_with_the_sentence_stating_all_it_asks(ask):
    # "mấy ngày một tuần": the deadline paragraph states days ("30 ngày"), the steps state the
    # days a week ("ít nhất 01 ngày trong tuần")
    result = ask("Chủ tịch UBND xã phải trực tiếp tiếp dân mấy ngày một tuần?")
    assert not result.refused
    assert "01 ngày trong tuần" in result.citations[0].quote, result.citations[0].quote[:80]
