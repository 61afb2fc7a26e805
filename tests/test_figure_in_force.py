"""A figure asked is answered only by a figure in force and given for the case asked: not the
rule before ("trước đây Mẫu số 04 …"), not the other case ("Miễn lệ phí khi đăng ký đúng hạn"
for a late registration). Real index of two handbook chapters (shipped embeddings), real chain."""

from __future__ import annotations

import pytest

from assistant.chain import FORMER_RULE_WARNING
from assistant.confidence import figure_missing
from tests.conftest import asking

CHAPTERS = [
    "handbook/05-tu-phap-ho-tich.md",
    "handbook/07-cai-cach-hanh-chinh-mot-cua.md",
    "laws/luat-to-tung-hanh-chinh.txt",
    "laws/luat-to-tung-hanh-chinh.meta.yaml",
]


@pytest.fixture(scope="module")
def ask(tmp_path_factory):
    return asking(tmp_path_factory.mktemp("in-force"), CHAPTERS)


def test_a_figure_given_for_the_other_case_is_not_the_one_asked():
    fee = "Lệ phí: Miễn lệ phí khi đăng ký đúng hạn. Quá hạn thì thu theo Nghị quyết HĐND tỉnh."
    assert figure_missing("khai sinh quá hạn thì lệ phí bao nhiêu tiền", fee)
    assert not figure_missing("khai sinh đúng hạn thì lệ phí bao nhiêu tiền", fee)
    assert not figure_missing("lệ phí khai sinh bao nhiêu tiền", fee)  # no case named
    # the heading names the case for every sentence under it
    deadline = "Thời hạn giải quyết: Không quá 30 ngày kể từ ngày thụ lý."
    first = "6.3. giai quyet khieu nai lan dau cua chu tich ubnd xa"
    assert figure_missing("khiếu nại lần hai giải quyết trong bao nhiêu ngày", deadline, first)
    assert not figure_missing("khiếu nại lần đầu giải quyết trong bao nhiêu ngày", deadline, first)
    # a sentence naming both cases is given for the one asked too; "sử dụng hạn mức" is no case
    both = "Miễn lệ phí khi đăng ký đúng hạn; quá hạn thu 50.000 đồng."
    assert not figure_missing("khai sinh quá hạn thì lệ phí bao nhiêu tiền", both)
    assert not figure_missing("phí sử dụng hạn mức là bao nhiêu tiền", "Phí 20.000 đồng.")
    # what an article is about is no figure: "Điều 11 về miễn lệ phí"
    assert figure_missing("lệ phí bao nhiêu tiền", "Luật Hộ tịch (Điều 11 về miễn lệ phí)")


def test_a_fee_is_no_fine():
    # the procedure's fee is not what a fine asked for costs; a clause naming the fine is
    fee = "Lệ phí: đăng ký, gia hạn tạm trú cá nhân 15.000 đồng/lần trực tiếp."
    fine = "Người không đăng ký tạm trú bị phạt tiền từ 500.000 đồng đến 1.000.000 đồng."
    for asked in (
        "k dang ky tam tru thi bi phat bao nhieu tien vay",
        "Không đăng ký tạm trú thì mức phạt là bao nhiêu tiền?",
        "không đăng ký tạm trú bị xử phạt bao nhiêu",
    ):
        assert figure_missing(asked, fee), asked
        assert not figure_missing(asked, fine), asked
    assert not figure_missing("lệ phí đăng ký tạm trú bao nhiêu tiền", fee)


def test_a_figure_of_the_rule_before_is_not_the_one_in_force():
    form = "Biểu mẫu: Phiếu xin lỗi (trước đây Mẫu số 04 kèm Thông tư 01/2018/TT-VPCP)."
    assert figure_missing("phiếu xin lỗi là mẫu số mấy", form)
    assert not figure_missing("phiếu xin lỗi là mẫu số mấy", form, former=True)
    assert not figure_missing("trước đây phiếu xin lỗi là mẫu số mấy", form)  # asked as such
    late = "Theo Nghị định mới; trước đây Nghị định cũ quy định trong 04 ngày làm việc. Khác."
    assert figure_missing("thanh toán trong mấy ngày", late)
    # a place used before is no former rule
    assert not figure_missing("mấy ngày", "Nơi đăng ký trước đây; giải quyết trong 03 ngày.")


def test_the_answer_refuses_a_case_the_documents_give_no_figure_for(ask):
    late = ask("Đăng ký khai sinh quá hạn thì lệ phí là bao nhiêu?")
    assert late.refused and late.refusal_reason == "amount not stated", late.answer[:120]
    foreign = ask("Kết hôn với người nước ngoài ở xã thì lệ phí bao nhiêu?")
    assert foreign.refused and foreign.refusal_reason == "amount not stated"
    # the case the handbook gives a figure for is answered with it
    own = ask("Đăng ký kết hôn ở xã mất bao nhiêu tiền?")
    assert not own.refused, own.refusal_reason
    assert "Miễn lệ phí" in own.citations[0].quote


def test_a_figure_only_of_the_rule_before_is_offered_as_that_never_as_the_answer(ask):
    result = ask("Phiếu xin lỗi và hẹn lại ngày trả kết quả hiện nay là mẫu số mấy?")
    assert result.refused and result.refusal_reason == "amount not stated"
    assert "theo quy định trước đây" in result.answer
    assert FORMER_RULE_WARNING in result.warnings
    assert any("trước đây Mẫu số 04" in c.quote for c in result.citations)
    # asked about the rule before, it is the answer
    before = ask("Trước đây phiếu xin lỗi và hẹn lại ngày trả kết quả là mẫu số mấy?")
    assert not before.refused, before.refusal_reason
    assert "Mẫu số 04" in before.citations[0].quote


def test_the_lead_is_read_as_the_figure_check_reads_it_under_its_heading(ask):
    # "Thời hiệu khởi kiện" is the article's heading; its khoản 2 states the periods ("01 năm"),
    # khoản 1 defines the term: the answer leads with the khoản the figure check accepted
    result = ask("Thời hiệu khởi kiện quyết định hành chính ra tòa là bao lâu?")
    assert not result.refused, result.refusal_reason
    assert "01 năm" in result.citations[0].quote, result.citations[0].quote[:80]
