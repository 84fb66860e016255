"""Taking an item's listings down: after it sold (auto-delist), when the user ends them, and the sweep.

A listing to take down is first moved to `delisting` (the sale does it in its transaction; a delist request
does it here). Then one job `listings.delist` per item fans out one child `listings.delist_one` per listing,
each acting as the listing's account through the platforms facade: pacing, the daily cap, the account's lease,
and verify-then-retry (`platforms.delist_listing` looks first: a listing already gone costs nothing, so a
delist whose answer was lost is done once). Each child names its account, so it pauses and resumes with it.

A delist that cannot be done is a conflict on the listing (`delist_failed`, with the reason) for a person:
the account needs attention (the child pauses; once the account is resumed and the child succeeds, the
conflict clears by itself) or the platform refused (the child fails; the user retries it). A listing left in
`delisting` without a job (the process died between the sale's commit and the enqueue) is picked up by the
sweep, an arq cron each minute.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

import structlog
from arq.connections import ArqRedis

from backend import db
from backend.core.clock import utcnow
from backend.core.errors import Conflict, InvalidInput, NotFound
from backend.core.scoped import across_workspaces, scoped
from backend.jobs import service as jobs
from backend.jobs.schemas import JobOut
from backend.jobs.service import JobDeferred, JobFailed, JobPaused, JobRun, RetryableJobError
from backend.listings import inventory
from backend.listings.tables import Listing, PlatformListing
from backend.platforms import service as platforms

log = structlog.get_logger(__name__)

DELIST_KIND = "listings.delist"
DELIST_ONE_KIND = "listings.delist_one"
# Tries of one listing's delist when the platform's answer stays unknown (each try looks first).
DELIST_ATTEMPTS = 5
UNFINISHED = ["pending", "running", "retrying", "paused"]
# A listing in `delisting` this long without an unfinished delist job of its item was left behind.
SWEEP_AFTER_SECONDS = 60
ITEM_KEY = "delist"
PUBLISH_WAIT = 10.0


def _key_prefix(listing_id: uuid.UUID) -> str:
    return f"delist:{listing_id}:"


def _stamp(when: datetime) -> str:
    return when.strftime("%Y%m%dT%H%M%S%f")


async def start_delists(
    redis: ArqRedis,
    workspace_id: uuid.UUID,
    listing_id: uuid.UUID,
    *,
    token: str | None = None,
    only: Collection[uuid.UUID] | None = None,
    created_by: uuid.UUID | None = None,
) -> JobOut | None:
    """Start the item's delist job: a child per listing in `delisting` (those in `only`, else every one not
    flagged, since a failed delist waits for a person's retry); None when there is none.

    The item and `token` name the job (its idempotency key): by default the item's sale, so starting the
    delists of one sale twice makes one job. Call it after the transaction that moved the listings commits.
    """
    rows = (await inventory.rows_of_items(workspace_id, [listing_id]))[listing_id]
    targets = [
        found
        for found in rows
        if found["status"] == "delisting" and (found["id"] in only if only is not None else found["conflict"] is None)
    ]
    if not targets:
        return None
    if token is None:
        item = await scoped(Listing, workspace_id).select(Listing.sold_at).where(Listing.id == listing_id).first()
        sold_at = item["sold_at"] if item is not None else None
        token = f"sale:{_stamp(sold_at)}" if sold_at is not None else uuid.uuid4().hex
    payload = {"listing_id": str(listing_id), "platform_listing_ids": [str(found["id"]) for found in targets]}
    # Outside the plan's concurrent jobs: a listing left up after a sale is how one item sells twice.
    return await jobs.enqueue(
        redis,
        workspace_id,
        DELIST_KIND,
        payload,
        within_plan=False,
        idempotency_key=_key_prefix(listing_id) + token,
        total=len(targets),
        created_by=created_by,
    )


async def unfinished_job(workspace_id: uuid.UUID, listing_id: uuid.UUID) -> JobOut | None:
    """The item's delist job still at work (or waiting: paused, retrying), if any."""
    page = await jobs.list_jobs_matching(
        workspace_id, DELIST_KIND, key_prefix=_key_prefix(listing_id), statuses=UNFINISHED, limit=1, offset=0
    )
    return page.items[0] if page.items else None


