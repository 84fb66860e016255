"""Publishing one item on one account: the `listings.publish` job (a crosslist's child, or POST /listings/{id}/publish
alone) and what it shares with crosslisting: the draft mapped to a platform's words and price.

A publish job works on the item's platform listing on that account (`PlatformListing`): queued while it waits,
live with the platform's item id and URL once published, failed with the reason when the platform refused or
the draft no longer fits. A job paused for a person (the account hit a challenge) leaves it queued. The draft is
mapped again when the job runs, so an edit made meanwhile is what the platform receives.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from arq.connections import ArqRedis

from backend.core.clock import utcnow
from backend.core.errors import Conflict, NotFound, ServiceError
from backend.core.scoped import scoped
from backend.jobs import service as jobs
from backend.jobs.schemas import JobOut
from backend.jobs.service import JobDeferred, JobFailed, JobPaused, JobRun, RetryableJobError
from backend.listings import inventory, price_rules
from backend.listings.tables import Listing
from backend.media import service as media
from backend.platforms import service as platforms
from backend.settings import get_settings

PUBLISH_KIND = "listings.publish"
NOT_FOUND = "Listing not found"
ITEM_KEY = "publish"
CENT = Decimal("0.01")
# A job still to finish: asking again returns it instead of starting another.
UNFINISHED = ["pending", "running", "retrying", "paused"]
# Statuses of a platform listing that a publish leaves alone: it is (or was) on the platform.
ON_THE_PLATFORM = ("live", "sold", "delisting")


async def listing_row(workspace_id: uuid.UUID, listing_id: uuid.UUID) -> dict[str, Any]:
    """The item's row (JSON columns loaded); 404 when it is not this workspace's."""
    return await scoped(Listing, workspace_id).get(listing_id, missing=NOT_FOUND, load_json=True)


def draft_fields(row: dict[str, Any]) -> platforms.DraftFields:
    return platforms.DraftFields(
        title=row["title"],
        description=row["description"],
        price=Decimal(str(row["price"])),
        currency=row["currency"],
        category=row["category"],
        brand=row["brand"],
        size=row["size"],
        condition=row["condition"],
        photos=len(row["media_ids"]),
    )


def mapped_for(
    platform: str, row: dict[str, Any], rules: dict[str, platforms.PriceRule], price: Decimal | None = None
) -> platforms.MappedListing:
    """The draft as `platform` will receive it: its words, limits and price (`price` when the seller chose one,
    else the draft's price through the workspace's rule for the platform, or the platform's default rule)."""
    return platforms.map_listing(platform, draft_fields(row), rules.get(platform), price)


def chosen_price(price: float | None) -> Decimal | None:
    return Decimal(str(price)).quantize(CENT) if price is not None else None


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


def problem_lines(notes: Iterable[platforms.FieldNote], where: str) -> list[str]:
    """Blocking notes as "<where>: Field: what to do" (a note's message starts with the field's label), naming
    the account (and the draft, in a bulk crosslist) for the seller."""
    return [f"{where}: {note.message}" for note in notes]


def account_name(account: platforms.AccountOut) -> str:
    """How the seller knows the account: its label, or its login where it has none."""
    return account.label or account.login


def account_where(account: platforms.AccountOut) -> str:
    return f"{account_name(account)} ({platforms.platform_title(account.platform)})"


async def photo_paths(workspace_id: uuid.UUID, row: dict[str, Any]) -> list[Path]:
    media_ids = [uuid.UUID(str(m)) for m in row["media_ids"]]
    photos = await media.rows_for(workspace_id, media_ids)
    return [media.file_path(photos[m]) for m in media_ids]


async def in_flight_or_key(workspace_id: uuid.UUID, kind: str, prefix: str) -> tuple[JobOut | None, str]:
    """The unfinished job of `kind` whose key starts with `prefix`, or the key for a new one.

    A finished job's key stays taken, so the next one is numbered after those before it; two requests at
    once compute the same key and get one job.
    """
    unfinished = await jobs.list_jobs_matching(
        workspace_id, kind, key_prefix=prefix, statuses=UNFINISHED, limit=1, offset=0
    )
    if unfinished.items:
        return unfinished.items[0], prefix
    earlier = await jobs.list_jobs_matching(workspace_id, kind, key_prefix=prefix, limit=1, offset=0)
    return None, f"{prefix}{earlier.total}"


def digest(values: Iterable[object]) -> str:
    return hashlib.sha256(",".join(sorted(str(v) for v in values)).encode()).hexdigest()[:16]


def child_payload(
    listing_id: uuid.UUID | str,
    account: platforms.AccountOut,
    price: Decimal | None,
    not_before: datetime | None = None,
    platform_listing_id: uuid.UUID | str | None = None,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "listing_id": str(listing_id),
        "account_id": str(account.id),
        "platform": account.platform,
        "price": str(price) if price is not None else None,
        "max_attempts": get_settings().jobs.default_max_attempts,
    }
    if not_before is not None:
        payload["not_before"] = not_before.isoformat()
    if platform_listing_id is not None:
        payload["platform_listing_id"] = str(platform_listing_id)
    return payload


async def start_publish(
    redis: ArqRedis, workspace_id: uuid.UUID, listing_id: uuid.UUID, account_id: uuid.UUID, user_id: uuid.UUID
) -> JobOut:
    """Publish the item on one account: one `listings.publish` job; progress streams over SSE.

    Asking again while it runs returns the same job; once it ended (failed, or the listing was delisted since),
    asking again starts a new one. 409 when the item is sold or already on the platform through this account.
    """
    row = await listing_row(workspace_id, listing_id)
    account = await platforms.get_account(workspace_id, account_id)  # 404 for another workspace's
    if row["status"] == "sold":
        raise Conflict("Listing is sold; duplicate it to sell another like it")
    existing = await inventory.find_on_account(workspace_id, listing_id, account_id)
    if existing is not None and existing["status"] in ON_THE_PLATFORM:
        raise Conflict(f"Listing is already published on this account ({existing['platform_url']})")
    problems = publish_problems(row, account.platform)
    if problems:
        raise ServiceError("; ".join(problems))
    mapped = mapped_for(account.platform, row, await price_rules.custom_rules(workspace_id))
    if mapped.problems:
        raise ServiceError("; ".join(problem_lines(mapped.problems, account_where(account))))
    running, key = await in_flight_or_key(workspace_id, PUBLISH_KIND, f"publish:{listing_id}:{account_id}:")
    if running is not None:
        return running
    before = existing["status"] if existing is not None else None
    queued = await inventory.ensure_queued(
        workspace_id, listing_id, account_id, account.platform, mapped.price, row["currency"], mapped.as_fields()
    )
    try:
        job = await jobs.enqueue(
            redis,
            workspace_id,
            PUBLISH_KIND,
            child_payload(listing_id, account, None, platform_listing_id=queued["id"]),
            idempotency_key=key,
            total=1,
            created_by=user_id,
            account_id=account_id,
            max_attempts=get_settings().jobs.default_max_attempts,
        )
    except ServiceError as exc:
        await not_started(workspace_id, [(queued, before)], exc.detail)
        raise
    await inventory.update(workspace_id, queued["id"], job_id=job.id)
    return job


async def not_started(workspace_id: uuid.UUID, queued: list[tuple[dict[str, Any], str | None]], reason: str) -> None:
    """The job was refused (the plan's concurrent jobs): listings this request queued say so, as failed.
    A listing another job had queued already is left to that job."""
    for found, before in queued:
        if before in (None, "failed", "delisted"):
            await inventory.move(workspace_id, found["id"], "failed", allowed_from=("queued",), error=reason)


# --- the job -----------------------------------------------------------------------------------


async def _done(run: JobRun, found: dict[str, Any]) -> dict[str, Any]:
    result = {
        "listing_id": str(found["listing"]),
        "platform_listing_id": str(found["id"]),
        "account_id": str(found["account_id"]),
        "status": found["status"],
        "item_id": found["platform_item_id"],
        "url": found["platform_url"],
    }
    await run.record_item(ITEM_KEY, result=result)
    return result


async def _fail(run: JobRun, found: dict[str, Any], reason: str, *, record: bool = True) -> None:
    """The publish failed for good: the listing says why (and the job's item, unless already told)."""
    reason = jobs.user_error(reason)
    await inventory.move(run.workspace_id, found["id"], "failed", allowed_from=("queued",), error=reason)
    if record:
        await run.record_item(ITEM_KEY, error=reason)


async def publish_on_account(run: JobRun) -> dict[str, Any]:
    """A publish job's work: the draft, mapped for the account's platform, published as the account.

    A re-run (after a crash, a retry or a resume) finds a listing that went live and stops there; the facade
    looks for the listing on the platform before publishing, so one publish never becomes two.
    """
    workspace_id = run.workspace_id
    listing_id = uuid.UUID(run.payload["listing_id"])
    account_id = uuid.UUID(run.payload["account_id"])
    try:
        row = await listing_row(workspace_id, listing_id)
    except NotFound:
        raise JobFailed("The listing was deleted; nothing to publish") from None
    found = await inventory.find_on_account(workspace_id, listing_id, account_id)
    if found is not None and found["status"] == "live" and found["platform_item_id"]:
        return await _done(run, found)
    if found is not None and found["status"] in ("sold", "delisting", "delisted"):
        return {"listing_id": str(listing_id), "platform_listing_id": str(found["id"]), "status": found["status"]}
    if row["status"] == "sold":  # sold elsewhere while this publish waited: nothing to publish here
        reason = "The item sold before it was published here"
        if found is not None:
            await _fail(run, found, reason)
        raise JobFailed(reason)
    if (not_before := run.payload.get("not_before")) is not None:
        wait = (datetime.fromisoformat(not_before) - utcnow()).total_seconds()
        if wait > 0:
            raise JobDeferred(f"Waiting for its turn on the account ({not_before[:16]} UTC)", wait)
    try:
        account = await platforms.get_account(workspace_id, account_id)
    except NotFound:
        raise JobFailed("The account was removed; nothing was published") from None
    price = Decimal(run.payload["price"]) if run.payload.get("price") else None
    mapped = mapped_for(account.platform, row, await price_rules.custom_rules(workspace_id), price)
    found = await inventory.ensure_queued(
        workspace_id, listing_id, account_id, account.platform, mapped.price, row["currency"], mapped.as_fields()
    )
    if found["status"] == "live":
        return await _done(run, found)
    await inventory.update(workspace_id, found["id"], job_id=run.id)
    if mapped.problems:  # edited since the publish was asked for: fail before any browser work or daily action
        problems = "; ".join(problem_lines(mapped.problems, account_where(account)))
        await _fail(run, found, problems)
        raise JobFailed(problems)
    try:
        draft = mapped.listing_input(await photo_paths(workspace_id, row))
        async with (
            platforms.account_job(run, ITEM_KEY),
            platforms.run_as_account(run.redis, workspace_id, account_id) as session,
        ):
            published = await platforms.publish_listing(session, draft)
    except (JobPaused, JobDeferred):
        raise  # waiting for a person or for the account: the listing stays queued
    except RetryableJobError as exc:
        if run.attempt >= int(run.payload.get("max_attempts") or get_settings().jobs.default_max_attempts):
            await _fail(run, found, str(exc))
        raise
    except JobFailed as exc:
        await _fail(run, found, str(exc), record=False)  # the facade recorded the item with the reason
        raise
    except NotFound as exc:
        await _fail(run, found, f"{exc.detail}: attach other photos to the draft and publish again")
        raise JobFailed(exc.detail) from None
    except Exception as exc:
        await _fail(run, found, f"{type(exc).__name__}: {exc}")
        raise
    return await _done(run, await inventory.mark_live(workspace_id, found["id"], published.item_id, published.url))
