"""The SQL that differs between PostgreSQL and SQLite, in one place: hour buckets, the rollup upsert,
and reading what a raw query returns (SQLite hands back text where PostgreSQL hands back types).

Both store timestamps in UTC; SQLite as text `YYYY-MM-DD HH:MM:SS[.ffffff]+00:00` (Piccolo's
adapter), so an hour bucket there is the text's first 13 characters with `:00:00+00:00`.
Time zones are applied in Python (`dashboard`), never in SQL: SQLite has no zone database, and
an hour bucket maps to one local hour in every zone with whole-hour offsets.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from backend import db

# Rollup counters, in the order of the upsert's and the rebuild's columns.
COUNTERS = ("views", "likes", "messages", "follows", "sales", "revenue")
# Which event kind adds its value to which counter; a sale counts one and adds its value (the amount)
# to the revenue. Other kinds (price changes, publish, delist) are kept as events only.
KIND_COUNTER = {"view": "views", "like": "likes", "message": "messages", "follow": "follows"}


def hour_of(column: str) -> str:
    """SQL for the UTC hour bucket of a timestamp column, comparable with a stored `hour`."""
    if db.is_postgres():
        return f"date_trunc('hour', {column} AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
    return f"substr({column}, 1, 13) || ':00:00+00:00'"


def text_of(column: str) -> str:
    """SQL for a UUID column as text (PostgreSQL has no MAX over uuid)."""
    return f"CAST({column} AS TEXT)" if db.is_postgres() else column


def upsert_rollups_sql(rows: int) -> str:
    """One statement adding `rows` buckets to the hourly per-listing rollups (each: id, account, platform,
    item, listing, hour, then the counters); a bucket that exists gets the values added. Same syntax on
    both databases."""
    values = "({}, {workspace}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})"
    added = ", ".join(f"{c} = analytics_rollups.{c} + excluded.{c}" for c in COUNTERS)
    return (
        "INSERT INTO analytics_rollups (id, workspace, account_id, platform, platform_item_id, listing_id, hour, "  # noqa: S608 - our own SQL
        f"{', '.join(COUNTERS)}) VALUES {', '.join([values] * rows)} "
        "ON CONFLICT (workspace, account_id, platform_item_id, hour) DO UPDATE SET "
        f"{added}, listing_id = COALESCE(excluded.listing_id, analytics_rollups.listing_id)"
    )


def upsert_items_sql(rows: int) -> str:
    """`rows` platform listings (each: id, account, platform, item id, listing) made known, a draft learnt
    for one known without; returns every one's id with its (account, item id)."""
    values = "({}, {workspace}, {}, {}, {}, {})"
    return (
        "INSERT INTO analytics_items (id, workspace, account_id, platform, platform_item_id, listing_id) "  # noqa: S608 - our own SQL
        f"VALUES {', '.join([values] * rows)} ON CONFLICT (workspace, account_id, platform_item_id) DO UPDATE "
        "SET listing_id = COALESCE(excluded.listing_id, analytics_items.listing_id) "
        "RETURNING id, account_id, platform_item_id"
    )


def upsert_daily_rollups_sql(rows: int) -> str:
    """The same for the daily rollups (each: id, item, day, then the counters)."""
    values = "({}, {workspace}, {}, {}, {}, {}, {}, {}, {}, {})"
    added = ", ".join(f"{c} = analytics_daily_rollups.{c} + excluded.{c}" for c in COUNTERS)
    return (
        f"INSERT INTO analytics_daily_rollups (id, workspace, item, day, {', '.join(COUNTERS)}) "  # noqa: S608 - our own SQL
        f"VALUES {', '.join([values] * rows)} ON CONFLICT (workspace, item, day) DO UPDATE SET {added}"
    )


def upsert_account_rollups_sql(rows: int) -> str:
    """The same for the per-account rollups (each: id, account, platform, hour, then the counters)."""
    values = "({}, {workspace}, {}, {}, {}, {}, {}, {}, {}, {}, {})"
    added = ", ".join(f"{c} = analytics_account_rollups.{c} + excluded.{c}" for c in COUNTERS)
    return (
        f"INSERT INTO analytics_account_rollups (id, workspace, account_id, platform, hour, {', '.join(COUNTERS)}) "  # noqa: S608 - our own SQL
        f"VALUES {', '.join([values] * rows)} ON CONFLICT (workspace, account_id, hour) DO UPDATE SET {added}"
    )


