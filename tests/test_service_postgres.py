"""The same storage on a real PostgreSQL (started by the test from the Debian packages, on a
private socket directory and a free 127.0.0.1 port); skipped where PostgreSQL is not installed."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

psycopg = pytest.importorskip("psycopg")


def _pg_bin() -> Path | None:
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists():
            return candidate
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def postgres_url():
    bindir = _pg_bin()
    if bindir is None:
        pytest.skip("PostgreSQL server not installed (apt-get install postgresql)")
    as_user: list[str] = []
    root = Path(tempfile.mkdtemp(prefix="camnang-pg-"))
    if os.geteuid() == 0:  # initdb refuses to run as root
        if shutil.which("runuser") is None:
            pytest.skip("running as root without runuser")
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(root, "postgres", "postgres")
    data, port = root / "data", _free_port()
    subprocess.run(
        [
            *as_user,
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            "camnang",
            "-A",
            "trust",
            "--no-sync",
            "-E",
            "UTF8",
        ],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [
            *as_user,
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(root / "log"),
            "-w",
            "-o",
            f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off",
            "start",
        ],
        check=True,
        capture_output=True,
    )
    try:
        url = f"postgresql+psycopg://camnang@127.0.0.1:{port}/postgres"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                psycopg.connect(f"host=127.0.0.1 port={port} user=camnang dbname=postgres").close()
                break
            except psycopg.OperationalError:
                time.sleep(0.3)
        yield url
    finally:
        subprocess.run(
            [*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


def test_api_storage_on_postgresql(postgres_url, corpus, assistant_chain):
    from assistant.server.app import create_app
    from assistant.server.db import Database
    from assistant.server.service import Service

    settings = corpus.settings.model_copy(
        update={"database_url": postgres_url, "store_conversations": True}
    )
    service = Service(settings, assistant=assistant_chain)
    assert service.db.engine.dialect.name == "postgresql"
    _, reader = service.keys.create("reader", "pg")
    info, admin = service.keys.create("admin", "pg admin")
    app = create_app(settings, service=service, mount_ui=False, warm_up=False)
    with TestClient(app) as c:
        r, a = {"X-API-Key": reader}, {"X-API-Key": admin}
        refused = c.post(
            "/v1/ask", headers=r, json={"question": "Giá vé máy bay đi Paris là bao nhiêu?"}
        ).json()
        assert refused["refused"]
        answered = c.post(
            "/v1/ask",
            headers=r,
            json={"question": "Hòa giải tranh chấp đất đai tại xã kết thúc trong bao lâu?"},
        ).json()
        assert (
            c.post(
                "/v1/feedback",
                headers=r,
                json={"answer_id": answered["id"], "rating": "down", "comment": "chưa rõ"},
            ).status_code
            == 201
        )
        report = c.get("/v1/admin/report", headers=a).json()
        assert report["total_unanswered"] == 1 and report["total_negative"] == 1
        job = c.post("/v1/admin/reingest", headers=a).json()
        done = service.wait_for_job(job["id"], timeout=300)
        assert done.status == "succeeded" and done.report.changed == []
        assert done.created_at.tzinfo is not None
        assert c.get(f"/v1/admin/jobs/{job['id']}", headers=a).json()["status"] == "succeeded"
    assert service.keys.revoke(info.id) and service.keys.verify(admin) is None
    with Database(postgres_url).engine.connect() as conn:
        tables = set(
            conn.exec_driver_sql(
                "select tablename from pg_tables where schemaname='public'"
            ).scalars()
        )
    assert {"api_keys", "feedback", "conversations", "unanswered", "ingest_jobs"} <= tables
    service.close()
