"""The same storage on a real PostgreSQL (started by the test from the Debian packages, on a
private socket directory and a free 127.0.0.1 port); skipped where PostgreSQL is not installed."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.servers import postgres


@pytest.fixture(scope="module")
def postgres_url():
    with postgres() as url:
        yield url


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


def test_api_processes_starting_at_once_create_the_tables_once(postgres_url):
    """`camnang serve --workers N` on a new database: every worker creates the tables at start;
    without taking turns all but one failed (duplicate pg_type / relation already exists)."""
    import subprocess
    import sys

    import psycopg

    with psycopg.connect(
        postgres_url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True
    ) as conn:
        conn.execute("CREATE DATABASE fresh_start")
    url = postgres_url.rsplit("/", 1)[0] + "/fresh_start"
    # each process imports and connects once, says so, and waits for the word: they then
    # create the tables together (without the wait the race was hit one run in three)
    code = (
        "import sys; import sqlalchemy; from assistant.server.db import Database; "
        "sqlalchemy.create_engine(sys.argv[1]).connect().close(); print('ready', flush=True); "
        "sys.stdin.readline(); Database(sys.argv[1])"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for _ in range(3)
    ]
    for p in procs:
        assert p.stdout.readline().strip() == b"ready"
    for p in procs:
        p.stdin.write(b"go\n")
        p.stdin.flush()
    outputs = [p.communicate(timeout=120)[0].decode(errors="replace") for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], outputs
