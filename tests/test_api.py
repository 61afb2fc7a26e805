"""The HTTP API against the real app over a real small index (see conftest.py): auth and roles,
answers (plain and SSE), documents, feedback and the gap report, limits, CORS, metrics."""

from __future__ import annotations

import json
import logging

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from assistant.schemas import Citation
from assistant.server.app import create_app
from assistant.server.openai_models import ChatCompletionRequest
from assistant.server.openai_protocol import chat_to_ask, footnotes

PUBLIC = {"/healthz", "/readyz", "/docs", "/openapi.json", "/redoc", "/docs/oauth2-redirect", "/"}
QUESTION = "Kết quả kiểm tra hồ sơ cấp Giấy chứng nhận lần đầu phải niêm yết công khai trong bao nhiêu ngày?"
OFF_TOPIC = "Giá vé máy bay khứ hồi đi Paris mùa hè là bao nhiêu?"


def _call(client: TestClient, route: APIRoute, headers: dict | None = None):
    path = route.path.replace("{doc_id}", "01-dat-dai").replace("{job_id}", "nope")
    method = sorted(route.methods)[0]
    return client.request(method, path, headers=headers or {})


def _routes(app, prefix: str = "") -> list[APIRoute]:
    return [
        r
        for r in app.routes
        if isinstance(r, APIRoute) and r.path not in PUBLIC and r.path.startswith(prefix)
    ]


def test_public_endpoints_need_no_key(client, reader_headers):
    assert client.get("/healthz").json()["status"] == "ok"
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json() == {"status": "ready"}  # nothing about the index for anyone
    for headers in ({"Authorization": "Bearer cn_000000000000_wrong"}, {"X-API-Key": ""}):
        assert client.get("/readyz", headers=headers).json() == {"status": "ready"}
    known = client.get("/readyz", headers=reader_headers).json()
    assert known["documents"] == 3 and known["generation"], known
    assert client.get("/openapi.json").status_code == 200
    docs = client.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()


def test_every_non_public_endpoint_answers_401_without_a_key(api_app, client):
    routes = _routes(api_app)
    assert len(routes) >= 14  # ask, stream, chat, models, documents x3, feedback, admin x6, metrics
    for route in routes:
        r = _call(client, route)
        assert r.status_code == 401, (route.path, r.status_code, r.text)
        assert "khoá API" in r.json()["detail"]
        assert r.headers["www-authenticate"] == "Bearer"
        bad = _call(client, route, {"Authorization": "Bearer cn_000000000000_wrong"})
        assert bad.status_code == 401, route.path


def test_reader_key_gets_403_on_admin_endpoints(api_app, client, reader_headers):
    admin_routes = _routes(api_app, "/v1/admin")
    assert {r.path for r in admin_routes} >= {
        "/v1/admin/documents",
        "/v1/admin/documents/{doc_id}",
        "/v1/admin/reingest",
        "/v1/admin/jobs/{job_id}",
        "/v1/admin/report",
    }
    for route in admin_routes:
        r = _call(client, route, reader_headers)
        assert r.status_code == 403, (route.path, r.text)
        assert "admin" in r.json()["detail"]


def test_revoked_key_is_refused(service, client):
    info, key = service.keys.create("reader", "short-lived")
    assert client.get("/v1/documents", headers={"X-API-Key": key}).status_code == 200
    assert service.keys.revoke(info.id)
    r = client.get("/v1/documents", headers={"X-API-Key": key})
    assert r.status_code == 401 and "thu hồi" in r.json()["detail"]


def test_keys_are_stored_hashed(service, api_keys):
    from sqlalchemy import select

    from assistant.server.db import ApiKey

    with service.db.session() as s:
        rows = s.scalars(select(ApiKey)).all()
        stored = " ".join(f"{r.id} {r.salt} {r.key_hash} {r.name}" for r in rows)
    for key in api_keys.values():
        secret = key.split("_", 2)[2]  # "cn_<id>_<secret>"; the secret may itself contain "_"
        assert key not in stored and secret not in stored


