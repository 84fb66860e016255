"""Job handlers of the listings domain (thin: the service modules do each item's work)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from arq import cron

from backend.jobs.service import JobRun
from backend.listings import crosslist as crosslisting
from backend.listings import importing, publishing, service
from backend.settings import get_settings


async def analyze_photos(run: JobRun) -> dict[str, int]:
    """The job: one draft per photo group, a few groups at once; a failing item says why and the others go on."""
    groups = [[uuid.UUID(m) for m in group] for group in run.payload["groups"]]
    done = await run.completed_keys()
    # A few more lanes than provider slots: the next item's quota check and photo
    # loading overlap the calls in flight, without hundreds of waiters crowding
    # the event loop, the database pool and the limiter.
    pending = iter(enumerate(groups))

    async def lane() -> None:
        for index, group in pending:
            key = f"item-{index:04d}"
            if key not in done:
                await service.analyze_group(run, key, group)

    lanes = min(len(groups), 2 * get_settings().ai.provider_max_concurrency)
    await asyncio.gather(*(lane() for _ in range(lanes)))
    return {"items": len(groups)}


async def publish_on_account(run: JobRun) -> dict[str, Any]:
    """The job: publish the item on one account (looking first, so a re-run never publishes twice)."""
    return await publishing.publish_on_account(run)


async def crosslist(run: JobRun) -> Any:
    """The job: a publish child per item and account; it finishes when they have."""
    return await crosslisting.run_crosslist(run)


async def import_listings(run: JobRun) -> dict[str, int]:
    """The job: the account's listings linked to drafts (matched, or new ones)."""
    return await importing.run_import(run)


async def delist_item(run: JobRun) -> Any:
    """The job: one child per listing of the item to take down."""
    return await service.run_delist(run)


async def delist_one(run: JobRun) -> dict[str, Any]:
    """The job: take one listing down as its account (looking first: a listing already gone costs nothing)."""
    return await service.delist_one(run)


async def delist_sweep(ctx: dict[str, Any]) -> dict[str, int]:
    """Each minute on every worker: start the delists nobody started (the process died after a sale's commit)."""
    return await service.sweep_delists(ctx["redis"])


JOB_HANDLERS: dict[str, Any] = {
    service.ANALYZE_KIND: analyze_photos,
    publishing.PUBLISH_KIND: publish_on_account,
    crosslisting.CROSSLIST_KIND: crosslist,
    importing.IMPORT_KIND: import_listings,
    service.DELIST_KIND: delist_item,
    service.DELIST_ONE_KIND: delist_one,
}
# Second 45: off the automation (0) and analytics (30) ticks.
CRON_JOBS = [cron(delist_sweep, second={45}, timeout=55)]
