"""The nightly maintenance steps on crafted data: exactly what is past retention goes, nothing else,
a second run finds nothing, and a run does at most its limit."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx

from backend.admin import maintenance, tasks
from backend.analytics import service as analytics
from backend.analytics.tables import AnalyticsEvent, HourlyRollup
from backend.audit.tables import AuditEntry
from backend.core.clock import utcnow
from backend.jobs.events import stream_key
from backend.jobs.tables import Job, JobItem, JobStatus
from tests.helpers import register

NOW = utcnow().replace(microsecond=0)
JOBS_CUTOFF = NOW - timedelta(days=30)
SECOND = timedelta(seconds=1)


async def _workspace(client: httpx.AsyncClient) -> uuid.UUID:
    return uuid.UUID((await register(client)).workspace_id)


async def _job(
    workspace: uuid.UUID,
    status: JobStatus,
    finished_at: datetime | None,
    parent: uuid.UUID | None = None,
    items: int = 0,
) -> uuid.UUID:
    job_id = uuid.uuid4()
    created = (finished_at or NOW) - timedelta(days=1)
    await Job.insert(
        Job(
            id=job_id,
            workspace=workspace,
            kind="test.kind",
            status=status.value,
            parent=parent,
            created_at=created,
            started_at=created,
            finished_at=finished_at,
        )
    )
    for n in range(items):
        await JobItem.insert(JobItem(job=job_id, workspace=workspace, key=f"item-{n}", ok="ok"))
    return job_id


async def _job_ids() -> set[uuid.UUID]:
    return {row["id"] for row in await Job.select(Job.id)}


async def test_jobs_past_retention_go_with_their_items_and_nothing_else(
    client: httpx.AsyncClient, app: Any, override_env: Any
) -> None:
    override_env(JOBS_RETENTION_DAYS="30")
    ws = await _workspace(client)
    old, recent = JOBS_CUTOFF - SECOND, JOBS_CUTOFF + SECOND
    gone = {
        await _job(ws, JobStatus.succeeded, old, items=3),
        await _job(ws, JobStatus.failed, old),
        await _job(ws, JobStatus.cancelled, old),
    }
    old_parent = await _job(ws, JobStatus.succeeded, old)
    gone |= {old_parent, await _job(ws, JobStatus.succeeded, old, parent=old_parent, items=2)}
    kept = {
        await _job(ws, JobStatus.succeeded, recent, items=1),
        await _job(ws, JobStatus.failed, recent),
        # Unfinished, however old: never pruned.
        *[await _job(ws, status, None) for status in (JobStatus.pending, JobStatus.running, JobStatus.paused)],
        await _job(ws, JobStatus.retrying, None),
    }
    # A parent that finished long ago but still has a running child, and one with a recent child.
    waiting_parent = await _job(ws, JobStatus.succeeded, old)
    kept |= {waiting_parent, await _job(ws, JobStatus.running, None, parent=waiting_parent)}
    recent_child_parent = await _job(ws, JobStatus.succeeded, old)
    kept |= {recent_child_parent, await _job(ws, JobStatus.succeeded, recent, parent=recent_child_parent)}
    redis = app.state.redis

    report = await maintenance.run_step(redis, "jobs", now=NOW)

    assert await _job_ids() == kept
    assert report["jobs"] == len(gone)
    assert report["items"] == 5
    assert report["held_back"] == 2  # the two parents above
    assert {row["job"] for row in await JobItem.select(JobItem.job)} <= kept
    again = await maintenance.run_step(redis, "jobs", now=NOW)
    assert again["jobs"] == 0
    assert again["items"] == 0
    assert await _job_ids() == kept


async def test_a_jobs_run_prunes_at_most_its_limit(client: httpx.AsyncClient, app: Any, override_env: Any) -> None:
    override_env(MAINTENANCE_JOBS_PER_RUN="2")
    ws = await _workspace(client)
    for _ in range(5):
        await _job(ws, JobStatus.succeeded, JOBS_CUTOFF - timedelta(days=1))
    assert (await maintenance.run_step(app.state.redis, "jobs", now=NOW))["jobs"] == 2
    assert len(await _job_ids()) == 3


async def test_progress_events_past_retention_leave_the_streams(client: httpx.AsyncClient, app: Any) -> None:
    ws = await _workspace(client)
    redis = app.state.redis
    old_ms, new_ms = int((JOBS_CUTOFF - SECOND).timestamp() * 1000), int((JOBS_CUTOFF + SECOND).timestamp() * 1000)
    for n in range(3):
        await redis.xadd(stream_key(ws), {"data": b"{}"}, id=f"{old_ms}-{n}")
    await redis.xadd(stream_key(ws), {"data": b"{}"}, id=f"{new_ms}-0")
    gone_workspace = uuid.uuid4()  # a deleted workspace's stream: only old events
    await redis.xadd(stream_key(gone_workspace), {"data": b"{}"}, id=f"{old_ms}-0")

    report = await maintenance.run_step(redis, "jobs", now=NOW)

    assert report["stream_events"] == 4
    assert report["streams_deleted"] == 1
    assert [entry[0].decode() for entry in await redis.xrange(stream_key(ws))] == [f"{new_ms}-0"]
    assert not await redis.exists(stream_key(gone_workspace))
    again = await maintenance.run_step(redis, "jobs", now=NOW)
    assert again["stream_events"] == 0
    assert again["streams_deleted"] == 0


async def _events(ws: uuid.UUID, *moments: datetime) -> None:
    account = uuid.uuid4()
    await analytics.record_events(
        ws,
        [analytics.NewEvent(account, "sandbox", "item-1", None, "view", Decimal("2"), when) for when in moments],
    )


async def test_analytics_events_past_retention_go_and_the_rollups_stay(
    client: httpx.AsyncClient, app: Any, override_env: Any
) -> None:
    override_env(ANALYTICS_EVENTS_RETENTION_DAYS="400")
    ws = await _workspace(client)
    # Whole hours: the boundary is the start of the hour 400 days ago.
    boundary = (NOW - timedelta(days=400)).replace(minute=0, second=0)
    await _events(ws, boundary - timedelta(hours=2), boundary - SECOND, boundary, boundary + SECOND)
    rollups_before = await HourlyRollup.select(HourlyRollup.hour, HourlyRollup.views).order_by(HourlyRollup.hour)
    redis = app.state.redis

    report = await maintenance.run_step(redis, "analytics_events", now=NOW)

    assert report == {"events": 2}
    kept = await AnalyticsEvent.select(AnalyticsEvent.occurred_at).order_by(AnalyticsEvent.occurred_at)
    assert [row["occurred_at"] for row in kept] == [boundary, boundary + SECOND]
    # The dashboard's rollups are untouched, and a rebuild keeps the hours whose events went.
    assert await HourlyRollup.select(HourlyRollup.hour, HourlyRollup.views).order_by(HourlyRollup.hour) == (
        rollups_before
    )
    await analytics.rebuild(ws)
    assert await HourlyRollup.select(HourlyRollup.hour, HourlyRollup.views).order_by(HourlyRollup.hour) == (
        rollups_before
    )
    assert await maintenance.run_step(redis, "analytics_events", now=NOW) == {"events": 0}


async def test_an_analytics_run_deletes_at_most_its_limit(
    client: httpx.AsyncClient, app: Any, override_env: Any
) -> None:
    override_env(MAINTENANCE_ANALYTICS_EVENTS_PER_RUN="2")
    ws = await _workspace(client)
    await _events(ws, *[NOW - timedelta(days=500, hours=n) for n in range(5)])
    assert await maintenance.run_step(app.state.redis, "analytics_events", now=NOW) == {"events": 2}
    assert await AnalyticsEvent.count() == 3


async def test_an_analytics_run_never_splits_an_hour(client: httpx.AsyncClient, app: Any, override_env: Any) -> None:
    """A rebuild recomputes an hour from the events left in it: a run that stopped inside an hour would
    leave that hour's rollup to be rebuilt short."""
    override_env(MAINTENANCE_ANALYTICS_EVENTS_PER_RUN="3")
    ws = await _workspace(client)
    old_hour = (NOW - timedelta(days=500)).replace(minute=0, second=0)
    await _events(ws, old_hour - timedelta(hours=1), old_hour, old_hour + SECOND, old_hour + 2 * SECOND)
    rollups_before = await HourlyRollup.select(HourlyRollup.hour, HourlyRollup.views).order_by(HourlyRollup.hour)
    redis = app.state.redis
    assert await maintenance.run_step(redis, "analytics_events", now=NOW) == {"events": 1}  # not 3
    await analytics.rebuild(ws)
    assert await HourlyRollup.select(HourlyRollup.hour, HourlyRollup.views).order_by(HourlyRollup.hour) == (
        rollups_before
    )
    # The next run takes the whole hour; one hour of more events than the limit goes whole too.
    override_env(MAINTENANCE_ANALYTICS_EVENTS_PER_RUN="2")
    assert await maintenance.run_step(redis, "analytics_events", now=NOW) == {"events": 3}
    assert await AnalyticsEvent.count() == 0


