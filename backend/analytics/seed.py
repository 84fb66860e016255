"""A big analytics workspace made quickly (`sellpilot analytics seed`): published drafts, events, sales,
then the rollups built from the events.

Listings go in through the listings door; events by COPY on PostgreSQL (multi-row inserts in batches
on SQLite). Views and likes arrive like a tracking pixel's: one event each, clustered in a few busy
hours per listing over the last 60 days, so an hour bucket holds several events (as it does in
real traffic); about one listing in ten sells once. Seeded from `seed`, so a run is repeatable.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from backend import db
from backend.analytics.events import rebuild
from backend.analytics.tables import AnalyticsEvent, Sale
from backend.core.clock import utcnow
from backend.listings import service as listings
from backend.platforms import service as platforms

CATEGORIES = ("Women > Dresses", "Women > Tops", "Men > Jeans & Trousers", "Men > Jackets", "Kids", "Home", "Shoes")
BRANDS = ("Zara", "H&M", "Levi's", "Nike", "Adidas", "Mango", None)
# Kind of a seeded event and its weight (sales are made separately, once per sold listing).
KINDS = (("view", 80), ("like", 12), ("message", 4), ("follow", 2), ("price_change", 2))
COLUMNS = (
    "id",
    "workspace",
    "account_id",
    "platform",
    "platform_item_id",
    "listing_id",
    "kind",
    "value",
    "currency",
    "occurred_at",
    "client_event_id",
    "source",
    "created_at",
)
DAYS = 60
BUSY_HOURS_PER_LISTING = 20


@dataclass(frozen=True)
class SeedReport:
    listings: int
    events: int
    sales: int
    rollups: int


@dataclass(frozen=True)
class _Item:
    account_id: uuid.UUID
    platform: str
    item_id: str
    listing_id: uuid.UUID
    price: Decimal


async def _accounts(workspace_id: uuid.UUID) -> list[tuple[uuid.UUID, str]]:
    found = [(a.id, a.platform) for a in await platforms.accounts_matching(workspace_id)]
    # A workspace without accounts still gets its events, under made-up account ids (shown as removed accounts).
    return found or [(uuid.uuid4(), "sandbox"), (uuid.uuid4(), "vinted")]


async def _listings(workspace_id: uuid.UUID, count: int, rng: random.Random, now: datetime) -> list[_Item]:
    accounts = await _accounts(workspace_id)
    plan = []
    for n in range(count):
        account_id, platform = accounts[n % len(accounts)]
        plan.append(
            (
                platform,
                listings.PublishedItem(
                    title=f"Seeded item {n + 1}",
                    category=rng.choice(CATEGORIES),
                    brand=rng.choice(BRANDS),
                    price=Decimal(rng.randrange(500, 15000)) / 100,
                    account_id=account_id,
                    platform_item_id=f"seed-{n + 1}",
                    created_at=now - timedelta(days=DAYS + rng.randrange(0, 30)),
                ),
            )
        )
    ids = await listings.insert_published(workspace_id, [item for _, item in plan])
    return [
        _Item(item.account_id, platform, item.platform_item_id, listing_id, item.price)
        for (platform, item), listing_id in zip(plan, ids, strict=True)
    ]


def _events(
    workspace_id: uuid.UUID, items: list[_Item], total: int, rng: random.Random, now: datetime
) -> Iterator[tuple[Any, ...]]:
    kinds = [k for k, _ in KINDS]
    weights = [w for _, w in KINDS]
    start = now - timedelta(days=DAYS)
    busy = {
        item.item_id: [start + timedelta(hours=rng.randrange(DAYS * 24)) for _ in range(BUSY_HOURS_PER_LISTING)]
        for item in items
    }
    for n in range(total):
        item = items[n % len(items)]
        kind = rng.choices(kinds, weights)[0]
        when = rng.choice(busy[item.item_id]) + timedelta(seconds=rng.randrange(3600))
        value = item.price if kind == "price_change" else Decimal(1)
        yield (
            uuid.uuid4(), workspace_id, item.account_id, item.platform, item.item_id, item.listing_id,
            kind, value, "", min(when, now), None, "api", now,
        )  # fmt: skip


def _sales(
    workspace_id: uuid.UUID, items: list[_Item], rng: random.Random, now: datetime
) -> list[tuple[_Item, datetime]]:
    sold = [item for item in items if rng.random() < 0.1]
    return [(item, now - timedelta(hours=rng.randrange(DAYS * 24))) for item in sold]


async def _insert_events(rows: Iterator[tuple[Any, ...]]) -> int:
    count = 0
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == 20_000:
            count += await _flush(batch)
            batch = []
    return count + await _flush(batch)


async def _flush(batch: list[tuple[Any, ...]]) -> int:
    if not batch:
        return 0
    if db.is_postgres():
        await db.copy_rows("analytics_events", COLUMNS, batch)
    else:
        for start in range(0, len(batch), 500):
            objects = [AnalyticsEvent(**dict(zip(COLUMNS, row, strict=True))) for row in batch[start : start + 500]]
            await AnalyticsEvent.insert(*objects)
    return len(batch)


async def seed(workspace_id: uuid.UUID, *, events: int, listing_count: int, seed_value: int = 7) -> SeedReport:
    """Add `listing_count` published drafts, `events` events (plus one sale event per sold listing) and
    their sales to the workspace, then build its rollups."""
    rng = random.Random(seed_value)  # noqa: S311 - test data, not secrets
    now = utcnow().replace(microsecond=0)
    items = await _listings(workspace_id, listing_count, rng, now)
    sales = _sales(workspace_id, items, rng, now)
    made = await _insert_events(_events(workspace_id, items, events, rng, now))
    sale_events = (
        (
            uuid.uuid4(),
            workspace_id,
            i.account_id,
            i.platform,
            i.item_id,
            i.listing_id,
            "sale",
            i.price,
            "EUR",
            when,
            None,
            "api",
            now,
        )
        for i, when in sales
    )
    made += await _insert_events(sale_events)
    for start in range(0, len(sales), 500):
        rows = [
            Sale(
                workspace=workspace_id,
                account_id=item.account_id,
                platform=item.platform,
                platform_item_id=item.item_id,
                listing_id=item.listing_id,
                title=f"Seeded {item.item_id}",
                price=item.price,
                currency="EUR",
                buyer=f"buyer-{rng.randrange(1000)}",
                sold_at=when,
                listed_at=when - timedelta(days=rng.randrange(1, 40)),
            )
            for item, when in sales[start : start + 500]
        ]
        await Sale.insert(*rows).on_conflict(action="DO NOTHING")
    rollups = await rebuild(workspace_id)
    return SeedReport(listings=len(items), events=made, sales=len(sales), rollups=rollups)
