"""The sync's differences as events (exactly once), sales marking drafts sold, the tick's one job per slot,
and the sales list and CSV (each workspace sees only its own)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import httpx

from backend.analytics import service
from backend.analytics.tables import AnalyticsEvent
from backend.billing.plans import PLANS
from backend.core.scoped import scoped
from backend.jobs.tables import Job
from backend.platforms.service import OwnListing
from tests.analytics.conftest import Shop, at, make_shop


@dataclass(frozen=True)
class SaleRow:
    item_id: str
    title: str
    price: Decimal | None
    currency: str
    buyer: str
    sold_at: datetime | None


def own(item: str, views: int, likes: int, sold: bool = False) -> OwnListing:
    return OwnListing(
        item_id=item, title=f"Item {item}", price=Decimal("12"), url="", views=views, likes=likes, sold=sold
    )


async def _events(shop: Shop) -> list[tuple[str, str, int]]:
    rows = await scoped(AnalyticsEvent, shop.workspace_id).select().order_by(AnalyticsEvent.created_at)
    return sorted((r["platform_item_id"], r["kind"], int(r["value"])) for r in rows)


async def test_differences_become_events_once(shop: Shop) -> None:
    ws, alpha = shop.workspace_id, shop.alpha
    first = await service.apply_sync(
        ws, alpha, "sandbox", [own("a1", 10, 1), own("a2", 4, 0)], [], at("2026-11-03 09:00")
    )
    assert first.first
    assert await _events(shop) == []  # the first sync is the base: when those views happened is unknown
    later = [own("a1", 14, 3), own("a2", 2, 0), own("a9", 5, 0)]
    report = await service.apply_sync(ws, alpha, "sandbox", later, [], at("2026-11-03 10:20"))
    # 10 → 14 views is one event of 4; a2's counter went down (a reset): nothing; a9 is new since: all of it.
    assert await _events(shop) == [("a1", "like", 2), ("a1", "view", 4), ("a9", "view", 5)]
    assert report.events == 3
    again = await service.apply_sync(ws, alpha, "sandbox", later, [], at("2026-11-03 11:00"))
    assert again.events == 0
    await service.apply_sync(ws, alpha, "sandbox", [own("a1", 14, 3), own("a2", 5, 0)], [], at("2026-11-03 12:00"))
    assert ("a2", "view", 3) in await _events(shop)  # counted from the reset figure (2 → 5)
    response = await service.dashboard(
        ws, date_from=at("2026-11-03 00:00").date(), date_to=at("2026-11-03 00:00").date()
    )
    assert response.totals.views == 12
    # The page says how fresh the numbers are: the plan's interval and the last sync.
    assert response.sync_every_minutes == PLANS["business"].analytics_sync_minutes  # the shop's plan
    assert response.last_synced_at == at("2026-11-03 12:00")
    assert [(c.hour, c.views) for c in response.heatmap if c.views] == [(10, 9), (12, 3)]


async def test_a_sale_is_recorded_once_and_marks_the_draft_sold(client: httpx.AsyncClient, shop: Shop) -> None:
    ws, alpha = shop.workspace_id, shop.alpha
    await service.apply_sync(ws, alpha, "sandbox", [own("a1", 10, 0), own("a2", 3, 0)], [])
    sale = SaleRow("a1", "Red dress", Decimal("38.50"), "EUR", "bob", at("2026-11-04 18:10"))
    for _ in range(2):  # the second sync sees the same sale: nothing more
        await service.apply_sync(
            ws, alpha, "sandbox", [own("a1", 10, 0, sold=True), own("a2", 3, 0, sold=True)], [sale]
        )
    assert await _events(shop) == [("a1", "sale", 38), ("a2", "sale", 12)]  # a2: sold flag only, at its price
    draft = (await client.get(f"/api/v1/listings/{shop.dress}", headers=shop.user.headers)).json()
    assert (draft["status"], draft["sold_price"], draft["buyer"]) == ("sold", 38.5, "bob")
    assert draft["sold_at"].startswith("2026-11-04T18:10")
    sold = await client.get("/api/v1/listings", params={"status": "sold"}, headers=shop.user.headers)
    assert {item["id"] for item in sold.json()["items"]} == {str(shop.dress), str(shop.jeans)}

    page = (await client.get("/api/v1/sales", headers=shop.user.headers)).json()
    assert page["total"] == 2
    by_item = {row["platform_item_id"]: row for row in page["items"]}
    assert by_item["a1"]["buyer"] == "bob"
    assert by_item["a1"]["price"] == 38.5
    assert by_item["a1"]["listing_id"] == str(shop.dress)
    filtered = await client.get(
        "/api/v1/sales",
        params={"from": "2026-11-04T00:00:00Z", "to": "2026-11-05T00:00:00Z", "platform": "sandbox"},
        headers=shop.user.headers,
    )
    assert [row["platform_item_id"] for row in filtered.json()["items"]] == ["a1"]
    export = await client.get("/api/v1/sales.csv", params={"account": str(alpha)}, headers=shop.user.headers)
    assert export.status_code == 200
    assert export.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.text)))
    assert {(r["platform_item_id"], r["buyer"], r["price"]) for r in rows} == {
        ("a1", "bob", "38.50"),
        ("a2", "", "12.00"),
    }
    bad = await client.get("/api/v1/sales", params={"from": "2026-11-04T00:00:00"}, headers=shop.user.headers)
    assert bad.status_code == 400


async def test_sales_of_another_workspace_are_never_shown(client: httpx.AsyncClient, shop: Shop) -> None:
    await service.apply_sync(shop.workspace_id, shop.alpha, "sandbox", [own("a1", 1, 0)], [])
    await service.apply_sync(shop.workspace_id, shop.alpha, "sandbox", [own("a1", 1, 0, sold=True)], [])
    other = await make_shop(client)
    assert (await client.get("/api/v1/sales", headers=other.user.headers)).json()["total"] == 0
    assert (await client.get("/api/v1/sales", params={"account": str(shop.alpha)}, headers=other.user.headers)).json()[
        "items"
    ] == []
    export = await client.get("/api/v1/sales.csv", headers=other.user.headers)
    assert export.text.strip().count("\n") == 0  # the header only


async def test_the_tick_sends_one_sync_per_account_and_slot(client: httpx.AsyncClient, app: object, shop: Shop) -> None:
    redis = app.state.redis  # type: ignore[attr-defined]
    now = at("2026-11-03 10:05")
    first = await service.tick(redis, now)
    second = await service.tick(redis, at("2026-11-03 10:06"))
    jobs = await scoped(Job, shop.workspace_id).select(Job.idempotency_key).where(Job.kind == service.SYNC_KIND)
    assert first["created"] == 2
    assert second["created"] == 0
    # Business plan: a slot every 15 minutes.
    assert sorted(j["idempotency_key"] for j in jobs) == sorted(
        f"analytics-sync:{a}:20261103T1000" for a in (shop.alpha, shop.beta)
    )
    # An account synced in this slot already is not due; the next slot is.
    await service.apply_sync(shop.workspace_id, shop.alpha, "sandbox", [], [], at("2026-11-03 10:16"))
    later = await service.tick(redis, at("2026-11-03 10:20"))
    assert later == {"due": 1, "created": 1}
