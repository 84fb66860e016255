"""arq task functions of the jobs engine (thin: they call the runner and service)."""

from __future__ import annotations

import functools
import uuid
from typing import Any

from backend.jobs import fairness, recovery, runner, service
from backend.observability import heartbeat
from backend.settings import get_settings

# A retry sent less than this long ago may still be on its way to arq.
LOST_RETRY_GRACE_SECONDS = 10.0


async def run_job(ctx: dict[str, Any], job_id: str) -> None:
    """Every job runs through here; `ctx["job_handlers"]` maps its kind to the code that does the work.

    It runs in its workspace's turn (see `fairness`), or goes back to the queue for a moment.
    """
    dispatch = recovery.dispatch_number(str(ctx.get("job_id", "")))
    async with fairness.turn(ctx["redis"], uuid.UUID(job_id), dispatch) as granted:
        if granted:
            await runner.run_job(
                ctx["redis"],
                uuid.UUID(job_id),
                ctx["job_handlers"],
                retry_base=get_settings().jobs.retry_base_seconds,
                worker_id=ctx.get("worker_id"),
                dispatch=dispatch,
                lifecycle=ctx.get("lifecycle"),
            )


async def redispatch_stalled_jobs(ctx: dict[str, Any]) -> int:
    """Cron: re-send pending jobs whose dispatch was lost."""
    return await service.redispatch_stalled(ctx["redis"])


async def recover_jobs(ctx: dict[str, Any]) -> int:
    """Cron: give the running jobs of dead workers to live ones; re-send retries lost with Redis."""
    redis = ctx["redis"]
    # This worker is alive whatever its beat task managed during an outage.
    await heartbeat.record_heartbeat(redis, ctx["worker_id"])
    recovered = await recovery.recover_orphaned(redis, functools.partial(heartbeat.dead_workers, redis))
    return recovered + await recovery.resend_lost_retries(redis, LOST_RETRY_GRACE_SECONDS)
