"""The browser pool: one Chromium per worker process, one context per platform account.

A context carries the account's proxy, browser profile and cookies, so
accounts never see each other's sessions. Contexts are reused across jobs,
closed after `BROWSER_CONTEXT_IDLE_SECONDS` without use, and bounded in number
(`BROWSER_MAX_CONTEXTS`): when the pool is full the least recently used idle
context is closed, and when every context is busy the caller waits. After each
use the context's cookies are saved back, encrypted.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import structlog
from prometheus_client import Gauge

from backend.core.lazy import lazy_module
from backend.platforms.drivers.base import ActionFailed
from backend.platforms.runtime.chromium import INSTALL_HINT, find_chromium
from backend.platforms.runtime.identity import AccountIdentity, save_cookies
from backend.settings import PlatformSettings, get_settings

if TYPE_CHECKING:
    import playwright.async_api as playwright_api
    from playwright.async_api import Browser, BrowserContext, Playwright
else:
    playwright_api = lazy_module(
        "playwright.async_api"
    )  # the API process imports the platforms facade, never a browser

log = structlog.get_logger(__name__)

CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
OPEN_CONTEXTS = Gauge("sellpilot_browser_contexts", "Browser contexts open in this worker", multiprocess_mode="livesum")

SaveCookies = Callable[[AccountIdentity, list[dict[str, Any]]], Awaitable[None]]


@dataclass
class _Entry:
    context: BrowserContext
    version: str
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    last_used: float = field(default_factory=time.monotonic)
    users: int = 0


class BrowserUnavailable(ActionFailed):
    """No Chromium to run, or it would not start: the job fails with this one line (retrying cannot help)."""


def launch_options(settings: PlatformSettings) -> dict[str, Any]:
    """How to launch Chromium, looked up now (so one installed meanwhile is found); BrowserUnavailable if none."""
    chromium = find_chromium(settings.chromium_path)
    if chromium.path is None:
        raise BrowserUnavailable(chromium.detail)
    return {"headless": settings.browser_headless, "args": list(CHROMIUM_ARGS), "executable_path": chromium.path}


async def _launch(playwright: Playwright, settings: PlatformSettings) -> Browser:
    options = launch_options(settings)
    try:
        return await playwright.chromium.launch(**options)
    except playwright_api.Error as exc:
        # Playwright's own message can be a banner about `playwright install`,
        # which is not how Sellpilot gets its browser: keep its first line only.
        first_line = next((line.strip() for line in str(exc).splitlines() if line.strip()), type(exc).__name__)
        raise BrowserUnavailable(
            f"Chromium at {options['executable_path']} did not start ({first_line}): {INSTALL_HINT}"
        ) from exc


def context_options(identity: AccountIdentity) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if identity.profile is not None:
        p = identity.profile
        options.update(
            user_agent=p.user_agent,
            viewport={"width": p.viewport_width, "height": p.viewport_height},
            locale=p.locale,
            timezone_id=p.timezone,
            is_mobile=p.is_mobile,
            has_touch=p.is_mobile,
        )
    if identity.proxy is not None:
        options["proxy"] = identity.proxy.playwright()
    return options


class BrowserPool:
    def __init__(self, settings: PlatformSettings, save_cookies: SaveCookies | None = None) -> None:
        self.settings = settings
        self._save_cookies = save_cookies
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._launching = asyncio.Lock()
        self._entries: dict[uuid.UUID, _Entry] = {}
        self._capacity = asyncio.Condition()
        self._reaper: asyncio.Task[None] | None = None

    @property
    def open_contexts(self) -> int:
        return len(self._entries)

    async def browser(self) -> Browser:
        async with self._launching:
            if self._browser is None or not self._browser.is_connected():
                if self._playwright is None:
                    self._playwright = await playwright_api.async_playwright().start()
                # A failed launch leaves no browser, so the next job tries again.
                self._browser = await _launch(self._playwright, self.settings)
                self._entries.clear()  # a new browser has none of the old contexts
                OPEN_CONTEXTS.set(0)
                log.info("browser_launched", version=self._browser.version)
            if self._reaper is None or self._reaper.done():
                self._reaper = asyncio.create_task(self._close_idle_forever())
            return self._browser

    @contextlib.asynccontextmanager
    async def session(self, identity: AccountIdentity) -> AsyncIterator[BrowserContext]:
        """The account's context, for one user at a time; cookies are saved back afterwards."""
        entry = await self._acquire(identity)
        try:
            async with entry.lock:
                entry.last_used = time.monotonic()
                try:
                    yield entry.context
                finally:
                    await self._store_cookies(identity, entry.context)
                    entry.last_used = time.monotonic()
        finally:
            async with self._capacity:
                entry.users -= 1
                self._capacity.notify_all()

    async def _acquire(self, identity: AccountIdentity) -> _Entry:
        browser = await self.browser()
        async with self._capacity:
            while True:
                entry = self._entries.get(identity.account_id)
                if entry is not None and entry.version != identity.version and entry.users == 0:
                    # Edited since (new cookies, proxy or profile): start over from the stored state.
                    await self._close(identity.account_id)
                    entry = None
                if entry is not None and entry.version == identity.version:
                    entry.users += 1
                    return entry
                if entry is None and (len(self._entries) < self.settings.browser_max_contexts or self._evict_one()):
                    context = await browser.new_context(**context_options(identity))
                    if identity.cookies:
                        await context.add_cookies(identity.cookies)  # type: ignore[arg-type]
                    entry = _Entry(context=context, version=identity.version, users=1)
                    self._entries[identity.account_id] = entry
                    OPEN_CONTEXTS.set(len(self._entries))
                    return entry
                await self._capacity.wait()

    def _evict_one(self) -> bool:
        """Close the least recently used idle context; False when all are busy."""
        idle = [(e.last_used, k) for k, e in self._entries.items() if e.users == 0]
        if not idle:
            return False
        _, account_id = min(idle)
        entry = self._entries.pop(account_id)
        OPEN_CONTEXTS.set(len(self._entries))
        asyncio.create_task(_close_quietly(entry.context))  # noqa: RUF006 - fire and forget
        return True

    async def _close(self, account_id: uuid.UUID) -> None:
        entry = self._entries.pop(account_id, None)
        OPEN_CONTEXTS.set(len(self._entries))
        if entry is not None:
            await _close_quietly(entry.context)

    async def _store_cookies(self, identity: AccountIdentity, context: BrowserContext) -> None:
        if self._save_cookies is None:
            return
        try:
            cookies = [dict(c) for c in await context.cookies()]
            await self._save_cookies(identity, cookies)
        except Exception:
            # The action's outcome matters more than the cookie copy; the next use logs in again if needed.
            log.exception("cookies_not_saved", account_id=str(identity.account_id))

    async def close_idle(self, idle_seconds: float | None = None) -> int:
        limit = self.settings.browser_context_idle_seconds if idle_seconds is None else idle_seconds
        now = time.monotonic()
        async with self._capacity:
            stale = [k for k, e in self._entries.items() if e.users == 0 and now - e.last_used >= limit]
            for account_id in stale:
                await self._close(account_id)
            if stale:
                self._capacity.notify_all()
        return len(stale)

    async def _close_idle_forever(self) -> None:
        interval = max(1.0, min(30.0, self.settings.browser_context_idle_seconds / 2))
        while True:
            await asyncio.sleep(interval)
            with contextlib.suppress(Exception):
                await self.close_idle()

    async def close(self) -> None:
        if self._reaper is not None:
            self._reaper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reaper
        for account_id in list(self._entries):
            await self._close(account_id)
        if self._browser is not None:
            with contextlib.suppress(Exception):
                await self._browser.close()
        if self._playwright is not None:
            with contextlib.suppress(Exception):
                await self._playwright.stop()
        self._browser = self._playwright = None


async def _close_quietly(context: BrowserContext) -> None:
    with contextlib.suppress(Exception):
        await context.close()


_pool: BrowserPool | None = None


def get_pool() -> BrowserPool:
    """This process's pool (the browser starts on first use)."""
    global _pool
    if _pool is None:

        async def save(account: AccountIdentity, cookies: list[dict[str, Any]]) -> None:
            await save_cookies(account.workspace_id, account.account_id, cookies)

        _pool = BrowserPool(get_settings().platforms, save_cookies=save)
    return _pool


async def close_pool(wait_seconds: float | None = None) -> None:
    """Close the browser; after `wait_seconds` it is left to die with the process (logged)."""
    global _pool
    pool, _pool = _pool, None
    if pool is None:
        return
    try:
        await asyncio.wait_for(asyncio.shield(pool.close()), wait_seconds)
    except TimeoutError:
        log.error("browser_close_abandoned", after_seconds=wait_seconds)
