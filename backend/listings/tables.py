"""Listings (drafts until published) and their price history."""

from __future__ import annotations

from decimal import Decimal

from piccolo.columns import JSON, UUID, ForeignKey, Numeric, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from backend.auth.tables import Workspace


class Listing(Table, tablename="listings"):
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
