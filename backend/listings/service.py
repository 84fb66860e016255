"""Drafts and listings: AI analysis of photo groups, editing, price history, publishing through an account.

Every query is scoped to the workspace. The job handlers (analyze, publish)
are in `tasks.py`; the work of each is here.
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
from backend.core.errors import Conflict, InvalidInput, NotFound, PaymentRequired, ServiceError
from backend.core.fields import sent_fields
from backend.core.quotas import Resource
from backend.core.scoped import scoped
from backend.jobs import service as jobs
from backend.jobs.schemas import JobOut
from backend.jobs.service import JobFailed, JobRun, Limit, slot
from backend.listings import conflicts, delisting, facts, listing_page, selling
from backend.listings.schemas import ListingOut, ListingUpdate, PriceChangeOut
from backend.listings.tables import Listing, PriceChange
from backend.media import service as media
from backend.platforms import service as platforms
from backend.settings import get_settings

ANALYZE_KIND = "listings.analyze"
PUBLISH_KIND = "listings.publish"
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


# Sales and delists (analytics' sync records sales here; the routes and jobs of inventory use the rest).
SaleOutcome = selling.SaleOutcome
record_sale = selling.record_sale
mark_sold_by_hand = selling.mark_sold_by_hand
start_delists_after_sale = selling.start_delists_after_sale
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


# --- publishing ----------------------------------------------------------------


def publish_problems(row: dict[str, Any], platform: str) -> list[str]:
    """The publish pre-check: what the platform would refuse in this draft, in words for the seller."""
    facts = platforms.DraftFacts(
        title=row["title"],
        description=row["description"],
        price=Decimal(str(row["price"])),
        photos=len(row["media_ids"]),
        category=row["category"],
        condition=row["condition"],
    )
    return platforms.publish_problems(platform, facts)


async def start_publish(
    redis: ArqRedis, workspace_id: uuid.UUID, listing_id: uuid.UUID, account_id: uuid.UUID, user_id: uuid.UUID
) -> JobOut:
    """Start publishing a listing through a platform account; the job's progress streams over SSE.

    The same listing and account always name the same job, so a double click
    starts one publish; a failed one is retried with POST /jobs/{id}/retry.
    """
    row = await _listing_row(workspace_id, listing_id)
    account = await platforms.get_account(workspace_id, account_id)  # 404 for another workspace's
    if row["status"] == "published":
        raise Conflict(f"Listing is already published ({row['platform_url']})")
    if row["status"] == "sold":
        raise Conflict("Listing is sold; duplicate it to sell another like it")
    problems = publish_problems(row, account.platform)
    if problems:
        raise ServiceError("; ".join(problems))
    return await jobs.enqueue(
        redis,
        workspace_id,
        PUBLISH_KIND,
        {"listing_id": str(listing_id), "account_id": str(account_id), "platform": account.platform},
        idempotency_key=f"publish:{listing_id}:{account_id}",
        total=1,
        created_by=user_id,
        account_id=account_id,
    )


async def publish_draft(run: JobRun, listing_id: uuid.UUID, account_id: uuid.UUID, platform: str) -> dict[str, str]:
    """A publish job's work: publish as the account, then record the platform's item id and URL.

    A re-run (after a crash, a retry or a resume) first looks for the listing
    on the platform, so one publish never becomes two.
    """
    row = await _listing_row(run.workspace_id, listing_id)
    if row["status"] == "published" and row["platform_item_id"]:
        return {"item_id": row["platform_item_id"], "url": row["platform_url"]}
    problems = publish_problems(row, platform)
    if problems:  # edited since the publish was asked for: fail before any browser work or daily action
        raise JobFailed("; ".join(problems))
    draft = await _listing_input(run.workspace_id, row)
    async with (
        platforms.account_job(run, "publish"),
        platforms.run_as_account(run.redis, run.workspace_id, account_id) as session,
    ):
        published = await platforms.publish_listing(session, draft)
    await mark_published(run.workspace_id, listing_id, account_id, published.item_id, published.url)
    await run.record_item("publish", result={"item_id": published.item_id, "url": published.url})
    return {"item_id": published.item_id, "url": published.url}


# --- for automation rules (bump, relist, price drop, scheduled publish) ---------------


async def _listing_input(workspace_id: uuid.UUID, row: dict[str, Any]) -> platforms.ListingInput:
    media_ids = [uuid.UUID(m) for m in row["media_ids"]]
    photos = await media.rows_for(workspace_id, media_ids)
    return platforms.ListingInput(
        title=row["title"],
        description=row["description"],
        price=Decimal(str(row["price"])),
        currency=row["currency"],
        photos=[media.file_path(photos[m]) for m in media_ids],
        category=row["category"],
        brand=row["brand"],
        size=row["size"],
        condition=row["condition"],
    )


async def listing_input(workspace_id: uuid.UUID, listing_id: uuid.UUID) -> platforms.ListingInput:
    """What the platform needs to publish the draft (same photos and fields); 404 when not this workspace's."""
    return await _listing_input(workspace_id, await _listing_row(workspace_id, listing_id))


async def published_on_account(workspace_id: uuid.UUID, account_id: uuid.UUID) -> list[ListingOut]:
    """The drafts published through this account (they carry the platform's item id)."""
    rows = (
        await scoped(Listing, workspace_id)
        .select()
        .where((Listing.account_id == account_id) & (Listing.status == "published"))
        .order_by(Listing.created_at)
        .output(load_json=True)
    )
    return [listing_out(row) for row in rows]


async def mark_published(
    workspace_id: uuid.UUID, listing_id: uuid.UUID, account_id: uuid.UUID, item_id: str, url: str
) -> None:
    """Record the platform's item for the draft (after a publish, or the new item after a relist: history kept)."""
    changes = {
        Listing.status: "published",
        Listing.account_id: account_id,
        Listing.platform_item_id: item_id,
        Listing.platform_url: url,
        Listing.updated_at: utcnow(),
    }
    async with db.transaction():
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
