"""Two API processes on shared state: a Chroma server holds the index, PostgreSQL the
application data. Both are real servers started by the test (tests/servers.py), and so are the
API processes (`camnang serve` on two ports, the real embedder).

`camnang ingest` fills the index; a document replaced through one process's admin API is
answered by the other, which polls the pointer and loads the new generation without a restart;
an ingest job and API keys made anywhere are seen everywhere. Skipped with the reason where
Chroma or PostgreSQL cannot be started, and failed instead when CI=true.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import copy_corpus
from tests.servers import chroma, free_port, postgres, stop_process
from tests.test_api_admin import NEW_SECTION, QUESTION

CAMNANG = Path(sys.executable).with_name("camnang")
START_TIMEOUT_S = 300


@pytest.fixture(scope="module")
def shared_servers():
    """(Chroma URL, PostgreSQL URL), both fresh."""
    with chroma(required=True) as chroma_url, postgres(required=True) as database_url:
        yield chroma_url, database_url


def _env(root: Path, chroma_url: str, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAMNANG_")}
    env.update(
        CAMNANG_CHROMA_URL=chroma_url,
        CAMNANG_DATABASE_URL=database_url,
        CAMNANG_KNOWLEDGE_DIR=str(root / "knowledge"),
        CAMNANG_INDEX_DIR=str(root / "index"),
        CAMNANG_LLM_BASE_URL="",
        CAMNANG_RATE_LIMIT_PER_MINUTE="10000",
        GRADIO_TEMP_DIR=str(root / "gradio"),
    )
    return env


def _camnang(env: dict, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [str(CAMNANG), *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, f"camnang {' '.join(args)}: {done.stdout}\n{done.stderr}"
    return done


class ApiProcess:
    """One `camnang serve` on a free port, its output in a log file."""

    def __init__(self, name: str, env: dict, cwd: Path) -> None:
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = cwd / f"{name}.log"
        self._log = open(self.log_path, "wb")  # noqa: SIM115 (closed in stop())
        self.proc = subprocess.Popen(
            [str(CAMNANG), "serve", "--port", str(self.port)],
            env=env,
            cwd=cwd,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def log_tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:]

    def wait_ready(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"{self.name} exited:\n{self.log_tail()}"
            try:
                if httpx.get(f"{self.url}/readyz", timeout=5).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise AssertionError(f"{self.name} not ready in {START_TIMEOUT_S} s:\n{self.log_tail()}")

    def get(self, path: str, key: str, **kw) -> httpx.Response:
        return httpx.get(f"{self.url}{path}", headers={"X-API-Key": key}, timeout=60, **kw)

    def post(self, path: str, key: str, **kw) -> httpx.Response:
        return httpx.post(f"{self.url}{path}", headers={"X-API-Key": key}, timeout=120, **kw)

    def generation(self, key: str) -> str | None:
        return self.get("/readyz", key).json().get("generation")

    def stop(self) -> None:
        stop_process(self.proc, timeout=30)
        self._log.close()


def _wait(what, check, timeout: float, every: float = 0.3):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s")
        time.sleep(every)


def test_two_api_processes_share_the_index_and_the_database(shared_servers, corpus, tmp_path):
    chroma_url, database_url = shared_servers
    root = tmp_path
    copy_corpus(root / "knowledge")
    (root / "index").mkdir()
    # the session's embedding cache: the small corpus is not embedded again (backup API: WAL too)
    src = sqlite3.connect(corpus.index / "embeddings.sqlite3")
    dst = sqlite3.connect(root / "index" / "embeddings.sqlite3")
    src.backup(dst)
    src.close()
    dst.close()
    env = _env(root, chroma_url, database_url)

    ingest = _camnang(env, root, "ingest", "--quiet")
    assert "added: 3" in ingest.stdout and "newly embedded: 0" in ingest.stdout, ingest.stdout
    assert "generation: gen-000001" in ingest.stdout

    # Both processes start together on a database without tables (each creates them at start).
    a, b = ApiProcess("api-a", env, root), ApiProcess("api-b", env, root)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        a.wait_ready(deadline)
        b.wait_ready(deadline)
        admin = _camnang(env, root, "keys", "create", "--role", "admin", "--name", "mp")
        admin_key = admin.stdout.strip().splitlines()[-1]
        assert a.generation(admin_key) == b.generation(admin_key) == "gen-000001"

        before = b.post("/v1/ask", admin_key, json={"question": QUESTION}).json()
        assert not any("flycam" in c["quote"] for c in before.get("citations", [])), before

        # A document replaced through A's admin API ...
        path = root / "knowledge" / "handbook" / "01-dat-dai.md"
        changed = path.read_text(encoding="utf-8").rstrip() + "\n" + NEW_SECTION
        upload = a.post(
            "/v1/admin/documents",
            admin_key,
            files={"file": ("01-dat-dai.md", changed.encode("utf-8"), "text/markdown")},
        )
        assert upload.status_code == 202, upload.text
        job_id = upload.json()["id"]
        # ... is a job B can follow (the job row is in PostgreSQL) ...
        job = _wait(
            "the upload's ingest job",
            lambda: (
                (j := b.get(f"/v1/admin/jobs/{job_id}", admin_key).json())["status"]
                in ("succeeded", "failed", "cancelled")
                and j
            ),
            timeout=300,
        )
        assert job["status"] == "succeeded", (job, a.log_tail())
        assert job["report"]["changed"] == ["01-dat-dai"] and job["report"]["chunks_written"] > 0
        generation = job["report"]["generation"]
        assert generation == "gen-000002"

        # ... and B loads the new generation from the shared index without a restart.
        published = time.monotonic()
        _wait("B loading the new generation", lambda: b.generation(admin_key) == generation, 60)
        seen_after = time.monotonic() - published
        assert seen_after < 30, seen_after
        for api in (b, a):
            after = api.post("/v1/ask", admin_key, json={"question": QUESTION}).json()
            assert not after["refused"], (api.name, after["answer"])
            quotes = [c["quote"] for c in after["citations"] if c["doc_id"] == "01-dat-dai"]
            assert any("Sổ bay chụp hiện trạng" in q for q in quotes), (api.name, after)
            assert "9 ngày làm việc" in after["answer"], (api.name, after["answer"])
        listed = {d["doc_id"]: d for d in b.get("/v1/documents", admin_key).json()}
        assert set(listed) == {"01-dat-dai", "05-tu-phap-ho-tich", "tay-ninh-34-nq-tu"}

        # Nothing of the index on this disk: only the embedding cache and the lock.
        index_files = {p.name for p in (root / "index").iterdir()}
        assert not index_files & {"generations", "CURRENT"}, index_files
        assert not list((root / "index" / "staging").iterdir())

        # A key made while both run is accepted by both; revoked, by neither.
        made = _camnang(env, root, "keys", "create", "--role", "reader", "--name", "portal")
        reader_key = made.stdout.strip().splitlines()[-1]
        key_id = reader_key.split("_")[1]
        assert [api.get("/v1/documents", reader_key).status_code for api in (a, b)] == [200, 200]
        _camnang(env, root, "keys", "revoke", key_id)
        assert [api.get("/v1/documents", reader_key).status_code for api in (a, b)] == [401, 401]

        # Feedback given through B is in the report A serves.
        answer = b.post("/v1/ask", admin_key, json={"question": QUESTION}).json()
        rated = b.post(
            "/v1/feedback",
            admin_key,
            json={"answer_id": answer["id"], "rating": "down", "comment": "thiếu biểu mẫu"},
        )
        assert rated.status_code == 201, rated.text
        report = a.get("/v1/admin/report", admin_key).json()
        assert report["total_negative"] == 1, report
    finally:
        a.stop()
        b.stop()
    print(f"\nB served {generation} {seen_after:.1f} s after the job said it was published")
