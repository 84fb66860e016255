"""Shared by the campaigns tests: making a campaign through the API, and a local OpenAI-compatible
server for captions, images and image scores (collect) that the real `openai` client talks to over a real
socket."""

from __future__ import annotations

import base64
import io
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from PIL import Image, ImageDraw

from tests.fake_openai import SERVER_ERROR, FakeServer, completion, serve
from tests.helpers import Account
from tests.platforms.conftest import sandbox, sandbox_process  # noqa: F401 - the sandbox marketplace, for posting tests

CAMPAIGNS = "/api/v1/campaigns"

BRIEF: dict[str, Any] = {
    "name": "Spring drop",
    "description": "Linen shirts for warm days, made in Portugal",
    "brand_name": "Loom & Co",
    "target_audience": "women 25-40 who like slow fashion",
    "tone": "warm",
}


async def create_campaign(client: httpx.AsyncClient, account: Account, **changes: Any) -> dict[str, Any]:
    """A draft campaign (BRIEF with `changes`) made through the API."""
    response = await client.post(CAMPAIGNS, headers=account.headers, json={**BRIEF, **changes})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def worker_env(server: FakeAI, concurrency: int = 5) -> dict[str, str]:
    """A worker's environment to use the fake server, failures not retried (a failure is the post's)."""
    return {
        "OPENAI_API_KEY": "sk-test-fake",
        "OPENAI_BASE_URL": f"{server.url}/v1",
        "OPENAI_MAX_RETRIES": "0",
        "AI_MAX_CONCURRENCY": str(concurrency),
        "AI_WORKSPACE_MAX_CONCURRENCY": str(concurrency),
    }


@dataclass
class FakeAI(FakeServer):
    """What the server saw: the prompts, captions and images made; what it fails."""

    fail_when: set[str] = field(default_factory=set)
    """A prompt containing any of these words is answered 500."""
    captions: int = 0
    images: int = 0
    prompts: list[str] = field(default_factory=list)


def _prompt(path: str, body: dict[str, Any]) -> str:
    if path.endswith("/images/generations"):
        return str(body.get("prompt", ""))
    parts = body["messages"][0]["content"]
    return parts if isinstance(parts, str) else " ".join(p.get("text", "") for p in parts)


def _topic(prompt: str) -> str:
    for line in prompt.splitlines():
        if line.startswith("Topic:"):
            return line.removeprefix("Topic:").strip()
    return "the campaign"


def _picture(n: int) -> str:
    image = Image.new("RGB", (256, 256), (30 + n * 13 % 200, 90, 160))
    ImageDraw.Draw(image).rectangle([n % 100, 40, n % 100 + 80, 140], fill=(250, 250, 250))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return base64.b64encode(out.getvalue()).decode()


def _image_score(body: dict[str, Any]) -> str | None:
    """An image score request (collect's thorough validation) is answered with the picture's redness (0-1):
    tests choose an image's score by its colour."""
    response_format = body.get("response_format") or {}
    if response_format.get("json_schema", {}).get("name") != "image_score":
        return None
    url = next(p["image_url"]["url"] for p in body["messages"][0]["content"] if p.get("type") == "image_url")
    with Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))) as image:
        red = image.convert("RGB").resize((1, 1)).getpixel((0, 0))[0]
    return json.dumps({"score": round(red / 255, 3)})


@pytest.fixture
def fake_ai() -> Iterator[FakeAI]:
    """Chat completions answer a caption naming the prompt's topic; image generations a PNG as base64."""
    state = FakeAI()

    def answer(path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        prompt = _prompt(path, body)
        with state.lock:
            state.prompts.append(prompt)
            if any(word in prompt for word in state.fail_when):
                return 500, SERVER_ERROR
            if path.endswith("/images/generations"):
                state.images += 1
                return 200, {"created": int(time.time()), "data": [{"b64_json": _picture(state.images)}]}
            if (score := _image_score(body)) is not None:
                return 200, completion(score, body.get("model", "fake"))
            state.captions += 1
            return 200, completion(f"Fresh caption about {_topic(prompt)} #loom", body.get("model", "fake"))

    with serve(state, answer):
        yield state
