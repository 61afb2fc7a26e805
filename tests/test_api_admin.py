"""Admin document management over the API, on a private copy of the small index (these tests
change documents): replace a handbook file → only it is re-ingested → the next answer cites the
new text; add, delete, reingest; a bad replacement loses nothing."""

from __future__ import annotations

import time

import pytest

from tests.conftest import admin_environment

NEW_SENTENCE = (
    "Từ năm 2027, công chức địa chính xã phải chụp ảnh flycam toàn bộ thửa đất và lưu vào "
    "Sổ bay chụp hiện trạng trong thời hạn 9 ngày làm việc kể từ ngày nhận hồ sơ."
)
NEW_SECTION = (
    f"\n## 1.8. Bay chụp hiện trạng thửa đất bằng flycam\n\n**Quy định mới:** {NEW_SENTENCE}\n"
)
QUESTION = "Công chức địa chính phải chụp ảnh flycam thửa đất và lưu vào Sổ bay chụp hiện trạng trong bao nhiêu ngày?"
OTHERS = {"05-tu-phap-ho-tich", "tay-ninh-34-nq-tu"}


@pytest.fixture(scope="module")
def admin_env(tmp_path_factory, corpus, assistant_chain):
    """A copy of the corpus with its own index (embeddings come from the shared cache: fast)."""
    yield from admin_environment(tmp_path_factory.mktemp("admin"), corpus, assistant_chain)


def _wait(client, headers, job_id: str, timeout: float = 300) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/v1/admin/jobs/{job_id}", headers=headers).json()
        if job["status"] in ("succeeded", "failed", "cancelled"):
            return job
        time.sleep(0.3)
    raise AssertionError(f"job {job_id} did not finish: {job}")


def test_replacing_a_handbook_file_reingests_only_it_and_answers_cite_the_new_text(admin_env):
    settings, _service, client, headers = admin_env
    before = client.post("/v1/ask", json={"question": QUESTION}, headers=headers).json()
    assert not any("flycam" in c["quote"] for c in before["citations"])

    original = (settings.knowledge_dir / "handbook/01-dat-dai.md").read_text(encoding="utf-8")
    changed = original.rstrip() + "\n" + NEW_SECTION
    r = client.post(
        "/v1/admin/documents",
        headers=headers,
        files={"file": ("01-dat-dai.md", changed.encode("utf-8"), "text/markdown")},
    )
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["status"] in ("queued", "running", "succeeded") and job["kind"] == "upload"
    assert job["filename"] == "handbook/01-dat-dai.md" and job["doc_id"] == "01-dat-dai"

    done = _wait(client, headers, job["id"])
    assert done["status"] == "succeeded", done
    rep = done["report"]
    assert rep["changed"] == ["01-dat-dai"] and rep["added"] == [] and rep["removed"] == []
    assert set(rep["unchanged"]) == OTHERS and rep["failed"] == []
    assert done["started_at"] and done["finished_at"] and done["finished_at"] >= done["started_at"]
    # replaced in place, not copied to uploads/
    assert (settings.knowledge_dir / "handbook/01-dat-dai.md").read_text(
        encoding="utf-8"
    ) == changed
    assert not (settings.knowledge_dir / "uploads").exists()

    after = client.post("/v1/ask", json={"question": QUESTION}, headers=headers).json()
    assert not after["refused"], after["answer"]
    quotes = [c["quote"] for c in after["citations"] if c["doc_id"] == "01-dat-dai"]
    assert any("Sổ bay chụp hiện trạng" in q for q in quotes), after["citations"]
    assert "9 ngày làm việc" in after["answer"]

    metrics = client.get("/metrics", headers=headers).text
    assert 'camnang_ingest_documents_total{outcome="changed"} 1.0' in metrics
    assert 'camnang_ingest_jobs_total{kind="upload",status="succeeded"} 1.0' in metrics


