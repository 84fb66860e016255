"""arq task functions of the jobs engine (thin: they call the runner and service)."""

from __future__ import annotations

import uuid
from typing import Any

from backend.jobs import fairness, runner, service
from backend.settings import get_settings


async def run_job(ctx: dict[str, Any], job_id: str) -> None:
    """Every job runs through here; `ctx["job_handlers"]` maps its kind to the code that does the work.

    It runs in its workspace's turn (see `fairness`), or goes back to the queue for a moment.
    """
    async with fairness.turn(ctx["redis"], uuid.UUID(job_id)) as granted:
        if granted:
            await runner.run_job(
                ctx["redis"], uuid.UUID(job_id), ctx["job_handlers"], retry_base=get_settings().jobs.retry_base_seconds
            )


async def redispatch_stalled_jobs(ctx: dict[str, Any]) -> int:
    """Cron: re-send pending jobs whose dispatch was lost."""
    return await service.redispatch_stalled(ctx["redis"])
