"""The browser pool: one Chromium, one reused context per account, bounded and closed when idle."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from typing import Any

from backend.platforms.drivers.base import Credentials, Pacing
from backend.platforms.drivers.sandbox import SandboxDriver
from backend.platforms.runtime.browser import BrowserPool
from backend.platforms.runtime.identity import AccountIdentity
from backend.settings import get_settings
from tests.platforms.conftest import PASSWORD, Sandbox


def identity(login: str, version: str = "1", cookies: list[dict[str, Any]] | None = None) -> AccountIdentity:
    return AccountIdentity(
        account_id=uuid.uuid5(uuid.NAMESPACE_URL, login),
        workspace_id=uuid.UUID(int=1),
        platform="sandbox",
        login=login,
        password=PASSWORD,
        cookies=cookies or [],
        status="active",
        status_reason="",
        cooldown_until=None,
        proxy=None,
        profile=None,
        version=version,
    )


class SavedCookies:
    def __init__(self) -> None:
        self.by_login: dict[str, list[dict[str, Any]]] = {}

    async def __call__(self, account: AccountIdentity, cookies: list[dict[str, Any]]) -> None:
        self.by_login[account.login] = cookies


async def who_is_logged_in(pool: BrowserPool, account: AccountIdentity, url: str, log_in: bool) -> str | None:
    async with pool.session(account) as context:
        page = await context.new_page()
        try:
            driver = SandboxDriver(page, Pacing(fast=True), base_url=url)
            if log_in:
                await driver.login(Credentials(account.login, PASSWORD))
            await driver.goto("/my/listings")
            nav = page.locator("#nav-user")
            return await nav.get_attribute("data-username") if await nav.count() else None
        finally:
            await page.close()


async def test_five_accounts_work_at_once_in_one_browser_with_separate_cookies(sandbox: Sandbox) -> None:
    logins = [f"seller{n}" for n in range(5)]
    for login in logins:
        await sandbox.create_user(login)
    saved = SavedCookies()
    pool = BrowserPool(get_settings().platforms, save_cookies=saved)
    try:
        accounts = [identity(login) for login in logins]
        first = await asyncio.gather(*(who_is_logged_in(pool, a, sandbox.url, log_in=True) for a in accounts))
        assert first == logins
        browser = await pool.browser()
        assert len(browser.contexts) == 5
        assert pool.open_contexts == 5
        # Reused: each context is still logged in as its own account, without logging in again.
        again = await asyncio.gather(*(who_is_logged_in(pool, a, sandbox.url, log_in=False) for a in accounts))
        assert again == logins
        assert await pool.browser() is browser
        assert len(browser.contexts) == 5
    finally:
        await pool.close()
    sessions = {
        login: [c["value"] for c in saved.by_login[login] if c["name"] == "sandbox_session"] for login in logins
    }
    assert all(len(values) == 1 for values in sessions.values())
    assert len({values[0] for values in sessions.values()}) == 5  # five different sessions were saved back

    # A new pool (another worker, a restart) starts logged in from the saved cookies.
    pool = BrowserPool(get_settings().platforms)
    try:
        restored = identity("seller0", cookies=saved.by_login["seller0"])
        assert await who_is_logged_in(pool, restored, sandbox.url, log_in=False) == "seller0"
    finally:
        await pool.close()


async def test_the_pool_is_bounded_and_closes_idle_contexts(sandbox: Sandbox) -> None:
    for login in ("p1", "p2", "p3"):
        await sandbox.create_user(login)
    settings = dataclasses.replace(get_settings().platforms, browser_max_contexts=2)
    pool = BrowserPool(settings)
    try:
        for login in ("p1", "p2", "p3"):
            assert await who_is_logged_in(pool, identity(login), sandbox.url, log_in=True) == login
            assert pool.open_contexts <= 2
        browser = await pool.browser()
        assert len(browser.contexts) == 2
        # p1 was the least recently used and was closed to make room: it is logged out again.
        assert await who_is_logged_in(pool, identity("p1"), sandbox.url, log_in=False) is None
        assert await pool.close_idle(idle_seconds=0) == 2
        assert pool.open_contexts == 0
        assert len(browser.contexts) == 0
    finally:
        await pool.close()


async def test_an_edited_account_gets_a_fresh_context(sandbox: Sandbox) -> None:
    pool = BrowserPool(get_settings().platforms)
    try:
        assert await who_is_logged_in(pool, identity("alice", version="1"), sandbox.url, log_in=True) == "alice"
        # The person edited the account (e.g. cleared its cookies): the old session is not reused.
        assert await who_is_logged_in(pool, identity("alice", version="2"), sandbox.url, log_in=False) is None
        assert pool.open_contexts == 1
    finally:
        await pool.close()