async def _audit(ws: uuid.UUID | None, at: datetime) -> uuid.UUID:
    entry_id = uuid.uuid4()
    await AuditEntry.insert(AuditEntry(id=entry_id, workspace=ws, action="auth.sign_in", created_at=at))
    return entry_id


async def test_audit_rows_past_retention_go(client: httpx.AsyncClient, app: Any, override_env: Any) -> None:
    override_env(AUDIT_RETENTION_DAYS="90", MAINTENANCE_AUDIT_ROWS_PER_RUN="2")
    ws = await _workspace(client)
    cutoff = NOW - timedelta(days=90)
    await AuditEntry.delete(force=True)  # whatever registering wrote
    old = [await _audit(ws, cutoff - timedelta(seconds=n + 1)) for n in range(2)]
    old.append(await _audit(None, cutoff - SECOND))
    kept = {await _audit(ws, cutoff + SECOND), await _audit(None, NOW)}
    redis = app.state.redis

    assert await maintenance.run_step(redis, "audit", now=NOW) == {"rows": 2}  # bounded: 3 were due
    assert await maintenance.run_step(redis, "audit", now=NOW) == {"rows": 1}
    assert await maintenance.run_step(redis, "audit", now=NOW) == {"rows": 0}
    assert {row["id"] for row in await AuditEntry.select(AuditEntry.id)} == kept
    assert not set(old) & kept


