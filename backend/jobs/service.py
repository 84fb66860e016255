"""Jobs: records, dispatch to arq, cancel, retry, statistics.

Every query is scoped to the workspace (`backend.core.scoped`), except the sweeps
and metrics that span all workspaces. Jobs are sent to arq only after
the row is committed (`enqueue`), so a worker never looks for a row that is not
there yet. arq carries only the job id.
"""

from __future__ import annotations

import contextlib
import uuid
from datetime import datetime, timedelta
from typing import Any

import structlog
from arq.connections import ArqRedis
from arq.jobs import Job as ArqJob
from piccolo.columns.combination import WhereRaw
from redis.asyncio import Redis

from backend import db
from backend.core.clock import utcnow
from backend.core.errors import Conflict, PaymentRequired
from backend.core.pagination import fetch_page
from backend.core.redis import arq_queue_name
from backend.core.schemas import Page
from backend.core.scoped import across_workspaces, scoped
from backend.jobs import capacity, events, fanout, heartbeat, items, store
from backend.jobs.errors import user_error
from backend.jobs.items import ItemStatusFilter
from backend.jobs.limiter import Limit, LimiterTimeout, slot
from backend.jobs.overview import failure_groups, job_workspace, list_all_jobs, queue
from backend.jobs.runner import (
    WAIT_FOR_CHILDREN,
    Handler,
    JobDeferred,
    JobFailed,
    JobPaused,
    JobRun,
    RetryableJobError,
)
from backend.jobs.schemas import JobItemOut, JobOut, JobStatistics, JobStatusName, KindStatistics
from backend.jobs.store import (
    JOB_COLUMNS,
    TERMINAL_VALUES,
    create_job,
    dispatch,
    get_row,
    job_out,
    loaded,
    send,
    update_job,
)
from backend.jobs.tables import Job, JobStatus

log = structlog.get_logger(__name__)

# The door for other domains' job handlers: what a handler receives and may raise,
# and the shared limiter (they import these from here, never from the engine's modules).
__all__ = [
    "WAIT_FOR_CHILDREN",
    "Handler",
    "JobDeferred",
    "JobFailed",
    "JobPaused",
    "JobRun",
    "Limit",
    "LimiterTimeout",
    "RetryableJobError",
    "failure_groups",
    "job_workspace",
    "list_all_jobs",
    "queue",
    "slot",
    "user_error",
]

# The domains whose job kinds can name their items register how, here.
register_item_labels = items.register_labels


async def get_job(workspace_id: uuid.UUID, job_id: uuid.UUID) -> JobOut:
    return job_out(await get_row(workspace_id, job_id))


async def list_items(
    workspace_id: uuid.UUID, job_id: uuid.UUID, status: ItemStatusFilter | None, limit: int, offset: int
) -> Page[JobItemOut]:
    """A job's items, failures first (another workspace's job is not found)."""
    return await items.page_of_items(await get_row(workspace_id, job_id), status, limit, offset)


async def list_jobs(
    workspace_id: uuid.UUID,
    *,
    kind: str | None,
    status: JobStatusName | None,
    parent_id: uuid.UUID | None,
    limit: int,
    offset: int,
) -> Page[JobOut]:
    filters = [
        condition
        for condition in (
            Job.kind == kind if kind else None,
            Job.status == status if status else None,
            Job.parent == parent_id if parent_id else None,
        )
        if condition is not None
    ]
    return await fetch_page(
        store.jobs_of(workspace_id).order_by(Job.created_at, ascending=False),
        scoped(Job, workspace_id).count(),
        job_out,
        limit,
        offset,
        filters,
    )


async def enqueue(
    redis: ArqRedis,
    workspace_id: uuid.UUID,
    kind: str,
    payload: dict[str, Any] | None = None,
    *,
    within_plan: bool = True,
    **options: Any,
) -> JobOut:
    """Create a job and send it to the workers; the same idempotency key returns the same job.

    A new job must fit the plan's concurrent jobs (402 naming the limit otherwise);
    `within_plan=False` is for work the system starts on a schedule a person set up
    (automation rule runs: the plan limits their rules instead), which must not be lost to a 402.
    Must not be called inside an open transaction: the job is sent right away.
    """
    row, created = await create_job(workspace_id, kind, payload, within_plan=within_plan, dispatched=True, **options)
    if created:
        # Inserted as dispatch 1: the event and arq's job go in one round trip, no second UPDATE.
        await send(redis, row, 1, announce=[events.event_from_job("job.created", row)])
    return job_out(row)


