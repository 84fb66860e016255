"""Job rows and their dispatch to arq: what the service and the runner both build on.

arq carries only the job id; `dispatch` sends a committed job as its next
dispatch (`<id>:<n>`), so a repeat of the same dispatch is ignored by arq.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import msgspec
from arq.connections import ArqRedis
from arq.constants import job_key_prefix, result_key_prefix
from arq.jobs import serialize_job
from arq.utils import timestamp_ms
from piccolo.columns import Column
from piccolo.query import Select
from piccolo.query.functions import Coalesce
from piccolo.utils.sql_values import convert_to_sql_value
from redis.asyncio.client import Pipeline

from backend import db
from backend.core.clock import utcnow
from backend.core.convert import to_schema
from backend.core.redis import arq_queue_name
from backend.core.scoped import Prepared, Scoped, prepared, scoped
from backend.jobs import capacity, context, events
from backend.jobs.schemas import JobEvent, JobOut
from backend.jobs.tables import TERMINAL, Job, JobStatus
from backend.settings import get_settings

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


def jobs_of(workspace_id: uuid.UUID) -> Select[Any]:
    return scoped(Job, workspace_id).select(*JOB_COLUMNS).output(load_json=True)


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
    return to_schema(
        row,
        JobOut,
        workspace_id=row["workspace"],
        parent_id=row["parent"],
        progress=round(float(row["progress"]), 4),
        account_id=row["account"] or _payload_id(row, "account_id"),
        listing_id=_payload_id(row, "listing_id"),
    )


def loaded(row: dict[str, Any]) -> dict[str, Any]:
    """JSON columns come back as text from INSERT/UPDATE ... RETURNING."""
    for column in ("payload", "result"):
        if isinstance(row.get(column), str):
            row[column] = msgspec.json.decode(row[column])
    return row


async def update_job(
    workspace_id: uuid.UUID, job_id: uuid.UUID, changes: dict[Any, Any], condition: Any = None
) -> dict[str, Any] | None:
    """Apply `changes` if `condition` holds; the updated row, or None when it did not.

    One statement, so atomic without an explicit transaction.
    """
    query = scoped(Job, workspace_id).update(changes).where(Job.id == job_id)
    if condition is not None:
        query = query.where(condition)
    rows = await query.returning(*JOB_COLUMNS)
    return loaded(rows[0]) if rows else None


# The worker's two statements of every job, prepared once per shape: Piccolo spends more CPU
# building an UPDATE's SQL than PostgreSQL spends running it.
NOT_RUNNABLE = [*TERMINAL_VALUES, JobStatus.paused.value]
_starts: dict[tuple[tuple[str, ...], bool], Prepared[Job]] = {}
_finishes: dict[JobStatus, Prepared[Job]] = {}


def _start_query(kinds: tuple[str, ...], redispatch: bool) -> Prepared[Job]:
    def build(jobs: Scoped[Job], job_id: Any, now: Any, worker_id: Any, dispatch: Any = None) -> Any:
        changes: dict[Any, Any] = {
            Job.status: JobStatus.running.value,
            Job.attempts: Job.attempts + 1,
            Job.started_at: Coalesce(Job.started_at, now),
            Job.worker_id: worker_id,
        }
        condition = (Job.id == job_id) & Job.status.not_in(NOT_RUNNABLE) & Job.kind.is_in(list(kinds))
        if redispatch:
            # A sweeper's re-send of a job never dispatched (`<id>:1` for 0) makes it this dispatch.
            changes[Job.dispatches] = dispatch
            condition &= Job.dispatches <= dispatch
        return jobs.update(changes).where(condition).returning(*JOB_COLUMNS)

    if (query := _starts.get((kinds, redispatch))) is None:
        query = _starts[(kinds, redispatch)] = prepared(Job, build, arity=4 if redispatch else 3)
    return query


async def mark_running(
    workspace_id: uuid.UUID, job_id: uuid.UUID, kinds: Sequence[str], worker_id: str | None, dispatch: int | None
) -> dict[str, Any] | None:
    """Mark the job running (as dispatch `dispatch`) and read it in one statement; None when it may not run:
    finished, cancelled, paused, of a kind not in `kinds`, or asked by an older dispatch than the job's."""
    query = _start_query(tuple(kinds), dispatch is not None)
    values = (job_id, utcnow(), worker_id) if dispatch is None else (job_id, utcnow(), worker_id, dispatch)
    row = await query.first(workspace_id, *values)
    return loaded(row) if row else None


