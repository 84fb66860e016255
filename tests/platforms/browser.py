"""A real Chromium for platform tests, and a sandbox driver on a fresh context."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from playwright.async_api import Browser, async_playwright

from backend.platforms.drivers.base import Pacing
from backend.platforms.drivers.sandbox import SandboxDriver
from backend.platforms.drivers.sandbox_b import SandboxBDriver
from backend.platforms.runtime.browser import launch_options
from backend.settings import get_settings

STEP_TIMEOUT_MS = 5_000


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(**launch_options(get_settings().platforms))
        try:
            yield browser
        finally:
            await browser.close()


@asynccontextmanager
async def sandbox_driver(
    browser: Browser, url: str, timeout_ms: int = STEP_TIMEOUT_MS, driver: type[SandboxDriver] = SandboxDriver
) -> AsyncIterator[SandboxDriver]:
    """A driver on its own context (its own cookies), in fast mode; `driver=SandboxBDriver` for Sandbox Bazaar."""
    context = await browser.new_context()
    page = await context.new_page()
    page.set_default_timeout(timeout_ms)
    try:
        yield driver(page, Pacing(fast=True), base_url=url)
    finally:
        await context.close()


def bazaar_driver(
    browser: Browser, url: str, timeout_ms: int = STEP_TIMEOUT_MS
) -> AbstractAsyncContextManager[SandboxDriver]:
    """The Sandbox Bazaar driver (platform `sandbox_b`) on its own context, in fast mode."""
    return sandbox_driver(browser, url, timeout_ms, driver=SandboxBDriver)
