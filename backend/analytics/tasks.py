"""Job handler and cron step of analytics (thin: the sync does the work)."""

from __future__ import annotations

from typing import Any

from arq import cron

from backend.analytics import service
from backend.jobs.service import JobRun
from backend.settings import get_settings


async def sync_account(run: JobRun) -> dict[str, Any]:
    """The job `analytics.sync`: one account's stats and sales."""
    return await service.run_sync(run)


async def analytics_tick(ctx: dict[str, Any]) -> dict[str, int]:
    """Each minute on every worker: send a sync job per account whose plan's interval has a slot not synced."""
    if not get_settings().analytics.sync_enabled:
        return {}
    return await service.tick(ctx["redis"])


JOB_HANDLERS: dict[str, Any] = {service.SYNC_KIND: sync_account}
# Second 30: off the automation tick's second 0, so the two sweeps do not start together.
CRON_JOBS = [cron(analytics_tick, second={30}, timeout=55)]
