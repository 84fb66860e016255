"""Listings (drafts until published) and their price history."""

from __future__ import annotations

from decimal import Decimal

from piccolo.columns import JSON, UUID, ForeignKey, Numeric, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from backend.auth.tables import Workspace


class Listing(Table, tablename="listings"):
    """The item (a draft until published). Its listings on the platforms are `PlatformListing` rows; the
    `account_id`/`platform_item_id`/`platform_url` columns name its first one (what automation rules act on)."""

    id = UUID(primary_key=True)
    workspace = ForeignKey(Workspace, null=False, on_delete=OnDelete.cascade, index=True)
    status = Varchar(length=16, default="draft", index=True)  # draft, published, sold, archived
    title = Varchar(length=100)
    description = Text(default="")
    price = Numeric(digits=(12, 2), default=Decimal("0"))
    currency = Varchar(length=3, default="EUR")
    category = Varchar(length=100, default="Other", index=True)
    brand = Varchar(length=100, null=True, default=None)
    size = Varchar(length=100, null=True, default=None)
    condition = Varchar(length=32, default="good")
    colours = JSON(default="[]")
    materials = JSON(default="[]")
    keywords = JSON(default="[]")
    media_ids = JSON(default="[]")
    account_id = UUID(null=True, default=None, index=True)
    platform_item_id = Varchar(length=255, null=True, default=None)
    platform_url = Varchar(length=1000, null=True, default=None)
    ai_provider = Varchar(length=32, null=True, default=None)
    # Filled when the platform reports the item sold (analytics' sync): at what price, to whom, when.
    sold_price = Numeric(digits=(12, 2), null=True, default=None)
    buyer = Varchar(length=200, null=True, default=None)
    sold_at = Timestamptz(null=True, default=None)
    # The platform listing whose sale won (the first detected); None when sold by hand without one.
    sold_via = UUID(null=True, default=None)
    # The analyze job and item that produced this draft: unique together, so a
    # re-run of the job never makes the same draft twice.
    source_job = UUID(null=True, default=None)
    source_key = Varchar(length=200, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class PriceChange(Table, tablename="listing_price_changes"):
    id = UUID(primary_key=True)
    listing = ForeignKey(Listing, null=False, on_delete=OnDelete.cascade, index=True)
    workspace = ForeignKey(Workspace, null=False, on_delete=OnDelete.cascade)
    old_price = Numeric(digits=(12, 2), null=True, default=None)
    new_price = Numeric(digits=(12, 2))
    currency = Varchar(length=3)
    changed_by = UUID(null=True, default=None)
    changed_at = Timestamptz(default=TimestamptzNow())


class PlatformListing(Table, tablename="platform_listings"):
    """One listing of an item on one account: what crosslisting publishes, the sync watches and auto-delist ends.

    status: queued (publish job pending) → live → sold (it sold here) | delisting → delisted; failed (the
    publish failed, `error` says why). `conflict` marks what needs a person: `delist_failed` (it could not be
    taken down: account needs attention, platform refused) or `oversell` (it sold here after the item had
    sold elsewhere: cancel one order). One row per item and account.
    """

    id = UUID(primary_key=True)
    workspace = ForeignKey(Workspace, null=False, on_delete=OnDelete.cascade, index=True)
    listing = ForeignKey(Listing, null=False, on_delete=OnDelete.cascade, index=True)
    account_id = UUID(index=True)
    platform = Varchar(length=32)
    platform_item_id = Varchar(length=255, null=True, default=None, index=True)
    platform_url = Varchar(length=1000, null=True, default=None)
    status = Varchar(length=16, default="queued", index=True)
    price = Numeric(digits=(12, 2), null=True, default=None)
    currency = Varchar(length=3, default="EUR")
    # What the platform was sent (mapped title, category, condition, size…), for the item's page.
    fields = JSON(default="{}")
    error = Text(null=True, default=None)
    conflict = Varchar(length=16, null=True, default=None, index=True)
    conflict_reason = Text(null=True, default=None)
    conflict_at = Timestamptz(null=True, default=None)
    job_id = UUID(null=True, default=None)
    sold_at = Timestamptz(null=True, default=None)
    last_checked_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class PriceRule(Table, tablename="crosslist_price_rules"):
    """A workspace's price rule for one platform: the draft's price plus `markup_percent`, then rounded."""

    id = UUID(primary_key=True)
    workspace = ForeignKey(Workspace, null=False, on_delete=OnDelete.cascade, index=True)
    platform = Varchar(length=32)
    markup_percent = Numeric(digits=(6, 2), default=Decimal("0"))
    rounding = Varchar(length=16, default="none")  # none, whole, ends_99, ends_90
    updated_at = Timestamptz(default=TimestamptzNow())
