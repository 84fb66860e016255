"""Analytics requests and responses: events from outside, sales, and the dashboard.

msgspec checks types and bounds; the service checks what needs the clock or the database
(not in the future, not too old, a listing or account of this workspace) and names the field.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from backend.ai.schemas import Currency
from backend.core.schemas import SINGLE_LINE

EventKindName = Literal["view", "like", "message", "follow", "sale", "price_change", "publish", "delist"]
EventSourceName = Literal["sync", "api", "app"]
ItemId = Annotated[str, msgspec.Meta(min_length=1, max_length=255, pattern=SINGLE_LINE)]
ClientEventId = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=SINGLE_LINE)]
MAX_EVENTS_PER_BATCH = 1000


# --- ingest -------------------------------------------------------------------------------------


class EventIn(msgspec.Struct, forbid_unknown_fields=True):
    """One event from outside. Name the platform listing by `listing_id` (a draft published on an account)
    or by `account_id` and `platform_item_id`; `value` is a count (views, likes…) or an amount (sale)."""

    kind: EventKindName
    occurred_at: datetime
    value: Annotated[float, msgspec.Meta(ge=0, le=1_000_000_000)] = 1
    listing_id: uuid.UUID | None = None
    account_id: uuid.UUID | None = None
    platform_item_id: ItemId | None = None
    currency: Currency | None = None
    client_event_id: ClientEventId | None = None
    """Your id for the event: an event whose id this workspace has seen already is ignored."""


class EventBatchIn(msgspec.Struct, forbid_unknown_fields=True):
    events: Annotated[list[EventIn], msgspec.Meta(min_length=1, max_length=MAX_EVENTS_PER_BATCH)]


class IngestReport(msgspec.Struct):
    accepted: int
    duplicates: int
    """Events whose `client_event_id` was seen before (in this batch or an earlier one): ignored."""


# --- sales --------------------------------------------------------------------------------------


class SaleOut(msgspec.Struct):
    id: uuid.UUID
    account_id: uuid.UUID
    platform: str
    platform_item_id: str
    listing_id: uuid.UUID | None
    """The draft that was sold, when the item came from one (link to it)."""
    title: str
    price: float | None
    currency: str
    buyer: str
    sold_at: datetime | None
    listed_at: datetime | None
    created_at: datetime


# --- dashboard ----------------------------------------------------------------------------------


class Totals(msgspec.Struct):
    views: int
    likes: int
    messages: int
    follows: int
    sales: int
    revenue: float


class Changes(msgspec.Struct):
    """Change against the previous period in percent; null when the previous period had none."""

    views: float | None
    likes: float | None
    messages: float | None
    follows: float | None
    sales: float | None
    revenue: float | None


class Period(msgspec.Struct):
    """Whole days in `tz`, both ends included."""

    date_from: date = msgspec.field(name="from")
    date_to: date = msgspec.field(name="to")
    days: int
    tz: str


class DayPoint(msgspec.Struct):
    date: date
    views: int
    likes: int
    messages: int
    sales: int
    revenue: float


class HeatCell(msgspec.Struct):
    weekday: int
    """0 = Monday … 6 = Sunday, in the dashboard's time zone."""
    hour: int
    views: int
    sales: int


class ListingStat(msgspec.Struct):
    account_id: uuid.UUID
    platform: str
    platform_item_id: str
    listing_id: uuid.UUID | None
    """The draft, when the platform listing came from one (link to /listings/{id})."""
    title: str
    category: str | None
    brand: str | None
    views: int
    likes: int
    messages: int
    follows: int
    sales: int
    revenue: float
    conversion: float | None
    """Sales per view (null without views)."""
    days_to_sell: float | None
    """Days from listing to sale, for a listing sold in the period."""


class Rankings(msgspec.Struct):
    """Up to 10 listings each. Top: most views, most likes, best conversion, fastest sold; bottom: the reverse.
    Only listings with activity in the period (and for conversion: views; for days to sell: a sale) rank."""

    views: list[ListingStat]
    likes: list[ListingStat]
    conversion: list[ListingStat]
    days_to_sell: list[ListingStat]


class Breakdown(msgspec.Struct):
    """One category or brand ("Unknown" for listings without one or not from a draft)."""

    name: str
    listings: int
    views: int
    likes: int
    sales: int
    revenue: float
    views_share: float
    """Its part of all the period's views, 0–1."""
    sales_share: float


class AccountStat(msgspec.Struct):
    account_id: uuid.UUID
    platform: str
    label: str
    listings: int
    views: int
    likes: int
    messages: int
    follows: int
    sales: int
    revenue: float
    conversion: float | None


class DashboardOut(msgspec.Struct):
    period: Period
    previous_period: Period
    totals: Totals
    previous_totals: Totals
    change: Changes
    series: list[DayPoint]
    """One point per day of the period, days without activity included."""
    heatmap: list[HeatCell]
    """168 cells: views and sales by weekday and hour of the day."""
    top: Rankings
    bottom: Rankings
    categories: list[Breakdown]
    brands: list[Breakdown]
    accounts: list[AccountStat]
    reprice: list[ListingStat]
    """"Reprice?": many views (at least the threshold) and no like in the period, most viewed first."""
    reprice_min_views: int
    sync_every_minutes: int
    """How often each account's numbers are read from its platform (the workspace's plan)."""
    last_synced_at: datetime | None = None
    """When an account of the workspace was last read (None: never yet)."""
