"""What other domains read of many listings at once (analytics' reports and sync)."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from backend.core.scoped import scoped
from backend.listings.tables import Listing, PlatformListing

# Ids per IN list: far below both databases' limits on bound values.
_CHUNK = 2000


@dataclass(frozen=True)
class ListingFacts:
    """A draft as a report shows it (analytics' top lists and breakdowns)."""

    id: uuid.UUID
    title: str
    category: str
    brand: str | None
    status: str
    account_id: uuid.UUID | None
    platform_item_id: str | None
    currency: str
    created_at: datetime


_COLUMNS = (
    Listing.id,
    Listing.title,
    Listing.category,
    Listing.brand,
    Listing.status,
    Listing.account_id,
    Listing.platform_item_id,
    Listing.currency,
    Listing.created_at,
)


async def facts_of(workspace_id: uuid.UUID, listing_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, ListingFacts]:
    """Title, category, brand… of each of these listings that is the workspace's (others are left out)."""
    ids = list(set(listing_ids))
    found: dict[uuid.UUID, ListingFacts] = {}
    for start in range(0, len(ids), _CHUNK):
        rows = (
            await scoped(Listing, workspace_id).select(*_COLUMNS).where(Listing.id.is_in(ids[start : start + _CHUNK]))
        )
        found.update({row["id"]: ListingFacts(**row) for row in rows})
    return found


def labels_sql() -> str:
    """A subquery of the workspace's drafts as (id, category, brand), empty labels as NULL, for a report that
    groups its figures by them in one statement (analytics' breakdowns over tens of thousands of drafts,
    where reading the labels out and grouping in Python cost more than the figures). It goes inside the
    caller's scoped raw query, which fills `{workspace}`, so it reads this workspace's drafts only."""
    return (
        "SELECT id, NULLIF(category, '') AS category, NULLIF(brand, '') AS brand FROM listings "
        "WHERE workspace = {workspace}"
    )


async def listings_on_items(
    workspace_id: uuid.UUID, account_id: uuid.UUID, item_ids: Collection[str]
) -> dict[str, uuid.UUID]:
    """The draft behind each of the account's platform items, where one is (item id → listing id).

    An item's listings on every account are its platform listings; an item published before they existed
    (or loaded in bulk) is found by its first-listing columns.
    """
    items = list(set(item_ids))
    found: dict[str, uuid.UUID] = {}
    for start in range(0, len(items), _CHUNK):
        chunk = items[start : start + _CHUNK]
        rows = (
            await scoped(PlatformListing, workspace_id)
            .select(PlatformListing.listing, PlatformListing.platform_item_id)
            .where((PlatformListing.account_id == account_id) & PlatformListing.platform_item_id.is_in(chunk))
        )
        found.update({row["platform_item_id"]: row["listing"] for row in rows})
        rest = [item for item in chunk if item not in found]
        if not rest:
            continue
        rows = (
            await scoped(Listing, workspace_id)
            .select(Listing.id, Listing.platform_item_id)
            .where((Listing.account_id == account_id) & Listing.platform_item_id.is_in(rest))
        )
        found.update({row["platform_item_id"]: row["id"] for row in rows})
    return found


@dataclass(frozen=True)
class PublishedItem:
    """A listing already live on an account, loaded in bulk (a demo or benchmark workspace)."""

    title: str
    category: str
    brand: str | None
    price: Decimal
    account_id: uuid.UUID
    platform_item_id: str
    created_at: datetime


async def insert_published(workspace_id: uuid.UUID, items: Sequence[PublishedItem]) -> list[uuid.UUID]:
    """Insert drafts already published on their accounts, in batches; returns their ids in order."""
    ids = [uuid.uuid4() for _ in items]
    for start in range(0, len(items), 500):
        rows = [
            Listing(
                id=listing_id,
                workspace=workspace_id,
                status="published",
                title=item.title,
                category=item.category,
                brand=item.brand,
                price=item.price,
                account_id=item.account_id,
                platform_item_id=item.platform_item_id,
                created_at=item.created_at,
                updated_at=item.created_at,
            )
            for listing_id, item in zip(ids[start : start + 500], items[start : start + 500], strict=True)
        ]
        await Listing.insert(*rows)
    return ids
