"""The inventory: every item of the workspace (drafts included, so a draft can be crosslisted from there) with
its listings on the platforms, newest first. One page is three queries: the items with their total, their
platform listings, the accounts those are on.
"""

from __future__ import annotations

import uuid
from typing import Any

from backend.core.fields import like_pattern
from backend.core.pagination import TOTAL_COLUMN, check_page, total_column
from backend.core.schemas import Page
from backend.core.scoped import scoped
from backend.listings import inventory
from backend.listings.schemas import InventoryItemOut
from backend.listings.tables import Listing, PlatformListing

# What an InventoryItemOut shows of the item itself (its listings come from `inventory.items_out`).
_COLUMNS = [
    Listing.id,
    Listing.title,
    Listing.status,
    Listing.price,
    Listing.currency,
    Listing.category,
    Listing.brand,
    Listing.size,
    Listing.condition,
    Listing.media_ids,
    Listing.sold_price,
    Listing.buyer,
    Listing.sold_at,
    Listing.sold_via,
    Listing.created_at,
    Listing.updated_at,
]


def _items_with_listings(workspace_id: uuid.UUID, condition: Any) -> Any:
    """Items that have a platform listing matching `condition` (a sub-select, scoped like the outer query)."""
    return Listing.id.is_in(inventory.platform_listings(workspace_id).select(PlatformListing.listing).where(condition))


async def list_inventory(
    workspace_id: uuid.UUID,
    *,
    status: str | None,
    platform: str | None,
    account_id: uuid.UUID | None,
    search: str | None,
    conflicts_only: bool,
    limit: int,
    offset: int,
) -> Page[InventoryItemOut]:
    """Items filtered by their status, a platform or account they have a listing on, text in the title or
    brand, or having a listing that needs a person (a conflict)."""
    check_page(limit, offset)
    filters: list[Any] = []
    if status:
        filters.append(Listing.status == status)
    if platform:
        filters.append(_items_with_listings(workspace_id, PlatformListing.platform == platform))
    if account_id is not None:
        filters.append(_items_with_listings(workspace_id, PlatformListing.account_id == account_id))
    if search:
        pattern = like_pattern(search)
        filters.append(Listing.title.ilike(pattern) | Listing.brand.ilike(pattern))
    if conflicts_only:
        filters.append(_items_with_listings(workspace_id, PlatformListing.conflict.is_not_null()))
    items = scoped(Listing, workspace_id)
    query = items.select(*_COLUMNS, total_column()).order_by(Listing.created_at, ascending=False)
    query = query.order_by(Listing.id, ascending=False)
    count = items.count()
    for condition in filters:
        query, count = query.where(condition), count.where(condition)
    rows = await query.limit(limit).offset(offset).output(load_json=True)
    # Past the last page no row carries the total: then (only) it is counted.
    total = int(rows[0][TOTAL_COLUMN]) if rows else (0 if offset == 0 else int(await count))
    for row in rows:
        del row[TOTAL_COLUMN]
    return Page(items=await inventory.items_out(workspace_id, rows), total=total, limit=limit, offset=offset)


async def get_item(workspace_id: uuid.UUID, listing_id: uuid.UUID) -> InventoryItemOut:
    """The item with all its listings; 404 when it is not this workspace's."""
    return await inventory.item_out(workspace_id, listing_id)
