"""Job handler and cron step of the rules (thin: the runner does the work)."""

from __future__ import annotations

from typing import Any

from arq import cron

from backend.automation.rules import runner, service
from backend.jobs.service import JobRun
from backend.settings import get_settings


async def run_rule_slot(run: JobRun) -> dict[str, Any]:
    """The job `automation.run`: one slot of one rule."""
    return await runner.run_slot(run)


async def automation_tick(ctx: dict[str, Any]) -> dict[str, int]:
    """Each minute on every worker: claim due rule slots (skip-locked, so workers share) and send their jobs."""
    if not get_settings().automation.tick_enabled:
        return {}
    return await runner.tick(ctx["redis"])


JOB_HANDLERS: dict[str, Any] = {service.RUN_KIND: run_rule_slot}
CRON_JOBS = [cron(automation_tick, second={0}, timeout=55)]