def _finish_query(status: JobStatus) -> Prepared[Job]:
    def build(jobs: Scoped[Job], job_id: Any, dispatch: Any, now: Any, error: Any, result: Any = None) -> Any:
        changes: dict[Any, Any] = {Job.status: status.value, Job.finished_at: now, Job.error: error}
        if status is JobStatus.succeeded:
            changes[Job.progress] = 1.0
            changes[Job.result] = result
        condition = (Job.id == job_id) & Job.status.not_in(TERMINAL_VALUES) & (Job.dispatches == dispatch)
        return jobs.update(changes).where(condition).returning(*JOB_COLUMNS)

    if (query := _finishes.get(status)) is None:
        query = _finishes[status] = prepared(Job, build, arity=5 if status is JobStatus.succeeded else 4)
    return query


async def mark_finished(
    row: dict[str, Any], status: JobStatus, error: str | None, result: Any = None
) -> dict[str, Any] | None:
    """Move a running job to a final status unless it was finished, cancelled or given to another dispatch."""
    values: list[Any] = [row["id"], row["dispatches"], utcnow(), error]
    if status is JobStatus.succeeded:
        values.append(convert_to_sql_value(result, Job.result))  # as Piccolo stores JSON
    found = await _finish_query(status).first(row["workspace"], *values)
    return loaded(found) if found else None


async def lock_job(workspace_id: uuid.UUID, job_id: uuid.UUID) -> None:
    """Hold the job's row until the transaction ends (SQLite's write lock already serialises)."""
    if db.is_postgres():
        sql = "SELECT id FROM jobs WHERE workspace = {workspace} AND id = {} FOR UPDATE"
        await scoped(Job, workspace_id).raw(sql, job_id)


async def get_row(workspace_id: uuid.UUID, job_id: uuid.UUID) -> dict[str, Any]:
    """The workspace's job, or NotFound (also for another workspace's job)."""
    return await scoped(Job, workspace_id).get(job_id, *JOB_COLUMNS, missing="Job not found", load_json=True)


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
    dispatched: bool = False,
) -> tuple[dict[str, Any], bool]:
    """Insert a job row; with an idempotency key already used in the workspace, return that job instead.

    With `within_plan`, a new job must fit the plan's concurrent jobs (402
    otherwise); `enqueue` asks for it, so every kind started by a person
    counts. Returns (job row, created). Call `dispatch` for a created job once
    the surrounding transaction has committed (or use `enqueue`, which does both).
    With `dispatched`, the row is inserted as its first dispatch already (the
    caller `send`s `<id>:1` right after the commit; if it dies first, the
    stalled-jobs sweeper sends that same dispatch).
    """
    if idempotency_key is not None and (existing := await _by_key(workspace_id, idempotency_key)) is not None:
        return existing, False
    now = utcnow()
    values: dict[str, Any] = {
        "id": uuid.uuid4(),
        "workspace": workspace_id,
        "kind": kind,
        "status": JobStatus.pending.value,
        # The request creating it (if any) travels with it, for the worker's log lines.
        "payload": _json_text(context.with_origin(payload)),
        "total": total,
        "max_attempts": max_attempts or get_settings().jobs.default_max_attempts,
        "dispatches": 1 if dispatched else 0,
        "dispatched_at": now if dispatched else None,
        "parent": parent_id,
        "idempotency_key": idempotency_key,
        "account": account_id,
        "created_by": created_by,
        "created_at": now,
    }
    try:
        if not within_plan:
            rows = await Job.insert(Job(**values)).returning(*JOB_COLUMNS)
            return loaded(rows[0]), True
        # PostgreSQL: the plan's limit, the lock, the count and the insert in one statement.
        rows = await _insert_if_room(values, now) if db.is_postgres() else []
        if not rows:
            # No room (or SQLite): checked again under the lock, step by step, for a 402 naming the limit.
            async with db.transaction():
                await capacity.lock_workspace_jobs(workspace_id)
                # Looked up again under the lock: a racer with the same key is not refused for the slot it took.
                if idempotency_key is not None and (existing := await _by_key(workspace_id, idempotency_key)):
                    return existing, False
                await capacity.ensure_job_capacity(workspace_id)
                rows = await Job.insert(Job(**values)).returning(*JOB_COLUMNS)
    except Exception as exc:
        if idempotency_key is not None and db.is_unique_violation(exc):
            # Lost a race with the same key: the winner's job is the answer.
            winner = await _by_key(workspace_id, idempotency_key)
            if winner is not None:
                return winner, False
        raise
    return loaded(rows[0]), True


