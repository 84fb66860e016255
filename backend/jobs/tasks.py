"""arq task functions of the jobs engine (thin: they call the runner and service)."""

from __future__ import annotations

import asyncio
import functools
import uuid
from typing import Any

from arq import cron
from prometheus_client import start_http_server

from backend.core.aio import bounded
from backend.core.metrics import forget_process_at_exit, scrape_registry
from backend.jobs import fairness, heartbeat, recovery, runner, service
from backend.settings import get_settings

# A retry sent less than this long ago may still be on its way to arq.
LOST_RETRY_GRACE_SECONDS = 10.0


async def run_job(ctx: dict[str, Any], job_id: str, workspace_id: str | None = None) -> None:
    """Every job runs through here; `ctx["job_handlers"]` maps its kind to the code that does the work.

    It runs in its workspace's turn (see `fairness`), or goes back to the queue for a moment.
    `workspace_id` is the job's workspace (dispatches sent by older versions lack it).
    """
    dispatch = recovery.dispatch_number(str(ctx.get("job_id", "")))
    workspace = uuid.UUID(workspace_id) if workspace_id else None
    async with fairness.turn(ctx["redis"], uuid.UUID(job_id), dispatch, workspace) as turn:
        if turn.granted:
            await runner.run_job(
                ctx["redis"],
                uuid.UUID(job_id),
                ctx["job_handlers"],
                retry_base=get_settings().jobs.retry_base_seconds,
                worker_id=ctx.get("worker_id"),
                dispatch=dispatch,
                lifecycle=ctx.get("lifecycle"),
                turn=turn.held,
                workspace_id=workspace,
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


async def on_worker_startup(ctx: dict[str, Any]) -> None:
    settings = get_settings().jobs
    if settings.worker_metrics_port:
        # Each worker serves its own metrics (job durations, limiter waits);
        # the API's /metrics has queue depth and jobs by status. In multi-process mode
        # (PROMETHEUS_MULTIPROC_DIR) it serves the sum of every process on the machine.
        start_http_server(settings.worker_metrics_port, addr=settings.worker_metrics_addr, registry=scrape_registry())
    forget_process_at_exit()
    # A task of its own, not a cron job: a busy worker (all job slots taken) must still beat.
    ctx["heartbeat"] = asyncio.create_task(heartbeat.beat_forever(ctx["redis"], ctx["worker_id"]))


async def on_worker_shutdown(ctx: dict[str, Any], budget: float) -> None:
    if (beat := ctx.pop("heartbeat", None)) is not None:
        beat.cancel()
    if "worker_id" in ctx:
        # Gone from the live workers at once, so others take over its unfinished jobs now.
        await bounded("heartbeat", heartbeat.forget_heartbeat(ctx["redis"], ctx["worker_id"]), 1.0)


FUNCTIONS = [run_job]
CRON_JOBS = [
    cron(redispatch_stalled_jobs, second={5}, timeout=30),
    # Jobs of dead workers go to live ones within ~3 heartbeats + 5 s (arq alone: job timeout + 10 s).
    cron(recover_jobs, second=set(range(2, 60, 5)), timeout=30),
]
