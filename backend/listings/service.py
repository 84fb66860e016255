"""Drafts and listings: AI analysis of photo groups, editing, price history, publishing through an account.

Every query is scoped to the workspace. The job handlers are in `tasks.py`; the work of analyze is
here, of publishing and crosslisting in `publishing`, `crosslist` and `importing`. Other domains use
this module only: it re-exports what they need of the others.
"""

from __future__ import annotations

import contextlib
import uuid
from decimal import Decimal
from typing import Any

from arq.connections import ArqRedis

from backend import db
from backend.ai.schemas import ListingDraft, categories
from backend.ai.service import ImageInput, InvalidDraft, ProviderUnavailable, get_provider
from backend.billing import service as billing
from backend.core.clock import utcnow
from backend.core.convert import to_schema
from backend.core.errors import InvalidInput, NotFound, PaymentRequired
from backend.core.fields import sent_fields
from backend.core.quotas import Resource
from backend.core.scoped import scoped
from backend.jobs import service as jobs
from backend.jobs.schemas import JobOut
from backend.jobs.service import JobRun, Limit, slot
from backend.listings import conflicts, delisting, facts, inventory, listing_page, publishing, selling
from backend.listings.schemas import ListingOut, ListingUpdate, PriceChangeOut
from backend.listings.tables import Listing, PlatformListing, PriceChange
from backend.media import service as media
from backend.platforms import service as platforms
from backend.settings import get_settings

ANALYZE_KIND = "listings.analyze"
NOT_FOUND = "Listing not found"


def listing_out(row: dict[str, Any]) -> ListingOut:
    """A listing row, its JSON columns loaded (every query here loads them), as the API shows it."""
    return to_schema(row, ListingOut, source_job_id=row["source_job"])


async def _listing_row(workspace_id: uuid.UUID, listing_id: uuid.UUID) -> dict[str, Any]:
    """The listing's row (JSON columns loaded); 404 when it is not this workspace's."""
    return await scoped(Listing, workspace_id).get(listing_id, missing=NOT_FOUND, load_json=True)


# --- analyze -----------------------------------------------------------------


async def start_analysis(
    redis: ArqRedis,
    workspace_id: uuid.UUID,
    user_id: uuid.UUID,
    media_ids: list[uuid.UUID] | None,
    groups: list[list[uuid.UUID]] | None,
) -> JobOut:
    """Check the photos and the quota, then start one job with an item per group."""
    if (media_ids is None) == (groups is None):
        raise InvalidInput("groups", "send either `groups` or `media_ids`")
    items = groups if groups is not None else [[m] for m in media_ids or []]
    flat = [m for group in items for m in group]
    if len(set(flat)) != len(flat):
        raise InvalidInput("groups", "a photo may be in one group only")
    # Every photo is this workspace's (404 otherwise) and a photo, not a video (400).
    await media.photo_rows(workspace_id, flat, "groups" if groups is not None else "media_ids")
    plan = await billing.effective_plan(workspace_id)
    left = plan.limits[Resource.ai_generations] - await billing.usage_this_month(workspace_id, Resource.ai_generations)
    if len(items) > left:
        raise PaymentRequired(
            f"Plan limit reached: this batch needs {len(items)} AI generations and {max(left, 0)} are left this month "
            f"on the {plan.title} plan; send fewer photos or upgrade (POST /api/v1/billing/checkout)"
        )
    return await jobs.enqueue(
        redis,
        workspace_id,
        ANALYZE_KIND,
        {"groups": [[str(m) for m in group] for group in items]},
        total=len(items),
        created_by=user_id,
    )


async def _analyze_item_labels(workspace_id: uuid.UUID, payload: dict[str, Any], keys: list[str]) -> dict[str, str]:
    """An analyze item (`item-0003`: the 4th photo group) is named by its first photo's file name."""
    groups: dict[str, list[uuid.UUID]] = {}
    for key in keys:
        with contextlib.suppress(ValueError, IndexError, TypeError):
            groups[key] = [uuid.UUID(str(m)) for m in payload["groups"][int(key.removeprefix("item-"))]]
    names = await media.names_of(workspace_id, [m for group in groups.values() for m in group])
    labels = {key: [names[m] for m in group if m in names] for key, group in groups.items()}
    return {key: f"{n[0]} + {len(n) - 1} more" if len(n) > 1 else n[0] for key, n in labels.items() if n}


