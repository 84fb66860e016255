"""An item's listings on the platforms (`PlatformListing`): reading them with their item, and the status changes
crosslisting, the sync and auto-delist make. Every query is scoped to the workspace.

A platform listing moves queued → live → sold | delisting → delisted, or queued → failed. Each change here is
one conditional statement (`move`), so two workers racing on one listing cannot both win.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Sequence
from decimal import Decimal
from typing import Any

import msgspec

from backend import db
from backend.core.clock import utcnow
from backend.core.convert import to_schema
from backend.core.scoped import Scoped, scoped
from backend.listings.schemas import InventoryItemOut, PlatformListingOut
from backend.listings.tables import Listing, PlatformListing
from backend.platforms import service as platforms

NOT_FOUND = "Platform listing not found"
ITEM_NOT_FOUND = "Listing not found"
# Listed (or being listed) on the platform: what auto-delist has to take down.
OPEN_STATUSES = ("queued", "live")
_CHUNK = 2000


def platform_listings(workspace_id: uuid.UUID) -> Scoped[PlatformListing]:
    return scoped(PlatformListing, workspace_id)


async def row(workspace_id: uuid.UUID, platform_listing_id: uuid.UUID) -> dict[str, Any]:
    """The platform listing's row (fields loaded); 404 when it is not this workspace's."""
    return await platform_listings(workspace_id).get(platform_listing_id, missing=NOT_FOUND, load_json=True)


async def rows_of_items(
    workspace_id: uuid.UUID, listing_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, list[dict[str, Any]]]:
    """Each item's platform listings, oldest first (items without any map to [])."""
    ids = list(set(listing_ids))
    found: dict[uuid.UUID, list[dict[str, Any]]] = {listing_id: [] for listing_id in ids}
    for start in range(0, len(ids), _CHUNK):
        rows = (
            await platform_listings(workspace_id)
            .select()
            .where(PlatformListing.listing.is_in(ids[start : start + _CHUNK]))
            .order_by(PlatformListing.created_at)
            .order_by(PlatformListing.id)
            .output(load_json=True)
        )
        for found_row in rows:
            found[found_row["listing"]].append(found_row)
    return found


async def find_by_item(workspace_id: uuid.UUID, account_id: uuid.UUID, platform_item_id: str) -> dict[str, Any] | None:
    """The platform listing of this account's platform item, if one is known."""
    found: dict[str, Any] | None = (
        await platform_listings(workspace_id)
        .select()
        .where((PlatformListing.account_id == account_id) & (PlatformListing.platform_item_id == platform_item_id))
        .output(load_json=True)
        .first()
    )
    return found


async def find_on_account(
    workspace_id: uuid.UUID, listing_id: uuid.UUID, account_id: uuid.UUID
) -> dict[str, Any] | None:
    """The item's listing on the account, if it has one (one per item and account)."""
    found: dict[str, Any] | None = (
        await platform_listings(workspace_id)
        .select()
        .where((PlatformListing.listing == listing_id) & (PlatformListing.account_id == account_id))
        .output(load_json=True)
        .first()
    )
    return found


async def accounts_by_id(workspace_id: uuid.UUID) -> dict[uuid.UUID, platforms.AccountOut]:
    return {account.id: account for account in await platforms.accounts_matching(workspace_id)}


def listing_out(found: dict[str, Any], accounts: dict[uuid.UUID, platforms.AccountOut]) -> PlatformListingOut:
    account = accounts.get(found["account_id"])
    return to_schema(
        found,
        PlatformListingOut,
        listing_id=found["listing"],
        account_label=(account.label or account.login) if account else "(account removed)",
        platform_title=platforms.platform_title(found["platform"]),
        url=found["platform_url"],
        fields={str(k): str(v) for k, v in (found["fields"] or {}).items()},
    )


async def items_out(workspace_id: uuid.UUID, items: Sequence[dict[str, Any]]) -> list[InventoryItemOut]:
    """Listing rows (JSON columns loaded) as inventory items, each with its platform listings: two queries."""
    by_item = await rows_of_items(workspace_id, [item["id"] for item in items])
    accounts = await accounts_by_id(workspace_id) if any(by_item.values()) else {}
    out = []
    for item in items:
        listings = [listing_out(found, accounts) for found in by_item[item["id"]]]
        out.append(
            msgspec.convert(
                {
                    **item,
                    "listings": listings,
                    "conflicts": sum(found.conflict is not None for found in listings),
                },
                InventoryItemOut,
                from_attributes=True,
                strict=False,
            )
        )
    return out


async def item_out(workspace_id: uuid.UUID, listing_id: uuid.UUID) -> InventoryItemOut:
    """The item with its platform listings; 404 when it is not this workspace's."""
    item = await scoped(Listing, workspace_id).get(listing_id, missing=ITEM_NOT_FOUND, load_json=True)
    return (await items_out(workspace_id, [item]))[0]


# --- changes ------------------------------------------------------------------------------------


