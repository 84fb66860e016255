"""Analytics: events (synced from the platforms or sent from outside) kept with hourly rollups, the
sales, and the dashboard read from the rollups.

This is the domain's door for other domains and the routes. Every query is scoped to the
workspace. The work is in `events` (recording, rollups), `sync` (the accounts' stats and sales),
`ingest` (POST /analytics/events), `sales` and `dashboard`; `seed` makes a big workspace for the
benchmark.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from backend.analytics import events as _events
from backend.analytics.dashboard import dashboard
from backend.analytics.events import NewEvent, rebuild
from backend.analytics.events import prune as prune_events
from backend.analytics.ingest import ingest
from backend.analytics.sales import export_sales, list_sales
from backend.analytics.sync import SYNC_KIND, SyncReport, apply_sync, run_sync, tick
from backend.analytics.tables import AnalyticsEvent
from backend.core.scoped import across_workspaces

__all__ = [
    "SYNC_KIND",
    "NewEvent",
    "SyncReport",
    "apply_sync",
    "dashboard",
    "export_sales",
    "ingest",
    "list_sales",
    "prune_events",
    "rebuild",
    "record_app_event",
    "record_events",
    "run_sync",
    "tick",
    "workspaces_with_events",
]


async def record_app_event(
    workspace_id: uuid.UUID,
    account_id: uuid.UUID,
    platform: str,
    platform_item_id: str,
    kind: str,
    *,
    listing_id: uuid.UUID | None = None,
    value: Decimal = Decimal("1"),
    currency: str = "",
    occurred_at: datetime,
) -> None:
    """An event Sellpilot itself saw happen (a publish, a delist, a price change), for other domains to call."""
    event = NewEvent(
        account_id, platform, platform_item_id, listing_id, kind, value, occurred_at, currency, source="app"
    )
    await _events.record(workspace_id, [event])


async def workspaces_with_events() -> list[uuid.UUID]:
    """The workspaces that have events (for a rebuild of every workspace's rollups)."""
    # An upkeep command over all workspaces: it belongs to none.
    rows = await across_workspaces(AnalyticsEvent).select(AnalyticsEvent.workspace).distinct()
    return [row["workspace"] for row in rows]


async def record_events(workspace_id: uuid.UUID, events: Sequence[NewEvent]) -> int:
    """Events already checked (the seed, tests): recorded with their rollups; returns how many went in."""
    return await _events.record(workspace_id, events)
