"""The official `openai` client against a real uvicorn server on 127.0.0.1 (free port, in a thread)."""

from __future__ import annotations

import socket
import threading
import time

import httpx
import openai
import pytest
import uvicorn

from assistant.server.app import create_app

QUESTION = "Hòa giải tranh chấp đất đai tại UBND cấp xã phải kết thúc trong thời hạn bao lâu?"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server_url(corpus, service):
    app = create_app(corpus.settings, service=service, mount_ui=False, warm_up=False)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    else:
        pytest.fail("uvicorn did not start")
    yield url
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def oa(server_url, api_keys) -> openai.OpenAI:
    return openai.OpenAI(
        base_url=f"{server_url}/v1", api_key=api_keys["reader"], max_retries=0, timeout=60
    )


def test_openai_client_gets_a_cited_answer(oa):
    resp = oa.chat.completions.create(
        model="camnang", messages=[{"role": "user", "content": QUESTION}]
    )
    assert resp.object == "chat.completion"
    content = resp.choices[0].message.content
    assert resp.choices[0].finish_reason == "stop"
    assert "[1]" in content
    citations = resp.model_extra["citations"]
    assert citations and citations[0]["doc_id"] == "01-dat-dai"
    first = citations[0]
    assert f"[1]: {first['title']}" in content  # the footnote
    assert " ".join(first["quote"].split())[:40] in content
    assert resp.usage.total_tokens > 0


def test_openai_client_streams_a_cited_answer(oa):
    stream = oa.chat.completions.create(
        model="camnang", stream=True, messages=[{"role": "user", "content": QUESTION}]
    )
    pieces, finish, citations, n_chunks = [], None, None, 0
    for chunk in stream:
        n_chunks += 1
        assert chunk.object == "chat.completion.chunk"
        choice = chunk.choices[0]
        if choice.delta.content:
            pieces.append(choice.delta.content)
        if choice.finish_reason:
            finish = choice.finish_reason
            citations = chunk.model_extra.get("citations")
    text = "".join(pieces)
    assert n_chunks >= 3 and finish == "stop"
    assert "\n[1]: " in text and text.count("[1]") >= 2  # a marker in the answer and its footnote
    assert citations and citations[0]["doc_id"] == "01-dat-dai"


def test_openai_client_follow_up_uses_history(oa):
    first = oa.chat.completions.create(
        model="camnang", messages=[{"role": "user", "content": QUESTION}]
    )
    follow = oa.chat.completions.create(
        model="camnang",
        messages=[
            {"role": "user", "content": QUESTION},
            {"role": "assistant", "content": first.choices[0].message.content},
            {"role": "user", "content": "Nếu một bên vắng mặt thì sao?"},
        ],
    )
    cites = follow.model_extra["citations"]
    assert cites and cites[0]["doc_id"] == "01-dat-dai"


def test_openai_client_without_a_valid_key_gets_401(server_url):
    bad = openai.OpenAI(base_url=f"{server_url}/v1", api_key="cn_nope_nope", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        bad.chat.completions.create(
            model="camnang", messages=[{"role": "user", "content": QUESTION}]
        )


def test_ask_stream_over_real_http(server_url, api_keys):
    with httpx.stream(
        "POST",
        f"{server_url}/v1/ask/stream",
        json={"question": QUESTION},
        headers={"Authorization": f"Bearer {api_keys['reader']}"},
        timeout=60,
    ) as r:
        assert r.status_code == 200
        events = [line.split(": ", 1)[1] for line in r.iter_lines() if line.startswith("event: ")]
    assert events[0] == "delta" and events[-2:] == ["result", "done"]