# --- the user's requests ----------------------------------------------------------------------------------


async def request_delist(
    redis: ArqRedis,
    workspace_id: uuid.UUID,
    user_id: uuid.UUID | None,
    listing_id: uuid.UUID,
    account_ids: list[uuid.UUID] | None,
) -> JobOut:
    """End the item's listings on these accounts (every live or queued one when None): a delist job."""
    await scoped(Listing, workspace_id).get(listing_id, Listing.id, missing=inventory.ITEM_NOT_FOUND)
    rows = (await inventory.rows_of_items(workspace_id, [listing_id]))[listing_id]
    if account_ids is None:
        chosen = rows
    else:
        by_account = {found["account_id"]: found for found in rows}
        unknown = [str(account) for account in account_ids if account not in by_account]
        if unknown:
            raise InvalidInput("account_ids", f"the item has no listing on account {', '.join(unknown)}")
        chosen = [by_account[account] for account in dict.fromkeys(account_ids)]
        for found in chosen:
            if found["status"] == "sold":
                where = platforms.platform_title(found["platform"])
                raise Conflict(f"The item sold through its listing on {where}: a sold listing is not delisted")
    moved = [
        found["id"]
        for found in chosen
        if found["status"] in inventory.OPEN_STATUSES
        and await inventory.move(workspace_id, found["id"], "delisting", allowed_from=inventory.OPEN_STATUSES)
    ]
    if not moved:
        running = await unfinished_job(workspace_id, listing_id)
        if running is not None:
            return running  # asked twice: the delist already under way
        raise Conflict("Nothing to delist: the item has no live or queued listing there")
    job = await start_delists(redis, workspace_id, listing_id, token=uuid.uuid4().hex, only=moved, created_by=user_id)
    if job is None:  # sold (or ended) meanwhile by another request
        raise Conflict("Nothing to delist: the item's listings changed meanwhile")
    return job


async def retry_delist(
    redis: ArqRedis, workspace_id: uuid.UUID, user_id: uuid.UUID | None, platform_listing_id: uuid.UUID
) -> JobOut:
    """Try a failed delist again (its paused job resumes; a failed one gets a new job)."""
    found = await inventory.row(workspace_id, platform_listing_id)
    if found["conflict"] != "delist_failed" or found["status"] != "delisting":
        raise Conflict("Only a listing whose delist failed can be retried (its conflict is delist_failed)")
    if found["job_id"] is not None:
        try:
            job = await jobs.get_job(workspace_id, found["job_id"])
        except NotFound:
            job = None
        if job is not None and job.kind == DELIST_ONE_KIND and job.status == "paused":
            await jobs.resume_jobs(redis, workspace_id, [job.id])
            return await jobs.get_job(workspace_id, job.id)
        if job is not None and job.kind == DELIST_ONE_KIND and job.status in UNFINISHED:
            return job
    token = f"retry:{platform_listing_id}:{_stamp(found['conflict_at'] or utcnow())}"
    started = await start_delists(
        redis, workspace_id, found["listing"], token=token, only=[platform_listing_id], created_by=user_id
    )
    if started is None:
        raise Conflict("The listing is no longer waiting to be delisted")
    return started


# --- the jobs -----------------------------------------------------------------------------------------------


def _result(found: dict[str, Any]) -> dict[str, Any]:
    """What a delist item (and a conflict note) says of the listing: for the page to update it."""
    return {
        "listing_id": str(found["listing"]),
        "platform_listing_id": str(found["id"]),
        "account_id": str(found["account_id"]),
        "platform": found["platform"],
        "status": found["status"],
        "conflict": found["conflict"],
    }


