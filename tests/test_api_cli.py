"""`camnang keys` and `camnang serve` (a real process, as `make run` starts it)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from assistant.cli import main
from assistant.server.auth import KeyStore
from assistant.server.db import Database
from assistant.settings import get_settings
from tests.servers import stop_process


@pytest.fixture
def keys_db(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'keys.sqlite3'}"
    monkeypatch.setenv("CAMNANG_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def test_keys_create_list_revoke(keys_db, capsys):
    assert main(["keys", "create", "--role", "admin", "--name", "nhóm vận hành"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    key = out[-1]
    assert key.startswith("cn_")
    store = KeyStore(Database(keys_db))
    principal = store.verify(key)
    assert principal is not None and principal.role == "admin" and principal.name == "nhóm vận hành"

    assert main(["keys", "list"]) == 0
    listing = capsys.readouterr().out
    assert principal.key_id in listing and "admin" in listing and key not in listing

    assert main(["keys", "revoke", principal.key_id]) == 0
    assert store.verify(key) is None
    assert main(["keys", "revoke", principal.key_id]) == 1
    assert "Không có khoá" in capsys.readouterr().err


def test_keys_create_rejects_unknown_role(keys_db):
    with pytest.raises(SystemExit):
        main(["keys", "create", "--role", "root"])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_starts_api_and_page_on_localhost(corpus, tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAMNANG_")}
    env["CAMNANG_DATABASE_URL"] = f"sqlite:///{tmp_path / 'serve.sqlite3'}"
    camnang = Path(sys.executable).with_name("camnang")
    proc = subprocess.Popen(
        [
            str(camnang),
            "serve",
            "--port",
            str(port),
            "--knowledge",
            str(corpus.knowledge),
            "--index",
            str(corpus.index),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        head = [proc.stdout.readline() for _ in range(2)]
        assert "camnang keys create" in head[0], head  # a fresh install has no key yet
        assert f"{url}/" in head[1], head
        deadline = time.monotonic() + 120
        ready = None
        while time.monotonic() < deadline:
            assert proc.poll() is None, proc.stdout.read()
            try:
                ready = httpx.get(f"{url}/readyz", timeout=2)
                if ready.status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        assert ready is not None and ready.status_code == 200, ready and ready.text
        assert ready.json() == {"status": "ready"}  # the count only with a key (test_api.py)
        page = httpx.get(f"{url}/", timeout=30, follow_redirects=True)
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]
        assert httpx.get(f"{url}/v1/documents", timeout=10).status_code == 401
    finally:
        stop_process(proc)


def test_ask_without_words_says_why_in_vietnamese(corpus, capsys):
    code = main(["ask", "--knowledge", str(corpus.knowledge), "--index", str(corpus.index), "???"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip() == "Lỗi: Câu hỏi cần có ít nhất một chữ hoặc chữ số."


def test_ask_prints_a_texts_status_and_review_note_once(corpus, capsys):
    # three quotes of one handbook section: its status line was printed under each of them
    question = "Thủ tục đăng ký khai sinh cần những giấy tờ gì, nộp ở đâu, mất bao lâu?"
    code = main(
        ["ask", "--knowledge", str(corpus.knowledge), "--index", str(corpus.index), question]
    )
    out = capsys.readouterr().out
    assert code == 0
    sources = out.split("Nguồn:", 1)[1]
    cited = sources.count("tài liệu: 05-tu-phap-ho-tich)")
    assert cited >= 2, out
    assert sources.count("trạng thái: bản mẫu") == 1, sources
    assert sources.count("(trạng thái và lưu ý như nguồn [1])") == cited - 1, sources
