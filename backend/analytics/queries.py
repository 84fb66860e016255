"""The dashboard's reads of the rollups (and the sales, for days to sell): never of the raw events.

The SQL is the same on both databases but for a UUID read as text (`sql.text_of`); rows come
back normalised (numbers as int/Decimal, times as UTC datetimes, ids as UUIDs).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from backend.analytics import sql
from backend.analytics.tables import HourlyRollup, Sale
from backend.core.scoped import scoped

_SUMS = ", ".join(f"SUM({c}) AS {c}" for c in sql.COUNTERS)


@dataclass(frozen=True)
class Filters:
    account_id: uuid.UUID | None = None
    platform: str | None = None

    def sql(self, args: list[Any]) -> str:
        """Extra conditions for a rollups/sales query (their values appended to `args`)."""
        where = ""
        if self.account_id is not None:
            where += " AND account_id = {}"
            args.append(self.account_id)
        if self.platform:
            where += " AND platform = {}"
            args.append(self.platform)
        return where


@dataclass
class Counts:
    views: int = 0
    likes: int = 0
    messages: int = 0
    follows: int = 0
    sales: int = 0
    revenue: Decimal = Decimal("0")

    def add(self, other: Counts) -> None:
        for name in sql.COUNTERS:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _counts(row: dict[str, Any]) -> Counts:
    return Counts(
        views=int(row["views"] or 0),
        likes=int(row["likes"] or 0),
        messages=int(row["messages"] or 0),
        follows=int(row["follows"] or 0),
        sales=int(row["sales"] or 0),
        revenue=sql.as_number(row["revenue"]),
    )


async def hourly(workspace_id: uuid.UUID, start: datetime, end: datetime, filters: Filters) -> dict[datetime, Counts]:
    """The workspace's counters per UTC hour in [start, end), all listings together."""
    args: list[Any] = [start, end]
    query = (
        f"SELECT hour, {_SUMS} FROM analytics_rollups WHERE workspace = {{workspace}} "  # noqa: S608 - our own SQL
        f"AND hour >= {{}} AND hour < {{}}{filters.sql(args)} GROUP BY hour"
    )
    rows = await scoped(HourlyRollup, workspace_id).raw(query, *args)
    return {sql.as_datetime(row["hour"]): _counts(row) for row in rows}


@dataclass
class ItemCounts:
    account_id: uuid.UUID
    platform: str
    platform_item_id: str
    listing_id: uuid.UUID | None
    counts: Counts


async def per_item(workspace_id: uuid.UUID, start: datetime, end: datetime, filters: Filters) -> list[ItemCounts]:
    """Each platform listing's counters summed over [start, end) (only those with any)."""
    args: list[Any] = [start, end]
    query = (
        f"SELECT account_id, MAX(platform) AS platform, platform_item_id, "  # noqa: S608 - our own SQL
        f"MAX({sql.text_of('listing_id')}) AS listing_id, {_SUMS} FROM analytics_rollups "
        f"WHERE workspace = {{workspace}} AND hour >= {{}} AND hour < {{}}{filters.sql(args)} "
        "GROUP BY account_id, platform_item_id"
    )
    rows = await scoped(HourlyRollup, workspace_id).raw(query, *args)
    return [
        ItemCounts(
            account_id=_uuid(row["account_id"]),
            platform=row["platform"],
            platform_item_id=row["platform_item_id"],
            listing_id=_uuid(row["listing_id"]) if row["listing_id"] else None,
            counts=_counts(row),
        )
        for row in rows
    ]


async def sold_in(
    workspace_id: uuid.UUID, start: datetime, end: datetime, filters: Filters
) -> dict[tuple[uuid.UUID, str], dict[str, Any]]:
    """The sales in [start, end) by (account, item): when sold, when listed, the draft."""
    query = scoped(Sale, workspace_id).select(
        Sale.account_id, Sale.platform_item_id, Sale.listing_id, Sale.sold_at, Sale.listed_at
    )
    query = query.where((Sale.sold_at >= start) & (Sale.sold_at < end))
    if filters.account_id is not None:
        query = query.where(Sale.account_id == filters.account_id)
    if filters.platform:
        query = query.where(Sale.platform == filters.platform)
    return {(row["account_id"], row["platform_item_id"]): row for row in await query}


def _uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
