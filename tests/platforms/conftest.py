"""The sandbox marketplace as a real process (both shops: `sandbox` and `sandbox_b`), reset before every test."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import TMP_DIR
from tests.private_redis import free_port

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "sandbox-pass-1"
STARTUP_SECONDS = 60  # generous: a loaded CI machine starts Python slowly


@dataclass
class SandboxProcess:
    url: str
    db_path: Path
    process: subprocess.Popen[bytes]


def _start_sandbox(flavour: str) -> Iterator[SandboxProcess]:
    """`sellpilot sandbox --flavour <flavour>` on a free port and a temporary database (no Redis, no PostgreSQL)."""
    port = free_port()
    # In the run's own temporary folder, which goes when the run ends.
    db_path = Path(tempfile.mkdtemp(prefix=f"sandbox-{flavour}-", dir=TMP_DIR)) / "sandbox.sqlite3"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "backend.cli",
            "sandbox",
            "--flavour",
            flavour,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--db",
            str(db_path),
        ],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the sandbox exited: {process.stderr.read().decode() if process.stderr else ''}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"the sandbox did not answer /healthz within {STARTUP_SECONDS} s")
        time.sleep(0.1)
    yield SandboxProcess(url=url, db_path=db_path, process=process)
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def sandbox_process() -> Iterator[SandboxProcess]:
    """The first shop, Sandbox Market (platform `sandbox`)."""
    yield from _start_sandbox("a")


@pytest.fixture(scope="session")
def sandbox_b_process() -> Iterator[SandboxProcess]:
    """The second shop, Sandbox Bazaar (`sellpilot sandbox --flavour b`, platform `sandbox_b`)."""
    yield from _start_sandbox("b")


@dataclass
class Sandbox:
    """The running sandbox (reset) and helpers for its control API."""

    url: str
    db_path: Path
    control: httpx.AsyncClient

    def browser(self, **kwargs: Any) -> httpx.AsyncClient:
        """A client like a browser without JavaScript: cookies, forms, no automatic redirects."""
        return httpx.AsyncClient(base_url=self.url, follow_redirects=False, timeout=10, **kwargs)

    async def login(self, client: httpx.AsyncClient, username: str, password: str = PASSWORD) -> httpx.Response:
        response = await client.post("/login", data={"username": username, "password": password, "next": "/"})
        assert response.status_code == 303, response.text
        return response

    async def create_user(self, username: str, password: str = PASSWORD) -> httpx.Response:
        return await self.control.post("/__control/users", json={"username": username, "password": password})

    async def set_challenge(self, username: str, enabled: bool = True) -> None:
        response = await self.control.post(f"/__control/users/{username}/challenge", json={"enabled": enabled})
        response.raise_for_status()

    async def expire_sessions(self, username: str) -> None:
        (await self.control.post(f"/__control/users/{username}/expire-sessions")).raise_for_status()

    async def drop_next_publish(self, hang_seconds: float = 30) -> None:
        response = await self.control.post(
            "/__control/faults", json={"drop_next_publish": True, "hang_seconds": hang_seconds}
        )
        response.raise_for_status()

    async def drop_next_delete(self, hang_seconds: float = 30) -> None:
        """The next delete of a listing happens, but its answer is lost (a 504 after `hang_seconds`)."""
        response = await self.control.post(
            "/__control/faults", json={"drop_next_delete": True, "hang_seconds": hang_seconds}
        )
        response.raise_for_status()

    async def drop_next_message(self, hang_seconds: float = 30) -> None:
        response = await self.control.post(
            "/__control/faults", json={"drop_next_message": True, "hang_seconds": hang_seconds}
        )
        response.raise_for_status()

    async def drop_next_post(self, hang_seconds: float = 30) -> None:
        response = await self.control.post(
            "/__control/faults", json={"drop_next_post": True, "hang_seconds": hang_seconds}
        )
        response.raise_for_status()

    async def drop_next_board(self, hang_seconds: float = 30) -> None:
        response = await self.control.post(
            "/__control/faults", json={"drop_next_board": True, "hang_seconds": hang_seconds}
        )
        response.raise_for_status()

    async def fail_path(self, path: str, count: int = 1) -> None:
        """The next `count` requests to `path` (or `path?query`) answer 500."""
        response = await self.control.post("/__control/faults", json={"fail_path": path, "fail_count": count})
        response.raise_for_status()

    async def gallery(
        self, keyword: str, count: int, exact_share: float = 0, near_share: float = 0, seed: int = 0
    ) -> dict[str, Any]:
        """`count` items for `keyword` with generated pictures; which repeat which (exact or re-encoded)."""
        result: dict[str, Any] = await self._post(
            "/__control/gallery",
            keyword=keyword,
            count=count,
            exact_share=exact_share,
            near_share=near_share,
            seed=seed,
        )
        return result

    async def boards(self, username: str) -> list[dict[str, Any]]:
        """The user's boards, oldest first, with the ids of what each holds."""
        response = await self.control.get("/__control/boards", params={"username": username})
        response.raise_for_status()
        result: list[dict[str, Any]] = response.json()
        return result

    async def posts(self, author: str) -> list[dict[str, Any]]:
        """The author's posts, newest first (whole captions, counters, media types)."""
        response = await self.control.get("/__control/posts", params={"author": author})
        response.raise_for_status()
        result: list[dict[str, Any]] = response.json()
        return result

    async def add_post_stats(self, post_id: int | str, views: int = 0, likes: int = 0) -> dict[str, Any]:
        result: dict[str, Any] = await self._post(f"/__control/posts/{int(post_id)}/stats", views=views, likes=likes)
        return result

    async def _post(self, path: str, **body: Any) -> Any:
        response = await self.control.post(path, json=body)
        response.raise_for_status()
        return response.json()

    async def like(self, username: str, item_id: int | str, days_ago: float | None = None) -> None:
        await self._post("/__control/likes", username=username, item_id=int(item_id), days_ago=days_ago)

    async def follow(self, follower: str, followee: str, days_ago: float | None = None, follow: bool = True) -> None:
        await self._post("/__control/follows", follower=follower, followee=followee, days_ago=days_ago, follow=follow)

    async def follow_links(self, username: str) -> dict[str, list[dict[str, Any]]]:
        response = await self.control.get("/__control/follow-links", params={"username": username})
        response.raise_for_status()
        result: dict[str, list[dict[str, Any]]] = response.json()
        return result

    async def send(self, sender: str, recipient: str, body: str) -> int:
        result: int = (await self._post("/__control/messages", sender=sender, recipient=recipient, body=body))["id"]
        return result

    async def inbox(self, username: str) -> list[dict[str, Any]]:
        response = await self.control.get("/__control/inbox", params={"username": username})
        response.raise_for_status()
        result: list[dict[str, Any]] = response.json()
        return result

    async def age_item(self, item_id: int | str, days: float) -> dict[str, Any]:
        result: dict[str, Any] = await self._post(f"/__control/items/{int(item_id)}/age", days=days)
        return result

    async def mark_sold(self, item_id: int | str, sold: bool = True) -> dict[str, Any]:
        result: dict[str, Any] = await self._post(f"/__control/items/{int(item_id)}/sold", sold=sold)
        return result

    async def buy(
        self, buyer: str, item_id: int | str, price: str | None = None, days_ago: float | None = None
    ) -> dict[str, Any]:
        """`buyer` buys the item (at `price`, else its own); the sale as the control API answers it."""
        result: dict[str, Any] = await self._post(
            f"/__control/items/{int(item_id)}/buy", buyer=buyer, price=price, days_ago=days_ago
        )
        return result

    async def add_item_stats(self, item_id: int | str, views: int = 0, likes: int = 0) -> dict[str, Any]:
        """Others visit and like the item: that many more views and likes."""
        result: dict[str, Any] = await self._post(f"/__control/items/{int(item_id)}/stats", views=views, likes=likes)
        return result

    async def items(self, seller: str | None = None) -> list[dict[str, Any]]:
        response = await self.control.get("/__control/items", params={"seller": seller} if seller else {})
        response.raise_for_status()
        result: list[dict[str, Any]] = response.json()
        return result

    async def messages(self, a: str, b: str) -> list[dict[str, Any]]:
        response = await self.control.get("/__control/messages", params={"between": f"{a},{b}"})
        response.raise_for_status()
        result: list[dict[str, Any]] = response.json()
        return result

    async def follows(self, username: str) -> dict[str, list[str]]:
        response = await self.control.get("/__control/follows", params={"username": username})
        response.raise_for_status()
        result: dict[str, list[str]] = response.json()
        return result


@contextlib.asynccontextmanager
async def _reset(process: SandboxProcess) -> AsyncIterator[Sandbox]:
    async with httpx.AsyncClient(base_url=process.url, timeout=10) as control:
        (await control.post("/__control/reset")).raise_for_status()
        yield Sandbox(url=process.url, db_path=process.db_path, control=control)


@pytest.fixture
async def sandbox(sandbox_process: SandboxProcess) -> AsyncIterator[Sandbox]:
    async with _reset(sandbox_process) as reset:
        yield reset


@pytest.fixture
async def sandbox_b(sandbox_b_process: SandboxProcess) -> AsyncIterator[Sandbox]:
    """Sandbox Bazaar, reset for the test (point the API at it with `override_env(SANDBOX_B_URL=sandbox_b.url)`)."""
    async with _reset(sandbox_b_process) as reset:
        yield reset
