"""The sandbox driver in real Chromium against the real sandbox marketplace."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.async_api import Browser

from backend.platforms.drivers.base import ChallengeRequired, Credentials, ListingInput, LoginRequired, Pacing
from backend.platforms.runtime import actions
from tests.images import photo
from tests.platforms.browser import chromium, sandbox_driver
from tests.platforms.conftest import PASSWORD, Sandbox


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as browser:
        yield browser


def _listing(tmp_path: Path, title: str, price: str = "24.50", photos: int = 2) -> ListingInput:
    paths = []
    for n in range(photos):
        path = tmp_path / f"photo-{n}.jpg"
        path.write_bytes(photo(seed=n + 1))
        paths.append(path)
    return ListingInput(title=title, description="Worn twice, no marks.", price=Decimal(price), photos=paths)


async def test_login_session_and_refused_login(browser: Browser, sandbox: Sandbox) -> None:
    async with sandbox_driver(browser, sandbox.url) as driver:
        assert await driver.check_session() is False
        await driver.login(Credentials("alice", PASSWORD))
        assert await driver.check_session() is True
        await sandbox.expire_sessions("alice")
        assert await driver.check_session() is False
    async with sandbox_driver(browser, sandbox.url) as driver:
        with pytest.raises(LoginRequired, match="Wrong username or password"):
            await driver.login(Credentials("alice", "not-the-password"))


async def test_publish_with_two_photos_is_on_the_sandbox(browser: Browser, sandbox: Sandbox, tmp_path: Path) -> None:
    async with sandbox_driver(browser, sandbox.url) as driver:
        await driver.login(Credentials("alice", PASSWORD))
        published = await actions.publish_listing(driver, _listing(tmp_path, "Green wool scarf"), check_first=False)
        assert published.url.endswith(f"/items/{published.item_id}")
        found = await driver.find_listing(_listing(tmp_path, "Green wool scarf"))
        assert found == published
    mine = [i for i in await sandbox.items(seller="alice") if i["title"] == "Green wool scarf"]
    assert len(mine) == 1
    assert str(mine[0]["id"]) == published.item_id
    assert mine[0]["photos"] == 2
    assert Decimal(str(mine[0]["price"])) == Decimal("24.50")


async def test_a_publish_whose_response_is_lost_makes_one_listing(
    browser: Browser, sandbox: Sandbox, tmp_path: Path
) -> None:
    await sandbox.drop_next_publish(hang_seconds=15)
    async with sandbox_driver(browser, sandbox.url, timeout_ms=2_000) as driver:
        await driver.login(Credentials("alice", PASSWORD))
        published = await actions.publish_listing(driver, _listing(tmp_path, "Lost reply lamp"), check_first=False)
    copies = [i for i in await sandbox.items(seller="alice") if i["title"] == "Lost reply lamp"]
    assert len(copies) == 1
    assert str(copies[0]["id"]) == published.item_id


async def test_bump_moves_a_listing_to_the_top(browser: Browser, sandbox: Sandbox) -> None:
    before = await sandbox.items(seller="alice")
    assert len(before) >= 2
    oldest = str(before[-1]["id"])
    async with sandbox_driver(browser, sandbox.url) as driver:
        await driver.login(Credentials("alice", PASSWORD))
        assert await actions.bump(driver, oldest) is True
        assert (await driver.my_listings())[0].item_id == oldest
    assert str((await sandbox.items(seller="alice"))[0]["id"]) == oldest
    assert str((await sandbox.items())[0]["id"]) == oldest  # the public feed too


async def test_change_price_and_delete(browser: Browser, sandbox: Sandbox) -> None:
    item = str((await sandbox.items(seller="alice"))[0]["id"])
    async with sandbox_driver(browser, sandbox.url) as driver:
        await driver.login(Credentials("alice", PASSWORD))
        await actions.change_price(driver, item, Decimal("9.99"))
        assert [Decimal(str(i["price"])) for i in await sandbox.items(seller="alice") if str(i["id"]) == item] == [
            Decimal("9.99")
        ]
        await actions.delete_listing(driver, item)
    assert item not in {str(i["id"]) for i in await sandbox.items(seller="alice")}


async def test_follow_unfollow_and_followers(browser: Browser, sandbox: Sandbox) -> None:
    await sandbox.create_user("frank")
    async with sandbox_driver(browser, sandbox.url) as driver:
        await driver.login(Credentials("frank", PASSWORD))
        await actions.follow(driver, "bob")
        assert "frank" in (await sandbox.follows("bob"))["followers"]
        assert "frank" in await driver.list_followers("bob")
        await actions.follow(driver, "bob")  # already following: nothing changes
        assert (await sandbox.follows("bob"))["followers"].count("frank") == 1
        await actions.follow(driver, "bob", following=False)
        assert "frank" not in (await sandbox.follows("bob"))["followers"]


async def test_a_message_shows_up_in_the_other_users_inbox(browser: Browser, sandbox: Sandbox) -> None:
    text = "Hi Bob, is the jacket still available?"
    async with sandbox_driver(browser, sandbox.url) as driver:
        await driver.login(Credentials("alice", PASSWORD))
        await actions.send_message(driver, "bob", text, sender="alice")
    assert [m["body"] for m in await sandbox.messages("alice", "bob")].count(text) == 1
    async with sandbox_driver(browser, sandbox.url) as bob:
        await bob.login(Credentials("bob", PASSWORD))
        inbox = {c.with_user: c for c in await bob.read_inbox()}
        assert inbox["alice"].last_message == text
        assert inbox["alice"].unread is True
        assert (await bob.read_conversation("alice"))[-1].body == text


async def test_reads_feed_images_and_item_stats(browser: Browser, sandbox: Sandbox) -> None:
    async with sandbox_driver(browser, sandbox.url) as driver:
        images = await driver.collect_feed_images(limit=30)
        assert len(images) == 30  # more than one page of the feed
        assert len({i.item_id for i in images}) == 30
        assert all(i.image_url.startswith(sandbox.url + "/photos/") for i in images)
        item = images[0].item_id
        first = await driver.read_item_stats(item)
        assert (await driver.read_item_stats(item)).views == first.views + 1  # a visitor's view counts
        expected = next(i for i in await sandbox.items() if str(i["id"]) == item)
        assert first.likes == expected["likes"]
        word = images[0].title.split()[0]
        found = await driver.collect_feed_images(query=f"{word} & more", limit=5)
        assert found == []  # the whole phrase is the search, not a second parameter
        assert images[0].item_id in {i.item_id for i in await driver.collect_feed_images(query=word, limit=50)}


async def test_a_challenge_is_reported_never_bypassed(browser: Browser, sandbox: Sandbox) -> None:
    await sandbox.set_challenge("alice")
    async with sandbox_driver(browser, sandbox.url) as driver:
        with pytest.raises(ChallengeRequired, match="captcha"):
            await driver.login(Credentials("alice", PASSWORD))
        assert "/challenge" in driver.page.url
        assert await driver.page.locator("#challenge-form input[name='answer']").input_value() == ""


async def test_human_pacing_types_key_by_key(browser: Browser, sandbox: Sandbox) -> None:
    context = await browser.new_context()
    page = await context.new_page()
    await page.set_content(
        "<textarea id='t'></textarea><script>window.keys=0;"
        "document.getElementById('t').addEventListener('keydown',e=>{if(e.key.length===1)window.keys++})</script>"
    )
    slow = Pacing(min_seconds=0.01, max_seconds=0.02, typing_min_ms=5, typing_max_ms=10)
    started = time.monotonic()
    await slow.type(page.locator("#t"), "hello there")
    assert await page.evaluate("window.keys") == len("hello there")
    assert time.monotonic() - started >= len("hello there") * 0.005
    await page.evaluate("window.keys = 0")
    await Pacing(fast=True).type(page.locator("#t"), "fast mode")
    assert await page.locator("#t").input_value() == "fast mode"
    assert await page.evaluate("window.keys") == 0  # filled at once
    await context.close()
