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