def test_ask_returns_a_cited_answer(client, reader_headers, service):
    r = client.post("/v1/ask", json={"question": QUESTION}, headers=reader_headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert not body["refused"] and body["citations"], body
    assert "[1]" in body["answer"]
    cited = body["citations"][0]
    assert cited["doc_id"] == "01-dat-dai"
    # the quote is exactly the source text at its offsets (what the viewer highlights)
    src = client.get(f"/v1/documents/{cited['doc_id']}/source", headers=reader_headers).json()
    assert src["text"][cited["start"] : cited["end"]] == cited["quote"]
    assert not src["stale"]


def test_ask_validates_input_in_vietnamese(client, reader_headers):
    r = client.post("/v1/ask", json={"question": ""}, headers=reader_headers)
    assert r.status_code == 422 and "không hợp lệ" in r.json()["detail"]
    # a body that is not even UTF-8 (schemathesis sent one to /v1/feedback): the same 422
    for path in ("/v1/ask", "/v1/feedback"):
        r = client.post(
            path,
            content=b"S\xd0\xa9\xff\xd2\xb5",
            headers={**reader_headers, "Content-Type": "application/json"},
        )
        assert r.status_code == 422 and "UTF-8" in r.json()["detail"], (path, r.text)
    # other HTTP errors keep their own status
    assert client.get("/v1/no-such-route", headers=reader_headers).status_code == 404


def test_ask_stream_sends_deltas_then_the_result(client, reader_headers):
    with client.stream(
        "POST", "/v1/ask/stream", json={"question": QUESTION}, headers=reader_headers
    ) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        raw = "".join(r.iter_text())
    events = []
    for block in raw.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((lines["event"], json.loads(lines["data"])))
    kinds = [e for e, _ in events]
    assert kinds[0] == "delta" and kinds[-2:] == ["result", "done"], kinds
    result = events[-2][1]["result"]
    assert result["citations"] and not result["refused"]
    streamed = "".join(d["text"] for e, d in events if e == "delta")
    assert streamed.strip() == result["answer"].strip()


def test_documents_list_detail_and_source(client, reader_headers):
    docs = client.get("/v1/documents", headers=reader_headers).json()
    by_id = {d["doc_id"]: d for d in docs}
    assert set(by_id) == {"01-dat-dai", "05-tu-phap-ho-tich", "tay-ninh-34-nq-tu"}
    land = by_id["01-dat-dai"]
    assert (
        land["number"] == "CNNV-01"
        and land["sample"]
        and land["chunks"] > 5
        and land["ingested_at"]
    )
    assert "đất đai" in land["fields"]
    resolution = by_id["tay-ninh-34-nq-tu"]
    assert "34" in resolution["number"] and not resolution["sample"]

    detail = client.get("/v1/documents/01-dat-dai", headers=reader_headers).json()
    assert detail["meta"]["title"].startswith("Cẩm nang")
    assert len(detail["passages"]) == land["chunks"]
    assert any("1.6" in s["section"] for s in detail["sections"])
    src = client.get("/v1/documents/01-dat-dai/source", headers=reader_headers).json()
    for p in detail["passages"]:
        assert src["text"][p["start"] : p["end"]] == p["text"]

    missing = client.get("/v1/documents/khong-co", headers=reader_headers)
    assert missing.status_code == 404 and "khong-co" in missing.json()["detail"]


def test_unanswered_and_thumbs_down_show_in_the_report(client, reader_headers, admin_headers):
    refused = client.post("/v1/ask", json={"question": OFF_TOPIC}, headers=reader_headers).json()
    assert refused["refused"] and not refused["citations"]
    answered = client.post("/v1/ask", json={"question": QUESTION}, headers=reader_headers).json()
    fb = client.post(
        "/v1/feedback",
        headers=reader_headers,
        json={
            "answer_id": answered["id"],
            "rating": "down",
            "comment": "Thiếu thời hạn cho xã miền núi",
        },
    )
    assert fb.status_code == 201, fb.text
    assert (
        client.post(
            "/v1/feedback",
            headers=reader_headers,
            json={"answer_id": answered["id"], "rating": "meh"},
        ).status_code
        == 422
    )

    report = client.get("/v1/admin/report", headers=admin_headers).json()
    assert report["total_unanswered"] >= 1 and report["total_negative"] >= 1
    questions = [
        (q["kind"], q["question"], q["comment"], t["topic"])
        for t in report["topics"]
        for q in t["questions"]
    ]
    assert any(k == "unanswered" and q == OFF_TOPIC for k, q, _, _ in questions)
    negative = [x for x in questions if x[0] == "negative" and x[1] == QUESTION]
    assert negative and negative[0][2] == "Thiếu thời hạn cho xã miền núi"
    assert "Đất đai" in negative[0][3]  # grouped under the document/section the answer rested on


def test_questions_on_a_matter_no_document_guides_are_grouped_under_it(
    client, reader_headers, admin_headers
):
    for question in ("Làm hộ chiếu cho con cần giấy tờ gì?", "lam ho chieu o dau"):
        body = client.post("/v1/ask", json={"question": question}, headers=reader_headers).json()
        assert body["refusal_reason"] == "topic not covered", body["refusal_reason"]
        assert body["uncovered_topic"] == "hộ chiếu, xuất nhập cảnh"
    report = client.get("/v1/admin/report", headers=admin_headers).json()
    passport = [t for t in report["topics"] if t["topic"].endswith("hộ chiếu, xuất nhập cảnh")]
    assert passport and passport[0]["topic"].startswith("Chưa có tài liệu hướng dẫn")
    asked = {q["question"] for q in passport[0]["questions"]}
    assert {"Làm hộ chiếu cho con cần giấy tờ gì?", "lam ho chieu o dau"} <= asked
    assert passport[0]["doc_id"] == ""  # not filed under the birth registration it came near


def test_conversations_are_stored_when_opted_in(client, reader_headers, service):
    from sqlalchemy import select

    from assistant.server.db import Conversation

    answer = client.post("/v1/ask", json={"question": QUESTION}, headers=reader_headers).json()
    with service.db.session() as s:
        row = s.scalars(select(Conversation).where(Conversation.answer_id == answer["id"])).one()
        assert row.question == QUESTION and row.citations and row.channel == "api"


def test_rate_limit_per_key_answers_429_with_retry_after(corpus, service, api_keys):
    app = create_app(
        corpus.settings.model_copy(update={"rate_limit_per_minute": 3}),
        service=service,
        mount_ui=False,
        warm_up=False,
    )
    with TestClient(app) as c:
        reader = {"X-API-Key": api_keys["reader"]}
        codes = [c.get("/v1/models", headers=reader).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        r = c.get("/v1/models", headers=reader)
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
        assert "giới hạn" in r.json()["detail"]
        # the bucket is per key: the admin key still gets through
        assert c.get("/v1/models", headers={"X-API-Key": api_keys["admin"]}).status_code == 200


def test_request_body_limit_answers_413(client, reader_headers, corpus):
    big = "x" * (corpus.settings.max_request_bytes + 10)
    r = client.post("/v1/ask", json={"question": big}, headers=reader_headers)
    assert r.status_code == 413 and "quá lớn" in r.json()["detail"]


def test_cors_allow_list(client):
    ok = client.options(
        "/v1/ask",
        headers={
            "Origin": "http://portal.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    assert ok.status_code == 200
    assert ok.headers["access-control-allow-origin"] == "http://portal.example"
    bad = client.options(
        "/v1/ask",
        headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in bad.headers
    # a refusal still carries the CORS header so the portal can read the error
    r = client.get("/v1/documents", headers={"Origin": "http://portal.example"})
    assert (
        r.status_code == 401 and r.headers["access-control-allow-origin"] == "http://portal.example"
    )


def test_metrics_in_prometheus_format(client, reader_headers):
    client.post("/v1/ask", json={"question": OFF_TOPIC}, headers=reader_headers)
    assert client.get("/metrics").status_code == 401
    r = client.get("/metrics", headers=reader_headers)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    text = r.text
    assert 'camnang_http_requests_total{method="POST",route="/v1/ask",status="200"}' in text
    assert (
        'camnang_http_request_duration_seconds_bucket{le="0.5",method="POST",route="/v1/ask"}'
        in text
    )
    assert "camnang_refusals_total" in text and "camnang_ingest_documents_total" in text
    assert 'route="/v1/documents/{doc_id}"' in text or "camnang_http_requests_total" in text


def test_auth_disabled_is_loud_and_open(corpus, service, caplog):
    with caplog.at_level(logging.WARNING):
        app = create_app(
            corpus.settings.model_copy(update={"auth_disabled": True}),
            service=service,
            mount_ui=False,
            warm_up=False,
        )
    assert any(
        r.levelno == logging.WARNING and "AUTH_DISABLED" in r.getMessage() for r in caplog.records
    )
    with TestClient(app) as c:
        assert c.get("/v1/documents").status_code == 200
        assert c.get("/v1/admin/jobs").status_code == 200


@pytest.mark.parametrize(
    ("name", "data", "status", "words"),
    [
        ("../../etc/passwd.md", b"# x\n\nabc", 400, "không hợp lệ"),
        (".hidden.md", b"# x\n\nabc", 400, "không hợp lệ"),
        ("bang-tinh.xlsx", b"PK\x03\x04", 415, "chưa được hỗ trợ"),
        ("hong.docx", b"this is not a zip file at all", 422, "không bị thay đổi"),
        ("rong.md", b"   \n", 400, "rỗng"),
    ],
)
def test_bad_uploads_are_refused_in_vietnamese(
    client, admin_headers, corpus, name, data, status, words
):
    before = sorted(p.relative_to(corpus.knowledge) for p in corpus.knowledge.rglob("*"))
    r = client.post("/v1/admin/documents", headers=admin_headers, files={"file": (name, data)})
    assert r.status_code == status, r.text
    assert words in r.json()["detail"]
    assert sorted(p.relative_to(corpus.knowledge) for p in corpus.knowledge.rglob("*")) == before


def test_upload_size_limit(corpus, service, api_keys):
    app = create_app(
        corpus.settings.model_copy(update={"max_upload_bytes": 1000}),
        service=service,
        mount_ui=False,
        warm_up=False,
    )
    with TestClient(app) as c:
        r = c.post(
            "/v1/admin/documents",
            headers={"X-API-Key": api_keys["admin"]},
            files={"file": ("lon.md", b"# Lon\n\n" + "chữ ".encode() * 2000)},
        )
        assert r.status_code == 413 and "quá lớn" in r.json()["detail"]


def test_chat_messages_become_question_and_history():
    req = ChatCompletionRequest(
        messages=[
            {"role": "system", "content": "Bạn là trợ lý"},
            {"role": "user", "content": "Tách thửa cần gì?"},
            {"role": "assistant", "content": 'Cần bản vẽ [1].\n\n[1]: Cẩm nang — 1.3: "..."'},
            {"role": "user", "content": [{"type": "text", "text": "Còn thời hạn?"}]},
        ]
    )
    ask = chat_to_ask(req)
    assert ask.question == "Còn thời hạn?"
    assert [(t.question, t.answer) for t in ask.history] == [
        ("Tách thửa cần gì?", "Cần bản vẽ [1].")
    ]


def test_footnote_format():
    c = Citation(
        n=1,
        doc_id="d",
        title="Cẩm nang",
        number="CNNV-01",
        section="1.1 Đăng ký",
        quote="Niêm yết\ncông khai 15 ngày",
        start=0,
        end=10,
    )
    assert footnotes([c]) == '[1]: Cẩm nang (CNNV-01) — 1.1 Đăng ký: "Niêm yết công khai 15 ngày"'
    # a portal reading the chat answer learns how current each cited text is
    dated = c.model_copy(update={"status": "bản mẫu", "date": "2026-11-22", "review": "Luật mới"})
    assert footnotes([dated]) == (
        "[1]: Cẩm nang (CNNV-01) — 1.1 Đăng ký (bản mẫu; 22/11/2026; cần rà soát: Luật mới): "
        '"Niêm yết công khai 15 ngày"'
    )


def test_chat_completion_without_user_message_is_400(client, reader_headers):
    r = client.post(
        "/v1/chat/completions",
        headers=reader_headers,
        json={"model": "camnang", "messages": [{"role": "system", "content": "x"}]},
    )
    assert r.status_code == 400 and "role='user'" in r.json()["detail"]


def test_page_at_root_needs_no_key_while_the_api_does(corpus, service):
    app = create_app(corpus.settings, service=service, mount_ui=True, warm_up=False)
    with TestClient(app) as c:
        page = c.get("/")
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]
        assert c.get("/v1/documents").status_code == 401
        assert c.get("/docs").status_code == 200
