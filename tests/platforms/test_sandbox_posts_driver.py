"""Social posts through the sandbox driver in real Chromium, and through the facade as a job would publish them.

What happened is asserted through the sandbox's control API, not through the driver.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser

from backend.platforms import service as platforms
from backend.platforms.drivers.base import ChallengeRequired, Credentials
from backend.platforms.drivers.post_tags import ref_tag
from backend.platforms.runtime import actions
from backend.platforms.runtime.browser import close_pool
from backend.platforms.runtime.sessions import NeedsAttention
from backend.platforms.tables import PlatformAccount
from tests.helpers import register
from tests.images import photo
from tests.platforms.browser import chromium, sandbox_driver
from tests.platforms.conftest import PASSWORD, Sandbox
from tests.platforms.helpers import create


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as browser:
        yield browser


def _post(tmp_path: Path, caption: str, ref: str | None = None) -> platforms.PostInput:
    path = tmp_path / f"{uuid.uuid4().hex}.jpg"
    path.write_bytes(photo(seed=11))
    return platforms.PostInput(caption=caption, media=[path], ref=ref or str(uuid.uuid4()))


async def test_publish_a_post_with_an_image_and_find_it_by_its_ref(
    browser: Browser, sandbox: Sandbox, tmp_path: Path
) -> None:
    post = _post(tmp_path, "Autumn knitwear is in.\nTen colours, one price.")
    other = _post(tmp_path, "Autumn knitwear is in.\nTen colours, one price.")  # same words, another ref
    async with sandbox_driver(browser, sandbox.url) as driver:
        await driver.login(Credentials("alice", PASSWORD))
        assert await driver.find_post(post) is None
        published = await actions.publish_post(driver, post, check_first=True)
        assert published.url == f"{sandbox.url}/p/{published.post_id}"
        assert await driver.find_post(post) == published
        assert await driver.find_post(other) is None
        again = await actions.publish_post(driver, post, check_first=True)  # a re-run finds it: no second post
        assert again == published
        await sandbox.add_post_stats(published.post_id, views=40, likes=6)
        stats = await driver.read_post_stats(published.post_id)
    assert (stats.item_id, stats.views, stats.likes) == (published.post_id, 40, 6)
    [stored] = await sandbox.posts("alice")
    assert str(stored["id"]) == published.post_id
    assert stored["caption"] == f"Autumn knitwear is in.\nTen colours, one price. {ref_tag(post.ref)}"
    assert [m["content_type"] for m in stored["media"]] == ["image/jpeg"]


async def test_a_flagged_account_meets_the_challenge_when_posting(
    browser: Browser, sandbox: Sandbox, tmp_path: Path
) -> None:
    async with sandbox_driver(browser, sandbox.url) as driver:
        await driver.login(Credentials("bob", PASSWORD))
        await sandbox.set_challenge("bob")
        with pytest.raises(ChallengeRequired, match="captcha"):
            await driver.publish_post(_post(tmp_path, "Never posted"))
    assert await sandbox.posts("bob") == []


async def _account(client: httpx.AsyncClient, login: str) -> tuple[uuid.UUID, uuid.UUID]:
    owner = await register(client)
    account = await create(client, owner, "accounts", platform="sandbox", login=login, password=PASSWORD)
    return uuid.UUID(owner.workspace_id), uuid.UUID(account["id"])


async def test_a_lost_answer_through_the_facade_makes_exactly_one_post(
    app: Any, client: httpx.AsyncClient, sandbox: Sandbox, override_env: Any, tmp_path: Path
) -> None:
    override_env(SANDBOX_URL=sandbox.url, BROWSER_ACTION_TIMEOUT_SECONDS="2")
    workspace_id, account_id = await _account(client, "carol")
    post = _post(tmp_path, "Handmade mugs, new glaze")
    await sandbox.drop_next_post(hang_seconds=6)
    try:
        async with platforms.run_as_account(app.state.redis, workspace_id, account_id) as session:
            published = await platforms.publish_post(session, post)
            assert await platforms.find_post(session, post) == published
            stats = await platforms.post_stats(session, published.post_id)
    finally:
        await close_pool()
    posts = await sandbox.posts("carol")
    assert [str(p["id"]) for p in posts] == [published.post_id]
    faults = (await sandbox.control.post("/__control/faults", json={})).json()
    assert faults["drop_next_post"] is False  # the publish did lose its answer
    assert (stats.views, stats.likes) == (0, 0)
    [row] = await PlatformAccount.select(PlatformAccount.actions_today).where(PlatformAccount.id == account_id)
    assert row["actions_today"] == 1  # one publish, one daily action; the checks are reads


async def test_a_challenge_while_posting_puts_the_account_in_needs_attention(
    app: Any, client: httpx.AsyncClient, sandbox: Sandbox, override_env: Any, tmp_path: Path
) -> None:
    override_env(SANDBOX_URL=sandbox.url)
    workspace_id, account_id = await _account(client, "dave")

    async def post_after_a_captcha() -> None:
        async with platforms.run_as_account(app.state.redis, workspace_id, account_id) as session:
            await sandbox.set_challenge("dave")
            await platforms.publish_post(session, _post(tmp_path, "Blocked by a captcha"))

    try:
        with pytest.raises(NeedsAttention, match="captcha"):
            await post_after_a_captcha()
    finally:
        await close_pool()
    account = await platforms.get_account(workspace_id, account_id)
    assert account.status == "needs_attention"
    assert "captcha" in account.status_reason
    assert await sandbox.posts("dave") == []


def test_supports_says_which_platform_has_posts() -> None:
    assert platforms.supports("sandbox", "publish_post") is True
    assert platforms.supports("pinterest", "publish_post") is True
    assert platforms.supports("tiktok", "publish_post") is True
    assert platforms.supports("tiktok", "read_post_stats") is True
    assert platforms.supports("vinted", "publish_post") is False
    assert platforms.supports("vinted", "find_post") is False
