"""Recording events: each batch of events and the rollups they add to commit together.

`record` is how every event arrives (the sync, POST /analytics/events, the app itself): the
events go in (an event whose client id this workspace has seen is skipped), and each hour
bucket they touch gets one upsert adding their values, in the same transaction. `rebuild`
recomputes a workspace's rollups from its events (`sellpilot analytics rebuild-rollups`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from backend import db
from backend.analytics import sql
from backend.analytics.tables import AccountRollup, AnalyticsEvent, AnalyticsItem, DailyRollup, HourlyRollup
from backend.core.scoped import across_workspaces, scoped

# Rows per INSERT: well under both databases' limits on bound values (13 per rollup row).
CHUNK = 500


@dataclass(frozen=True)
class NewEvent:
    account_id: uuid.UUID
    platform: str
    platform_item_id: str
    listing_id: uuid.UUID | None
    kind: str
    value: Decimal
    occurred_at: datetime
    currency: str = ""
    client_event_id: str | None = None
    source: str = "api"


def hour_start(when: datetime) -> datetime:
    return when.replace(minute=0, second=0, microsecond=0)


async def record(workspace_id: uuid.UUID, events: Sequence[NewEvent]) -> int:
    """Insert the events and add them to their hourly rollups in one transaction; returns how many went in.

    An event whose `client_event_id` the workspace has seen (earlier, or in this batch) is skipped
    and adds nothing. Joins the caller's transaction when there is one.
    """
    inserted: list[NewEvent] = []
    async with db.transaction():
        for start in range(0, len(events), CHUNK):
            chunk = events[start : start + CHUNK]
            rows = {uuid.uuid4(): event for event in chunk}
            query = AnalyticsEvent.insert(
                *(
                    AnalyticsEvent(
                        id=event_id,
                        workspace=workspace_id,
                        account_id=e.account_id,
                        platform=e.platform,
                        platform_item_id=e.platform_item_id,
                        listing_id=e.listing_id,
                        kind=e.kind,
                        value=e.value,
                        currency=e.currency,
                        occurred_at=e.occurred_at,
                        client_event_id=e.client_event_id,
                        source=e.source,
                    )
                    for event_id, e in rows.items()
                )
            )
            if any(e.client_event_id for e in chunk):
                # The unique (workspace, client_event_id) index decides, so racing batches insert one.
                kept = await query.on_conflict(action="DO NOTHING").returning(AnalyticsEvent.id)
                inserted.extend(rows[row["id"]] for row in kept)
            else:
                await query
                inserted.extend(chunk)
        await add_to_rollups(workspace_id, inserted)
    return len(inserted)


def _bucket_values(events: Sequence[NewEvent]) -> dict[tuple[uuid.UUID, str, datetime], dict[str, Any]]:
    buckets: dict[tuple[uuid.UUID, str, datetime], dict[str, Any]] = {}
    for e in events:
        if e.kind not in sql.KIND_COUNTER and e.kind != "sale":
            continue
        key = (e.account_id, e.platform_item_id, hour_start(e.occurred_at))
        bucket = buckets.setdefault(
            key,
            {"platform": e.platform, "listing_id": e.listing_id, **dict.fromkeys(sql.COUNTERS, Decimal("0"))},
        )
        bucket["listing_id"] = bucket["listing_id"] or e.listing_id
        if e.kind == "sale":
            bucket["sales"] += 1
            bucket["revenue"] += e.value
        else:
            bucket[sql.KIND_COUNTER[e.kind]] += e.value
    return buckets


async def add_to_rollups(workspace_id: uuid.UUID, events: Sequence[NewEvent]) -> None:
    """One upsert per bucket touched — per listing and hour, per listing and day, per account and hour —
    adding the events' values (call inside the events' transaction); the listings made known first.

    Buckets go in a fixed order, so two batches touching the same ones never wait on each other in a circle.
    """
    hourly = _bucket_values(events)
    if not hourly:
        return
    items = await _item_ids(workspace_id, hourly)
    daily: dict[tuple[uuid.UUID, datetime], dict[str, Any]] = {}
    per_account: dict[tuple[uuid.UUID, datetime], dict[str, Any]] = {}
    for (account_id, item_id, hour), values in hourly.items():
        _add(daily, (items[(account_id, item_id)], hour.astimezone(UTC).replace(hour=0)), values)
        _add(per_account, (account_id, hour), values)
    await _upsert(
        scoped(HourlyRollup, workspace_id),
        sql.upsert_rollups_sql,
        hourly,
        lambda key, v: [key[0], v["platform"], key[1], v["listing_id"], key[2]],
    )
    await _upsert(scoped(DailyRollup, workspace_id), sql.upsert_daily_rollups_sql, daily, lambda key, _: list(key))
    await _upsert(
        scoped(AccountRollup, workspace_id),
        sql.upsert_account_rollups_sql,
        per_account,
        lambda key, v: [key[0], v["platform"], key[1]],
    )


async def _item_ids(
    workspace_id: uuid.UUID, hourly: dict[tuple[uuid.UUID, str, datetime], dict[str, Any]]
) -> dict[tuple[uuid.UUID, str], uuid.UUID]:
    """The analytics id of each platform listing in these buckets, made known (with its draft) when new."""
    known: dict[tuple[uuid.UUID, str], dict[str, Any]] = {}
    for (account_id, item_id, _), values in hourly.items():
        entry = known.setdefault((account_id, item_id), {"platform": values["platform"], "listing_id": None})
        entry["listing_id"] = entry["listing_id"] or values["listing_id"]
    ordered = sorted(known.items(), key=lambda item: (str(item[0][0]), item[0][1]))
    ids: dict[tuple[uuid.UUID, str], uuid.UUID] = {}
    items = scoped(AnalyticsItem, workspace_id)
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start : start + CHUNK]
        args: list[Any] = []
        for (account_id, item_id), entry in chunk:
            args += [uuid.uuid4(), account_id, entry["platform"], item_id, entry["listing_id"]]
        for row in await items.raw(sql.upsert_items_sql(len(chunk)), *args):
            ids[(sql.as_uuid(row["account_id"]), row["platform_item_id"])] = sql.as_uuid(row["id"])
    return ids


def _add(buckets: dict[Any, dict[str, Any]], key: Any, values: dict[str, Any]) -> None:
    bucket = buckets.setdefault(key, {"platform": values["platform"], **dict.fromkeys(sql.COUNTERS, 0)})
    for c in sql.COUNTERS:
        bucket[c] += values[c]


async def _upsert(
    rollups: Any,
    statement: Callable[[int], str],
    buckets: dict[Any, dict[str, Any]],
    key_values: Callable[[Any, dict[str, Any]], list[Any]],
) -> None:
    """Upserts in chunks, the buckets in key order: each row is a new id, `key_values`, then the counters."""
    ordered = sorted(buckets.items(), key=lambda item: tuple(str(part) for part in item[0]))
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start : start + CHUNK]
        args: list[Any] = []
        for key, values in chunk:
            args += [uuid.uuid4(), *key_values(key, values), *_counts(values)]
        await rollups.raw(statement(len(chunk)), *args)


def _counts(values: dict[str, Any]) -> list[Any]:
    return [int(values[c]) if c != "revenue" else values[c] for c in sql.COUNTERS]


async def rebuild(workspace_id: uuid.UUID) -> int:
    """The workspace's rollups recomputed (in one transaction); returns how many hourly per-listing buckets.

    The hourly per-listing ones from the events, only from the hour of the oldest event kept: the events
    of earlier hours were pruned past retention (`prune`, whole hours only), and their rollups are all
    that is left of them. Then the daily and the per-account ones from all the hourly ones.
    """
    oldest = (
        await scoped(AnalyticsEvent, workspace_id)
        .select(AnalyticsEvent.occurred_at)
        .order_by(AnalyticsEvent.occurred_at)
        .first()
    )
    async with db.transaction():
        if oldest is not None:
            first_hour = hour_start(oldest["occurred_at"].astimezone(UTC))
            await scoped(HourlyRollup, workspace_id).delete().where(HourlyRollup.hour >= first_hour)
            await scoped(AnalyticsEvent, workspace_id).raw(sql.rebuild_rollups_sql())
        await scoped(DailyRollup, workspace_id).delete()
        await scoped(AccountRollup, workspace_id).delete()
        await scoped(HourlyRollup, workspace_id).raw(sql.rebuild_items_sql())
        await scoped(HourlyRollup, workspace_id).raw(sql.rebuild_daily_rollups_sql())
        await scoped(HourlyRollup, workspace_id).raw(sql.rebuild_account_rollups_sql())
    # A rebuild can change much of the tables: fresh statistics keep the dashboard's plans right
    # (a hash aggregate instead of sorting the period's rows by listing).
    for table in ("analytics_rollups", "analytics_items", "analytics_daily_rollups", "analytics_account_rollups"):
        await db.DB.run_ddl(f"ANALYZE {table}")
    return int(await scoped(HourlyRollup, workspace_id).count())


async def prune(before: datetime, limit: int) -> int:
    """Delete at most `limit` raw events that happened before the hour of `before`, oldest first, in
    whole hours (one hour of more than `limit` events goes whole).

    Only events: the hourly rollups stay, and the dashboard reads only those, so it shows the
    same numbers before and after. Whole hours only, so a later `rebuild` never recomputes an
    hour from part of its events. Returns how many were deleted.
    """
    if limit < 1:
        return 0
    # Retention is the deployment's, not one workspace's: old events of every workspace go.
    events = across_workspaces(AnalyticsEvent)
    cutoff = hour_start(before.astimezone(UTC))
    oldest = (
        await events.select(AnalyticsEvent.id, AnalyticsEvent.occurred_at)
        .where(AnalyticsEvent.occurred_at < cutoff)
        .order_by(AnalyticsEvent.occurred_at)
        .limit(limit + 1)
    )
    if len(oldest) > limit:
        # The limit ends inside an hour: that hour waits for the next run, whole. An hour holding more
        # than `limit` events goes whole now, or the step would never get past it.
        boundary = hour_start(oldest[limit]["occurred_at"].astimezone(UTC))
        oldest = [row for row in oldest[:limit] if row["occurred_at"] < boundary]
        if not oldest:
            hour = events.select(AnalyticsEvent.id).where(AnalyticsEvent.occurred_at < boundary + timedelta(hours=1))
            oldest = await hour
    deleted = 0
    for start in range(0, len(oldest), CHUNK):
        ids = [row["id"] for row in oldest[start : start + CHUNK]]
        deleted += len(await events.delete().where(AnalyticsEvent.id.is_in(ids)).returning(AnalyticsEvent.id))
    return deleted
