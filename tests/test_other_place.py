"""What the named province's text does not state, another province's may: it is offered as that
province's, inside the refusal, never as the answer. Real resolutions of two provinces (shipped
embeddings), real chain at the product's refusal threshold."""

from __future__ import annotations

import pytest

from tests.conftest import asking

FILES = [
    "resolutions/hung-yen-kh-nam-can-bo-co-so-2026.txt",
    "resolutions/hung-yen-kh-nam-can-bo-co-so-2026.meta.yaml",
    "resolutions/tay-ninh-34-nq-tu.txt",
    "resolutions/tay-ninh-34-nq-tu.meta.yaml",
]


@pytest.fixture(scope="module")
def ask(tmp_path_factory):
    return asking(tmp_path_factory.mktemp("places"), FILES)


def test_another_provinces_target_is_offered_when_the_named_plan_is_silent(ask):
    # Hưng Yên's plan sets no share of women officials; Tây Ninh's resolution does (25%). The
    # question used to get a bare "not found"
    result = ask("Hưng Yên đặt mục tiêu bao nhiêu phần trăm cán bộ nữ?")
    assert result.refused and result.refusal_reason == "named place not stated"
    assert "Hưng Yên không nêu nội dung anh/chị hỏi" in result.answer
    assert result.citations and all(c.doc_id == "tay-ninh-34-nq-tu" for c in result.citations)
    assert "cán bộ nữ đạt từ 25%" in result.answer
    assert any("tỉnh khác" in w for w in result.warnings)


def test_nothing_is_offered_when_no_province_states_it(ask):
    result = ask("Hưng Yên trả phụ cấp cho trưởng thôn bao nhiêu tiền một tháng?")
    assert result.refused and result.refusal_reason != "named place not stated"
    assert not result.citations