def _json_text(value: Any) -> str:
    """A JSON column's value as Piccolo stores it."""
    text: str = convert_to_sql_value(value, Job.payload)
    return text


def _names(columns: Sequence[Column]) -> str:
    return ", ".join(f'"{column._meta.db_column_name}"' for column in columns)


_insert_if_room_queries: dict[tuple[str, ...], Prepared[Job]] = {}


async def _insert_if_room(values: dict[str, Any], now: datetime) -> list[dict[str, Any]]:
    """Insert the job of `values` (column → value as stored) if its workspace has fewer unfinished jobs
    than its plan allows at `now`, in one statement (PostgreSQL); prepared once, as it runs on every job start.

    The count runs after the workspace's lock is granted, inside
    `jobs_unfinished_locked` (see its migrations for why it must), and the
    statement is its own transaction: the lock is held until the row is committed.
    """
    names = tuple(values)
    if (query := _insert_if_room_queries.get(names)) is None:
        columns = [Job._meta.get_column_by_name(name) for name in names]
        placeholders = ", ".join("{}" for _ in names)
        sql = f'INSERT INTO "jobs" ({_names(columns)}) SELECT {placeholders} '
        sql += f"WHERE jobs_unfinished_locked({{workspace}}) < {capacity.JOB_LIMIT_SQL} RETURNING {_names(JOB_COLUMNS)}"

        def build(jobs: Scoped[Job], *slots: Any) -> Any:
            return jobs.raw(sql, *slots)

        query = _insert_if_room_queries[names] = prepared(Job, build, arity=len(names) + 1)
    return await query.rows(values["workspace"], *values.values(), now)


async def _by_key(workspace_id: uuid.UUID, key: str) -> dict[str, Any] | None:
    row: dict[str, Any] | None = await jobs_of(workspace_id).where(Job.idempotency_key == key).first()
    return row


# arq's enqueue_job (WATCH, EXISTS, MULTI/PSETEX/ZADD/EXEC: three round trips) as one script:
# a dispatch arq still holds (queued, or its result kept) is not sent twice, as in arq.
_ENQUEUE = """
if redis.call('EXISTS', KEYS[1], KEYS[2]) > 0 then return 0 end
redis.call('PSETEX', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[4])
return 1
"""


