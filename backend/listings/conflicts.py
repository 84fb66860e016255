"""The "needs action" list: listings a person has to look at, and resolving them.

A listing needs action when it could not be delisted (`delist_failed`: the platform refused, or its account
needs attention), when it sold after the item had sold elsewhere (`oversell`: cancel one order), or when it
waits in `delisting` on an account that needs attention (its delist job paused before it ever ran: the same
trouble, shown before the job reports it).
"""

from __future__ import annotations

import uuid
from typing import Any

from piccolo.query import OrderByRaw

from backend.core.clock import utcnow
from backend.core.errors import Conflict
from backend.core.pagination import check_page
from backend.core.schemas import Page
from backend.core.scoped import scoped
from backend.listings import delisting, inventory
from backend.listings.schemas import ConflictOut, PlatformListingOut
from backend.listings.tables import Listing, PlatformListing
from backend.platforms import service as platforms

ATTENTION = "needs_attention"


async def _attention(workspace_id: uuid.UUID) -> dict[uuid.UUID, platforms.AccountOut]:
    return {account.id: account for account in await platforms.accounts_matching(workspace_id, statuses=[ATTENTION])}


def _waiting(found: dict[str, Any], attention: dict[uuid.UUID, platforms.AccountOut]) -> bool:
    return found["status"] == "delisting" and found["account_id"] in attention


def _shown(found: dict[str, Any], attention: dict[uuid.UUID, platforms.AccountOut]) -> dict[str, Any]:
    """The listing as the list shows it: one waiting on its account reads as the delist failure it is."""
    if found["conflict"] is not None or not _waiting(found, attention):
        return found
    account = attention[found["account_id"]]
    reason = account.status_reason or "the account needs attention"
    return {
        **found,
        "conflict": "delist_failed",
        "conflict_reason": f"Not delisted yet: {account.label or account.login} needs attention ({reason})",
        "conflict_at": found["updated_at"],
    }


async def list_conflicts(workspace_id: uuid.UUID, limit: int, offset: int) -> Page[ConflictOut]:
    """The workspace's listings that need action, oldest first, each with its item."""
    check_page(limit, offset)
    attention = await _attention(workspace_id)
    where: Any = PlatformListing.conflict.is_not_null()
    if attention:
        where = where | ((PlatformListing.status == "delisting") & PlatformListing.account_id.is_in(list(attention)))
    table = inventory.platform_listings(workspace_id)
    rows = (
        await table.select()
        .where(where)
        # One waiting on its account has no conflict time yet: it waits since its last change.
        .order_by(OrderByRaw("COALESCE(conflict_at, updated_at)"))
        .order_by(PlatformListing.id)
        .limit(limit)
        .offset(offset)
        .output(load_json=True)
    )
    total = await table.count().where(where)
    items = (
        await scoped(Listing, workspace_id)
        .select(Listing.id, Listing.title, Listing.status)
        .where(Listing.id.is_in(list({found["listing"] for found in rows})))
        if rows
        else []
    )
    by_id = {item["id"]: item for item in items}
    accounts = await inventory.accounts_by_id(workspace_id) if rows else {}
    out = []
    for found in rows:
        item = by_id[found["listing"]]
        out.append(
            ConflictOut(
                item_id=item["id"],
                item_title=item["title"],
                item_status=item["status"],
                listing=inventory.listing_out(_shown(found, attention), accounts),
            )
        )
    return Page(items=out, total=int(total), limit=limit, offset=offset)


async def resolve(workspace_id: uuid.UUID, platform_listing_id: uuid.UUID) -> PlatformListingOut:
    """A person dealt with it. An oversell (one order cancelled) stays sold; a listing that could not be
    delisted was taken down by hand (or is left as it is on purpose): it is delisted here and never tried again."""
    found = await inventory.row(workspace_id, platform_listing_id)
    attention = await _attention(workspace_id)
    if found["conflict"] is None and not _waiting(found, attention):
        raise Conflict("This listing has nothing to resolve")
    if found["status"] == "delisting":
        cleared = {"conflict": None, "conflict_reason": None, "conflict_at": None}
        if await inventory.move(
            workspace_id,
            platform_listing_id,
            "delisted",
            allowed_from=("delisting",),
            last_checked_at=utcnow(),
            **cleared,
        ):
            await delisting.settle_item(workspace_id, found["listing"])
    else:
        await inventory.clear_conflict(workspace_id, platform_listing_id)
    return inventory.listing_out(
        await inventory.row(workspace_id, platform_listing_id), await inventory.accounts_by_id(workspace_id)
    )
