"""A text no longer in force (expired, or replaced by another text in the index) is never
quoted for a question that does not name it; named, it is quoted with a warning that says
what replaced it. On the real chain over a real index."""

from __future__ import annotations

import pytest

from assistant.schemas import AskRequest
from ingest.model import EXPIRED_STATUS
from tests.conftest import SMALL_CORPUS, copy_corpus, make_settings

OLD = """QUYẾT ĐỊNH
Về lệ phí hộ tịch trên địa bàn tỉnh

Điều 1. Lệ phí đăng ký khai sinh là 50.000 đồng cho mỗi trường hợp đăng ký khai sinh.

Điều 2. Lệ phí đăng ký kết hôn là 80.000 đồng cho mỗi trường hợp đăng ký kết hôn.
"""
NEW = """QUYẾT ĐỊNH
Về lệ phí hộ tịch trên địa bàn tỉnh (thay thế)

Điều 1. Miễn lệ phí đăng ký hộ tịch cho các trường hợp theo quy định của pháp luật.
"""
EXPIRED = """HƯỚNG DẪN
Về tiếp nhận hồ sơ đăng ký khai sinh

1. Hồ sơ đăng ký khai sinh nộp tại nhà văn hoá thôn vào ngày thứ bảy hằng tuần.
"""


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    from assistant.chain import Assistant
    from ingest.pipeline import run_ingest

    root = tmp_path_factory.mktemp("validity")
    knowledge = copy_corpus(root / "knowledge", SMALL_CORPUS)
    old = knowledge / "van-ban"
    old.mkdir()
    (old / "qd-le-phi-2019.txt").write_text(OLD, encoding="utf-8")
    (old / "qd-le-phi-2019.meta.yaml").write_text(
        "number: 12/2019/QĐ-UBND\ntype: Quyết định\n", encoding="utf-8"
    )
    (old / "qd-le-phi-2025.txt").write_text(NEW, encoding="utf-8")
    (old / "qd-le-phi-2025.meta.yaml").write_text(
        "number: 7/2025/QĐ-UBND\ntype: Quyết định\nreplaces: 12/2019/QĐ-UBND\n",
        encoding="utf-8",
    )
    (old / "hd-khai-sinh-cu.txt").write_text(EXPIRED, encoding="utf-8")
    (old / "hd-khai-sinh-cu.meta.yaml").write_text(
        f"title: Hướng dẫn cũ về khai sinh\nstatus: {EXPIRED_STATUS}\n", encoding="utf-8"
    )
    settings = make_settings(root)
    assert run_ingest(settings.ingest).ok
    return Assistant(settings)


STALE = {"qd-le-phi-2019", "hd-khai-sinh-cu"}


@pytest.mark.parametrize(
    "question",
    [
        "Lệ phí đăng ký khai sinh là bao nhiêu?",
        "le phi dang ky ket hon bao nhieu tien",
        "Hồ sơ đăng ký khai sinh nộp ở đâu, vào ngày nào?",
    ],
)
def test_a_text_out_of_force_is_not_used_unless_named(chain, question):
    result = chain.ask(AskRequest(question=question))
    assert not {p.doc_id for p in result.retrieved} & STALE
    assert not {c.doc_id for c in result.citations} & STALE


def test_named_it_is_quoted_with_what_replaced_it(chain):
    result = chain.ask(
        AskRequest(
            question="Quyết định 12/2019/QĐ-UBND về lệ phí hộ tịch: lệ phí đăng ký kết hôn là bao nhiêu?"
        )
    )
    assert result.citations and result.citations[0].doc_id == "qd-le-phi-2019"
    assert any(
        "Quyết định 12/2019/QĐ-UBND đã được thay thế bởi Quyết định 7/2025/QĐ-UBND" in w
        for w in result.warnings
    ), result.warnings