def rebuild_rollups_sql() -> str:
    """Every rollup of a workspace from its events, in one INSERT … SELECT (after the old ones are deleted)."""
    hour = hour_of("occurred_at")
    sums = ", ".join(f"SUM(CASE WHEN kind = '{kind}' THEN value ELSE 0 END)" for kind in KIND_COUNTER)
    new_id = "gen_random_uuid()" if db.is_postgres() else _sqlite_uuid()
    listing = f"CAST(MAX({text_of('listing_id')}) AS UUID)" if db.is_postgres() else "MAX(listing_id)"
    return (
        "INSERT INTO analytics_rollups (id, workspace, account_id, platform, platform_item_id, listing_id, hour, "  # noqa: S608 - our own SQL
        f"{', '.join(COUNTERS)}) SELECT {new_id}, workspace, account_id, MAX(platform), platform_item_id, "
        f"{listing}, {hour}, {sums}, SUM(CASE WHEN kind = 'sale' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN kind = 'sale' THEN value ELSE 0 END) "
        "FROM analytics_events WHERE workspace = {workspace} AND kind IN ('view', 'like', 'message', 'follow', 'sale') "
        f"GROUP BY workspace, account_id, platform_item_id, {hour}"
    )


def rebuild_account_rollups_sql() -> str:
    """A workspace's per-account rollups from its per-listing ones, in one INSERT … SELECT."""
    new_id = "gen_random_uuid()" if db.is_postgres() else _sqlite_uuid()
    sums = ", ".join(f"SUM({c})" for c in COUNTERS)
    return (
        f"INSERT INTO analytics_account_rollups (id, workspace, account_id, platform, hour, {', '.join(COUNTERS)}) "  # noqa: S608 - our own SQL
        f"SELECT {new_id}, workspace, account_id, MAX(platform), hour, {sums} FROM analytics_rollups "
        "WHERE workspace = {workspace} GROUP BY workspace, account_id, hour"
    )


def day_of(column: str) -> str:
    """SQL for the UTC midnight starting the day of a timestamp column, comparable with a stored `day`."""
    if db.is_postgres():
        return f"date_trunc('day', {column} AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
    return f"substr({column}, 1, 10) || ' 00:00:00+00:00'"


def rebuild_items_sql() -> str:
    """Every platform listing in a workspace's hourly rollups made known (drafts learnt), in one statement."""
    new_id = "gen_random_uuid()" if db.is_postgres() else _sqlite_uuid()
    listing = f"CAST(MAX({text_of('listing_id')}) AS UUID)" if db.is_postgres() else "MAX(listing_id)"
    return (
        "INSERT INTO analytics_items (id, workspace, account_id, platform, platform_item_id, listing_id) "  # noqa: S608 - our own SQL
        f"SELECT {new_id}, workspace, account_id, MAX(platform), platform_item_id, {listing} FROM analytics_rollups "
        # SQLite needs the SELECT to have a WHERE before ON CONFLICT (it would read `ON` as a join's).
        "WHERE workspace = {workspace} GROUP BY workspace, account_id, platform_item_id "
        "ON CONFLICT (workspace, account_id, platform_item_id) DO UPDATE "
        "SET listing_id = COALESCE(excluded.listing_id, analytics_items.listing_id)"
    )


def rebuild_daily_rollups_sql() -> str:
    """A workspace's daily rollups from its hourly ones (its items made known first), in one INSERT … SELECT."""
    new_id = "gen_random_uuid()" if db.is_postgres() else _sqlite_uuid()
    sums = ", ".join(f"SUM(r.{c})" for c in COUNTERS)
    day = day_of("r.hour")
    return (
        f"INSERT INTO analytics_daily_rollups (id, workspace, item, day, {', '.join(COUNTERS)}) "  # noqa: S608 - our own SQL
        f"SELECT {new_id}, r.workspace, i.id, {day}, {sums} FROM analytics_rollups r "
        "JOIN analytics_items i ON i.workspace = r.workspace AND i.account_id = r.account_id "
        "AND i.platform_item_id = r.platform_item_id WHERE r.workspace = {workspace} "
        f"GROUP BY r.workspace, i.id, {day}"
    )


def _sqlite_uuid() -> str:
    # A random version-4 UUID as text, the way Piccolo stores UUIDs in SQLite.
    return (
        "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || "
        "substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))"
    )


def as_datetime(value: Any) -> datetime:
    """A timestamp from a raw query (SQLite gives text for expressions), in UTC."""
    when = datetime.fromisoformat(value) if isinstance(value, str) else value
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def as_number(value: Any) -> Decimal:
    """A SUM from a raw query (None for no rows; a float on SQLite) as a Decimal."""
    return Decimal("0") if value is None else Decimal(str(value))


def as_uuid(value: Any) -> uuid.UUID:
    """A UUID from a raw query (SQLite gives text)."""
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
