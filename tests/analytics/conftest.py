"""Analytics fixtures: a workspace with two accounts and three drafts, and a hand-built event set.

The event set (`seed_events`) is small enough to count by hand; `test_dashboard.py` checks every
figure the dashboard shows for it. Times are UTC; the dashboard is read in Europe/Paris (UTC+1 in
November), so some events change day or hour on the way.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest

from backend.analytics import service
from backend.analytics.service import NewEvent
from backend.analytics.tables import Sale
from backend.listings.tables import Listing
from tests.helpers import Account, grant_plan, register
from tests.platforms.conftest import sandbox, sandbox_process  # noqa: F401 - the sandbox marketplace, for the sync


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@dataclass
class Shop:
    user: Account
    workspace_id: uuid.UUID
    alpha: uuid.UUID  # sandbox account "Alpha"
    beta: uuid.UUID  # vinted account "Beta"
    dress: uuid.UUID  # draft on Alpha, item a1: Women > Dresses, Zara
    jeans: uuid.UUID  # draft on Alpha, item a2: Men > Jeans & Trousers, Levi's
    skirt: uuid.UUID  # draft on Beta, item b1: Women > Dresses, no brand


async def add_account(client: httpx.AsyncClient, user: Account, platform: str, label: str) -> uuid.UUID:
    body = {"platform": platform, "login": f"{label.lower()}-{uuid.uuid4().hex[:6]}", "label": label, "password": "pw"}
    response = await client.post("/api/v1/accounts", json=body, headers=user.headers)
    assert response.status_code == 201, response.text
    return uuid.UUID(response.json()["id"])


async def add_draft(workspace_id: uuid.UUID, title: str, **values: Any) -> uuid.UUID:
    listing_id = uuid.uuid4()
    status = "published" if values.get("platform_item_id") else "draft"
    await Listing.insert(Listing(id=listing_id, workspace=workspace_id, title=title, status=status, **values))
    return listing_id


async def make_shop(client: httpx.AsyncClient) -> Shop:
    user = await register(client)
    await grant_plan(user.workspace_id)
    ws = uuid.UUID(user.workspace_id)
    alpha = await add_account(client, user, "sandbox", "Alpha")
    beta = await add_account(client, user, "vinted", "Beta")
    dress = await add_draft(
        ws, "Red dress", category="Women > Dresses", brand="Zara", account_id=alpha, platform_item_id="a1"
    )
    jeans = await add_draft(
        ws, "Blue jeans", category="Men > Jeans & Trousers", brand="Levi's", account_id=alpha, platform_item_id="a2"
    )
    skirt = await add_draft(
        ws,
        "Green dress",
        category="Women > Dresses",
        account_id=beta,
        platform_item_id="b1",
        created_at=at("2026-11-03 10:00"),
    )
    return Shop(user, ws, alpha, beta, dress, jeans, skirt)


@pytest.fixture
async def shop(client: httpx.AsyncClient) -> Shop:
    return await make_shop(client)


def hand_built_events(shop: Shop) -> list[NewEvent]:
    def ev(account: uuid.UUID, item: str, listing: uuid.UUID | None, kind: str, value: str, when: str) -> NewEvent:
        platform = "sandbox" if account == shop.alpha else "vinted"
        return NewEvent(
            account, platform, item, listing, kind, Decimal(value), at(when), "EUR" if kind == "sale" else ""
        )

    a, b = shop.alpha, shop.beta
    return [
        # The period (2-8 November in Paris).
        ev(a, "a1", shop.dress, "view", "100", "2026-11-03 09:30"),  # Tue 10:30 in Paris
        ev(a, "a1", shop.dress, "like", "5", "2026-11-03 09:45"),
        ev(a, "a1", shop.dress, "sale", "40", "2026-11-04 18:10"),  # Wed 19:10
        ev(a, "a2", shop.jeans, "view", "60", "2026-11-03 09:10"),  # same hour as the dress's views
        ev(b, "b1", shop.skirt, "view", "30", "2026-11-07 23:30"),  # Sun 8 Nov 00:30 in Paris
        ev(b, "b1", shop.skirt, "like", "3", "2026-11-07 23:40"),
        ev(b, "b1", shop.skirt, "message", "2", "2026-11-08 08:00"),
        ev(b, "b1", shop.skirt, "sale", "15.50", "2026-11-08 10:00"),  # Sun 11:00
        ev(a, "a3", None, "view", "10", "2026-11-05 12:00"),  # Thu 13:00; an item with no draft
        ev(a, "a3", None, "follow", "1", "2026-11-05 12:05"),
        ev(a, "a1", shop.dress, "price_change", "35", "2026-11-05 12:00"),  # an event only, no counter
        # The period before (26 October - 1 November in Paris).
        ev(a, "a1", shop.dress, "view", "40", "2026-10-28 12:00"),
        ev(a, "a1", shop.dress, "view", "10", "2026-11-01 22:30"),  # 23:30 on 1 Nov in Paris
        ev(a, "a2", shop.jeans, "sale", "20", "2026-10-30 10:00"),
        # After the period: 00:30 on 9 November in Paris.
        ev(a, "a1", shop.dress, "view", "7", "2026-11-08 23:30"),
    ]


async def seed_events(shop: Shop) -> None:
    events = hand_built_events(shop)
    # Two batches: the rollups add up across them.
    await service.record_events(shop.workspace_id, events[:6])
    await service.record_events(shop.workspace_id, events[6:])
    sales = [
        Sale(
            workspace=shop.workspace_id,
            account_id=shop.alpha,
            platform="sandbox",
            platform_item_id="a1",
            listing_id=shop.dress,
            title="Red dress",
            price=Decimal("40"),
            currency="EUR",
            buyer="bob",
            sold_at=at("2026-11-04 18:10"),
            listed_at=at("2026-11-01 18:10"),
        ),
        Sale(
            workspace=shop.workspace_id,
            account_id=shop.beta,
            platform="vinted",
            platform_item_id="b1",
            listing_id=shop.skirt,
            title="Green dress",
            price=Decimal("15.50"),
            currency="EUR",
            buyer="carol",
            sold_at=at("2026-11-08 10:00"),
        ),
    ]
    await Sale.insert(*sales)
