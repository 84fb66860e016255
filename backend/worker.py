"""arq worker settings: every task, job handler and cron job is registered here and nowhere else.

Start with `sellpilot worker` (or `arq backend.worker.WorkerSettings`).
"""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from typing import Any, ClassVar

from arq import cron
from arq.connections import RedisSettings
from prometheus_client import start_http_server

from backend import db
from backend.billing.tasks import MAX_TRIES as BILLING_MAX_TRIES
from backend.billing.tasks import process_billing_event
from backend.core.redis import arq_queue_name
from backend.jobs.process import bounded
from backend.jobs.runner import Handler
from backend.jobs.tasks import recover_jobs, redispatch_stalled_jobs, run_job
from backend.listings.service import ANALYZE_KIND, PUBLISH_KIND, analyze_photos, publish_draft
from backend.observability import heartbeat
from backend.observability.logging import configure_logging
from backend.observability.sentry import configure_sentry
from backend.platforms import workflows
from backend.platforms.browser import close_pool
from backend.platforms.service import HEALTH_CHECK_KIND, run_health_check
from backend.settings import get_settings

# Job kind → the service function that does its work. Domains add theirs here.
JOB_HANDLERS: dict[str, Handler] = {
    ANALYZE_KIND: analyze_photos,
    PUBLISH_KIND: publish_draft,
    workflows.TEST_LOGIN: workflows.test_login,
    workflows.RESUME: workflows.resume,
    HEALTH_CHECK_KIND: run_health_check,
}


async def startup(ctx: dict[str, Any]) -> None:
    settings = get_settings()
    configure_logging(settings.observability)
    configure_sentry(settings, worker=True)
    await db.start()
    ctx["worker_id"] = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
    if settings.jobs.worker_metrics_port:
        # Each worker serves its own metrics (job durations, limiter waits);
        # the API's /metrics has queue depth and jobs by status.
        start_http_server(settings.jobs.worker_metrics_port, addr=settings.jobs.worker_metrics_addr)
    # A task of its own, not a cron job: a busy worker (all job slots taken) must still beat.
    ctx["heartbeat"] = asyncio.create_task(heartbeat.beat_forever(ctx["redis"], ctx["worker_id"]))


async def shutdown(ctx: dict[str, Any]) -> None:
    """Each step is bounded (the process-level bound is in backend.jobs.process); a stuck one is left behind."""
    budget = get_settings().jobs.worker_shutdown_timeout_seconds
    if (beat := ctx.pop("heartbeat", None)) is not None:
        beat.cancel()
    if "worker_id" in ctx:
        # Gone from the live workers at once, so others take over its unfinished jobs now.
        await bounded("heartbeat", heartbeat.forget_heartbeat(ctx["redis"], ctx["worker_id"]), 1.0)
    await bounded("browser", close_pool(wait_seconds=budget * 0.4), budget * 0.45)
    await bounded("database", db.stop(wait_seconds=budget * 0.3), budget * 0.35)


_jobs = get_settings().jobs


class WorkerSettings:
    redis_settings = RedisSettings.from_dsn(get_settings().redis.url)
    queue_name = arq_queue_name()
    # arq passes this dict to every task as `ctx`; run_job finds the handlers there.
    ctx: ClassVar[dict[str, Any]] = {"job_handlers": JOB_HANDLERS}
    functions: ClassVar[list[Any]] = [run_job, process_billing_event]
    cron_jobs: ClassVar[list[Any]] = [
        cron(redispatch_stalled_jobs, second={5}, timeout=30),
        # Jobs of dead workers go to live ones within ~3 heartbeats + 5 s (arq alone: job timeout + 10 s).
        cron(recover_jobs, second=set(range(2, 60, 5)), timeout=30),
    ]
    on_startup = startup
    on_shutdown = shutdown
    job_timeout = _jobs.job_timeout_seconds
    max_jobs = _jobs.max_jobs
    poll_delay = _jobs.poll_delay_seconds
    # A cancelled job's arq job is aborted (its task is cancelled).
    allow_abort_jobs = True
    # Results live in the jobs table; arq keeps none.
    keep_result = 0
    health_check_interval = 30
    # Runs are retried by our own dispatches; arq's retry of a job cancelled by
    # a shutdown stays on as the fallback when the sweeper cannot reach Redis.
    # Also how often a task raising arq.Retry is tried (Stripe events waiting for another).
    max_tries = BILLING_MAX_TRIES
