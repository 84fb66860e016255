"""The facade's analytics reads in real Chromium on the sandbox: "my sales" and item stats after a buy.

Called as the analytics sync calls them (an `AccountSession` of a real account row): reads spend no daily action.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest
from playwright.async_api import Browser

from backend.platforms import service as platforms
from tests.platforms.browser import chromium
from tests.platforms.conftest import Sandbox
from tests.platforms.test_facade_automation import actions_today, session_of


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as browser:
        yield browser


async def test_my_sales_and_stats_after_a_buy(client: httpx.AsyncClient, browser: Browser, sandbox: Sandbox) -> None:
    jacket, skirt, sweater = (await sandbox.items(seller="alice"))[:3]
    await sandbox.add_item_stats(sweater["id"], views=4, likes=1)
    async with session_of(client, browser, sandbox) as session:
        assert await platforms.my_sales(session) == []
        await sandbox.buy("bob", skirt["id"], days_ago=1)
        await sandbox.buy("carol", jacket["id"], price="40.00")
        sales = await platforms.my_sales(session)
        listings = {item.item_id: item for item in await platforms.my_listings(session)}
        stats = await platforms.item_stats(session, str(sweater["id"]))
        assert await actions_today(session) == 0
    assert [(s.item_id, s.title, s.price, s.currency, s.buyer) for s in sales] == [
        (str(jacket["id"]), jacket["title"], Decimal("40.00"), "EUR", "carol"),
        (str(skirt["id"]), skirt["title"], Decimal(skirt["price"]), "EUR", "bob"),
    ]
    assert sales[0].sold_at is not None
    assert datetime.now(UTC) - sales[0].sold_at < timedelta(minutes=5)
    assert sales[1].sold_at is not None
    assert timedelta(hours=23) < datetime.now(UTC) - sales[1].sold_at < timedelta(hours=25)
    assert listings[str(jacket["id"])].sold is True
    assert listings[str(skirt["id"])].sold is True
    assert listings[str(sweater["id"])].sold is False
    assert (listings[str(sweater["id"])].views, listings[str(sweater["id"])].likes) == (4, sweater["likes"] + 1)
    # The item page is read as the seller, whose own visit is not counted.
    assert (stats.item_id, stats.views, stats.likes) == (str(sweater["id"]), 4, sweater["likes"] + 1)


async def test_supports_my_sales_where_there_is_a_sales_page() -> None:
    assert platforms.supports("sandbox", "my_sales")
    assert platforms.supports("vinted", "my_sales")
    assert not platforms.supports("pinterest", "my_sales")
    assert not platforms.supports("tiktok", "my_sales")
