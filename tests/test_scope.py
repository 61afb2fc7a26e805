"""A question naming a province or a document number is answered from that document.

Two provinces' resolutions say similar things about the same topic, and each repeats its own
name in its preamble; a shared handbook chapter sits beside them. Real index, real chain.
"""

from __future__ import annotations

import pytest

from assistant.chain import Assistant
from assistant.schemas import AskRequest, Turn
from assistant.scope import ScopeDetector
from ingest.pipeline import run_ingest
from tests.conftest import make_settings

TAY_NINH = """---
title: "Nghị quyết số 34-NQ/TU của Tỉnh ủy Tây Ninh về cán bộ cơ sở"
number: "34-NQ/TU"
type: "Nghị quyết"
province: "Tây Ninh"
status: "hiệu lực"
---

# Nghị quyết số 34-NQ/TU của Tỉnh ủy Tây Ninh về nâng cao chất lượng cán bộ cơ sở tỉnh Tây Ninh

Tỉnh ủy Tây Ninh ban hành Nghị quyết 34 về cán bộ cơ sở của tỉnh Tây Ninh; các cấp ủy ở
Tây Ninh quán triệt Nghị quyết 34.

## 1. Mục tiêu

Đến năm 2030, 100% cán bộ cơ sở có trình độ đại học.

Phấn đấu có từ 85% cán bộ cơ sở hoàn thành tốt nhiệm vụ trở lên.

## 2. Cán bộ nữ

Tỷ lệ cán bộ nữ trong quy hoạch đạt từ 25% trở lên.
"""

BAC_NINH = """---
title: "Nghị quyết của Ban Thường vụ Tỉnh ủy Bắc Ninh về cán bộ xã, phường"
type: "Nghị quyết"
province: "Bắc Ninh"
status: "hiệu lực"
---

# Nghị quyết của Ban Thường vụ Tỉnh ủy Bắc Ninh về cán bộ xã, phường

## 1. Mục tiêu

Mục tiêu mỗi năm có trên 90% cán bộ xã, phường hoàn thành tốt nhiệm vụ.

## 2. Cán bộ nữ

Tỷ lệ cán bộ nữ đạt từ 30% trở lên.
"""

HANDBOOK = """---
title: "Cẩm nang nghiệp vụ cấp xã - Chương 5: Hộ tịch"
type: "Cẩm nang"
province: "Dùng chung"
status: "bản mẫu"
---

# Chương 5. HỘ TỊCH

## 5.1. Đăng ký khai sinh

**Thời hạn giải quyết:** Ngay trong ngày nhận đủ hồ sơ.
"""


@pytest.fixture(scope="module")
def chain(tmp_path_factory) -> Assistant:
    root = tmp_path_factory.mktemp("scope")
    knowledge = root / "knowledge"
    knowledge.mkdir()
    for name, text in (
        ("tay-ninh.md", TAY_NINH),
        ("bac-ninh.md", BAC_NINH),
        ("05-ho-tich.md", HANDBOOK),
    ):
        (knowledge / name).write_text(text, encoding="utf-8")
    # three short documents give the refusal model (calibrated on the whole knowledge base)
    # little to go on; these tests are about which document answers, so refuse only when weak
    settings = make_settings(root, refusal_threshold=0.1)
    assert run_ingest(settings.ingest).ok
    return Assistant(settings)


def top(chain: Assistant, question: str, history: list[Turn] | None = None):
    result = chain.ask(AskRequest(question=question, history=history or []))
    return result.retrieved[0]


def test_the_named_province_decides_the_document(chain):
    # Bắc Ninh's wording is the closer match; the question asks about Tây Ninh
    question = "Tây Ninh đặt mục tiêu mỗi năm bao nhiêu cán bộ hoàn thành tốt nhiệm vụ?"
    passage = top(chain, question)
    assert passage.doc_id == "tay-ninh" and "85%" in passage.text
    assert top(chain, "bac ninh muc tieu can bo hoan thanh tot nhiem vu").doc_id == "bac-ninh"


