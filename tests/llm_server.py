"""A small real OpenAI-compatible chat-completions server with scripted replies, for tests.

It answers on 127.0.0.1 like vLLM or llama.cpp's server would, streaming or not. A script is a
function from the prompt (the passages we sent, the question) to the reply text, so tests can
make the "model" cite a passage that does not exist, write an unsupported sentence, or hang.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Script = Callable[[str], str]


def passages_in(prompt: str) -> dict[int, str]:
    """The numbered passages of our prompt: {1: "first line of text", ...}."""
    found = {}
    for m in re.finditer(
        r"^\[(\d+)\] [^\n]*\n(.+?)(?=\n\n\[\d+\] |\n\nCÂU HỎI:)", prompt, re.M | re.S
    ):
        found[int(m.group(1))] = m.group(2).strip()
    return found


def faithful(prompt: str) -> str:
    """Quotes the first sentence of passage 1 and cites it: what a good model does."""
    body = [
        line
        for line in passages_in(prompt)[1].splitlines()
        if line.strip() and not line.startswith("#")
    ]
    sentence = re.split(r"(?<=[^\d][.;:])\s", body[0].replace("**", ""), maxsplit=1)[0].strip()
    return f"{sentence} [1]."


class ScriptedLLM:
    def __init__(self) -> None:
        self.script: Script = faithful
        self.delay_s = 0.0
        self.requests: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append(body)
                if server.delay_s:
                    time.sleep(server.delay_s)
                prompt = "\n".join(str(m.get("content", "")) for m in body["messages"])
                reply = server.script(prompt)
                if body.get("stream"):
                    self.send_response(200)
                    self.send_header("Content-Type", "text/event-stream")
                    self.end_headers()
                    for piece in re.findall(r"\S+\s*", reply):
                        chunk = {
                            "id": "c1",
                            "object": "chat.completion.chunk",
                            "created": 0,
                            "model": body["model"],
                            "choices": [
                                {"index": 0, "delta": {"content": piece}, "finish_reason": None}
                            ],
                        }
                        self.wfile.write(
                            f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode()
                        )
                    end = {
                        "id": "c1",
                        "object": "chat.completion.chunk",
                        "created": 0,
                        "model": body["model"],
                        "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
                    }
                    self.wfile.write(f"data: {json.dumps(end)}\n\ndata: [DONE]\n\n".encode())
                    return
                payload = {
                    "id": "c1",
                    "object": "chat.completion",
                    "created": 0,
                    "model": body["model"],
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": reply},
                            "finish_reason": "stop",
                        }
                    ],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                }
                data = json.dumps(payload, ensure_ascii=False).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> ScriptedLLM:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
