"""Analytics: what happened to the workspace's platform listings (events), hourly rollups of them
that the dashboard reads, the sales, and where each account's sync left off.

A platform listing is keyed by (account_id, platform_item_id): a draft (`listing_id`, the
listings domain's id, no foreign key across domains) may be published on several accounts
once crosslisting lands, and an event from outside may name an item with no draft here.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from piccolo.columns import JSON, UUID, BigInt, ForeignKey, Integer, Numeric, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from backend.auth.tables import Workspace


class EventKind(StrEnum):
    view = "view"
    like = "like"
    message = "message"
    follow = "follow"
    sale = "sale"  # value: the sale's amount (revenue)
    price_change = "price_change"  # value: the new price
    publish = "publish"
    delist = "delist"


class EventSource(StrEnum):
    sync = "sync"  # differences the account's sync found
    api = "api"  # POST /analytics/events
    app = "app"  # made by Sellpilot itself (publish, delist, price change)


class AnalyticsEvent(Table, tablename="analytics_events"):
    """One thing that happened, as it arrived; kept for history and rebuilding the rollups, never
    read by the dashboard. `value` is a count (views 10 → 14: one row of 4) or an amount."""

    id = UUID(primary_key=True)
    workspace = ForeignKey(Workspace, null=False, on_delete=OnDelete.cascade, index=True)
    account_id = UUID(null=False)
    platform = Varchar(length=32)
    platform_item_id = Varchar(length=255)
    listing_id = UUID(null=True, default=None)
    kind = Varchar(length=16, choices=EventKind)
    value = Numeric(digits=(14, 2), default=Decimal("1"))
    currency = Varchar(length=3, default="")
    occurred_at = Timestamptz(index=True)
    # Unique per workspace (index made by the migration): a repeated event from outside is ignored.
    client_event_id = Varchar(length=200, null=True, default=None)
    source = Varchar(length=8, choices=EventSource, default=EventSource.api.value)
    created_at = Timestamptz(default=TimestamptzNow())


class HourlyRollup(Table, tablename="analytics_rollups"):
    """The events of one platform listing in one hour (UTC), summed as they arrive.

    Unique on (workspace, account_id, platform_item_id, hour) (index made by the migration);
    each event adds its value here in the transaction that inserts it.
    """

    id = UUID(primary_key=True)
    workspace = ForeignKey(Workspace, null=False, on_delete=OnDelete.cascade, index=True)
    account_id = UUID(null=False)
    platform = Varchar(length=32)
    platform_item_id = Varchar(length=255)
    listing_id = UUID(null=True, default=None)
    hour = Timestamptz()
    views = BigInt(default=0)
    likes = BigInt(default=0)
    messages = BigInt(default=0)
    follows = BigInt(default=0)
    sales = BigInt(default=0)
    revenue = Numeric(digits=(14, 2), default=Decimal("0"))


class AnalyticsItem(Table, tablename="analytics_items"):
    """A platform listing as analytics knows it — (account, item id) with its platform and draft — under
    one compact id, which the daily rollups are keyed by: summing a period per listing then groups by one
    UUID instead of an account, an item id and text casts of the rest (half the time on 10,000 listings).
    Unique on (workspace, account_id, platform_item_id) (index made by the migration)."""

    id = UUID(primary_key=True)
    workspace = ForeignKey(Workspace, null=False, on_delete=OnDelete.cascade, index=True)
    account_id = UUID(null=False)
    platform = Varchar(length=32)
    platform_item_id = Varchar(length=255)
    listing_id = UUID(null=True, default=None)


class DailyRollup(Table, tablename="analytics_daily_rollups"):
    """The events of one platform listing (`item`: an `AnalyticsItem`'s id) in one UTC day, kept with the
    hourly rollups in the same transaction: a period's per-listing sums read whole days here and only the
    hours at its two ends from the hourly rollups, far fewer rows when a listing is seen in many hours of
    a day. Unique on (workspace, item, day) (index made by the migration); `day` is midnight UTC."""

    id = UUID(primary_key=True)
    workspace = ForeignKey(Workspace, null=False, on_delete=OnDelete.cascade, index=True)
    item = UUID(null=False)
    day = Timestamptz()
    views = BigInt(default=0)
    likes = BigInt(default=0)
    messages = BigInt(default=0)
    follows = BigInt(default=0)
    sales = BigInt(default=0)
    revenue = Numeric(digits=(14, 2), default=Decimal("0"))


class AccountRollup(Table, tablename="analytics_account_rollups"):
    """All of one account's listings in one hour (UTC), summed as events arrive, with the per-listing
    rollups in the same transaction: the dashboard's totals, series and heatmap read these, a row per
    account and hour instead of one per listing. Unique on (workspace, account_id, hour) (index made by
    the migration); rebuilt from the per-listing rollups."""

    id = UUID(primary_key=True)
    workspace = ForeignKey(Workspace, null=False, on_delete=OnDelete.cascade, index=True)
    account_id = UUID(null=False)
    platform = Varchar(length=32)
    hour = Timestamptz()
    views = BigInt(default=0)
    likes = BigInt(default=0)
    messages = BigInt(default=0)
    follows = BigInt(default=0)
    sales = BigInt(default=0)
    revenue = Numeric(digits=(14, 2), default=Decimal("0"))


class SyncState(Table, tablename="analytics_sync_states"):
    """Where an account's sync left off: the counters it last saw per item (unique per account)."""

    id = UUID(primary_key=True)
    workspace = ForeignKey(Workspace, null=False, on_delete=OnDelete.cascade, index=True)
    account_id = UUID(null=False)
    platform = Varchar(length=32)
    # item id -> {"views": int, "likes": int, "sold": bool, "title": str, "listed_at": iso | null}
    items = JSON(default="{}")
    last_synced_at = Timestamptz(null=True, default=None)
    last_error = Text(default="")
    syncs = Integer(default=0)


class Sale(Table, tablename="analytics_sales"):
    """A sale of one platform listing; unique on (account_id, platform_item_id) (index by the migration)."""

    id = UUID(primary_key=True)
    workspace = ForeignKey(Workspace, null=False, on_delete=OnDelete.cascade, index=True)
    account_id = UUID(null=False)
    platform = Varchar(length=32)
    platform_item_id = Varchar(length=255)
    listing_id = UUID(null=True, default=None)
    title = Varchar(length=200, default="")
    price = Numeric(digits=(12, 2), null=True, default=None)
    currency = Varchar(length=3, default="")
    buyer = Varchar(length=200, default="")
    sold_at = Timestamptz(null=True, default=None, index=True)
    # When the item was listed, where the platform shows it (days to sell).
    listed_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
