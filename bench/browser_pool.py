"""Browser pool benchmark: 100 sandbox actions with pooled contexts vs a fresh browser per action.

One run does both, against the bundled sandbox marketplace on 127.0.0.1:
- pooled: one Chromium, one reused context per account (what workers do);
- fresh: launch Chromium, open a context with the account's saved cookies,
  run the action, close the browser — every time.
The same mix of actions (item stats, session check, feed images, inbox,
follow/unfollow) over 5 accounts in turn, in fast mode (no human pacing, so
the figures are the browser's cost, not the pacing's). Peak memory is the
proportional set size (PSS) of this process and every process under it (Chromium and
Playwright's driver; the sandbox server is left out), sampled every 200 ms.

    uv run python bench/browser_pool.py [--actions 100]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._harness import machine, port_from_env, wait_until_async

os.environ.setdefault("APP_ENV", "test")
os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="sellpilot-bench-"))

from playwright.async_api import BrowserContext, async_playwright

from backend.platforms.drivers.base import Credentials, Driver, Pacing
from backend.platforms.drivers.sandbox import SandboxDriver
from backend.platforms.runtime.browser import BrowserPool, launch_options
from backend.platforms.runtime.identity import AccountIdentity
from backend.settings import get_settings

ACCOUNTS = 5
PASSWORD = "bench-pass-1"  # noqa: S105 - a throwaway sandbox user


def _tree_pss_bytes(pid: int, exclude: frozenset[int]) -> int:
    """Proportional set size of `pid` and its descendants but `exclude` (Linux /proc).

    PSS splits shared pages between the processes that share them, so Chromium's
    many processes are not counted several times over (RSS would).
    """
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        if current in exclude:
            continue
        try:
            with open(f"/proc/{current}/smaps_rollup") as rollup:
                total += next(int(line.split()[1]) * 1024 for line in rollup if line.startswith("Pss:"))
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    stack.extend(int(c) for c in children.read().split())
        except (FileNotFoundError, ProcessLookupError, ValueError, StopIteration):
            continue
    return total


class PeakMemory:
    """Peak memory (PSS) of this process and its children (Chromium, Playwright's driver)."""

    def __init__(self, exclude: frozenset[int]) -> None:
        self.exclude = exclude
        self.peak = 0
        self._task: asyncio.Task[None] | None = None

    async def _sample(self) -> None:
        while True:
            self.peak = max(self.peak, _tree_pss_bytes(os.getpid(), self.exclude))
            await asyncio.sleep(0.2)

    def __enter__(self) -> PeakMemory:
        self._task = asyncio.get_running_loop().create_task(self._sample())
        return self

    def __exit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()


def _identity(login: str, cookies: list[dict[str, Any]]) -> AccountIdentity:
    return AccountIdentity(
        account_id=uuid.uuid5(uuid.NAMESPACE_DNS, login),
        workspace_id=uuid.UUID(int=0),
        platform="sandbox",
        login=login,
        password=PASSWORD,
        cookies=cookies,
        status="active",
        status_reason="",
        cooldown_until=None,
        proxy=None,
        profile=None,
        version="bench",
    )


Action = Callable[[Driver, int], Awaitable[object]]


async def _follow_toggle(driver: Driver, i: int) -> object:
    await (driver.follow("alice") if i % 2 == 0 else driver.unfollow("alice"))
    return None


ITEM_IDS: list[str] = []


async def _item_stats(driver: Driver, i: int) -> object:
    return await driver.read_item_stats(ITEM_IDS[i % len(ITEM_IDS)])


async def _feed(driver: Driver, i: int) -> object:
    return await driver.collect_feed_images(limit=10)


async def _inbox(driver: Driver, i: int) -> object:
    return await driver.read_inbox()


async def _session(driver: Driver, i: int) -> object:
    return await driver.check_session()


MIX: list[Action] = [_item_stats, _session, _feed, _inbox, _follow_toggle]


async def _act(context: BrowserContext, base_url: str, i: int) -> None:
    page = await context.new_page()
    try:
        driver = SandboxDriver(page, Pacing(fast=True), base_url=base_url)
        await MIX[i % len(MIX)](driver, i)
    finally:
        await page.close()


async def run(actions: int) -> None:
    port = port_from_env("BENCH_SANDBOX_PORT")
    base_url = f"http://127.0.0.1:{port}"
    db = Path(tempfile.mkdtemp(prefix="sandbox-bench-")) / "sandbox.sqlite3"
    sandbox = subprocess.Popen(  # our own CLI, started once before timing
        [sys.executable, "-m", "backend.cli", "sandbox", "--port", str(port), "--db", str(db)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        async with httpx.AsyncClient(base_url=base_url, timeout=10) as http:

            async def sandbox_ready() -> bool:
                with contextlib.suppress(httpx.HTTPError):
                    return (await http.get("/healthz")).status_code == 200
                return False

            await wait_until_async(sandbox_ready, "the sandbox to answer /healthz")
            logins = [f"bench{n}" for n in range(ACCOUNTS)]
            for login in logins:
                await http.post("/__control/users", json={"username": login, "password": PASSWORD})
            ITEM_IDS.extend(str(item["id"]) for item in (await http.get("/__control/items")).json()[:20])

        settings = get_settings().platforms
        # Log each account in once; both modes start from these saved cookies.
        cookies: dict[str, list[dict[str, Any]]] = {}
        async with async_playwright() as p:
            browser = await p.chromium.launch(**launch_options(settings))
            for login in logins:
                context = await browser.new_context()
                page = await context.new_page()
                await SandboxDriver(page, Pacing(fast=True), base_url=base_url).login(Credentials(login, PASSWORD))
                cookies[login] = [dict(c) for c in await context.cookies()]
                await context.close()
            await browser.close()

        results: dict[str, tuple[float, int]] = {}

        pool = BrowserPool(settings)
        with PeakMemory(frozenset({sandbox.pid})) as memory:
            started = time.perf_counter()
            for i in range(actions):
                login = logins[i % ACCOUNTS]
                async with pool.session(_identity(login, cookies[login])) as context:
                    await _act(context, base_url, i)
            results["pooled"] = (time.perf_counter() - started, memory.peak)
        await pool.close()

        async with async_playwright() as p:
            with PeakMemory(frozenset({sandbox.pid})) as memory:
                started = time.perf_counter()
                for i in range(actions):
                    login = logins[i % ACCOUNTS]
                    browser = await p.chromium.launch(**launch_options(settings))
                    context = await browser.new_context()
                    await context.add_cookies(cookies[login])  # type: ignore[arg-type]
                    await _act(context, base_url, i)
                    await browser.close()
                results["fresh"] = (time.perf_counter() - started, memory.peak)
    finally:
        sandbox.terminate()
        sandbox.wait(10)

    print(f"machine: {machine()}")
    print(f"{actions} actions over {ACCOUNTS} accounts, mix: {', '.join(a.__name__.strip('_') for a in MIX)}")
    rates = {}
    for mode, (seconds, peak) in results.items():
        rates[mode] = actions / seconds * 60
        print(f"{mode:>7}: {seconds:6.1f} s  {rates[mode]:7.1f} actions/min  peak memory {peak / 2**20:6.0f} MiB")
    print(f"pooled / fresh: {rates['pooled'] / rates['fresh']:.1f}x the actions per minute")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--actions", type=int, default=100)
    asyncio.run(run(parser.parse_args().actions))


if __name__ == "__main__":
    main()