def test_a_broken_replacement_loses_nothing(admin_env):
    settings, _service, client, headers = admin_env
    path = settings.knowledge_dir / "resolutions/tay-ninh-34-nq-tu.txt"
    before = path.read_bytes()
    r = client.post(
        "/v1/admin/documents",
        headers=headers,
        files={"file": ("tay-ninh-34-nq-tu.txt", b"\x00\x01\x02\xff\xfe\x00garbage" * 50)},
    )
    assert r.status_code == 422, r.text
    assert "Tài liệu hiện có không bị thay đổi" in r.json()["detail"]
    assert path.read_bytes() == before
    docs = {d["doc_id"] for d in client.get("/v1/documents", headers=headers).json()}
    assert "tay-ninh-34-nq-tu" in docs


def test_new_upload_goes_to_uploads_then_delete_removes_it(admin_env):
    settings, _service, client, headers = admin_env
    text = (
        "# Hướng dẫn thử nghiệm về nuôi ong mật\n\n## 1. Đăng ký đàn ong\n\n"
        "Hộ nuôi ong mật đăng ký số thùng ong với công chức nông nghiệp xã trước ngày 15 tháng 3 hằng năm.\n"
    )
    r = client.post(
        "/v1/admin/documents",
        headers=headers,
        files={"file": ("nuoi-ong-mat.md", text.encode("utf-8"))},
    )
    assert r.status_code == 202, r.text
    done = _wait(client, headers, r.json()["id"])
    assert done["status"] == "succeeded" and done["report"]["added"] == ["nuoi-ong-mat"], done
    assert (settings.knowledge_dir / "uploads/nuoi-ong-mat.md").exists()
    docs = {d["doc_id"]: d for d in client.get("/v1/documents", headers=headers).json()}
    assert docs["nuoi-ong-mat"]["source"] == "uploads/nuoi-ong-mat.md"

    # same id, other file name: refused with a clear message instead of a duplicate
    clash = client.post(
        "/v1/admin/documents",
        headers=headers,
        files={"file": ("nuoi-ong-mat.txt", text.encode("utf-8"))},
    )
    assert clash.status_code == 409 and "nuoi-ong-mat.md" in clash.json()["detail"]

    r = client.delete("/v1/admin/documents/nuoi-ong-mat", headers=headers)
    assert r.status_code == 202, r.text
    done = _wait(client, headers, r.json()["id"])
    assert done["status"] == "succeeded" and done["report"]["removed"] == ["nuoi-ong-mat"], done
    assert not (settings.knowledge_dir / "uploads/nuoi-ong-mat.md").exists()
    assert client.get("/v1/documents/nuoi-ong-mat", headers=headers).status_code == 404
    assert client.delete("/v1/admin/documents/nuoi-ong-mat", headers=headers).status_code == 404


def test_reingest_with_nothing_changed(admin_env):
    _settings, _service, client, headers = admin_env
    r = client.post("/v1/admin/reingest", headers=headers)
    assert r.status_code == 202
    done = _wait(client, headers, r.json()["id"])
    assert done["status"] == "succeeded"
    assert done["report"]["added"] == done["report"]["changed"] == done["report"]["removed"] == []
    jobs = client.get("/v1/admin/jobs", headers=headers).json()
    assert jobs[0]["id"] == done["id"] and len(jobs) >= 2
    assert client.get("/v1/admin/jobs/khong-co", headers=headers).status_code == 404


def test_delete_removes_the_sidecar_too(admin_env):
    settings, _service, client, headers = admin_env
    path = settings.knowledge_dir / "resolutions/tay-ninh-34-nq-tu.txt"
    sidecar = path.with_name("tay-ninh-34-nq-tu.meta.yaml")
    assert sidecar.exists()
    r = client.delete("/v1/admin/documents/tay-ninh-34-nq-tu", headers=headers)
    done = _wait(client, headers, r.json()["id"])
    assert done["report"]["removed"] == ["tay-ninh-34-nq-tu"]
    assert not path.exists() and not sidecar.exists()