def test_words_naming_the_document_choose_it_but_do_not_rank_its_passages(chain):
    # left in, "Nghị quyết 34 … Tây Ninh" matches the preamble that repeats the document's name
    snap = chain.provider.get()
    question = "Nghị quyết 34 của Tây Ninh yêu cầu trình độ cán bộ ra sao?"
    query = chain.searcher.prepare_query(question, snap, chain.searcher.config)
    assert "tay ninh" not in query["folded"] and "34" not in query["folded"]
    assert "trinh do can bo" in query["folded"]
    assert "Tây Ninh" in query["dense"]  # the embedder still reads the whole question
    passage = top(chain, question)
    assert "100% cán bộ cơ sở có trình độ đại học" in passage.text


def test_a_conversation_stays_with_the_province_it_named(chain):
    first = Turn(question="Tây Ninh đặt mục tiêu trình độ cán bộ thế nào?", answer="100% đại học.")
    passage = top(chain, "Tỷ lệ cán bộ nữ phải đạt bao nhiêu phần trăm?", [first])
    assert passage.doc_id == "tay-ninh"
    assert "25%" in passage.text


def test_shared_handbook_chapters_are_not_pushed_away_by_a_province_name(chain):
    assert top(chain, "Ở Tây Ninh đăng ký khai sinh mất bao lâu?").doc_id == "05-ho-tich"


def test_scope_detection_reads_names_numbers_and_unaccented_typing():
    detector = ScopeDetector(
        {
            "tn": {"province": "Tây Ninh", "number": "34-NQ/TU"},
            "bn": {"province": "Bắc Ninh", "number": None},
            "hb": {"province": "Dùng chung", "number": "CNNV-05"},
        }
    )
    scope = detector.detect("Theo Nghị quyết số 34, cán bộ trẻ chiếm bao nhiêu?")
    assert scope.named == {"tn"} and scope.other == {"bn"}
    assert scope.rest == "Theo cán bộ trẻ chiếm bao nhiêu?"
    assert detector.detect("bac ninh danh gia can bo").named == {"bn"}
    assert detector.detect("đăng ký khai sinh").named == frozenset()  # the handbook has no place
    both = detector.detect("Tây Ninh và Bắc Ninh khác nhau thế nào?")
    assert both.named == {"tn", "bn"} and not both.other


def test_a_province_no_document_covers_is_not_answered_from_another_provinces_resolution(chain):
    result = chain.ask(AskRequest(question="Đồng Nai đặt mục tiêu tỷ lệ cán bộ nữ bao nhiêu?"))
    assert result.refused and not result.citations
    assert result.refusal_reason == "place not covered"
    assert "chưa có văn bản của Đồng Nai" in result.answer
    assert "Bắc Ninh, Tây Ninh" in result.answer  # what the knowledge base does hold


def test_a_province_is_asked_about_as_the_author_of_a_rule_or_as_a_place():
    detector = ScopeDetector(
        {"tn": {"province": "Tây Ninh"}, "bn": {"province": "Bắc Ninh"}},
        provinces=("Tây Ninh", "Bắc Ninh", "Thanh Hóa", "Hà Tĩnh"),
    )
    # what the province decided for itself: its plan, its figures, its support
    assert detector.detect("Hà Tĩnh quy định mức chi cho tổ hòa giải?").asked_of == ("Hà Tĩnh",)
    asked = detector.detect("ke hoach chuyen doi so cua tinh Thanh Hoa co chi tieu gi")
    assert asked.asked_of == ("Thanh Hóa",)
    # where someone lives or files: the shared handbook still answers
    assert detector.detect("Tôi quê ở Thanh Hóa, có kế hoạch tạm trú lâu dài").asked_of == ()
    assert detector.detect("Ở tỉnh Hà Tĩnh đăng ký khai sinh mất bao lâu?").asked_of == ()
    # a province with documents named only to compare with is not the one asked about
    like = detector.detect("Thanh Hóa có triển khai giống Bắc Ninh không?")
    assert not like.named and like.other == {"tn", "bn"} and like.asked_of == ("Thanh Hóa",)
    assert detector.detect("Tây Ninh có làm tương tự Bắc Ninh không?").named == {"tn"}


