"""A sale seen (the analytics sync, the platform's sale notice in the inbox, the user marking the item sold):
the one door that makes an item sold.

The item is one-of-a-kind, listed on several accounts. The first sale wins: the item becomes `sold` with
`sold_via` naming the listing that sold, that listing is `sold`, and every other listing still queued or live
moves to `delisting` (the caller starts the delist jobs once its transaction has committed: a job calls
`follow_up_sales`). A sale on another listing after that is an oversell: that listing is `sold` too and
flagged for a person to cancel one of the orders.

"Not sold yet → sold" is one conditional statement on the item's row, so of two sales recorded at once (two
syncs of two accounts) exactly one wins: on PostgreSQL the second UPDATE waits for the first's row lock and
then finds the item sold; on SQLite write transactions run one at a time.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import structlog
from arq.connections import ArqRedis

from backend import db
from backend.core.clock import utcnow
from backend.core.errors import Conflict, InvalidInput, NotFound
from backend.core.scoped import scoped
from backend.jobs.service import JobRun
from backend.listings import delisting, inventory
from backend.listings.schemas import InventoryItemOut
from backend.listings.tables import Listing, PlatformListing
from backend.platforms import service as platforms

log = structlog.get_logger(__name__)

# What a listing may be in when its own sale is seen (a sold one was seen before).
_UNSOLD = ("queued", "live", "delisting", "delisted", "failed")


@dataclass(frozen=True)
class SaleOutcome:
    """What recording a sale did."""

    listing_id: uuid.UUID | None
    """The item (draft) the sale belongs to; None when no item of this workspace is behind it."""
    platform_listing_id: uuid.UUID | None
    """The listing that sold; None for an item without platform listings, or sold by hand without one."""
    won: bool
    """This sale made the item sold."""
    oversell: bool = False
    """The item had sold elsewhere already: this listing is flagged for a person."""
    delisting: int = 0
    """How many other listings of the item moved to `delisting` (the delist jobs to start)."""

    @property
    def needs_delists(self) -> bool:
        return self.won and self.delisting > 0


async def record_sale(
    workspace_id: uuid.UUID,
    account_id: uuid.UUID,
    platform_item_id: str,
    price: Decimal | None,
    currency: str,
    buyer: str,
    sold_at: datetime | None,
) -> SaleOutcome:
    """The account's platform item sold: the item behind it is sold (first sale) or the listing flagged as an
    oversell (a later one). Joins the caller's transaction (the sync records the sale with its counters)."""
    async with db.transaction():
        found = await inventory.find_by_item(workspace_id, account_id, platform_item_id)
        if found is not None:
            return await sell(workspace_id, found["listing"], found, price, currency, buyer, sold_at)
        # An item published before platform listings existed (or loaded in bulk): its first-listing columns.
        item = (
            await scoped(Listing, workspace_id)
            .select(Listing.id)
            .where((Listing.account_id == account_id) & (Listing.platform_item_id == platform_item_id))
            .first()
        )
        if item is None:
            return SaleOutcome(listing_id=None, platform_listing_id=None, won=False)
        return await sell(workspace_id, item["id"], None, price, currency, buyer, sold_at)


async def sell(
    workspace_id: uuid.UUID,
    listing_id: uuid.UUID,
    sold_listing: dict[str, Any] | None,
    price: Decimal | None,
    currency: str,
    buyer: str,
    sold_at: datetime | None,
) -> SaleOutcome:
    """Record the item's sale through `sold_listing` (its platform listing row, or None when sold elsewhere);
    see the module's notes. Joins the caller's transaction."""
    now = utcnow()
    when = sold_at or now
    via: uuid.UUID | None = sold_listing["id"] if sold_listing is not None else None
    changes: dict[Any, Any] = {
        Listing.status: "sold",
        Listing.sold_price: price,
        Listing.buyer: buyer or None,
        Listing.sold_at: when,
        Listing.sold_via: via,
        Listing.updated_at: now,
    }
    if currency:
        changes[Listing.currency] = currency
    async with db.transaction():
        won = (
            await scoped(Listing, workspace_id)
            .update(changes)
            .where((Listing.id == listing_id) & (Listing.status != "sold"))
            .returning(Listing.id)
        )
        if won:
            if via is not None:
                await inventory.move(workspace_id, via, "sold", allowed_from=_UNSOLD, sold_at=when, last_checked_at=now)
            delisting = await _delist_the_others(workspace_id, listing_id, via, now)
            return SaleOutcome(listing_id, via, won=True, delisting=delisting)
        if sold_listing is None or sold_listing["status"] == "sold":
            # Sold already, and this is no news: the same sale seen again, or a second "sold" without a listing.
            oversell = sold_listing is not None and sold_listing["conflict"] == "oversell"
            return SaleOutcome(listing_id, via, won=False, oversell=oversell)
        flagged = await _flag_oversell(workspace_id, listing_id, sold_listing, when, now)
        return SaleOutcome(listing_id, via, won=False, oversell=flagged)


