"""The engine seen across every workspace, for the superuser console: jobs by kind, status and workspace,
failures grouped by their reason, the queue and the workers' heartbeats.

Each query here is about the whole deployment, not one workspace's work, hence
`across_workspaces` (a retry still goes through the job's own workspace).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from piccolo.query.functions.aggregate import Count
from redis.asyncio import Redis

from backend.core.convert import to_schema
from backend.core.pagination import fetch_page
from backend.core.redis import arq_queue_name
from backend.core.schemas import Page
from backend.core.scoped import across_workspaces, scoped
from backend.jobs import heartbeat
from backend.jobs.schemas import (
    JobFailureGroupOut,
    JobOut,
    JobQueueOut,
    JobStatusName,
    PendingKindOut,
    WorkerHeartbeatOut,
)
from backend.jobs.store import JOB_COLUMNS, job_out
from backend.jobs.tables import Job, JobStatus

REASON_CHARS = 80
MAX_GROUPS = 200
# The start of a failed job's error: jobs that failed for the same reason share it.
_REASON = f"SUBSTR(COALESCE(error, ''), 1, {REASON_CHARS})"


async def list_all_jobs(
    *, kind: str | None, status: JobStatusName | None, workspace_id: uuid.UUID | None, limit: int, offset: int
) -> Page[JobOut]:
    """Jobs of every workspace (or of one), newest first."""
    where: list[Any] = []
    if kind:
        where.append(Job.kind == kind)
    if status:
        where.append(Job.status == status)
    if workspace_id is not None:
        jobs = scoped(Job, workspace_id)
        query, count = jobs.select(*JOB_COLUMNS), jobs.count()
    else:
        # The console's list of every workspace's jobs.
        query, count = across_workspaces(Job).select(*JOB_COLUMNS), across_workspaces(Job).count()
    return await fetch_page(
        query.output(load_json=True).order_by(Job.created_at, ascending=False), count, job_out, limit, offset, where
    )


async def job_workspace(job_id: uuid.UUID) -> uuid.UUID | None:
    """Which workspace a job is in (the console names a job by its id alone)."""
    row = await across_workspaces(Job).select(Job.workspace).where(Job.id == job_id).first()
    return uuid.UUID(str(row["workspace"])) if row else None


async def failure_groups(kind: str | None) -> list[JobFailureGroupOut]:
    """Failed jobs counted by kind and the start of their error, most frequent first."""
    sql = (
        f"SELECT kind, {_REASON} AS reason, COUNT(*) AS n, MAX(finished_at) AS last_failed_at "  # noqa: S608 - our own SQL
        "FROM jobs WHERE status = {}"
    )
    args: list[Any] = [JobStatus.failed.value]
    if kind:
        sql += " AND kind = {}"
        args.append(kind)
    sql += f" GROUP BY kind, {_REASON} ORDER BY n DESC, kind LIMIT {MAX_GROUPS}"
    # Failures over every workspace: which kinds break, and why.
    rows = await across_workspaces(Job).raw(sql, *args)
    return [
        to_schema(row, JobFailureGroupOut, count=int(row["n"]), last_failed_at=_when(row["last_failed_at"]))
        for row in rows
    ]


def _when(value: Any) -> datetime | None:
    """MAX() of a timestamp: a datetime on PostgreSQL, text on SQLite."""
    if value is None:
        return None
    when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when


async def queue(redis: Redis) -> JobQueueOut:
    """arq's queue length, the jobs waiting by kind, and each worker's last heartbeat."""
    waiting = [JobStatus.pending.value, JobStatus.retrying.value]
    # Waiting work over every workspace, by kind: where the queue's depth comes from.
    pending = (
        await across_workspaces(Job)
        .select(Job.kind, Count(alias="n"))
        .where(Job.status.is_in(waiting))
        .group_by(Job.kind)
        .order_by(Job.kind)
    )
    # Which worker runs how many jobs now, over every workspace.
    running = (
        await across_workspaces(Job)
        .select(Job.worker_id, Count(alias="n"))
        .where((Job.status == JobStatus.running.value) & Job.worker_id.is_not_null())
        .group_by(Job.worker_id)
    )
    per_worker = {row["worker_id"]: int(row["n"]) for row in running}
    return JobQueueOut(
        queue_depth=int(await redis.zcard(arq_queue_name())),
        pending_by_kind=[PendingKindOut(kind=row["kind"], pending=int(row["n"])) for row in pending],
        workers=[
            WorkerHeartbeatOut(
                worker_id=worker_id,
                last_beat_at=datetime.fromtimestamp(beat, UTC),
                alive=alive,
                running_jobs=per_worker.get(worker_id, 0),
            )
            for worker_id, beat, alive in await heartbeat.heartbeats(redis)
        ],
    )