def test_what_a_province_without_documents_decided_is_not_answered_from_the_handbook(chain):
    # the shared handbook states the deadline; it cannot say what Đồng Nai itself decided
    result = chain.ask(AskRequest(question="Đồng Nai quy định đăng ký khai sinh mất bao lâu?"))
    assert result.refused and result.refusal_reason == "place not covered"
    assert "chưa có văn bản của Đồng Nai" in result.answer
    compared = chain.ask(AskRequest(question="Đồng Nai có triển khai giống Bắc Ninh không?"))
    assert compared.refused and compared.refusal_reason == "place not covered"


def test_the_shared_handbook_still_answers_for_any_province_and_says_so(chain):
    result = chain.ask(AskRequest(question="Ở Đồng Nai đăng ký khai sinh mất bao lâu?"))
    assert not result.refused
    assert result.citations[0].doc_id == "05-ho-tich"
    assert any("Đồng Nai" in w and "cẩm nang dùng chung" in w for w in result.warnings)


def test_what_the_named_province_does_not_say_is_offered_only_as_another_provinces(chain):
    # only Tây Ninh's resolution sets a target for university degrees
    result = chain.ask(AskRequest(question="Bắc Ninh đặt mục tiêu trình độ đại học của cán bộ?"))
    assert result.refused and result.refusal_reason == "named place not stated"
    assert result.answer.startswith("Nghị quyết của Ban Thường vụ Tỉnh ủy Bắc Ninh")
    assert "không nêu nội dung anh/chị hỏi" in result.answer
    assert "không phải quy định hay chỉ tiêu của tỉnh được hỏi" in result.answer
    # Tây Ninh's sentence is quoted and cited as Tây Ninh's, never as Bắc Ninh's answer
    assert result.citations and all(c.doc_id == "tay-ninh" for c in result.citations)
    assert "100% cán bộ cơ sở có trình độ đại học" in result.answer
    assert any("tỉnh khác" in w for w in result.warnings)
    # what Bắc Ninh's own text does say is answered from it
    own = chain.ask(AskRequest(question="Bắc Ninh đặt tỷ lệ cán bộ nữ bao nhiêu?"))
    assert not own.refused and own.citations[0].doc_id == "bac-ninh"


def test_an_answer_for_the_named_province_quotes_no_other_provinces_sentence(chain):
    # Bắc Ninh's "Tỷ lệ cán bộ nữ đạt từ 30%" shares every word of the question but Tây Ninh's
    result = chain.ask(
        AskRequest(question="Nghị quyết 34 của Tây Ninh đặt tỷ lệ cán bộ nữ bao nhiêu?")
    )
    assert not result.refused and result.citations[0].doc_id == "tay-ninh"
    assert "bac-ninh" not in {c.doc_id for c in result.citations}, result.answer


def test_the_words_naming_a_document_do_not_choose_its_sentence(chain):
    # "Tây Ninh … nghị quyết 34" chose the document; inside it they matched its preamble
    # ("Tỉnh ủy Tây Ninh ban hành Nghị quyết 34 …"), which then led the answer
    result = chain.ask(AskRequest(question="Tây Ninh ban hành nghị quyết 34 về cán bộ nữ thế nào?"))
    assert not result.refused
    assert "cán bộ nữ" in result.citations[0].quote, result.citations[0].quote[:60]


def test_a_province_without_documents_named_beside_one_with_them_is_said_to_have_none(chain):
    result = chain.ask(AskRequest(question="Đồng Nai và Bắc Ninh đặt tỷ lệ cán bộ nữ bao nhiêu?"))
    assert not result.refused and result.citations[0].doc_id == "bac-ninh"
    assert any("chưa có văn bản của Đồng Nai" in w for w in result.warnings)


def test_the_page_shows_the_other_provinces_quote_under_the_refusal_title(chain):
    from assistant.ui import render_conversation

    result = chain.ask(AskRequest(question="Bắc Ninh đặt mục tiêu trình độ đại học của cán bộ?"))
    page = render_conversation(
        [{"question": result.question, "answer": result.answer, "result": result.model_dump()}]
    )
    assert "Văn bản của tỉnh được hỏi không nêu nội dung này" in page  # the refusal's title
    assert "cn-chip" in page and "cn-answer" in page  # quoted and cited like an answer
    assert "&gt; " not in page  # the quote is rendered, not shown as Markdown source
    assert "Gợi ý: nêu rõ tên thủ tục" not in page
