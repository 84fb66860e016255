"""The sales list (newest first) and its CSV download."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from backend.analytics.schemas import SaleOut
from backend.analytics.tables import Sale
from backend.audit import service as audit
from backend.core.actor import SYSTEM, Actor
from backend.core.convert import to_schema
from backend.core.csvfile import csv_bytes
from backend.core.errors import InvalidInput
from backend.core.pagination import fetch_page
from backend.core.schemas import Page
from backend.core.scoped import scoped

# A download holds at most this many sales (the newest); narrow the period for older ones.
MAX_EXPORT = 50_000
CSV_COLUMNS = (
    "sold_at",
    "title",
    "price",
    "currency",
    "buyer",
    "platform",
    "account_id",
    "platform_item_id",
    "listing_id",
    "listed_at",
    "id",
)


def _filters(
    account_id: uuid.UUID | None, platform: str | None, start: datetime | None, end: datetime | None
) -> list[Any]:
    for value, field in ((start, "from"), (end, "to")):
        if value is not None and value.tzinfo is None:
            raise InvalidInput(field, "give a time zone, e.g. 2026-12-01T00:00:00Z")
    if start is not None and end is not None and end <= start:
        raise InvalidInput("to", "must be after `from`")
    conditions: list[Any] = []
    if account_id is not None:
        conditions.append(Sale.account_id == account_id)
    if platform:
        conditions.append(Sale.platform == platform.strip().lower())
    if start is not None:
        conditions.append(Sale.sold_at >= start)
    if end is not None:
        conditions.append(Sale.sold_at < end)
    return conditions


async def list_sales(
    workspace_id: uuid.UUID,
    *,
    account_id: uuid.UUID | None = None,
    platform: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    limit: int,
    offset: int,
) -> Page[SaleOut]:
    sales = scoped(Sale, workspace_id)
    return await fetch_page(
        sales.select().order_by(Sale.sold_at, ascending=False).order_by(Sale.id),
        sales.count(),
        lambda row: to_schema(row, SaleOut),
        limit,
        offset,
        _filters(account_id, platform, start, end),
    )


async def export_sales(
    workspace_id: uuid.UUID,
    *,
    account_id: uuid.UUID | None = None,
    platform: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    actor: Actor = SYSTEM,
) -> bytes:
    """The matching sales as CSV (header row; ISO times in UTC; empty cells for what is unknown). Audited."""
    query = scoped(Sale, workspace_id).select().order_by(Sale.sold_at, ascending=False).order_by(Sale.id)
    for condition in _filters(account_id, platform, start, end):
        query = query.where(condition)
    rows = await query.limit(MAX_EXPORT)
    await audit.record(
        "export.sales_csv",
        workspace_id=workspace_id,
        actor_id=actor.user_id,
        actor_email=actor.email,
        target="sales",
        details={"rows": len(rows), "platform": platform, "account": str(account_id) if account_id else None},
        ip=actor.ip,
    )
    return csv_bytes(CSV_COLUMNS, ({c: _text(row[c]) for c in CSV_COLUMNS} for row in rows))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal | float):  # SQLite hands back 38.5 for 38.50
        return f"{Decimal(str(value)):.2f}"
    return str(value)
