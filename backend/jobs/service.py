"""Jobs: records, dispatch to arq, cancel, retry, statistics.

Every read starts from `_jobs(workspace_id)`. Jobs are sent to arq only after
the row is committed (`enqueue`), so a worker never looks for a row that is not
there yet. arq carries only the job id.
"""

from __future__ import annotations

import contextlib
import uuid
from datetime import timedelta
from typing import Any

import msgspec
import structlog
from arq.connections import ArqRedis
from arq.jobs import Job as ArqJob
from piccolo.query import Select
from redis.asyncio import Redis

from backend import db
from backend.core.clock import utcnow
from backend.core.errors import Conflict, NotFound, PaymentRequired
from backend.core.pagination import fetch_page
from backend.core.redis import arq_queue_name
from backend.core.schemas import Page
from backend.jobs import capacity, events, items
from backend.jobs.items import ItemStatusFilter
from backend.jobs.schemas import JobItemOut, JobOut, JobStatistics, KindStatistics
from backend.jobs.tables import TERMINAL, Job, JobStatus
from backend.settings import get_settings

log = structlog.get_logger(__name__)

RUN_JOB_TASK = "run_job"
JOB_COLUMNS = (
    Job.id,
    Job.workspace,
    Job.kind,
    Job.status,
    Job.total,
    Job.done,
    Job.failed,
    Job.progress,
    Job.attempts,
    Job.max_attempts,
    Job.dispatches,
    Job.worker_id,
    Job.error,
    Job.result,
    Job.parent,
    Job.idempotency_key,
    Job.account,
    Job.created_at,
    Job.started_at,
    Job.finished_at,
    Job.payload,
)
TERMINAL_VALUES = [s.value for s in TERMINAL]
# The domains whose job kinds can name their items register how, here.
register_item_labels = items.register_labels


def _jobs(workspace_id: uuid.UUID) -> Select[Any]:
    return Job.select(*JOB_COLUMNS).where(Job.workspace == workspace_id).output(load_json=True)


def _payload_id(row: dict[str, Any], key: str) -> uuid.UUID | None:
    """An id a handler keeps in the job's payload (e.g. the account of a login test); None if absent or malformed."""
    payload = row.get("payload")
    value = payload.get(key) if isinstance(payload, dict) else None
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def job_out(row: dict[str, Any]) -> JobOut:
    """The job as the API shows it; the subject ids come from its row, else from what its payload names."""
    return JobOut(
        id=row["id"],
        workspace_id=row["workspace"],
        kind=row["kind"],
        status=row["status"],
        total=row["total"],
        done=row["done"],
        failed=row["failed"],
        progress=round(float(row["progress"]), 4),
        attempts=row["attempts"],
        max_attempts=row["max_attempts"],
        error=row["error"],
        result=row["result"],
        parent_id=row["parent"],
        idempotency_key=row["idempotency_key"],
        account_id=row["account"] or _payload_id(row, "account_id"),
        listing_id=_payload_id(row, "listing_id"),
        created_at=row["created_at"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
    )


def _loaded(row: dict[str, Any]) -> dict[str, Any]:
    """JSON columns come back as text from INSERT/UPDATE ... RETURNING."""
    for column in ("payload", "result"):
        if isinstance(row.get(column), str):
            row[column] = msgspec.json.decode(row[column])
    return row


async def update_job(job_id: uuid.UUID, changes: dict[Any, Any], condition: Any = None) -> dict[str, Any] | None:
    """Apply `changes` if `condition` holds; the updated row, or None when it did not.

    One statement, so atomic without an explicit transaction.
    """
    where = Job.id == job_id if condition is None else (Job.id == job_id) & condition
    rows = await Job.update(changes).where(where).returning(*JOB_COLUMNS)
    return _loaded(rows[0]) if rows else None


async def get_row(workspace_id: uuid.UUID, job_id: uuid.UUID) -> dict[str, Any]:
    row = await _jobs(workspace_id).where(Job.id == job_id).first()
    if row is None:
        raise NotFound("Job not found")
    return row


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
    status: JobStatus | None,
    parent_id: uuid.UUID | None,
    limit: int,
    offset: int,
) -> Page[JobOut]:
    filters = [
        condition
        for condition in (
            Job.kind == kind if kind else None,
            Job.status == status.value if status else None,
            Job.parent == parent_id if parent_id else None,
        )
        if condition is not None
    ]
    return await fetch_page(
        _jobs(workspace_id).order_by(Job.created_at, ascending=False),
        Job.count().where(Job.workspace == workspace_id),
        job_out,
        limit,
        offset,
        filters,
    )


