"""Listing requests and responses."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

import msgspec

from backend.ai.schemas import Condition, Currency, ShortText

ListingStatus = Literal["draft", "published", "sold", "archived"]
SortField = Literal["created_at", "updated_at", "price", "title"]
MediaGroup = Annotated[list[uuid.UUID], msgspec.Meta(min_length=1, max_length=20)]


class AnalyzeRequest(msgspec.Struct, forbid_unknown_fields=True):
    """Photos to turn into drafts. Send `groups` (each inner list: the photos of ONE item, in order) or
    `media_ids` (one item per photo). Ids come from POST /media. Each item is one AI generation."""

    media_ids: Annotated[list[uuid.UUID], msgspec.Meta(min_length=1, max_length=200)] | None = None
    groups: Annotated[list[MediaGroup], msgspec.Meta(min_length=1, max_length=200)] | None = None


class ListingOut(msgspec.Struct):
    id: uuid.UUID
    status: ListingStatus
    title: str
    description: str
    price: float
    currency: str
    category: str
    brand: str | None
    size: str | None
    condition: Condition
    colours: list[str]
    materials: list[str]
    keywords: list[str]
    media_ids: list[uuid.UUID]
    account_id: uuid.UUID | None
    platform_item_id: str | None
    platform_url: str | None
    ai_provider: str | None
    sold_price: float | None
    """What it sold for, once the platform reports it sold (status `sold`)."""
    buyer: str | None
    sold_at: datetime | None
    source_job_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime


class ListingUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """Only the fields sent change; `null` clears brand or size."""

    title: (
        Annotated[str, msgspec.Meta(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]*$")] | msgspec.UnsetType
    ) = msgspec.UNSET
    description: Annotated[str, msgspec.Meta(max_length=5000)] | msgspec.UnsetType = msgspec.UNSET
    price: Annotated[float, msgspec.Meta(ge=0, le=1_000_000)] | msgspec.UnsetType = msgspec.UNSET
    currency: Currency | msgspec.UnsetType = msgspec.UNSET
    category: Annotated[str, msgspec.Meta(max_length=100)] | msgspec.UnsetType = msgspec.UNSET
    brand: ShortText | msgspec.UnsetType | None = msgspec.UNSET
    size: ShortText | msgspec.UnsetType | None = msgspec.UNSET
    condition: Condition | msgspec.UnsetType = msgspec.UNSET
    colours: Annotated[list[ShortText], msgspec.Meta(max_length=10)] | msgspec.UnsetType = msgspec.UNSET
    materials: Annotated[list[ShortText], msgspec.Meta(max_length=10)] | msgspec.UnsetType = msgspec.UNSET
    keywords: Annotated[list[ShortText], msgspec.Meta(max_length=20)] | msgspec.UnsetType = msgspec.UNSET
    media_ids: Annotated[list[uuid.UUID], msgspec.Meta(max_length=20)] | msgspec.UnsetType = msgspec.UNSET


class PriceChangeOut(msgspec.Struct):
    old_price: float | None
    new_price: float
    currency: str
    changed_by: uuid.UUID | None
    changed_at: datetime


class PublishRequest(msgspec.Struct, forbid_unknown_fields=True):
    account_id: uuid.UUID
    """The platform account to publish through (GET /api/v1/accounts)."""


# --- inventory and crosslisting ------------------------------------------------------------------

PlatformListingStatus = Literal["queued", "live", "sold", "delisting", "delisted", "failed"]
ConflictKind = Literal["delist_failed", "oversell"]
Rounding = Literal["none", "whole", "ends_99", "ends_90"]
AccountIds = Annotated[list[uuid.UUID], msgspec.Meta(min_length=1, max_length=50)]


class PlatformListingOut(msgspec.Struct):
    """One listing of the item on one account."""

    id: uuid.UUID
    listing_id: uuid.UUID
    account_id: uuid.UUID
    account_label: str
    platform: str
    platform_title: str
    platform_item_id: str | None
    url: str | None
    status: PlatformListingStatus
    price: float | None
    """The price on this platform (after its price rule or the price chosen when crosslisting)."""
    currency: str
    fields: dict[str, str]
    """What the platform was sent, in its own words (title, category, condition, size…)."""
    error: str | None
    """Why the publish failed (status `failed`)."""
    conflict: ConflictKind | None
    """Needs a person: `delist_failed` (could not be taken down) or `oversell` (sold here after selling elsewhere)."""
    conflict_reason: str | None
    conflict_at: datetime | None
    job_id: uuid.UUID | None
    sold_at: datetime | None
    last_checked_at: datetime | None
    created_at: datetime
    updated_at: datetime


class InventoryItemOut(msgspec.Struct):
    """An item (a draft) with every listing of it on the platforms."""

    id: uuid.UUID
    title: str
    status: ListingStatus
    price: float
    currency: str
    category: str
    brand: str | None
    size: str | None
    condition: Condition
    media_ids: list[uuid.UUID]
    sold_price: float | None
    buyer: str | None
    sold_at: datetime | None
    sold_via: uuid.UUID | None
    """The platform listing whose sale counted (the first one detected)."""
    listings: list[PlatformListingOut]
    conflicts: int
    created_at: datetime
    updated_at: datetime


class CrosslistTarget(msgspec.Struct, forbid_unknown_fields=True):
    account_id: uuid.UUID
    price: Annotated[float, msgspec.Meta(gt=0, le=1_000_000)] | None = None
    """This platform's price; when left out, the draft's price through the platform's price rule."""


