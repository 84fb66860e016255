"""A local OpenAI-compatible server: the real `openai` client talks to it over a real socket."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from PIL import Image

from tests.fake_openai import SERVER_ERROR, FakeServer, completion, serve
from tests.platforms.conftest import sandbox, sandbox_b, sandbox_b_process, sandbox_process  # noqa: F401 - both shops

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
class FakeOpenAI(FakeServer):
    delay: float = 0.15
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
    state = FakeOpenAI()

    def answer(path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        r, g, b = _first_pixel(body)
        with state.lock:
            state.requests += 1
            state.bodies.append(body)
            if r > 230 and g < 30 and b < 30:
                state.red_seen += 1
                if state.red_seen == 1:
                    return 500, SERVER_ERROR
        content = "{this is not json" if b > 230 and r < 30 and g < 30 else json.dumps(VALID_DRAFT)
        return 200, completion(content, body.get("model", "fake"))

    with serve(state, answer):
        yield state