async def _delist_item_labels(workspace_id: uuid.UUID, payload: dict[str, Any], keys: list[str]) -> dict[str, str]:
    """A listing's delist is named by where it was: "Vinted (anna-shop)"."""
    try:
        found = await inventory.row(workspace_id, uuid.UUID(str(payload.get("platform_listing_id"))))
    except (NotFound, ValueError):
        return {}
    accounts = await inventory.accounts_by_id(workspace_id)
    shown = inventory.listing_out(found, accounts)
    return {key: f"{shown.platform_title} ({shown.account_label})" for key in keys}


jobs.register_item_labels(DELIST_ONE_KIND, _delist_item_labels)


async def run_delist(run: JobRun) -> Any:
    """The job `listings.delist`: a child per listing (keyed by it: a re-run makes no second one)."""
    listing_id = uuid.UUID(run.payload["listing_id"])
    wanted = [uuid.UUID(value) for value in run.payload["platform_listing_ids"]]
    rows = {found["id"]: found for found in (await inventory.rows_of_items(run.workspace_id, [listing_id]))[listing_id]}
    spawned = 0
    for platform_listing_id in wanted:
        found = rows.get(platform_listing_id)
        if found is None:
            continue  # the item was deleted since
        payload = {"listing_id": str(listing_id), "platform_listing_id": str(platform_listing_id)}
        if found["job_id"] is not None:
            payload["before_job_id"] = str(found["job_id"])  # its publish, if that is still under way
        child_id = await run.spawn_child(
            DELIST_ONE_KIND,
            payload,
            key=str(platform_listing_id),
            max_attempts=DELIST_ATTEMPTS,
            account_id=found["account_id"],
        )
        spawned += 1
        if found["status"] == "delisting" and found["job_id"] != child_id:
            await inventory.update(run.workspace_id, platform_listing_id, job_id=child_id)
    if not spawned:
        return {"children": 0}
    return jobs.WAIT_FOR_CHILDREN


async def delist_one(run: JobRun) -> dict[str, Any]:
    """The job `listings.delist_one`: take one listing down as its account, then mark it delisted."""
    workspace_id = run.workspace_id
    platform_listing_id = uuid.UUID(run.payload["platform_listing_id"])
    try:
        found = await inventory.row(workspace_id, platform_listing_id)
    except NotFound:
        return {"platform_listing_id": str(platform_listing_id), "status": "gone"}
    if found["status"] == "delisting" and not found["platform_item_id"]:
        await _wait_for_publish(run)
    if found["status"] == "delisting" and found["platform_item_id"]:
        try:
            found = await _take_down(run, found)
        except (JobPaused, JobFailed) as exc:
            await _flag(run, found, str(exc))
            raise
        except RetryableJobError as exc:
            if run.attempt >= DELIST_ATTEMPTS:  # the last try: the runner fails the job now
                await _flag(run, found, str(exc))
            raise
        except JobDeferred:
            raise  # the account is busy with other work: shortly again, nothing to tell
        except Exception as exc:
            await _flag(run, found, jobs.user_error(f"{type(exc).__name__}: {exc}"))
            raise
    if found["status"] == "delisting":
        # Gone from the platform (or never published there: a queued listing has no platform item yet).
        now = utcnow()
        cleared = {"conflict": None, "conflict_reason": None, "conflict_at": None}
        if await inventory.move(
            workspace_id, platform_listing_id, "delisted", allowed_from=("delisting",), last_checked_at=now, **cleared
        ):
            await settle_item(workspace_id, found["listing"])
        found = await inventory.row(workspace_id, platform_listing_id)
    result = _result(found)
    await run.record_item(ITEM_KEY, result=result)
    return result


async def _wait_for_publish(run: JobRun) -> None:
    """A listing with no platform item yet may be being published right now: its delist waits for that publish
    to end (which leaves it `delisting` with the platform's item, to take down). A publish not running yet
    publishes nothing once it sees the listing is to come down."""
    before = run.payload.get("before_job_id")
    if not before:
        return
    try:
        job = await jobs.get_job(run.workspace_id, uuid.UUID(before))
    except NotFound:
        return
    if job.kind != DELIST_ONE_KIND and job.status == "running":
        raise JobDeferred("Waiting for its publish under way to end, to take down what it published", PUBLISH_WAIT)