async def _delist_the_others(
    workspace_id: uuid.UUID, listing_id: uuid.UUID, via: uuid.UUID | None, now: datetime
) -> int:
    """Every other listing of the item still listed (or being listed) is to be taken down."""
    where = (PlatformListing.listing == listing_id) & PlatformListing.status.is_in(list(inventory.OPEN_STATUSES))
    if via is not None:
        where &= PlatformListing.id != via
    moved = (
        await inventory.platform_listings(workspace_id)
        .update({PlatformListing.status: "delisting", PlatformListing.updated_at: now})
        .where(where)
        .returning(PlatformListing.id)
    )
    return len(moved)


async def _flag_oversell(
    workspace_id: uuid.UUID, listing_id: uuid.UUID, sold_listing: dict[str, Any], when: datetime, now: datetime
) -> bool:
    item = await scoped(Listing, workspace_id).select(Listing.sold_via).where(Listing.id == listing_id).first()
    first_sale = "elsewhere (marked sold by hand)"
    if item is not None and item["sold_via"] is not None:
        winner = (
            await inventory.platform_listings(workspace_id)
            .select(PlatformListing.platform, PlatformListing.account_id)
            .where(PlatformListing.id == item["sold_via"])
            .first()
        )
        if winner is not None:
            first_sale = f"on {await _where(workspace_id, winner)}"
    reason = f"Sold on {await _where(workspace_id, sold_listing)} after it sold {first_sale} — cancel one of the orders"
    return await inventory.move(
        workspace_id,
        sold_listing["id"],
        "sold",
        allowed_from=_UNSOLD,
        sold_at=when,
        last_checked_at=now,
        conflict="oversell",
        conflict_reason=reason,
        conflict_at=now,
    )


async def _where(workspace_id: uuid.UUID, found: dict[str, Any]) -> str:
    """ "Vinted (Anna's shop)": two accounts on one platform read apart."""
    title = platforms.platform_title(found["platform"])
    try:
        account = await platforms.get_account(workspace_id, found["account_id"])
    except NotFound:  # the account was removed since
        return title
    return f"{title} ({account.label or account.login})"


async def mark_sold_by_hand(
    redis: ArqRedis,
    workspace_id: uuid.UUID,
    user_id: uuid.UUID | None,
    listing_id: uuid.UUID,
    platform_listing_id: uuid.UUID | None,
    price: float | None,
    buyer: str | None,
) -> InventoryItemOut:
    """The user says the item sold (through one of its listings, or elsewhere): the same rules as a sale the
    sync sees (a second sale is an oversell), then its other listings are delisted. Returns the item."""
    item = await scoped(Listing, workspace_id).get(listing_id, missing=inventory.ITEM_NOT_FOUND)
    sold_listing = None
    if platform_listing_id is not None:
        sold_listing = await inventory.row(workspace_id, platform_listing_id)
        if sold_listing["listing"] != listing_id:
            raise InvalidInput("platform_listing_id", "is not a listing of this item")
    elif item["status"] == "sold":
        raise Conflict("The item is sold already; name the listing it sold through again to flag an oversell")
    # Unless told: the price it was listed at there, else the item's own.
    listed = sold_listing["price"] if sold_listing is not None else None
    paid = Decimal(str(price if price is not None else listed if listed is not None else item["price"]))
    currency = sold_listing["currency"] if sold_listing is not None else item["currency"]
    paid = paid.quantize(Decimal("0.01"))
    outcome = await sell(workspace_id, listing_id, sold_listing, paid, currency, buyer or "", None)
    if outcome.needs_delists:
        await start_delists_after_sale(redis, workspace_id, listing_id, user_id)
    return await inventory.item_out(workspace_id, listing_id)


async def start_delists_after_sale(
    redis: ArqRedis, workspace_id: uuid.UUID, listing_id: uuid.UUID, user_id: uuid.UUID | None = None
) -> None:
    """Start the sold item's delists; if that fails (Redis away), the sweep starts them within minutes —
    the sale itself is recorded, so the caller goes on."""
    try:
        await delisting.start_delists(redis, workspace_id, listing_id, created_by=user_id)
    except Exception:
        log.exception("delists_not_started", workspace_id=str(workspace_id), listing_id=str(listing_id))


async def follow_up_sales(run: JobRun, outcomes: Iterable[SaleOutcome]) -> None:
    """What a job that recorded sales (a sync) does once its transaction has committed: start the delists of
    each item that sold, and tell each oversell on the job's stream (a `job.note` of type `conflict`, as the
    delist jobs tell theirs, for the "needs action" badge)."""
    for outcome in outcomes:
        if outcome.listing_id is None:
            continue
        if outcome.needs_delists:
            await start_delists_after_sale(run.redis, run.workspace_id, outcome.listing_id)
        if outcome.oversell:
            note = {"type": "conflict", "conflict": "oversell", "status": "sold", "listing_id": str(outcome.listing_id)}
            if outcome.platform_listing_id is not None:
                note["platform_listing_id"] = str(outcome.platform_listing_id)
            await run.note(note)
