"""The admin domain's crons: the nightly maintenance steps (thin: `maintenance` does the work).

Spread over the night (UTC) so they do not pile onto one minute; the database tidy-up
runs after the prunes, the summary last. arq runs each at most once per slot over all
workers (`unique`). MAINTENANCE_ENABLED=false turns them off.
"""

from __future__ import annotations

from typing import Any

from arq import cron

from backend.admin import maintenance
from backend.settings import get_settings

# Each step is bounded by its per-run limit; this is only the backstop.
STEP_TIMEOUT_SECONDS = 300


async def _step(ctx: dict[str, Any], step: str) -> dict[str, Any] | None:
    if not get_settings().maintenance.enabled:
        return None
    return await maintenance.run_step(ctx["redis"], step)


async def maintenance_prune_jobs(ctx: dict[str, Any]) -> dict[str, Any] | None:
    return await _step(ctx, "jobs")


async def maintenance_prune_analytics_events(ctx: dict[str, Any]) -> dict[str, Any] | None:
    return await _step(ctx, "analytics_events")


async def maintenance_prune_audit(ctx: dict[str, Any]) -> dict[str, Any] | None:
    return await _step(ctx, "audit")


async def maintenance_clean_media(ctx: dict[str, Any]) -> dict[str, Any] | None:
    return await _step(ctx, "media")


async def maintenance_rotate_keys(ctx: dict[str, Any]) -> dict[str, Any] | None:
    return await _step(ctx, "keys")


async def maintenance_tidy_database(ctx: dict[str, Any]) -> dict[str, Any] | None:
    return await _step(ctx, "database")


async def maintenance_summary(ctx: dict[str, Any]) -> dict[str, Any] | None:
    if not get_settings().maintenance.enabled:
        return None
    return await maintenance.summary(ctx["redis"])


def _nightly(task: Any, hour: int, minute: int) -> Any:
    return cron(task, hour={hour}, minute={minute}, second={0}, timeout=STEP_TIMEOUT_SECONDS, unique=True)


CRON_JOBS = [
    _nightly(maintenance_prune_jobs, 3, 5),
    _nightly(maintenance_prune_analytics_events, 3, 15),
    _nightly(maintenance_prune_audit, 3, 25),
    _nightly(maintenance_clean_media, 3, 35),
    _nightly(maintenance_rotate_keys, 3, 45),
    _nightly(maintenance_tidy_database, 4, 5),
    _nightly(maintenance_summary, 4, 30),
]
