"""Sandbox Bazaar's driver (`sandbox_b`) in real Chromium against the real second shop, and what both sandbox
drivers gained: the sell form's details from a mapped listing, the first photo's address in `my_listings`, and a
delist whose answer is lost, through the facade."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser

from backend.platforms import service as platforms
from backend.platforms.drivers.base import ActionFailed, Credentials
from backend.platforms.drivers.sandbox import SandboxDriver
from backend.platforms.runtime import actions
from backend.platforms.runtime import identity as identities
from tests.helpers import register
from tests.images import photo
from tests.platforms.browser import bazaar_driver, chromium, sandbox_driver
from tests.platforms.conftest import PASSWORD, Sandbox
from tests.platforms.helpers import create
from tests.platforms.html_reader import html

DRESS = platforms.DraftFields(
    title="Striped linen summer dress with pockets, midi length, barely worn",  # 65 characters: cut on Bazaar (60)
    description="Blue and white stripes, worn twice.",
    price=Decimal("20.00"),
    currency="EUR",
    category="Women > Dresses",
    brand="Mango",
    size="M",
    condition="very_good",
    photos=1,
)


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as browser:
        yield browser


def _photos(tmp_path: Path) -> list[Path]:
    path = tmp_path / f"{uuid.uuid4().hex}.jpg"
    path.write_bytes(photo(seed=5))
    return [path]


async def test_publish_on_bazaar_sends_its_own_words(browser: Browser, sandbox_b: Sandbox, tmp_path: Path) -> None:
    mapped = platforms.map_listing("sandbox_b", DRESS)
    assert mapped.problems == []
    async with bazaar_driver(browser, sandbox_b.url) as driver:
        assert driver.platform == "sandbox_b"
        await driver.login(Credentials("alice", PASSWORD))
        published = await actions.publish_listing(driver, mapped.listing_input(_photos(tmp_path)), check_first=True)
    shown = next(i for i in await sandbox_b.items(seller="alice") if str(i["id"]) == published.item_id)
    assert shown["title"] == "Striped linen summer dress with pockets, midi length, barely"
    assert (shown["category"], shown["condition"], shown["size"], shown["brand"]) == (
        "Clothing / Women / Dresses",
        "Very good",
        "M",
        "Mango",
    )
    assert shown["price"] == "21.99"  # Bazaar's default rule: +10 %, ending .99
    async with httpx.AsyncClient(base_url=sandbox_b.url) as visitor:
        page = html(await visitor.get(f"/items/{published.item_id}"))
    assert page.one(".item-category").text == "Clothing / Women / Dresses"
    assert page.one(".item-condition").text == "Very good"
    assert page.one(".item-size").text == "M"


async def test_bazaar_refuses_a_dress_without_a_size_naming_it(
    browser: Browser, sandbox_b: Sandbox, tmp_path: Path
) -> None:
    unsized = platforms.map_listing("sandbox_b", replace(DRESS, size=None))
    assert [note.field for note in unsized.problems] == ["size"]  # the preview names it before any publish
    before = len(await sandbox_b.items())
    async with bazaar_driver(browser, sandbox_b.url) as driver:
        await driver.login(Credentials("bob", PASSWORD))
        with pytest.raises(ActionFailed, match="Size is required for clothing and shoes"):
            await driver.publish_listing(unsized.listing_input(_photos(tmp_path)))
    assert len(await sandbox_b.items()) == before


async def test_the_first_sandbox_takes_sellpilots_category_when_given(
    browser: Browser, sandbox: Sandbox, tmp_path: Path
) -> None:
    mapped = platforms.map_listing("sandbox", DRESS)
    async with sandbox_driver(browser, sandbox.url) as driver:
        await driver.login(Credentials("carol", PASSWORD))
        with_category = await driver.publish_listing(mapped.listing_input(_photos(tmp_path)))
        odd = replace(mapped, title="Odd lamp", category="Not a category")  # not offered: left out, not refused
        without = await driver.publish_listing(odd.listing_input(_photos(tmp_path)))
    items = {str(i["id"]): i for i in await sandbox.items(seller="carol")}
    assert items[with_category.item_id]["category"] == "Women > Dresses"
    assert items[with_category.item_id]["condition"] == ""  # the first shop asks no condition
    assert items[without.item_id]["category"] == ""


@pytest.mark.parametrize("shop", ["a", "b"])
async def test_my_listings_give_the_first_photos_address(
    browser: Browser, sandbox: Sandbox, sandbox_b: Sandbox, shop: str
) -> None:
    where = sandbox if shop == "a" else sandbox_b
    opened = sandbox_driver(browser, where.url) if shop == "a" else bazaar_driver(browser, where.url)
    async with opened as driver:
        await driver.login(Credentials("alice", PASSWORD))
        listings = await driver.my_listings()
    seeded = {str(i["id"]): i for i in await where.items(seller="alice")}
    assert [listing.item_id for listing in listings] == list(seeded)
    async with httpx.AsyncClient() as client:
        for listing in listings:
            first_photo = seeded[listing.item_id]["photo_ids"][0]
            assert listing.image_url == f"{where.url}/photos/{first_photo}"
            served = await client.get(listing.image_url)
            assert served.headers["content-type"] == "image/jpeg"


@asynccontextmanager
async def bazaar_session(
    client: httpx.AsyncClient, browser: Browser, sandbox_b: Sandbox, timeout_ms: int
) -> AsyncIterator[platforms.AccountSession]:
    """A logged-in session of a real `sandbox_b` account row (its daily actions count)."""
    owner = await register(client)
    account = await create(client, owner, "accounts", platform="sandbox_b", login="dave", password=PASSWORD)
    identity = await identities.load_identity(uuid.UUID(owner.workspace_id), uuid.UUID(account["id"]))
    async with bazaar_driver(browser, sandbox_b.url, timeout_ms) as driver:
        await driver.login(Credentials("dave", PASSWORD))
        yield platforms.AccountSession(identity=identity, driver=driver)


async def test_a_delist_whose_answer_is_lost_deletes_once_without_error(
    client: httpx.AsyncClient, browser: Browser, sandbox_b: Sandbox
) -> None:
    item = (await sandbox_b.items(seller="dave"))[0]
    await sandbox_b.drop_next_delete(hang_seconds=8)  # longer than a step may take: the outcome is unknown
    async with bazaar_session(client, browser, sandbox_b, timeout_ms=2_000) as session:
        assert isinstance(session.driver, SandboxDriver)
        await platforms.delist_listing(session, str(item["id"]))  # checked gone: no retry, no error
        await platforms.delist_listing(session, str(item["id"]))  # already gone: nothing to do
    left = [i["id"] for i in await sandbox_b.items()]
    assert item["id"] not in left
    assert len(set(left)) == len(left)