jobs.register_item_labels(ANALYZE_KIND, _analyze_item_labels)


async def analyze_group(run: JobRun, key: str, group: list[uuid.UUID]) -> None:
    """One item of an analyze job: a draft from one item's photos, under the provider's and the workspace's limits.

    The item takes one AI generation from the plan (once per job and item, so a
    re-run after a crash is not charged twice) and gives it back if it fails; a
    failing item is recorded with its reason.
    """
    settings = get_settings().ai
    provider = get_provider()
    await run.check_cancelled()
    charge = f"job:{run.id}:{key}"
    try:
        await billing.check_and_consume(run.workspace_id, Resource.ai_generations, key=charge)
    except PaymentRequired as exc:
        await run.record_item(key, error=exc.detail)
        return
    try:
        rows = await media.rows_for(run.workspace_id, group)
        images = [
            ImageInput(await media.read_bytes(rows[m]), rows[m]["content_type"], rows[m]["original_name"])
            for m in group
        ]
        async with (
            slot(
                run.redis, f"ai:{provider.name}", Limit(settings.provider_max_concurrency, settings.provider_per_minute)
            ),
            slot(run.redis, f"ws:{run.workspace_id}:ai", Limit(settings.workspace_max_concurrency)),
        ):
            draft = await provider.describe_listing(images)
    except (InvalidDraft, ProviderUnavailable, NotFound) as exc:
        await billing.release(run.workspace_id, Resource.ai_generations, key=charge)
        await run.record_item(key, error=str(exc.detail if isinstance(exc, NotFound) else exc))
        return
    listing_id = await _save_draft(run.workspace_id, draft, group, provider.name, run.id, key)
    await run.record_item(key, result={"listing_id": str(listing_id), "title": draft.title})


async def _save_draft(
    workspace_id: uuid.UUID, draft: ListingDraft, group: list[uuid.UUID], provider: str, job_id: uuid.UUID, key: str
) -> uuid.UUID:
    """Insert the draft once per (job, item): a re-run finds the one it made before."""
    existing = (
        await scoped(Listing, workspace_id)
        .select(Listing.id)
        .where((Listing.source_job == job_id) & (Listing.source_key == key))
        .first()
    )
    if existing is not None:
        found: uuid.UUID = existing["id"]
        return found
    listing_id = uuid.uuid4()
    await Listing.insert(
        Listing(
            id=listing_id,
            workspace=workspace_id,
            title=draft.title,
            description=draft.description,
            price=Decimal(str(round(draft.price, 2))),
            currency=draft.currency,
            category=draft.category,
            brand=draft.brand,
            size=draft.size,
            condition=draft.condition,
            colours=draft.colours,
            materials=draft.materials,
            keywords=draft.keywords,
            media_ids=[str(m) for m in group],
            ai_provider=provider,
            source_job=job_id,
            source_key=key,
        )
    )
    return listing_id


# --- drafts and listings -----------------------------------------------------


list_listings = listing_page.list_listings
# For analytics: many listings' facts (or labels) at once, the drafts behind an account's items, a sale.
ListingFacts = facts.ListingFacts
facts_of = facts.facts_of
labels_sql = facts.labels_sql
listings_on_items = facts.listings_on_items
PublishedItem = facts.PublishedItem
insert_published = facts.insert_published


