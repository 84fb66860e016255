"""The platforms facade's automation verbs in real Chromium on the sandbox marketplace.

Each verb is called as a job would call it (an `AccountSession` of a real
account row, so changes spend the account's daily actions), and what changed
is asserted through the sandbox's control API, not through the driver.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser

from backend.platforms import service as platforms
from backend.platforms.drivers.base import ActionFailed, Credentials
from backend.platforms.runtime import identity as identities
from backend.platforms.runtime.browser import close_pool
from backend.platforms.runtime.sessions import NeedsAttention
from backend.platforms.tables import PlatformAccount
from backend.settings import get_settings
from tests.helpers import register
from tests.images import photo
from tests.platforms.browser import chromium, sandbox_driver
from tests.platforms.conftest import PASSWORD, Sandbox
from tests.platforms.helpers import create


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as browser:
        yield browser


@asynccontextmanager
async def session_of(
    client: httpx.AsyncClient, browser: Browser, sandbox: Sandbox, login: str = "alice", timeout_ms: int = 5_000
) -> AsyncIterator[platforms.AccountSession]:
    """A logged-in session of a real account row (its daily actions count), on its own browser context."""
    owner = await register(client)
    account = await create(client, owner, "accounts", platform="sandbox", login=login, password=PASSWORD)
    identity = await identities.load_identity(uuid.UUID(owner.workspace_id), uuid.UUID(account["id"]))
    async with sandbox_driver(browser, sandbox.url, timeout_ms) as driver:
        await driver.login(Credentials(login, PASSWORD))
        yield platforms.AccountSession(identity=identity, driver=driver)


async def actions_today(session: platforms.AccountSession) -> int:
    row = await PlatformAccount.select(PlatformAccount.actions_today).where(
        PlatformAccount.id == session.identity.account_id
    )
    return int(row[0]["actions_today"])


def _listing(tmp_path: Path, title: str, price: str) -> platforms.ListingInput:
    path = tmp_path / f"{uuid.uuid4().hex}.jpg"
    path.write_bytes(photo(seed=7))
    return platforms.ListingInput(title=title, description="Kept in a drawer.", price=Decimal(price), photos=[path])


async def test_my_listings_show_age_views_likes_and_sold(
    client: httpx.AsyncClient, browser: Browser, sandbox: Sandbox
) -> None:
    mine = await sandbox.items(seller="alice")
    old, sold = mine[-1], mine[0]
    await sandbox.age_item(old["id"], 40)
    await sandbox.mark_sold(sold["id"])
    await sandbox.like("erin", old["id"])
    async with session_of(client, browser, sandbox) as session:
        listings = await platforms.my_listings(session)
    by_id = {item.item_id: item for item in listings}
    assert [item.item_id for item in listings] == [str(i["id"]) for i in await sandbox.items(seller="alice")]
    aged = by_id[str(old["id"])]
    assert aged.listed_at is not None
    assert aged.listed_at < datetime.now(UTC) - timedelta(days=39)
    assert aged.likes == old["likes"] + 1
    assert aged.sold is False
    assert by_id[str(sold["id"])].sold is True
    assert all(item.views >= 0 and item.price is not None for item in listings)


async def test_bump_moves_the_listing_first_and_spends_one_action(
    client: httpx.AsyncClient, browser: Browser, sandbox: Sandbox
) -> None:
    oldest = str((await sandbox.items(seller="alice"))[-1]["id"])
    async with session_of(client, browser, sandbox) as session:
        await platforms.bump_listing(session, oldest)
        assert (await platforms.my_listings(session))[0].item_id == oldest
        assert await actions_today(session) == 1
    assert str((await sandbox.items(seller="alice"))[0]["id"]) == oldest
    assert str((await sandbox.items())[0]["id"]) == oldest


async def test_change_price_and_delist(client: httpx.AsyncClient, browser: Browser, sandbox: Sandbox) -> None:
    first, second = (await sandbox.items(seller="alice"))[:2]
    async with session_of(client, browser, sandbox) as session:
        await platforms.change_listing_price(session, str(first["id"]), Decimal("9.90"))
        await platforms.delist_listing(session, str(second["id"]))
        await platforms.delist_listing(session, str(second["id"]))  # already gone: nothing to do
        assert await actions_today(session) == 2
    now = {i["id"]: i for i in await sandbox.items(seller="alice")}
    assert Decimal(now[first["id"]]["price"]) == Decimal("9.90")
    assert second["id"] not in now


async def test_relist_makes_one_copy_with_a_new_id_even_when_run_again(
    client: httpx.AsyncClient, browser: Browser, sandbox: Sandbox, tmp_path: Path
) -> None:
    async with session_of(client, browser, sandbox) as session:
        listing = _listing(tmp_path, "Relisted rain coat", "31.00")
        original = await platforms.publish_listing(session, listing)
        await sandbox.age_item(original.item_id, 30)

        relisted = await platforms.relist_listing(session, original.item_id, listing)
        assert relisted.item_id != original.item_id
        # A re-run (the job crashed before recording the new id) finds the copy: no second one.
        again = await platforms.relist_listing(session, original.item_id, listing)
        assert again == relisted
        assert await actions_today(session) == 3  # publish, delete, publish again
    copies = [i for i in await sandbox.items(seller="alice") if i["title"] == "Relisted rain coat"]
    assert [str(c["id"]) for c in copies] == [relisted.item_id]
    assert datetime.fromisoformat(copies[0]["listed_at"]) > datetime.now(UTC) - timedelta(hours=1)


async def test_relist_after_a_crash_between_delete_and_publish(
    client: httpx.AsyncClient, browser: Browser, sandbox: Sandbox, tmp_path: Path
) -> None:
    async with session_of(client, browser, sandbox) as session:
        listing = _listing(tmp_path, "Half relisted lamp", "12.00")
        original = await platforms.publish_listing(session, listing)
        await platforms.delist_listing(session, original.item_id)  # the first run got this far
        relisted = await platforms.relist_listing(session, original.item_id, listing)
    copies = [i for i in await sandbox.items(seller="alice") if i["title"] == "Half relisted lamp"]
    assert [str(c["id"]) for c in copies] == [relisted.item_id]
    assert relisted.item_id != original.item_id


async def test_relist_whose_publish_answer_is_lost_makes_one_copy(
    client: httpx.AsyncClient, browser: Browser, sandbox: Sandbox, tmp_path: Path
) -> None:
    async with session_of(client, browser, sandbox, timeout_ms=2_000) as session:
        listing = _listing(tmp_path, "Slow answer teapot", "19.00")
        original = await platforms.publish_listing(session, listing)
        await sandbox.drop_next_publish(hang_seconds=6)
        relisted = await platforms.relist_listing(session, original.item_id, listing)
    copies = [i for i in await sandbox.items(seller="alice") if i["title"] == "Slow answer teapot"]
    assert [str(c["id"]) for c in copies] == [relisted.item_id]
    assert relisted.item_id != original.item_id


async def test_follow_and_unfollow_say_when_there_was_nothing_to_do(
    client: httpx.AsyncClient, browser: Browser, sandbox: Sandbox
) -> None:
    # Seed: alice follows bob (and bob follows alice back); carol and dave follow alice.
    await sandbox.follow("alice", "erin", days_ago=10)
    async with session_of(client, browser, sandbox) as session:
        assert await platforms.follow_user(session, "bob") is False
        assert await platforms.follow_user(session, "dave") is True
        following = {f.username: f for f in await platforms.my_following(session)}
        assert await platforms.unfollow_user(session, "erin") is True
        assert await platforms.unfollow_user(session, "erin") is False
        followers = {f.username: f for f in await platforms.my_followers(session)}
        assert await actions_today(session) == 2
        assert set(await platforms.followers_of(session, "carol")) == {"erin"}
    assert set(following) == {"bob", "dave", "erin"}
    assert following["bob"].follows_me is True
    assert following["dave"].follows_me is True  # dave follows alice (seed)
    assert following["erin"].follows_me is False
    erin_since = following["erin"].followed_at
    assert erin_since is not None
    assert erin_since < datetime.now(UTC) - timedelta(days=9)
    assert set(followers) == {"bob", "carol", "dave"}
    assert all(f.followed_at is not None for f in followers.values())
    links = await sandbox.follow_links("alice")
    assert {link["username"] for link in links["following"]} == {"bob", "dave"}


async def test_likers_of_my_item_and_not_of_others(
    client: httpx.AsyncClient, browser: Browser, sandbox: Sandbox
) -> None:
    mine = (await sandbox.items(seller="alice"))[0]
    theirs = (await sandbox.items(seller="bob"))[0]
    await sandbox.like("dave", mine["id"], days_ago=2)
    await sandbox.like("erin", mine["id"])
    async with session_of(client, browser, sandbox) as session:
        likers = await platforms.likers_of(session, str(mine["id"]))
        with pytest.raises(ActionFailed):
            await platforms.likers_of(session, str(theirs["id"]))
    # Latest first: erin now, then the seed's likes (carol after bob), dave two days ago.
    assert [liker.username for liker in likers] == ["erin", "carol", "bob", "dave"]
    dave = next(liker for liker in likers if liker.username == "dave")
    assert dave.liked_at is not None
    assert dave.liked_at < datetime.now(UTC) - timedelta(days=1)


async def test_search_users_finds_the_sellers_of_matching_items(
    client: httpx.AsyncClient, browser: Browser, sandbox: Sandbox
) -> None:
    async with session_of(client, browser, sandbox) as session:
        users = await platforms.search_users(session, "denim")
        leather = await platforms.search_users(session, "leather", limit=1)
    assert users == []  # only alice sells denim, and she is the one searching
    assert leather == ["bob"]


async def test_message_appears_once_even_when_the_first_send_times_out(
    client: httpx.AsyncClient, browser: Browser, sandbox: Sandbox
) -> None:
    await sandbox.drop_next_message(hang_seconds=6)
    async with session_of(client, browser, sandbox, timeout_ms=2_000) as session:
        await platforms.send_message(session, "carol", "Hi Carol, 10% off the lamp today?")
        assert await actions_today(session) == 1
    sent = [m for m in await sandbox.messages("alice", "carol") if m["sender"] == "alice"]
    assert [m["body"] for m in sent] == ["Hi Carol, 10% off the lamp today?"]


async def test_inbox_unread_counts_and_reading_marks_read(
    client: httpx.AsyncClient, browser: Browser, sandbox: Sandbox
) -> None:
    first = await sandbox.send("dave", "alice", "Is the camera bag gone?")
    await sandbox.send("dave", "alice", "I can pick it up tomorrow.")
    async with session_of(client, browser, sandbox) as session:
        inbox = {c.with_user: c for c in await platforms.read_inbox(session)}
        thread = await platforms.read_conversation(session, "dave")
        after = {c.with_user: c for c in await platforms.read_inbox(session)}
    assert inbox["dave"].unread_count == 2
    assert inbox["dave"].last_message == "I can pick it up tomorrow."
    assert inbox["dave"].last_message_at is not None
    assert inbox["bob"].unread_count == 1  # the seed's unread message
    assert [m.body for m in thread] == ["Is the camera bag gone?", "I can pick it up tomorrow."]
    assert thread[0].message_id == str(first)
    assert thread[0].sent_at is not None
    assert after["dave"].unread_count == 0
    assert next(c for c in await sandbox.inbox("alice") if c["with_user"] == "dave")["unread_count"] == 0


async def test_a_challenge_mid_run_parks_the_account(
    app: Any, client: httpx.AsyncClient, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through `run_as_account` (the pool, the limiter, the status): the change before the captcha stays done."""
    monkeypatch.setenv("SANDBOX_URL", sandbox.url)
    get_settings.cache_clear()
    owner = await register(client)
    account = await create(client, owner, "accounts", platform="sandbox", login="alice", password=PASSWORD)
    oldest = str((await sandbox.items(seller="alice"))[-1]["id"])

    async def bump_then_follow() -> None:
        async with platforms.run_as_account(
            app.state.redis, uuid.UUID(owner.workspace_id), uuid.UUID(account["id"])
        ) as session:
            await platforms.bump_listing(session, oldest)
            await sandbox.set_challenge("alice")
            await platforms.follow_user(session, "dave")

    try:
        with pytest.raises(NeedsAttention, match="captcha"):
            await bump_then_follow()
    finally:
        await close_pool()
    shown = (await client.get(f"/api/v1/accounts/{account['id']}", headers=owner.headers)).json()
    assert shown["status"] == "needs_attention"
    assert "captcha" in shown["status_reason"]
    assert str((await sandbox.items(seller="alice"))[0]["id"]) == oldest
    assert "dave" not in (await sandbox.follows("alice"))["following"]


def test_supports_says_which_platform_has_which_action() -> None:
    assert platforms.supports("sandbox", "bump") is True
    assert platforms.supports("sandbox", "likers") is True
    assert platforms.supports("pinterest", "bump") is False
    assert platforms.supports("tiktok", "likers") is False
    assert platforms.supports("vinted", "likers") is True
    assert platforms.supports("nowhere", "bump") is False
