"""Recovery of the jobs engine: jobs of dead workers, dispatches lost with Redis.

Run by the `recover_jobs` cron of every worker (backend/jobs/tasks.py). Each
arq job is named after its dispatch (`<job id>:<n>`), which is what makes a
re-dispatch safe: arq ignores a send of a dispatch it still holds, and a run
of an older dispatch finds the job is no longer its own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

import structlog
from arq.connections import ArqRedis
from arq.constants import job_key_prefix

from backend.core.clock import utcnow
from backend.core.scoped import across_workspaces
from backend.jobs import events, store
from backend.jobs.tables import Job, JobStatus

log = structlog.get_logger(__name__)


def dispatch_number(arq_job_id: str) -> int | None:
    """The dispatch an arq job id (`<job id>:<dispatch>`) stands for; None for another shape."""
    _, _, number = arq_job_id.rpartition(":")
    return int(number) if number.isdigit() else None


async def recover_orphaned(redis: ArqRedis, find_dead: Callable[[set[str]], Awaitable[set[str]]]) -> int:
    """Send again, as a new dispatch, the running jobs whose worker is dead (its heartbeat stopped).

    `find_dead` tells which of the given worker ids are dead.

    arq alone would retry them only after the job timeout + 10 s. The new
    dispatch number makes the dead worker's arq job, should arq retry it too,
    find the job is no longer its own and do nothing. Each job is taken over by
    one sweeper only (the update is conditional on the dead worker's id).
    """
    # A sweep for the engine: a dead worker ran jobs of any workspace.
    rows = (
        await across_workspaces(Job)
        .select(Job.id, Job.workspace, Job.worker_id)
        .where((Job.status == JobStatus.running.value) & Job.worker_id.is_not_null())
    )
    dead = await find_dead({row["worker_id"] for row in rows})
    recovered = 0
    for row in rows:
        if row["worker_id"] not in dead:
            continue
        # One statement takes the job and moves its dispatch on: arq's own
        # retry of the old dispatch cannot claim it in between.
        fresh = await store.update_job(
            row["workspace"],
            row["id"],
            {
                Job.status: JobStatus.retrying.value,
                Job.worker_id: None,
                Job.error: "Its worker stopped; running again",
                Job.dispatches: Job.dispatches + 1,
                Job.dispatched_at: utcnow(),
            },
            (Job.status == JobStatus.running.value) & (Job.worker_id == row["worker_id"]),
        )
        if fresh is None:
            continue
        log.warning("job_of_dead_worker_redispatched", job_id=str(row["id"]), worker_id=row["worker_id"])
        retrying = events.event_from_job("job.retrying", fresh, {"error": fresh["error"]})
        await store.send(redis, fresh, fresh["dispatches"], announce=[retrying])
        recovered += 1
    return recovered


async def resend_lost_retries(redis: ArqRedis, grace_seconds: float) -> int:
    """Send again waiting retries whose arq job is gone (a Redis outage lost the send, or Redis restarted empty).

    Uses the job's current arq id: one arq still holds (queued, deferred or
    running) is not duplicated. The grace skips a dispatch being sent right now.
    """
    cutoff = utcnow() - timedelta(seconds=grace_seconds)
    # A sweep for the engine: retries of every workspace.
    rows = (
        await across_workspaces(Job)
        .select(Job.id, Job.workspace, Job.dispatches)
        .where(
            (Job.status == JobStatus.retrying.value)
            & (Job.dispatches > 0)
            & (Job.dispatched_at.is_null() | (Job.dispatched_at < cutoff))
        )
    )
    if not rows:
        return 0
    # One round trip to find the lost ones: most waiting retries are still queued in arq.
    async with redis.pipeline(transaction=False) as pipe:
        for row in rows:
            pipe.exists(f"{job_key_prefix}{row['id']}:{row['dispatches']}")
        queued = await pipe.execute()
    sent = 0
    for row, present in zip(rows, queued, strict=True):
        if not present and await store.resend(redis, row, row["dispatches"]):
            log.info("lost_retry_resent", job_id=str(row["id"]))
            sent += 1
    return sent
