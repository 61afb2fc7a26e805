"""When sources disagree on a figure the answer says so and quotes both: an upload stating
5.000.000 đồng for a khai sinh registration against the handbook's "Miễn lệ phí", on a private
copy of the small corpus ingested for real, asked through the API."""

from __future__ import annotations

import time

import pytest

from assistant.chain import FIGURES_DIFFER
from assistant.figures import figures
from assistant.provenance import UNREVIEWED_WARNING
from tests.conftest import admin_environment

UPLOAD = (
    "# Thông báo lệ phí hộ tịch\n\n## Lệ phí đăng ký khai sinh\n\n"
    "Lệ phí đăng ký khai sinh là 5.000.000 đồng cho mỗi trường hợp đăng ký khai sinh.\n"
)
QUESTION = "Lệ phí đăng ký khai sinh là bao nhiêu?"


def test_figures_are_read_as_amounts_in_dong():
    assert figures("Lệ phí là 5.000.000 đồng.") == {5_000_000}
    assert figures("Mức thu 2 triệu đồng/hồ sơ") == {2_000_000}
    assert figures("Miễn lệ phí khi đăng ký đúng hạn.") == {0}
    assert figures("Theo Nghị quyết của HĐND tỉnh.") == frozenset()
    assert figures("Điều 5 khoản 2") == frozenset()  # numbers that are no amount


@pytest.fixture(scope="module")
def env(tmp_path_factory, corpus, assistant_chain):
    yield from admin_environment(tmp_path_factory.mktemp("figures"), corpus, assistant_chain)


def _ask(client, headers) -> dict:
    r = client.post("/v1/ask", json={"question": QUESTION}, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


def test_an_upload_with_another_fee_is_shown_beside_the_handbook_and_the_answer_says_so(env):
    _settings, _service, client, headers = env
    before = _ask(client, headers)
    assert not any("khác nhau" in w for w in before["warnings"]), before["warnings"]

    r = client.post(
        "/v1/admin/documents", headers=headers, files={"file": ("le-phi.md", UPLOAD.encode())}
    )
    assert r.status_code == 202, r.text
    deadline = time.monotonic() + 300
    while (job := client.get(f"/v1/admin/jobs/{r.json()['id']}", headers=headers).json())[
        "status"
    ] not in ("succeeded", "failed"):
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert job["status"] == "succeeded", job

    answer = _ask(client, headers)
    cites = answer["citations"]
    assert cites[0]["doc_id"] != "le-phi" and "Miễn lệ phí" in cites[0]["quote"], cites[0]
    upload = [c for c in cites if c["doc_id"] == "le-phi"]
    assert upload and "5.000.000 đồng" in upload[0]["quote"], cites
    differ = FIGURES_DIFFER.format(a=1, b=upload[0]["n"])
    assert differ in answer["warnings"] and UNREVIEWED_WARNING in answer["warnings"]
    assert f"[{upload[0]['n']}]" in answer["answer"] and "[1]" in answer["answer"]
