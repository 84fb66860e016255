"""Rollups kept as events arrive equal rollups rebuilt from the events."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from backend.analytics import service
from backend.analytics.tables import AccountRollup, AnalyticsItem, DailyRollup, HourlyRollup
from backend.core.scoped import scoped
from tests.analytics.conftest import Shop, at, hand_built_events, make_shop


async def _rollups(shop: Shop) -> list[tuple[Any, ...]]:
    rows = await scoped(HourlyRollup, shop.workspace_id).select()
    return sorted(
        (
            str(r["account_id"]),
            r["platform"],
            r["platform_item_id"],
            str(r["listing_id"]),
            r["hour"],
            r["views"],
            r["likes"],
            r["messages"],
            r["follows"],
            r["sales"],
            Decimal(str(r["revenue"])).quantize(Decimal("0.01")),
        )
        for r in rows
    )


COUNTS = ("views", "likes", "sales")


async def _daily_rollups(shop: Shop) -> list[tuple[Any, ...]]:
    """Each daily rollup as (account, item id, draft, day, counts): what its item stands for, not its id."""
    items = {r["id"]: r for r in await scoped(AnalyticsItem, shop.workspace_id).select()}
    rows = await scoped(DailyRollup, shop.workspace_id).select()
    return sorted(
        (
            str(items[r["item"]]["account_id"]),
            items[r["item"]]["platform_item_id"],
            str(items[r["item"]]["listing_id"]),
            r["day"],
            *(r[c] for c in COUNTS),
        )
        for r in rows
    )


async def _account_rollups(shop: Shop) -> list[tuple[Any, ...]]:
    rows = await scoped(AccountRollup, shop.workspace_id).select()
    return sorted(
        (
            str(r["account_id"]),
            r["platform"],
            r["hour"],
            r["views"],
            r["likes"],
            r["messages"],
            r["follows"],
            r["sales"],
            Decimal(str(r["revenue"])).quantize(Decimal("0.01")),
        )
        for r in rows
    )


async def test_rebuilt_rollups_equal_the_incremental_ones(shop: Shop) -> None:
    events = hand_built_events(shop)
    # One event at a time, then a batch: each bucket is added to, never replaced.
    for event in events[:5]:
        await service.record_events(shop.workspace_id, [event])
    await service.record_events(shop.workspace_id, events[5:])
    incremental = await _rollups(shop)
    dress_hour = [r for r in incremental if r[2] == "a1" and r[4] == at("2026-11-03 09:00")]
    assert [r[5:7] for r in dress_hour] == [(100, 5)]  # a view and a like in one hour: one row
    assert len(incremental) == 11

    accounts = await _account_rollups(shop)
    # The dress's and the jeans' views in that hour: one row for their account.
    alpha_hour = [r for r in accounts if r[0] == str(shop.alpha) and r[2] == at("2026-11-03 09:00")]
    assert [r[3:5] for r in alpha_hour] == [(160, 5)]
    assert sum(r[3] for r in accounts) == sum(r[5] for r in incremental)  # every view counted once per account

    daily = await _daily_rollups(shop)
    # The dress's views on 1 November (22:30 UTC) and 28 October are two days; its 3 November day holds
    # the view and the like of 09:xx.
    dress_days = [(r[3], r[4], r[5]) for r in daily if r[1] == "a1"]
    assert (at("2026-11-03 00:00"), 100, 5) in dress_days
    assert sum(r[4] for r in daily) == sum(r[5] for r in incremental)

    assert await service.rebuild(shop.workspace_id) == 11
    assert await _rollups(shop) == incremental
    assert await _account_rollups(shop) == accounts
    assert await _daily_rollups(shop) == daily


async def test_rebuild_touches_only_its_workspace(client: Any, shop: Shop) -> None:
    other = await make_shop(client)
    await service.record_events(shop.workspace_id, hand_built_events(shop))
    await service.record_events(other.workspace_id, hand_built_events(other))
    before = await _rollups(other)
    await scoped(HourlyRollup, shop.workspace_id).delete()
    await service.rebuild(shop.workspace_id)
    assert await _rollups(other) == before
    assert len(await _rollups(shop)) == len(before)