async def test_database_tidy_and_the_daily_summary(client: httpx.AsyncClient, app: Any) -> None:
    redis = app.state.redis
    tidy = await maintenance.run_step(redis, "database", now=NOW)
    assert tidy["ran"] in {"analyze", "vacuum+analyze"}
    await maintenance.run_step(redis, "audit", now=NOW)
    summary = await maintenance.summary(redis)
    assert set(summary["steps"]) == {"database", "audit"}
    assert set(summary["missing"]) == {"jobs", "analytics_events", "media", "keys"}
    metrics = maintenance.LAST_RUN.labels(step="audit")._value.get()
    assert metrics >= NOW.timestamp() - 5


async def test_the_cron_wrappers_run_their_step_only_when_maintenance_is_on(
    client: httpx.AsyncClient, app: Any, override_env: Any
) -> None:
    ws = await _workspace(client)
    await _job(ws, JobStatus.succeeded, NOW - timedelta(days=31))
    ctx = {"redis": app.state.redis}
    override_env(MAINTENANCE_ENABLED="false")
    assert await tasks.maintenance_prune_jobs(ctx) is None
    assert len(await _job_ids()) == 1
    override_env(MAINTENANCE_ENABLED="true")
    report = await tasks.maintenance_prune_jobs(ctx)
    assert report is not None
    assert report["jobs"] == 1
    assert await _job_ids() == set()
    assert {cron.name for cron in tasks.CRON_JOBS} >= {f"cron:maintenance_{name}" for name in ("prune_jobs", "summary")}
