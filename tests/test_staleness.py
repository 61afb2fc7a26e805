"""Validity in answers and the staleness report, on a small real corpus ingested into a temp index
and served by the real app: a handbook whose law was checked long ago, with a section marked
"**Cần rà soát:**" and legal bases naming a replaced and an expired resolution, the resolutions
themselves, a fresh one, and a file without any validity metadata."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.schemas import AskRequest
from tests.conftest import make_settings

RECENT = (dt.date.today() - dt.timedelta(days=30)).isoformat()

HANDBOOK = """---
title: "Cẩm nang thử - Chương 1: Hộ tịch"
number: "CNT-01"
type: "Cẩm nang"
date: "2024-01-15"
status: "bản mẫu"
legal_as_of: "2023-06-30"
---

# Chương 1. HỘ TỊCH

Chương này hướng dẫn công chức tư pháp - hộ tịch cấp xã các việc đăng ký khai sinh, chứng thực bản sao và niêm yết lệ phí.

## 1.1. Đăng ký khai sinh cho trẻ em

**Thời hạn giải quyết:** Trả kết quả đăng ký khai sinh ngay trong ngày làm việc nếu hồ sơ đủ.

**Căn cứ pháp lý:** Nghị quyết 12/2020/NQ-HĐND (Điều 3); Luật Hộ tịch 2014 (Điều 16).

## 1.2. Chứng thực bản sao từ bản chính

**Thời hạn giải quyết:** Chứng thực bản sao từ bản chính trong ngày tiếp nhận yêu cầu.

**Lệ phí:** Phí chứng thực bản sao theo biểu phí của Nghị quyết 20/2024/NQ-HĐND.

**Căn cứ pháp lý:** Nghị quyết 20/2024/NQ-HĐND (Điều 2).

**Cần rà soát:** Biểu phí chứng thực có thể đã đổi từ ngày 01/7/2026, chưa đối chiếu.

## 1.3. Niêm yết lệ phí hộ tịch

**Trình tự thực hiện:** Niêm yết bảng lệ phí hộ tịch tại trụ sở UBND xã.