async def enqueue_batch(
    redis: ArqRedis,
    workspace_id: uuid.UUID,
    kind: str,
    specs: list[tuple[dict[str, Any], str, uuid.UUID | None]],
) -> int:
    """Create and send many jobs of one workspace at once, each (payload, idempotency key, account).

    For work the system starts on a schedule (automation rule runs): a few statements
    for the whole batch instead of several per job, no plan check (see `enqueue`).
    A key already used makes no second job. Returns how many jobs were created.
    """
    created: list[dict[str, Any]] = []
    for start in range(0, len(specs), 500):
        created.extend(await store.create_jobs_batch(workspace_id, kind, specs[start : start + 500]))
    if created:
        await events.publish(redis, workspace_id, *(events.event_from_job("job.created", row) for row in created))
        await store.dispatch_batch(redis, workspace_id, [row["id"] for row in created])
    return len(created)


def _json_field(column: str, key: str) -> str:
    if not key.replace("_", "").isalnum():
        raise ValueError(f"not a JSON key: {key!r}")
    if db.is_postgres():
        return f"({column} ->> '{key}')"
    return f"json_extract({column}, '$.{key}')"


async def list_jobs_matching(
    workspace_id: uuid.UUID,
    kind: str,
    *,
    key_prefix: str | None = None,
    account_id: uuid.UUID | None = None,
    statuses: list[str] | None = None,
    payload_equals: dict[str, str] | None = None,
    result_equals: dict[str, str] | None = None,
    limit: int,
    offset: int,
) -> Page[JobOut]:
    """Jobs of one kind, newest first, filtered by idempotency-key prefix, account, status and JSON fields
    of their payload or result (for domains that keep their subject there, e.g. an automation rule's runs)."""
    filters: list[Any] = [Job.kind == kind]
    if key_prefix is not None:
        if "%" in key_prefix or "_" in key_prefix:
            raise ValueError("a key prefix may not hold LIKE wildcards")
        filters.append(Job.idempotency_key.like(key_prefix + "%"))
    if account_id is not None:
        filters.append(Job.account == account_id)
    if statuses:
        filters.append(Job.status.is_in(statuses))
    for column, wanted in (("payload", payload_equals or {}), ("result", result_equals or {})):
        for key, value in wanted.items():
            filters.append(WhereRaw(f"{_json_field(column, key)} = {{}}", value))
    return await fetch_page(
        store.jobs_of(workspace_id).order_by(Job.created_at, ascending=False),
        scoped(Job, workspace_id).count(),
        job_out,
        limit,
        offset,
        filters,
    )


# --- cancel and retry ---------------------------------------------------------


async def cancel_job(redis: ArqRedis, workspace_id: uuid.UUID, job_id: uuid.UUID) -> JobOut:
    """Stop a job: it is marked cancelled at once, its arq job is aborted, and it is never retried.

    A running task notices between items. Child jobs are cancelled with it.
    """
    row = await get_row(workspace_id, job_id)
    if row["status"] in TERMINAL_VALUES:
        raise Conflict(f"Job already {row['status']}; only unfinished jobs can be cancelled")
    await _cancel_tree(redis, workspace_id, job_id)
    return await get_job(workspace_id, job_id)


async def _cancel_tree(redis: ArqRedis, workspace_id: uuid.UUID, job_id: uuid.UUID) -> None:
    row = await update_job(
        workspace_id,
        job_id,
        {Job.status: JobStatus.cancelled.value, Job.finished_at: utcnow(), Job.error: "Cancelled by user"},
        Job.status.not_in(TERMINAL_VALUES),
    )
    if row is None:
        return
    await events.publish(redis, workspace_id, events.event_from_job("job.cancelled", row))
    await _abort_arq_job(redis, f"{job_id}:{row['dispatches']}")
    children = (
        await scoped(Job, workspace_id)
        .select(Job.id)
        .where((Job.parent == job_id) & Job.status.not_in(TERMINAL_VALUES))
    )
    for child in children:
        await _cancel_tree(redis, workspace_id, child["id"])
    if row["parent"] is not None:
        await fanout.roll_up_parent(redis, workspace_id, row["parent"])


