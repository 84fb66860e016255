"""A local OpenAI-compatible server: the real `openai` client talks to it over a real socket."""

from __future__ import annotations

import base64
import io
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from PIL import Image

VALID_DRAFT = {
    "title": "Levi's 501 jeans, mid blue, W32 L32",
    "description": "Classic straight-leg jeans, light fading at the knees.",
    "price": 24.5,
    "currency": "EUR",
    "category": "Men > Jeans & Trousers",
    "brand": "Levi's",
    "size": "W32 L32",
    "condition": "very_good",
    "colours": ["blue"],
    "materials": ["cotton"],
    "keywords": ["levis", "501", "denim"],
}


@dataclass
class FakeOpenAI:
    url: str
    delay: float = 0.15
    lock: threading.Lock = field(default_factory=threading.Lock)
    in_flight: int = 0
    peak: int = 0
    requests: int = 0
    red_seen: int = 0
    bodies: list[dict[str, Any]] = field(default_factory=list)


def _first_pixel(body: dict[str, Any]) -> tuple[int, int, int]:
    for part in body["messages"][0]["content"]:
        if part.get("type") == "image_url":
            data = base64.b64decode(part["image_url"]["url"].split(",", 1)[1])
            with Image.open(io.BytesIO(data)) as image:
                return image.convert("RGB").getpixel((0, 0))  # type: ignore[return-value]
    return (0, 0, 0)


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    """Answers chat completions with a valid draft after a delay; a pure red photo gets one 500 first,
    a pure blue photo gets an answer that is not JSON. Counts requests in flight at once."""
    state = FakeOpenAI(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            with state.lock:
                state.in_flight += 1
                state.peak = max(state.peak, state.in_flight)
                state.requests += 1
                state.bodies.append(body)
            try:
                time.sleep(state.delay)
                r, g, b = _first_pixel(body)
                status, content = 200, json.dumps(VALID_DRAFT)
                if r > 230 and g < 30 and b < 30:
                    with state.lock:
                        state.red_seen += 1
                        first = state.red_seen == 1
                    if first:
                        status = 500
                if b > 230 and r < 30 and g < 30:
                    content = "{this is not json"
            finally:
                with state.lock:
                    state.in_flight -= 1
            if status == 500:
                payload = json.dumps({"error": {"message": "upstream hiccup", "type": "server_error"}}).encode()
            else:
                payload = json.dumps(
                    {
                        "id": "chatcmpl-fake",
                        "object": "chat.completion",
                        "created": int(time.time()),
                        "model": body.get("model", "fake"),
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
                ).encode()
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
    yield state
    server.shutdown()