# --- creating and dispatching -------------------------------------------------


async def create_job(
    workspace_id: uuid.UUID,
    kind: str,
    payload: dict[str, Any] | None = None,
    *,
    idempotency_key: str | None = None,
    max_attempts: int | None = None,
    parent_id: uuid.UUID | None = None,
    total: int = 0,
    created_by: uuid.UUID | None = None,
    account_id: uuid.UUID | None = None,
    within_plan: bool = False,
) -> tuple[dict[str, Any], bool]:
    """Insert a job row; with an idempotency key already used in the workspace, return that job instead.

    With `within_plan`, a new job must fit the plan's concurrent jobs (402
    otherwise); `enqueue` asks for it, so every kind started by a person
    counts. Returns (job row, created). Call `dispatch` for a created job once
    the surrounding transaction has committed (or use `enqueue`, which does both).
    """
    if idempotency_key is not None and (existing := await _by_key(workspace_id, idempotency_key)) is not None:
        return existing, False
    try:
        async with db.transaction() if within_plan else contextlib.nullcontext():
            if within_plan:
                await capacity.lock_workspace_jobs(workspace_id)
                # Looked up again under the lock: a racer with the same key is not refused for the slot it took.
                if idempotency_key is not None and (existing := await _by_key(workspace_id, idempotency_key)):
                    return existing, False
                await capacity.ensure_job_capacity(workspace_id)
            rows = await Job.insert(
                Job(
                    workspace=workspace_id,
                    kind=kind,
                    payload=payload or {},
                    idempotency_key=idempotency_key,
                    max_attempts=max_attempts or get_settings().jobs.default_max_attempts,
                    parent=parent_id,
                    total=total,
                    created_by=created_by,
                    account=account_id,
                )
            ).returning(*JOB_COLUMNS)
    except Exception as exc:
        if idempotency_key is not None and db.is_unique_violation(exc):
            # Lost a race with the same key: the winner's job is the answer.
            winner = await _by_key(workspace_id, idempotency_key)
            if winner is not None:
                return winner, False
        raise
    return _loaded(rows[0]), True


async def _by_key(workspace_id: uuid.UUID, key: str) -> dict[str, Any] | None:
    row: dict[str, Any] | None = await _jobs(workspace_id).where(Job.idempotency_key == key).first()
    return row


async def _send(redis: ArqRedis, job_id: uuid.UUID, dispatch_number: int, defer_seconds: float = 0) -> bool:
    """Enqueue the arq job `<id>:<dispatch number>`; arq ignores a repeat while that one exists."""
    sent = await redis.enqueue_job(
        RUN_JOB_TASK,
        str(job_id),
        _job_id=f"{job_id}:{dispatch_number}",
        _queue_name=arq_queue_name(),
        _defer_by=defer_seconds or None,
    )
    return sent is not None


async def resend(redis: ArqRedis, job_id: uuid.UUID, dispatch_number: int) -> bool:
    """Send a job's dispatch again (its arq job was lost); False when arq still holds it."""
    return await _send(redis, job_id, dispatch_number)


async def dispatch(redis: ArqRedis, job: dict[str, Any], defer_seconds: float = 0) -> None:
    """Hand a committed job to arq, as its next dispatch."""
    await Job.update({Job.dispatches: Job.dispatches + 1, Job.dispatched_at: utcnow()}).where(Job.id == job["id"])
    await _send(redis, job["id"], job["dispatches"] + 1, defer_seconds)