async def _abort_arq_job(redis: ArqRedis, arq_job_id: str) -> None:
    # The abort is recorded at once; we do not wait for the worker to confirm it.
    with contextlib.suppress(TimeoutError):
        await ArqJob(arq_job_id, redis, _queue_name=arq_queue_name()).abort(timeout=0.01, poll_delay=0.01)


async def retry_job(redis: ArqRedis, workspace_id: uuid.UUID, job_id: uuid.UUID) -> JobOut:
    """Run a failed job again with a fresh attempt budget; items it already produced are kept."""
    row = await get_row(workspace_id, job_id)
    if row["status"] != JobStatus.failed.value:
        raise Conflict(f"Job is {row['status']}; only failed jobs can be retried")
    async with db.transaction():
        # A retried job is unfinished again: it takes one of the plan's concurrent jobs.
        await capacity.lock_workspace_jobs(workspace_id)
        await capacity.ensure_job_capacity(workspace_id)
        updated = await update_job(
            workspace_id,
            job_id,
            {Job.status: JobStatus.pending.value, Job.attempts: 0, Job.error: None, Job.finished_at: None},
            Job.status == JobStatus.failed.value,
        )
    if updated is None:
        raise Conflict("Job changed meanwhile; reload it")
    row = updated
    await dispatch(redis, row, announce=[events.event_from_job("job.created", row, {"retry": True})])
    return job_out(row)


async def retry_failed(redis: ArqRedis, workspace_id: uuid.UUID, kind: str) -> list[uuid.UUID]:
    """Retry every failed job of `kind` in the workspace."""
    failed = (
        await scoped(Job, workspace_id)
        .select(Job.id)
        .where((Job.kind == kind) & (Job.status == JobStatus.failed.value))
    )
    retried = []
    for row in failed:
        try:
            await retry_job(redis, workspace_id, row["id"])
        except Conflict:
            continue  # retried or changed by someone else meanwhile
        except PaymentRequired:
            break  # the plan's concurrent jobs are taken: the rest stay failed, to retry later
        retried.append(row["id"])
    return retried


async def pause_account_jobs(redis: ArqRedis, workspace_id: uuid.UUID, account_id: uuid.UUID, reason: str) -> int:
    """Pause the queued work of a platform account that needs a person; running jobs pause themselves."""
    return await _pause_where(redis, workspace_id, Job.account == account_id, reason)


async def resume_account_jobs(redis: ArqRedis, workspace_id: uuid.UUID, account_id: uuid.UUID) -> int:
    """Send the paused work of a platform account to the workers again."""
    return await _resume_where(redis, workspace_id, Job.account == account_id)


async def pause_jobs(redis: ArqRedis, workspace_id: uuid.UUID, job_ids: list[uuid.UUID], reason: str) -> int:
    """Hold these jobs while they wait (pending or retrying) until `resume_jobs`; running ones pause themselves.

    A held job's arq job may still fire: it finds the job paused and does nothing.
    """
    return await _pause_where(redis, workspace_id, Job.id.is_in(job_ids), reason) if job_ids else 0


async def resume_jobs(redis: ArqRedis, workspace_id: uuid.UUID, job_ids: list[uuid.UUID]) -> int:
    """Send these paused jobs to the workers again (as a new dispatch)."""
    return await _resume_where(redis, workspace_id, Job.id.is_in(job_ids)) if job_ids else 0


async def reschedule(redis: ArqRedis, workspace_id: uuid.UUID, job_id: uuid.UUID, run_at: datetime) -> bool:
    """Run a waiting job (pending or retrying) at `run_at` instead of when it was due.

    Sent as its next dispatch with the new delay, so the arq job already queued for it is
    stale and ignored when it fires. False when the job is not waiting (running, paused, finished).
    """
    changes = {Job.dispatches: Job.dispatches + 1, Job.dispatched_at: utcnow()}
    waiting = Job.status.is_in([JobStatus.pending.value, JobStatus.retrying.value])
    row = await update_job(workspace_id, job_id, changes, waiting)
    if row is None:
        return False
    delay = max(0.0, (run_at - utcnow()).total_seconds())
    await send(redis, row, row["dispatches"], delay)
    return True


async def _pause_where(redis: ArqRedis, workspace_id: uuid.UUID, condition: Any, reason: str) -> int:
    rows = (
        await scoped(Job, workspace_id)
        .update({Job.status: JobStatus.paused.value, Job.error: reason})
        .where(condition & Job.status.is_in([JobStatus.pending.value, JobStatus.retrying.value]))
        .returning(*JOB_COLUMNS)
    )
    for row in rows:
        await events.publish(redis, workspace_id, events.event_from_job("job.paused", loaded(row), {"reason": reason}))
    return len(rows)