async def _take_down(run: JobRun, found: dict[str, Any]) -> dict[str, Any]:
    """Delete the listing on the platform (verified gone); the listing's row as it is then."""
    async with (
        platforms.account_job(run, ITEM_KEY),
        platforms.run_as_account(run.redis, run.workspace_id, found["account_id"]) as session,
    ):
        # Read again once the account is ours: a listing that sold meanwhile is an oversell to show, not delete.
        current = await inventory.row(run.workspace_id, found["id"])
        if current["status"] == "delisting":
            await platforms.delist_listing(session, found["platform_item_id"])
    return current


async def _flag(run: JobRun, found: dict[str, Any], reason: str) -> None:
    """The delist could not be done: a conflict on the listing for a person, told on the job's stream."""
    await inventory.set_conflict(run.workspace_id, found["id"], "delist_failed", jobs.user_error(reason))
    try:
        fresh = await inventory.row(run.workspace_id, found["id"])
    except NotFound:
        return  # the item was deleted meanwhile: nothing left to show
    await run.note({"type": "conflict", **_result(fresh), "reason": fresh["conflict_reason"]})


async def settle_item(workspace_id: uuid.UUID, listing_id: uuid.UUID) -> None:
    """After one of its listings came down: the item's first listing (what automation rules act on) is one
    still live, or none; an item not sold with nothing listed any more is a draft again."""
    async with db.transaction():
        items = scoped(Listing, workspace_id)
        item = (
            await items.select(Listing.status, Listing.account_id, Listing.platform_item_id)
            .where(Listing.id == listing_id)
            .first()
        )
        if item is None or item["status"] == "sold":
            return
        rows = (await inventory.rows_of_items(workspace_id, [listing_id]))[listing_id]
        live = [found for found in rows if found["status"] == "live" and found["platform_item_id"]]
        changes: dict[Any, Any] = {}
        named = (item["account_id"], item["platform_item_id"])
        if item["platform_item_id"] and all((f["account_id"], f["platform_item_id"]) != named for f in live):
            first = live[0] if live else None
            changes[Listing.account_id] = first["account_id"] if first else None
            changes[Listing.platform_item_id] = first["platform_item_id"] if first else None
            changes[Listing.platform_url] = first["platform_url"] if first else None
        if item["status"] == "published" and not any(
            found["status"] in (*inventory.OPEN_STATUSES, "delisting") for found in rows
        ):
            changes[Listing.status] = "draft"
        if changes:
            changes[Listing.updated_at] = utcnow()
            await items.update(changes).where(Listing.id == listing_id)


# --- the sweep ------------------------------------------------------------------------------------------------


async def sweep(redis: ArqRedis, now: datetime | None = None) -> dict[str, int]:
    """Start the delists of items left with listings in `delisting` and no delist job at work (idempotent:
    two workers' sweeps of one minute make one job per item)."""
    now = now or utcnow()
    cutoff = now - timedelta(seconds=SWEEP_AFTER_SECONDS)
    # The sweep looks at every workspace's listings: it belongs to none.
    rows = (
        await across_workspaces(PlatformListing)
        .select(PlatformListing.workspace, PlatformListing.listing)
        .where(
            (PlatformListing.status == "delisting")
            & PlatformListing.conflict.is_null()
            & (PlatformListing.updated_at < cutoff)
        )
        .distinct()
    )
    started = 0
    for found in rows:
        workspace_id, listing_id = found["workspace"], found["listing"]
        if await unfinished_job(workspace_id, listing_id) is not None:
            continue
        try:
            if await start_delists(redis, workspace_id, listing_id, token=f"sweep:{now:%Y%m%dT%H%M}"):
                started += 1
        except Exception:  # one workspace's trouble must not stop the others' delists
            log.exception("delist_sweep_failed", workspace_id=str(workspace_id), listing_id=str(listing_id))
    return {"items": len(rows), "started": started}