# Sales and delists (analytics' sync and the inbox sync record sales here, then follow them up once committed;
# the routes and jobs of inventory use the rest).
SaleOutcome = selling.SaleOutcome
record_sale = selling.record_sale
mark_sold_by_hand = selling.mark_sold_by_hand
start_delists_after_sale = selling.start_delists_after_sale
follow_up_sales = selling.follow_up_sales
DELIST_KIND, DELIST_ONE_KIND = delisting.DELIST_KIND, delisting.DELIST_ONE_KIND
start_delists = delisting.start_delists
request_delist = delisting.request_delist
retry_delist = delisting.retry_delist
run_delist = delisting.run_delist
delist_one = delisting.delist_one
sweep_delists = delisting.sweep
list_conflicts = conflicts.list_conflicts
resolve_conflict = conflicts.resolve


async def get_listing(workspace_id: uuid.UUID, listing_id: uuid.UUID) -> ListingOut:
    return listing_out(await _listing_row(workspace_id, listing_id))


async def update_listing(
    workspace_id: uuid.UUID, user_id: uuid.UUID, listing_id: uuid.UUID, changes: ListingUpdate
) -> ListingOut:
    row = await _listing_row(workspace_id, listing_id)
    sent = sent_fields(changes)
    if not sent:
        return listing_out(row)
    if "title" in sent:
        sent["title"] = " ".join(sent["title"].split())
        if not sent["title"]:
            raise InvalidInput("title", "must not be blank")
    if "category" in sent and sent["category"] not in categories():
        raise InvalidInput("category", "must be one of the taxonomy's categories (GET /api/v1/listings/categories)")
    if "media_ids" in sent:
        await media.photo_rows(workspace_id, sent["media_ids"], "media_ids")
        sent["media_ids"] = [str(m) for m in sent["media_ids"]]
    if "price" in sent:
        sent["price"] = Decimal(str(round(sent["price"], 2)))
    values = {getattr(Listing, name): value for name, value in sent.items()}
    values[Listing.updated_at] = utcnow()
    async with db.transaction():
        await scoped(Listing, workspace_id).update(values).where(Listing.id == listing_id)
        if "price" in sent and Decimal(str(row["price"])) != sent["price"]:
            await PriceChange.insert(
                PriceChange(
                    listing=listing_id,
                    workspace=workspace_id,
                    old_price=Decimal(str(row["price"])),
                    new_price=sent["price"],
                    currency=sent.get("currency", row["currency"]),
                    changed_by=user_id,
                )
            )
    return await get_listing(workspace_id, listing_id)


async def delete_listing(workspace_id: uuid.UUID, listing_id: uuid.UUID) -> None:
    await _listing_row(workspace_id, listing_id)
    async with db.transaction():
        await scoped(Listing, workspace_id).delete().where(Listing.id == listing_id)


async def duplicate_listing(workspace_id: uuid.UUID, listing_id: uuid.UUID) -> ListingOut:
    """A new draft with the same content (not published, no platform ids)."""
    row = await _listing_row(workspace_id, listing_id)
    copy_id = uuid.uuid4()
    keep = {
        k: v
        for k, v in row.items()
        if k
        not in {
            "id",
            "status",
            "platform_item_id",
            "platform_url",
            "source_job",
            "source_key",
            "sold_price",
            "buyer",
            "sold_at",
            "created_at",
            "updated_at",
        }
    }
    copy_title = f"{row['title']} (copy)"
    keep["title"] = copy_title if len(copy_title) <= 100 else row["title"]
    await Listing.insert(Listing(id=copy_id, status="draft", **keep))
    return await get_listing(workspace_id, copy_id)


async def price_history(workspace_id: uuid.UUID, listing_id: uuid.UUID) -> list[PriceChangeOut]:
    await _listing_row(workspace_id, listing_id)
    rows = (
        await scoped(PriceChange, workspace_id)
        .select()
        .where(PriceChange.listing == listing_id)
        .order_by(PriceChange.changed_at)
    )
    return [to_schema(r, PriceChangeOut) for r in rows]


# --- publishing (the work is in `publishing` and `crosslist`) --------------------------------

PUBLISH_KIND = publishing.PUBLISH_KIND
start_publish = publishing.start_publish


# --- for automation rules (bump, relist, price drop, scheduled publish) ---------------


