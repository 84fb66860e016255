"""The daily upkeep: prune what is past retention, keep media in step, rotate keys, tidy the database.

One function per step, each run by its own cron (`backend/admin/tasks.py`, spread over the
night) and each:

- idempotent: a second run right after the first finds nothing to do;
- bounded: at most the step's `MAINTENANCE_*_PER_RUN` setting per run (what is left goes the
  next night);
- reporting: returns a small dict of what it did, logs it as one line, sets the Prometheus
  metrics below and keeps it in Redis for the day's summary (`summary`).

Each step calls the owning domain's service; nothing secret is in a report (counts only).
Settings: JOBS_RETENTION_DAYS, ANALYTICS_EVENTS_RETENTION_DAYS, AUDIT_RETENTION_DAYS,
MEDIA_ORPHAN_GRACE_HOURS and the MAINTENANCE_*_PER_RUN limits (`backend/settings`).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

import msgspec
import structlog
from prometheus_client import Counter, Gauge
from redis.asyncio import Redis

from backend import db
from backend.analytics import service as analytics
from backend.audit import service as audit
from backend.core.clock import utcnow
from backend.core.redis import redis_key
from backend.jobs import service as jobs
from backend.media import service as media
from backend.platforms import service as platforms
from backend.settings import get_settings

log = structlog.get_logger("sellpilot.maintenance")

Report = dict[str, Any]

REMOVED = Gauge(
    "sellpilot_maintenance_last_removed",
    "What the last run of a maintenance step removed or changed, by step and what",
    ["step", "what"],
    multiprocess_mode="mostrecent",
)
REMOVED_TOTAL = Counter(
    "sellpilot_maintenance_removed_total", "What maintenance steps removed or changed, by step", ["step", "what"]
)
LAST_RUN = Gauge(
    "sellpilot_maintenance_last_run_timestamp_seconds",
    "When a maintenance step last finished (Unix time), by step",
    ["step"],
    multiprocess_mode="max",
)
FAILURES = Counter("sellpilot_maintenance_failures_total", "Maintenance step runs that raised, by step", ["step"])
SUMMARY_KEY = ("maintenance", "last")
# The day's reports are kept this long in Redis (for the summary and for an operator).
SUMMARY_TTL_SECONDS = 8 * 86400


def _settings() -> Any:
    return get_settings().maintenance


async def prune_jobs(redis: Redis, now: datetime | None = None) -> Report:
    """Finished jobs older than JOBS_RETENTION_DAYS, with their items and children (never a job still
    pending, running, retrying or paused, nor a parent with such a child), and progress events
    that old from the workspaces' Redis streams (a stream left empty is removed)."""
    settings = _settings()
    before = (now or utcnow()) - timedelta(days=settings.jobs_retention_days)
    pruned = await jobs.prune_finished_jobs(before, settings.jobs_per_run)
    trimmed = await jobs.trim_event_streams(redis, before, settings.jobs_per_run)
    return {
        "jobs": pruned.jobs,
        "items": pruned.items,
        "held_back": pruned.held_back,
        "workspaces": len(pruned.workspaces),
        "stream_events": trimmed.events,
        "streams_deleted": trimmed.streams_deleted,
    }


async def prune_analytics_events(redis: Redis, now: datetime | None = None) -> Report:
    """Raw analytics events older than ANALYTICS_EVENTS_RETENTION_DAYS (whole hours). Events only:
    the hourly rollups stay, and the dashboard reads only those, so its numbers do not change."""
    settings = _settings()
    before = (now or utcnow()) - timedelta(days=settings.analytics_events_retention_days)
    return {"events": await analytics.prune_events(before, settings.analytics_events_per_run)}


async def prune_audit(redis: Redis, now: datetime | None = None) -> Report:
    """Audit rows older than AUDIT_RETENTION_DAYS (the audit domain's setting)."""
    before = (now or utcnow()) - timedelta(days=get_settings().audit.retention_days)
    return {"rows": await audit.prune(before, _settings().audit_rows_per_run)}


async def clean_media(redis: Redis, now: datetime | None = None) -> Report:
    """Stored files no media row names and temporary leftovers, once older than MEDIA_ORPHAN_GRACE_HOURS
    (an upload in flight is never hit), and media rows (as old) whose file is gone."""
    settings = _settings()
    before = (now or utcnow()) - timedelta(hours=settings.media_orphan_grace_hours)
    # Rows first: the thumbnails of rows deleted here are orphans for the next run.
    rows = await media.delete_rows_without_files(before, settings.media_files_per_run)
    swept = await media.delete_orphan_files(before, settings.media_files_per_run)
    return {
        "orphaned_files": swept.orphaned,
        "temporary_files": swept.temporary,
        "bytes_freed": swept.bytes_freed,
        "rows_without_file": rows,
    }


