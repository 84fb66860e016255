"""The shared part of the tests' local OpenAI-compatible servers: a threaded JSON server on a real socket
(the real `openai` client talks to it), a delay per request, the most requests in flight at once, and
the shapes of a chat completion and an error. Each domain's fake decides its answers."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SERVER_ERROR = {"error": {"message": "upstream hiccup", "type": "server_error"}}


@dataclass
class FakeServer:
    """What every fake keeps: its address, the delay before answering, requests in flight and the peak."""

    url: str = ""
    delay: float = 0.1
    lock: threading.Lock = field(default_factory=threading.Lock)
    in_flight: int = 0
    peak: int = 0


def completion(content: str, model: str) -> dict[str, Any]:
    """A chat completion answering `content`, as OpenAI sends it."""
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
    }


Answer = Callable[[str, dict[str, Any]], tuple[int, dict[str, Any]]]


@contextmanager
def serve(state: FakeServer, answer: Answer) -> Iterator[FakeServer]:
    """Serve POSTs on a free local port until the block ends: each waits `state.delay`, then
    `answer(path, body)` gives the status and the JSON to send. Sets `state.url`."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            with state.lock:
                state.in_flight += 1
                state.peak = max(state.peak, state.in_flight)
            try:
                time.sleep(state.delay)
                status, reply = answer(self.path, body)
            finally:
                with state.lock:
                    state.in_flight -= 1
            payload = json.dumps(reply).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield state
    finally:
        server.shutdown()