def _add_enqueue(
    pipe: Pipeline, redis: ArqRedis, job_id: uuid.UUID, workspace_id: uuid.UUID, number: int, defer: float
) -> None:
    """Queue arq's enqueue of the dispatch `<id>:<number>` on a pipeline: the job arq would store, by arq's rules."""
    arq_job_id = f"{job_id}:{number}"
    enqueued_ms = timestamp_ms()
    defer_ms = round(defer * 1000) if defer else 0
    data = serialize_job(
        RUN_JOB_TASK, (str(job_id), str(workspace_id)), {}, None, enqueued_ms, serializer=redis.job_serializer
    )
    keys = (job_key_prefix + arq_job_id, result_key_prefix + arq_job_id, arq_queue_name())
    args: list[Any] = [defer_ms + redis.expires_extra_ms, data, enqueued_ms + defer_ms, arq_job_id]
    pipe.eval(_ENQUEUE, 3, *keys, *args)


async def send(
    redis: ArqRedis,
    job: dict[str, Any],
    dispatch_number: int,
    defer_seconds: float = 0,
    announce: Sequence[JobEvent] = (),
) -> bool:
    """Enqueue the arq job `<id>:<dispatch number>`, after publishing `announce`, in one round trip.

    arq ignores a repeat while that dispatch exists (False then). The arq job
    carries the job's id and its workspace's (so the worker takes the
    workspace's turn without reading the row first).
    """
    async with redis.pipeline(transaction=False) as pipe:
        if announce:
            events.add_to(pipe, job["workspace"], *announce)
        _add_enqueue(pipe, redis, job["id"], job["workspace"], dispatch_number, defer_seconds)
        replies = await pipe.execute()
    return bool(replies[-1])


async def resend(redis: ArqRedis, job: dict[str, Any], dispatch_number: int) -> bool:
    """Send a job's dispatch again (its arq job was lost); False when arq still holds it."""
    return await send(redis, job, dispatch_number)


async def dispatch(
    redis: ArqRedis, job: dict[str, Any], defer_seconds: float = 0, announce: Sequence[JobEvent] = ()
) -> None:
    """Hand a committed job to arq as its next dispatch; `announce` is published just before, in the same round trip."""
    changes = {Job.dispatches: Job.dispatches + 1, Job.dispatched_at: utcnow()}
    await scoped(Job, job["workspace"]).update(changes).where(Job.id == job["id"])
    await send(redis, job, job["dispatches"] + 1, defer_seconds, announce)


async def create_jobs_batch(
    workspace_id: uuid.UUID, kind: str, specs: list[tuple[dict[str, Any], str, uuid.UUID | None]]
) -> list[dict[str, Any]]:
    """Insert many jobs of one workspace in one statement: (payload, idempotency key, account) each.

    A key already used is skipped (the unique index decides, so racing batches never
    make two jobs of one key); returns the rows created, not yet dispatched. No plan check:
    this is for work the system schedules (see `service.enqueue_batch`).
    """
    attempts = get_settings().jobs.default_max_attempts
    rows = [
        Job(
            workspace=workspace_id,
            kind=kind,
            payload=payload,
            idempotency_key=key,
            max_attempts=attempts,
            account=account,
        )
        for payload, key, account in specs
    ]
    created = await Job.insert(*rows).on_conflict(action="DO NOTHING").returning(*JOB_COLUMNS)
    return [loaded(row) for row in created]


async def dispatch_batch(redis: ArqRedis, workspace_id: uuid.UUID, job_ids: list[uuid.UUID]) -> None:
    """Hand many committed, never-dispatched jobs of one workspace to arq: one counter update, one send each."""
    if not job_ids:
        return
    changes = {Job.dispatches: Job.dispatches + 1, Job.dispatched_at: utcnow()}
    rows = (
        await scoped(Job, workspace_id)
        .update(changes)
        .where(Job.id.is_in(job_ids) & (Job.dispatches == 0))
        .returning(Job.id, Job.workspace, Job.dispatches)
    )
    gate = asyncio.Semaphore(32)  # arq's enqueue is a few round trips each: overlap them

    async def one(row: dict[str, Any]) -> None:
        async with gate:
            await send(redis, row, row["dispatches"])

    await asyncio.gather(*(one(row) for row in rows))
