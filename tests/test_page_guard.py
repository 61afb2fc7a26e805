"""The page as a first-class client, attacked through its real HTTP routes on a live server
(uvicorn, the real app with the Gradio page, the session's small index): asking beyond the rate
limit, guessing the admin password, uploading without being an admin, leaving files in the temp
folder, and the page login of a deployment (CAMNANG_PAGE_PASSWORD)."""

from __future__ import annotations

import socket
import tempfile
import threading
import time
from pathlib import Path

import httpx
import pytest
from gradio_client import Client

from tests.conftest import make_settings

RATE = 3  # questions a minute per client
QUESTION = "thu tuc dang ky khai sinh can giay to gi"
LOCKOUT_S = 2.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(settings, service):
    import uvicorn

    from assistant.server.app import create_app

    app = create_app(settings, service=service, mount_ui=True, warm_up=False)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=_free_port(), log_level="warning")
    )
    thread = threading.Thread(target=server.run, name="page-guard-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the app did not start"
        time.sleep(0.1)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}/"
    server.should_exit = True
    thread.join(timeout=10)


def _service(root: Path, corpus, assistant_chain, **overrides):
    from assistant.server.service import Service

    settings = make_settings(
        root,
        knowledge_dir=corpus.knowledge,
        index_dir=corpus.index,
        rate_limit_per_minute=RATE,
        login_lockout_seconds=LOCKOUT_S,
        admin_password="mat-khau-dung",
        **overrides,
    )
    return settings, Service(settings, assistant=assistant_chain)


@pytest.fixture(scope="module")
def temp_folder(tmp_path_factory):
    """Python's and Gradio's temp folder for this module's server: whatever the page writes
    there can be counted."""
    folder = tmp_path_factory.mktemp("tmpdir")
    mp = pytest.MonkeyPatch()
    mp.setenv("GRADIO_TEMP_DIR", str(folder / "gradio"))
    mp.setenv("TMPDIR", str(folder))
    mp.setattr(tempfile, "tempdir", str(folder))
    yield folder
    mp.undo()


@pytest.fixture(scope="module")
def page(tmp_path_factory, corpus, assistant_chain, temp_folder):
    settings, service = _service(tmp_path_factory.mktemp("page"), corpus, assistant_chain)
    gen = _serve(settings, service)
    url = next(gen)
    yield url, service
    next(gen, None)
    service.close()


def _ask(client: Client, question: str) -> str:
    """The conversation HTML after the page has answered `question`."""
    conv, *_ = client.predict(question, [], [], api_name="/ask")
    return conv


def test_the_page_refuses_questions_beyond_the_rate_limit_and_leaves_no_files(page, temp_folder):
    url, _service = page
    asker = Client(url, verbose=False)
    answers = [_ask(asker, QUESTION) for _ in range(RATE)]
    assert all("cn-chip" in a for a in answers), answers[-1][:500]  # answered, with citations
    refused = _ask(asker, QUESTION)
    assert "quá nhiều" in refused and "thử lại sau" in refused
    assert refused.count("cn-chip") == answers[-1].count("cn-chip")  # no new answer
    # Every answer used to leave the conversation's Markdown in a fresh camnang-* folder.
    left = [p for p in temp_folder.rglob("*") if p.is_file()]
    assert not [p for p in left if "camnang" in str(p)], left
    assert not [p for p in left if p.suffix == ".md"], left


def test_wrong_admin_logins_lock_the_client_out_then_a_right_one_works(page):
    url, service = page
    client = Client(url, verbose=False)

    def login(secret: str) -> str:
        out = client.predict(secret, api_name="/login")
        return out[1]  # (secret box, login message, ...): the layout columns are not outputs

    for _ in range(service.settings.login_max_failures):
        assert "không đúng" in login("doan-mo-123")
    locked = login("mat-khau-dung")  # the 6th try, right this time: still refused
    assert "quá nhiều lần" in locked and "giây" in locked
    time.sleep(LOCKOUT_S + 0.5)
    assert login("mat-khau-dung") == ""  # the lock-out is over: logged in


def test_gradio_uploads_need_a_page_admin_login(page):
    url, service = page
    files = {"files": ("bom.md", b"# tai lieu\n" * 100, "text/markdown")}
    refused = httpx.post(url + "gradio_api/upload", files=files)
    assert refused.status_code == 403 and "quản trị" in refused.json()["detail"]
    forged = httpx.post(url + "gradio_api/upload", files=files, cookies={"cn_admin": "doan-bua"})
    assert forged.status_code == 403
    token = service.admin_login("mat-khau-dung", "127.0.0.2")
    ok = httpx.post(url + "gradio_api/upload", files=files, cookies={"cn_admin": token})
    assert ok.status_code == 200, ok.text
    stored = Path(ok.json()[0])
    assert stored.read_bytes().startswith(b"# tai lieu")
    limit = service.settings.upload_limit_bytes
    big = {"files": ("lon.md", b"x" * (limit + 1), "text/markdown")}
    too_big = httpx.post(url + "gradio_api/upload", files=big, cookies={"cn_admin": token})
    assert too_big.status_code == 413
    service.admin_logout(token)
    after = httpx.post(url + "gradio_api/upload", files=files, cookies={"cn_admin": token})
    assert after.status_code == 403


@pytest.fixture(scope="module")
def locked_page(tmp_path_factory, corpus, assistant_chain):
    settings, service = _service(
        tmp_path_factory.mktemp("locked"), corpus, assistant_chain, page_password="cua-trang"
    )
    gen = _serve(settings, service)
    url = next(gen)
    yield url, service
    next(gen, None)
    service.close()


def test_a_page_password_puts_the_whole_page_behind_a_login(locked_page):
    url, service = locked_page
    assert httpx.get(url + "config").status_code == 401
    assert httpx.post(url + "gradio_api/upload", files={"files": ("a.md", b"x")}).status_code in (
        401,
        403,
    )
    with httpx.Client(base_url=url) as browser:
        wrong = browser.post("login", data={"username": "can-bo", "password": "sai"})
        assert wrong.status_code == 400
        right = browser.post("login", data={"username": "can-bo", "password": "cua-trang"})
        assert right.status_code == 200
        assert browser.get("config").status_code == 200
    answer = _ask(Client(url, auth=("can-bo", "cua-trang"), verbose=False), QUESTION)
    assert "cn-chip" in answer
    # Guessing the page password is throttled like the admin login.
    for _ in range(service.settings.login_max_failures):
        httpx.post(url + "login", data={"username": "x", "password": "sai"})
    locked = httpx.post(url + "login", data={"username": "x", "password": "cua-trang"})
    assert locked.status_code == 429 and "quá nhiều lần" in locked.json()["detail"]
