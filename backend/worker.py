"""arq worker settings: each domain's `tasks` module brings its job handlers, task functions and cron jobs.

Start with `sellpilot worker` (or `arq backend.worker.WorkerSettings`).
A domain's tasks module may define `JOB_HANDLERS` (job kind → handler),
`FUNCTIONS` (arq tasks), `CRON_JOBS`, and `on_worker_startup(ctx)` /
`on_worker_shutdown(ctx, budget_seconds)`; this file imports nothing else of them.
"""

from __future__ import annotations

import os
import socket
import uuid
from types import ModuleType
from typing import Any, ClassVar

from arq.connections import RedisSettings

from backend import db
from backend.admin import tasks as admin_tasks
from backend.analytics import tasks as analytics_tasks
from backend.automation import tasks as automation_tasks
from backend.billing import tasks as billing_tasks
from backend.campaigns import tasks as campaigns_tasks
from backend.collect import tasks as collect_tasks
from backend.core.aio import bounded
from backend.core.lazy import import_lazy_modules
from backend.core.redis import arq_queue_name
from backend.jobs import tasks as jobs_tasks
from backend.listings import tasks as listings_tasks
from backend.observability.logging import configure_logging
from backend.observability.sentry import configure_sentry
from backend.platforms import tasks as platforms_tasks
from backend.settings import get_settings

# Started in this order, shut down in this order (jobs first: the heartbeat goes at once).
DOMAIN_TASKS: tuple[ModuleType, ...] = (
    jobs_tasks,
    billing_tasks,
    listings_tasks,
    platforms_tasks,
    automation_tasks,
    campaigns_tasks,
    collect_tasks,
    analytics_tasks,
    admin_tasks,
)


def _collect(name: str) -> list[Any]:
    return [item for module in DOMAIN_TASKS for item in getattr(module, name, ())]


def _job_handlers() -> dict[str, Any]:
    handlers: dict[str, Any] = {}
    for module in DOMAIN_TASKS:
        for kind, handler in getattr(module, "JOB_HANDLERS", {}).items():
            if kind in handlers:
                raise RuntimeError(f"job kind {kind!r} has two handlers")
            handlers[kind] = handler
    return handlers


JOB_HANDLERS = _job_handlers()


async def startup(ctx: dict[str, Any]) -> None:
    settings = get_settings()
    configure_logging(settings.observability)
    configure_sentry(settings, worker=True)
    await db.start()
    # The SDKs the API leaves out (openai, stripe, playwright): a worker uses them, so it
    # pays for the import now rather than inside its first job's timeout.
    import_lazy_modules()
    ctx["worker_id"] = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
    for module in DOMAIN_TASKS:
        if (hook := getattr(module, "on_worker_startup", None)) is not None:
            await hook(ctx)


async def shutdown(ctx: dict[str, Any]) -> None:
    """Each step is bounded (the process-level bound is in backend.jobs.process); a stuck one is left behind."""
    budget = get_settings().jobs.worker_shutdown_timeout_seconds
    for module in DOMAIN_TASKS:
        if (hook := getattr(module, "on_worker_shutdown", None)) is not None:
            await hook(ctx, budget)
    await bounded("database", db.stop(wait_seconds=budget * 0.3), budget * 0.35)


_jobs = get_settings().jobs


class WorkerSettings:
    redis_settings = RedisSettings.from_dsn(get_settings().redis.url)
    queue_name = arq_queue_name()
    # arq passes this dict to every task as `ctx`; run_job finds the handlers there.
    ctx: ClassVar[dict[str, Any]] = {"job_handlers": JOB_HANDLERS}
    functions: ClassVar[list[Any]] = _collect("FUNCTIONS")
    cron_jobs: ClassVar[list[Any]] = _collect("CRON_JOBS")
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
    max_tries = billing_tasks.MAX_TRIES