async def rotate_keys(redis: Redis | None, now: datetime | None = None, limit: int | None = None) -> Report:
    """Vault secrets still under an older key re-encrypted under the current one (the first of VAULT_KEYS).

    The cron does one bounded step (MAINTENANCE_SECRETS_PER_RUN); `sellpilot rotate-keys` repeats
    it until nothing is left. Unreadable tokens (a key no longer configured) are counted, never shown.
    """
    done = await platforms.rotate_vault_keys(limit or _settings().secrets_per_run)
    report: Report = {
        "key_id": done.key_id,
        "re_encrypted": done.re_encrypted,
        "unreadable": done.unreadable,
        "remaining": done.remaining,
    }
    if done.re_encrypted:
        # Security-relevant and deployment-wide: counts only (no key material, no key id: a detail named
        # like a key is dropped by the audit log anyway).
        details = {"re_encrypted": done.re_encrypted, "remaining": done.remaining}
        await audit.record("maintenance.vault_rotated", workspace_id=None, actor_id=None, details=details)
    return report


async def rotate_keys_to_the_end(batch: int) -> Report:
    """`sellpilot rotate-keys`: rotation steps of `batch` secrets until one changes nothing or none is left."""
    total, steps = 0, 0
    while True:
        step = await rotate_keys(None, limit=max(1, batch))
        steps += 1
        total += step["re_encrypted"]
        if step["re_encrypted"] == 0 or step["remaining"] == 0:
            return {**step, "re_encrypted": total, "steps": steps}


async def tidy_database(redis: Redis, now: datetime | None = None) -> Report:
    """SQLite: VACUUM (gives back the pages the prunes freed) then ANALYZE. PostgreSQL: ANALYZE only,
    so the planner sees the tables as they are after the prunes; autovacuum already reclaims dead
    rows there, and a VACUUM FULL would lock the tables for the length of a rewrite."""
    if db.is_postgres():
        await db.DB.run_ddl("ANALYZE")
        done = ["analyze"]
    else:
        await db.DB.run_ddl("VACUUM")
        await db.DB.run_ddl("ANALYZE")
        done = ["vacuum", "analyze"]
    return {"ran": "+".join(done)}


Step = Callable[[Redis, datetime | None], Awaitable[Report]]
STEPS: dict[str, Step] = {
    "jobs": prune_jobs,
    "analytics_events": prune_analytics_events,
    "audit": prune_audit,
    "media": clean_media,
    "keys": rotate_keys,
    "database": tidy_database,
}


def _record(step: str, report: Report, *, count: bool = True) -> None:
    for what, value in report.items():
        if isinstance(value, int) and not isinstance(value, bool) and what not in {"remaining", "held_back"}:
            REMOVED.labels(step=step, what=what).set(value)
            if count:
                REMOVED_TOTAL.labels(step=step, what=what).inc(value)


async def run_step(redis: Redis, step: str, now: datetime | None = None) -> Report:
    """Run one step by name: its report is logged, counted in the metrics and kept for the summary."""
    started = time.monotonic()
    try:
        report = await STEPS[step](redis, now)
    except Exception:
        FAILURES.labels(step=step).inc()
        log.exception("maintenance_step_failed", step=step)
        raise
    _record(step, report)
    LAST_RUN.labels(step=step).set(time.time())
    log.info("maintenance_step", step=step, duration_seconds=round(time.monotonic() - started, 2), **report)
    kept = msgspec.json.encode({"at": utcnow().isoformat(), **report}).decode()
    async with redis.pipeline(transaction=False) as pipe:
        pipe.hset(redis_key(*SUMMARY_KEY), step, kept)
        pipe.expire(redis_key(*SUMMARY_KEY), SUMMARY_TTL_SECONDS)
        await pipe.execute()
    return report


async def summary(redis: Redis) -> Report:
    """The day's maintenance in one log line (and the gauges, in the process that runs it): each step's
    last report and when it ran; a step with no report in the last day (failed, or no worker ran it)
    is named as missing."""
    kept: dict[Any, Any] = await redis.hgetall(redis_key(*SUMMARY_KEY))  # type: ignore[misc]
    reports = {
        (key.decode() if isinstance(key, bytes) else key): msgspec.json.decode(value) for key, value in kept.items()
    }
    day_ago = utcnow() - timedelta(hours=26)
    for step, report in reports.items():
        _record(step, {k: v for k, v in report.items() if k != "at"}, count=False)
        LAST_RUN.labels(step=step).set(datetime.fromisoformat(report["at"]).timestamp())
    recent = {step for step, report in reports.items() if datetime.fromisoformat(report["at"]) >= day_ago}
    missing = sorted(set(STEPS) - recent)
    log.info("maintenance_summary", steps=reports, missing=missing)
    return {"steps": reports, "missing": missing}