async def ensure_queued(
    workspace_id: uuid.UUID,
    listing_id: uuid.UUID,
    account_id: uuid.UUID,
    platform: str,
    price: Decimal | None,
    currency: str,
    fields: dict[str, str],
) -> dict[str, Any]:
    """The item's listing on the account, queued for a publish: made, or moved back from failed/delisted.

    A live or sold one is returned as it is (the caller publishes nothing). Joins the caller's transaction.
    """
    table = platform_listings(workspace_id)
    where = (PlatformListing.listing == listing_id) & (PlatformListing.account_id == account_id)
    now = utcnow()
    values: dict[Any, Any] = {
        PlatformListing.status: "queued",
        PlatformListing.price: price,
        PlatformListing.currency: currency,
        PlatformListing.fields: fields,
        PlatformListing.error: None,
        PlatformListing.updated_at: now,
    }
    async with db.transaction():
        existing = await table.select().where(where).output(load_json=True).first()
        if existing is None:
            new = PlatformListing(
                {**values, PlatformListing.workspace: workspace_id, PlatformListing.listing: listing_id}
            )
            new.account_id = account_id
            new.platform = platform
            await PlatformListing.insert(new).on_conflict(action="DO NOTHING")
        elif existing["status"] in ("failed", "delisted", "queued"):
            await table.update(values).where(where)
        found: dict[str, Any] | None = await table.select().where(where).output(load_json=True).first()
    if found is None:
        raise LookupError(f"the listing of item {listing_id} on account {account_id} vanished")
    return found


async def move(
    workspace_id: uuid.UUID,
    platform_listing_id: uuid.UUID,
    to: str,
    *,
    allowed_from: Iterable[str],
    **changes: Any,
) -> bool:
    """Set the listing's status to `to` (and the given columns) only if it is in one of `allowed_from`; whether it
    was. One statement, so of two racing moves one wins."""
    values: dict[Any, Any] = {getattr(PlatformListing, name): value for name, value in changes.items()}
    values[PlatformListing.status] = to
    values[PlatformListing.updated_at] = utcnow()
    changed = (
        await platform_listings(workspace_id)
        .update(values)
        .where((PlatformListing.id == platform_listing_id) & PlatformListing.status.is_in(list(allowed_from)))
        .returning(PlatformListing.id)
    )
    return bool(changed)


async def update(workspace_id: uuid.UUID, platform_listing_id: uuid.UUID, **changes: Any) -> None:
    """Set columns of the listing without touching its status rules (job id, last checked, conflict…)."""
    values: dict[Any, Any] = {getattr(PlatformListing, name): value for name, value in changes.items()}
    values[PlatformListing.updated_at] = utcnow()
    await platform_listings(workspace_id).update(values).where(PlatformListing.id == platform_listing_id)


async def mark_live(
    workspace_id: uuid.UUID, platform_listing_id: uuid.UUID, platform_item_id: str, url: str
) -> dict[str, Any]:
    """The publish took: the listing is live with the platform's item; the item is `published`, and its first
    listing (the columns automation acts on) is this one if it had none.

    A listing the item's sale (or a delist) moved on while the publish was under way stays to be taken down:
    `delisting` with the platform's item, so its delist finds what to delete."""
    now = utcnow()
    async with db.transaction():
        found = await row(workspace_id, platform_listing_id)
        table = platform_listings(workspace_id)
        this = PlatformListing.id == platform_listing_id
        await table.update(
            {
                PlatformListing.platform_item_id: platform_item_id,
                PlatformListing.platform_url: url,
                PlatformListing.error: None,
                PlatformListing.last_checked_at: now,
                PlatformListing.updated_at: now,
            }
        ).where(this)
        # Two conditional statements: a sale moving it to `delisting` at the same time is never overwritten.
        await table.update({PlatformListing.status: "live"}).where(
            this & PlatformListing.status.is_in(["queued", "failed", "live"])
        )
        await table.update({PlatformListing.status: "delisting"}).where(this & (PlatformListing.status == "delisted"))
        items = scoped(Listing, workspace_id)
        item = (
            await items.select(Listing.status, Listing.platform_item_id).where(Listing.id == found["listing"]).first()
        )
        changes: dict[Any, Any] = {Listing.updated_at: now}
        if item is not None and item["status"] in ("draft", "archived"):
            changes[Listing.status] = "published"
        if item is not None and not item["platform_item_id"]:
            changes.update(
                {
                    Listing.account_id: found["account_id"],
                    Listing.platform_item_id: platform_item_id,
                    Listing.platform_url: url,
                }
            )
        await items.update(changes).where(Listing.id == found["listing"])
    return await row(workspace_id, platform_listing_id)


async def set_conflict(workspace_id: uuid.UUID, platform_listing_id: uuid.UUID, kind: str, reason: str) -> None:
    await update(workspace_id, platform_listing_id, conflict=kind, conflict_reason=reason, conflict_at=utcnow())


async def clear_conflict(workspace_id: uuid.UUID, platform_listing_id: uuid.UUID) -> None:
    await update(workspace_id, platform_listing_id, conflict=None, conflict_reason=None, conflict_at=None)