async def _resume_where(redis: ArqRedis, workspace_id: uuid.UUID, condition: Any) -> int:
    rows = (
        await scoped(Job, workspace_id)
        .update({Job.status: JobStatus.pending.value, Job.error: None})
        .where(condition & (Job.status == JobStatus.paused.value))
        .returning(*JOB_COLUMNS)
    )
    for row in rows:
        row = loaded(row)
        await dispatch(redis, row, announce=[events.event_from_job("job.resumed", row)])
    return len(rows)


async def redispatch_stalled(redis: ArqRedis, older_than_seconds: float = 60) -> int:
    """Send pending jobs again whose dispatch may have been lost (the API died between commit and send).

    Uses the job's current arq id, so a dispatch that did reach arq is not duplicated.
    """
    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    # A sweep for the engine: stalled jobs of every workspace.
    rows = (
        await across_workspaces(Job)
        .select(Job.id, Job.workspace, Job.dispatches)
        .where((Job.status == JobStatus.pending.value) & (Job.created_at < cutoff))
    )
    sent = 0
    for row in rows:
        sent += await send(redis, row, max(row["dispatches"], 1))
    return sent


# --- statistics -----------------------------------------------------------------


def _duration_sql() -> str:
    if db.is_postgres():
        return "EXTRACT(EPOCH FROM (finished_at - started_at))"
    return "(julianday(finished_at) - julianday(started_at)) * 86400.0"


async def statistics(workspace_id: uuid.UUID) -> JobStatistics:
    rows = await scoped(Job, workspace_id).raw(
        f"SELECT kind, status, COUNT(*) AS n, "  # noqa: S608 - only our own SQL fragments are interpolated
        f"AVG(CASE WHEN finished_at IS NOT NULL AND started_at IS NOT NULL THEN {_duration_sql()} END) AS mean, "
        "SUM(CASE WHEN finished_at IS NOT NULL AND started_at IS NOT NULL THEN 1 ELSE 0 END) AS timed "
        "FROM jobs WHERE workspace = {workspace} GROUP BY kind, status"
    )
    counts: dict[str, int] = {s.value: 0 for s in JobStatus}
    kinds: dict[str, dict[str, Any]] = {}
    total_time = 0.0
    total_timed = 0
    for row in rows:
        n = int(row["n"])
        counts[row["status"]] += n
        entry = kinds.setdefault(row["kind"], {"counts": {s.value: 0 for s in JobStatus}, "time": 0.0, "timed": 0})
        entry["counts"][row["status"]] += n
        if row["mean"] is not None and row["timed"]:
            entry["time"] += float(row["mean"]) * int(row["timed"])
            entry["timed"] += int(row["timed"])
            total_time += float(row["mean"]) * int(row["timed"])
            total_timed += int(row["timed"])

    def rate(c: dict[str, int]) -> float | None:
        finished = c["succeeded"] + c["failed"]
        return round(c["succeeded"] / finished, 4) if finished else None

    return JobStatistics(
        counts=counts,
        total=sum(counts.values()),
        mean_duration_seconds=round(total_time / total_timed, 3) if total_timed else None,
        success_rate=rate(counts),
        by_kind=[
            KindStatistics(
                kind=kind,
                counts=entry["counts"],
                mean_duration_seconds=round(entry["time"] / entry["timed"], 3) if entry["timed"] else None,
                success_rate=rate(entry["counts"]),
            )
            for kind, entry in sorted(kinds.items())
        ],
    )


async def counts_by_kind_and_status() -> list[dict[str, Any]]:
    """Across all workspaces, for the metrics endpoint."""
    sql = "SELECT kind, status, COUNT(*) AS n FROM jobs GROUP BY kind, status"
    # The operator's view of the whole engine: no single workspace's.
    rows: list[dict[str, Any]] = await across_workspaces(Job).raw(sql)
    return rows


async def queue_depth(redis: Redis) -> int:
    return int(await redis.zcard(arq_queue_name()))


async def count_live_workers(redis: Redis) -> int:
    """Worker processes alive now (a recent heartbeat): with none, no job would run."""
    return await heartbeat.count_live_workers(redis)