async def listing_input(
    workspace_id: uuid.UUID, listing_id: uuid.UUID, account_id: uuid.UUID | None = None
) -> platforms.ListingInput:
    """What the platform needs to publish the draft (same photos and fields); 404 when not this workspace's.

    With the account, in its platform's words (category, condition, size, limits) at the draft's own price:
    what a relist or a scheduled publish sends.
    """
    row = await _listing_row(workspace_id, listing_id)
    photos = await publishing.photo_paths(workspace_id, row)
    price = Decimal(str(row["price"]))
    if account_id is None:
        return platforms.ListingInput(
            title=row["title"],
            description=row["description"],
            price=price,
            currency=row["currency"],
            photos=photos,
            category=row["category"],
            brand=row["brand"],
            size=row["size"],
            condition=row["condition"],
        )
    account = await platforms.get_account(workspace_id, account_id)
    mapped = platforms.map_listing(account.platform, publishing.draft_fields(row), price=price)
    return mapped.listing_input(photos)


async def published_on_account(workspace_id: uuid.UUID, account_id: uuid.UUID) -> list[ListingOut]:
    """The items published through this account: their first listing is there, or a live listing of theirs is.

    Each carries its item id and URL on this account (`platform_item_id`, `platform_url`), whichever of the
    item's listings is its first.
    """
    live_here = (PlatformListing.account_id == account_id) & (PlatformListing.status == "live")
    listings_here = inventory.platform_listings(workspace_id)
    live = {
        row["listing"]: row
        for row in await listings_here.select(
            PlatformListing.listing, PlatformListing.platform_item_id, PlatformListing.platform_url
        ).where(live_here)
    }
    rows = (
        await scoped(Listing, workspace_id)
        .select()
        .where(
            (Listing.account_id == account_id)
            | Listing.id.is_in(listings_here.select(PlatformListing.listing).where(live_here))
        )
        .where(Listing.status == "published")
        .order_by(Listing.created_at)
        .output(load_json=True)
    )
    out = []
    for row in rows:
        if (here := live.get(row["id"])) is not None:
            row.update(
                account_id=account_id, platform_item_id=here["platform_item_id"], platform_url=here["platform_url"]
            )
        out.append(listing_out(row))
    return out


async def mark_published(
    workspace_id: uuid.UUID, listing_id: uuid.UUID, account_id: uuid.UUID, item_id: str, url: str
) -> None:
    """Record the platform's item for the draft on the account (after a publish, or the new item after a
    relist: history kept): its listing there is live with the item, and so are the item's first-listing
    columns when that first listing is on this account (or it had none)."""
    row = await _listing_row(workspace_id, listing_id)
    account = await platforms.get_account(workspace_id, account_id)
    async with db.transaction():
        found = await inventory.ensure_queued(
            workspace_id, listing_id, account_id, account.platform, Decimal(str(row["price"])), row["currency"], {}
        )
        await inventory.mark_live(workspace_id, found["id"], item_id, url)
        if row["account_id"] in (None, account_id):
            changes = {
                Listing.status: "published",
                Listing.account_id: account_id,
                Listing.platform_item_id: item_id,
                Listing.platform_url: url,
                Listing.updated_at: utcnow(),
            }
            await scoped(Listing, workspace_id).update(changes).where(Listing.id == listing_id)


async def change_price(
    workspace_id: uuid.UUID, listing_id: uuid.UUID, new_price: Decimal, changed_by: uuid.UUID | None = None
) -> Decimal:
    """Set the draft's price, keeping the change in its price history; returns the old price."""
    row = await _listing_row(workspace_id, listing_id)
    old = Decimal(str(row["price"]))
    new_price = new_price.quantize(Decimal("0.01"))
    if old == new_price:
        return old
    async with db.transaction():
        values = {Listing.price: new_price, Listing.updated_at: utcnow()}
        await scoped(Listing, workspace_id).update(values).where(Listing.id == listing_id)
        change = PriceChange(
            listing=listing_id,
            workspace=workspace_id,
            old_price=old,
            new_price=new_price,
            currency=row["currency"],
            changed_by=changed_by,
        )
        await PriceChange.insert(change)
    return old