**Căn cứ pháp lý:** Nghị quyết 05/2019/NQ-HĐND (Điều 1).
"""


def resolution(number: str, body: str, **meta: str) -> str:
    front = "\n".join(f'{k}: "{v}"' for k, v in {"number": number, **meta}.items())
    return f"---\n{front}\n---\n\n# NGHỊ QUYẾT {number}\n\n{body}\n"


OLD = resolution(
    "12/2020/NQ-HĐND",
    "Điều 3. Miễn lệ phí đăng ký khai sinh đúng hạn cho mọi trường hợp trên địa bàn tỉnh.",
    type="Nghị quyết",
    status="hiệu lực",
    date="2020-07-15",
    effective="2020-08-01",
)
NEW = resolution(
    "20/2024/NQ-HĐND",
    "Điều 2. Biểu phí chứng thực bản sao từ bản chính là 2.000 đồng mỗi trang.",
    type="Nghị quyết",
    status="hiệu lực",
    date=RECENT,
    effective=RECENT,
    replaces="12/2020/NQ-HĐND",
)
EXPIRED = resolution(
    "05/2019/NQ-HĐND",
    "Điều 1. Bảng lệ phí hộ tịch niêm yết tại nhà văn hóa thôn.",
    type="Nghị quyết",
    status="hết hiệu lực",
    date="2019-03-01",
)
UNDATED = "THÔNG BÁO\n\nLịch tiếp công dân của xã vào sáng thứ năm hằng tuần tại trụ sở UBND xã.\n"


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    from fastapi.testclient import TestClient

    from assistant.chain import Assistant
    from assistant.server.app import create_app
    from assistant.server.service import Service
    from ingest.pipeline import run_ingest

    root = tmp_path_factory.mktemp("staleness")
    knowledge = root / "knowledge"
    (knowledge / "handbook").mkdir(parents=True)
    (knowledge / "van-ban").mkdir()
    (knowledge / "handbook" / "cam-nang-thu.md").write_text(HANDBOOK, encoding="utf-8")
    (knowledge / "van-ban" / "nq-12-2020.md").write_text(OLD, encoding="utf-8")
    (knowledge / "van-ban" / "nq-20-2024.md").write_text(NEW, encoding="utf-8")
    (knowledge / "van-ban" / "nq-05-2019.md").write_text(EXPIRED, encoding="utf-8")
    (knowledge / "van-ban" / "thong-bao.txt").write_text(UNDATED, encoding="utf-8")
    settings = make_settings(root, review_after_months=12)
    report = run_ingest(settings.ingest)
    assert report.ok and len(report.added) == 5, report.summary()
    service = Service(settings, assistant=Assistant(settings))
    app = create_app(settings, service=service, mount_ui=False, warm_up=False)
    _, admin = service.keys.create("admin", "maintainer")
    _, reader = service.keys.create("reader", "portal")
    with TestClient(app) as client:
        yield (
            client,
            service,
            {"Authorization": f"Bearer {admin}"},
            {"Authorization": f"Bearer {reader}"},
        )
    service.close()


def test_the_staleness_report_lists_each_case(env):
    client, _, admin, _ = env
    r = client.get("/v1/admin/staleness", headers=admin)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["review_after_months"] == 12

    # (a) past the review date: the handbook by its legal_as_of; not the fresh resolution, not
    # the texts out of force (they are not used to answer), not the undated notice
    past = {p["doc_id"]: p for p in body["past_review"]}
    assert set(past) == {"cam-nang-thu"}
    assert past["cam-nang-thu"]["as_of"] == "2023-06-30"
    assert past["cam-nang-thu"]["as_of_field"] == "legal_as_of"

    # (b) the section marked for review, with its reason
    [marked] = body["under_review"]
    assert marked["doc_id"] == "cam-nang-thu"
    assert marked["section"] == "Chương 1. HỘ TỊCH › 1.2. Chứng thực bản sao từ bản chính"
    assert marked["reason"].startswith("Biểu phí chứng thực có thể đã đổi từ ngày 01/7/2026")

    # (c) legal bases naming a replaced and an expired text; 1.2 names the text in force
    stale = {(s["section"].rsplit(" › ", 1)[-1], s["named_doc_id"]): s for s in body["stale_basis"]}
    assert set(stale) == {
        ("1.1. Đăng ký khai sinh cho trẻ em", "nq-12-2020"),
        ("1.3. Niêm yết lệ phí hộ tịch", "nq-05-2019"),
    }
    assert "thay thế bởi" in stale[("1.1. Đăng ký khai sinh cho trẻ em", "nq-12-2020")]["why"]
    assert "20/2024/NQ-HĐND" in stale[("1.1. Đăng ký khai sinh cho trẻ em", "nq-12-2020")]["why"]
    assert stale[("1.3. Niêm yết lệ phí hộ tịch", "nq-05-2019")]["why"] == "đã hết hiệu lực"
    assert "05/2019/NQ-HĐND" in stale[("1.3. Niêm yết lệ phí hộ tịch", "nq-05-2019")]["basis"]

    # (d) the notice states no status and no date of currency
    missing = {m["doc_id"]: m["missing"] for m in body["missing_validity"]}
    assert missing == {"thong-bao": ["status", "effective", "legal_as_of"]}


def test_the_review_period_is_a_setting(env):
    from assistant.server.services.staleness import staleness_report

    _, service, _, _ = env
    snap = service.engine.snapshot()
    assert [p.doc_id for p in staleness_report(snap, 12).past_review] == ["cam-nang-thu"]
    # 600 months back from today is before 2023-06-30: nothing is past review
    assert staleness_report(snap, 600).past_review == []


def test_the_staleness_report_is_for_admins_only(env):
    client, _, _, reader = env
    assert client.get("/v1/admin/staleness", headers=reader).status_code == 403
    assert client.get("/v1/admin/staleness").status_code == 401


def test_a_quote_from_a_section_under_review_says_so_with_the_reason(env):
    client, _, _, reader = env
    r = client.post(
        "/v1/ask",
        json={"question": "Chứng thực bản sao từ bản chính mất bao lâu?"},
        headers=reader,
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert not body["refused"], body["answer"]
    cited = [c for c in body["citations"] if c["doc_id"] == "cam-nang-thu"]
    assert any("1.2. Chứng thực" in c["section"] for c in cited), cited
    reason = "Biểu phí chứng thực có thể đã đổi từ ngày 01/7/2026, chưa đối chiếu."
    for c in cited:  # the marked section's quotes carry the reason, the others do not
        assert c["review"] == (reason if "1.2. Chứng thực" in c["section"] else ""), c
    assert any("cần rà soát" in w and reason in w for w in body["warnings"]), body["warnings"]


def test_an_unmarked_section_is_quoted_without_a_review_note(env):
    _, service, _, _ = env
    result = service.assistant.ask(AskRequest(question="Đăng ký khai sinh trả kết quả khi nào?"))
    cited = [c for c in result.citations if c.doc_id == "cam-nang-thu"]
    assert cited and not any("1.2. Chứng thực" in c.section for c in cited), cited
    assert all(c.review == "" for c in cited)
    assert not any("cần rà soát" in w for w in result.warnings)


def test_every_citation_carries_the_status_and_dates_of_its_text(env):
    client, _, _, reader = env
    body = client.post(
        "/v1/ask",
        json={"question": "Chứng thực bản sao từ bản chính mất bao lâu?"},
        headers=reader,
    ).json()
    c = next(c for c in body["citations"] if c["doc_id"] == "cam-nang-thu")
    assert (c["status"], c["date"], c["legal_as_of"]) == ("bản mẫu", "2024-01-15", "2023-06-30")


def test_the_cli_prints_status_dates_and_the_review_reason(env):
    from assistant.cli import format_answer

    _, service, _, _ = env
    result = service.assistant.ask(
        AskRequest(question="Chứng thực bản sao từ bản chính mất bao lâu?")
    )
    text = format_answer(result)
    assert "trạng thái: bản mẫu" in text
    assert "ngày văn bản 15/01/2024" in text and "pháp luật cập nhật đến 30/06/2023" in text
    assert "Cần rà soát: Biểu phí chứng thực có thể đã đổi từ ngày 01/7/2026" in text