class CrosslistRequest(msgspec.Struct, forbid_unknown_fields=True):
    """Publish the item on these accounts (any platforms): one publish job per account, children of one job."""

    accounts: Annotated[list[CrosslistTarget], msgspec.Meta(min_length=1, max_length=50)]


class BulkCrosslistRequest(msgspec.Struct, forbid_unknown_fields=True):
    """Crosslist many drafts to the same accounts, one publish every `spacing_seconds` per account."""

    listing_ids: Annotated[list[uuid.UUID], msgspec.Meta(min_length=1, max_length=200)]
    account_ids: AccountIds
    spacing_seconds: Annotated[int, msgspec.Meta(ge=0, le=3600)] = 60


class DelistRequest(msgspec.Struct, forbid_unknown_fields=True):
    """End the item's listings: on these accounts, or everywhere it is live when left out."""

    account_ids: AccountIds | None = None


class MarkSoldRequest(msgspec.Struct, forbid_unknown_fields=True):
    """The item sold (outside a sync): where, for how much and to whom; its other listings are delisted."""

    platform_listing_id: uuid.UUID | None = None
    price: Annotated[float, msgspec.Meta(ge=0, le=1_000_000)] | None = None
    buyer: Annotated[str, msgspec.Meta(max_length=200)] | None = None


class ImportListingsRequest(msgspec.Struct, forbid_unknown_fields=True):
    """Read the account's live listings and link each to a draft (matched by title and photo, or a new one)."""

    account_id: uuid.UUID


class FieldNote(msgspec.Struct):
    field: str
    """The draft's field, e.g. `category`, `title`, `size`, `price`."""
    message: str


class MappedFieldsOut(msgspec.Struct):
    """What the platform will receive, in its own vocabulary."""

    title: str
    description: str
    price: float | None
    currency: str
    category: str | None
    condition: str | None
    size: str | None
    brand: str | None


class TargetPreviewOut(msgspec.Struct):
    account_id: uuid.UUID
    account_label: str
    platform: str
    platform_title: str
    verified: bool
    """False for drivers of real sites not verified against them."""
    fields: MappedFieldsOut
    problems: list[FieldNote]
    """What blocks the publish (a required field missing, a value the platform refuses)."""
    warnings: list[FieldNote]
    """What changes on the way (title or description cut, a category mapped to a near one, a price rule applied)."""
    ready: bool
    existing: PlatformListingStatus | None
    """The item's listing on this account already, if any (a live one is not published again)."""


class CrosslistPreviewOut(msgspec.Struct):
    listing_id: uuid.UUID
    targets: list[TargetPreviewOut]


class PriceRuleOut(msgspec.Struct):
    platform: str
    platform_title: str
    markup_percent: float
    rounding: Rounding
    custom: bool
    """False while the platform's default rule applies."""


class PriceRuleUpdate(msgspec.Struct, forbid_unknown_fields=True):
    markup_percent: Annotated[float, msgspec.Meta(ge=-50, le=200)]
    rounding: Rounding = "none"


class ConflictOut(msgspec.Struct):
    """A listing that needs a person, with its item."""

    item_id: uuid.UUID
    item_title: str
    item_status: ListingStatus
    listing: PlatformListingOut