async def enqueue(
    redis: ArqRedis,
    workspace_id: uuid.UUID,
    kind: str,
    payload: dict[str, Any] | None = None,
    **options: Any,
) -> JobOut:
    """Create a job and send it to the workers; the same idempotency key returns the same job.

    A new job must fit the plan's concurrent jobs (402 naming the limit otherwise).
    Must not be called inside an open transaction: the job is sent right away.
    """
    row, created = await create_job(workspace_id, kind, payload, within_plan=True, **options)
    if created:
        await events.publish(redis, workspace_id, events.event_from_job("job.created", row))
        await dispatch(redis, row)
    return job_out(row)


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
        job_id,
        {Job.status: JobStatus.cancelled.value, Job.finished_at: utcnow(), Job.error: "Cancelled by user"},
        (Job.workspace == workspace_id) & Job.status.not_in(TERMINAL_VALUES),
    )
    if row is None:
        return
    await events.publish(redis, workspace_id, events.event_from_job("job.cancelled", row))
    await _abort_arq_job(redis, f"{job_id}:{row['dispatches']}")
    children = await Job.select(Job.id).where(
        (Job.parent == job_id) & (Job.workspace == workspace_id) & Job.status.not_in(TERMINAL_VALUES)
    )
    for child in children:
        await _cancel_tree(redis, workspace_id, child["id"])
    if row["parent"] is not None:
        from backend.jobs.runner import roll_up_parent

        await roll_up_parent(redis, workspace_id, row["parent"])


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
            job_id,
            {Job.status: JobStatus.pending.value, Job.attempts: 0, Job.error: None, Job.finished_at: None},
            (Job.workspace == workspace_id) & (Job.status == JobStatus.failed.value),
        )
    if updated is None:
        raise Conflict("Job changed meanwhile; reload it")
    row = updated
    await events.publish(redis, workspace_id, events.event_from_job("job.created", row, {"retry": True}))
    await dispatch(redis, row)
    return job_out(row)


async def retry_failed(redis: ArqRedis, workspace_id: uuid.UUID, kind: str) -> list[uuid.UUID]:
    """Retry every failed job of `kind` in the workspace."""
    failed = await Job.select(Job.id).where(
        (Job.workspace == workspace_id) & (Job.kind == kind) & (Job.status == JobStatus.failed.value)
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
    rows = (
        await Job.update({Job.status: JobStatus.paused.value, Job.error: reason})
        .where(
            (Job.workspace == workspace_id)
            & (Job.account == account_id)
            & Job.status.is_in([JobStatus.pending.value, JobStatus.retrying.value])
        )
        .returning(*JOB_COLUMNS)
    )
    for row in rows:
        await events.publish(redis, workspace_id, events.event_from_job("job.paused", _loaded(row), {"reason": reason}))
    return len(rows)


async def resume_account_jobs(redis: ArqRedis, workspace_id: uuid.UUID, account_id: uuid.UUID) -> int:
    """Send the paused work of a platform account to the workers again."""
    rows = (
        await Job.update({Job.status: JobStatus.pending.value, Job.error: None})
        .where((Job.workspace == workspace_id) & (Job.account == account_id) & (Job.status == JobStatus.paused.value))
        .returning(*JOB_COLUMNS)
    )
    for row in rows:
        row = _loaded(row)
        await events.publish(redis, workspace_id, events.event_from_job("job.resumed", row))
        await dispatch(redis, row)
    return len(rows)


async def redispatch_stalled(redis: ArqRedis, older_than_seconds: float = 60) -> int:
    """Send pending jobs again whose dispatch may have been lost (the API died between commit and send).

    Uses the job's current arq id, so a dispatch that did reach arq is not duplicated.
    """
    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    rows = await Job.select(Job.id, Job.dispatches).where(
        (Job.status == JobStatus.pending.value) & (Job.created_at < cutoff)
    )
    sent = 0
    for row in rows:
        sent += await _send(redis, row["id"], max(row["dispatches"], 1))
    return sent


# --- statistics -----------------------------------------------------------------


def _duration_sql() -> str:
    if db.is_postgres():
        return "EXTRACT(EPOCH FROM (finished_at - started_at))"
    return "(julianday(finished_at) - julianday(started_at)) * 86400.0"


async def statistics(workspace_id: uuid.UUID) -> JobStatistics:
    rows = await Job.raw(
        f"SELECT kind, status, COUNT(*) AS n, "  # noqa: S608 - only our own SQL fragments are interpolated
        f"AVG(CASE WHEN finished_at IS NOT NULL AND started_at IS NOT NULL THEN {_duration_sql()} END) AS mean, "
        "SUM(CASE WHEN finished_at IS NOT NULL AND started_at IS NOT NULL THEN 1 ELSE 0 END) AS timed "
        "FROM jobs WHERE workspace = {} GROUP BY kind, status",
        workspace_id,
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
    rows: list[dict[str, Any]] = await Job.raw("SELECT kind, status, COUNT(*) AS n FROM jobs GROUP BY kind, status")
    return rows


async def queue_depth(redis: Redis) -> int:
    return int(await redis.zcard(arq_queue_name()))
