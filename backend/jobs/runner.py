"""Running a job inside a worker: status, items, cancellation, retries with backoff (fan-out roll-up: `fanout`).

A handler is `async def handler(run: JobRun) -> result`. It should work in
items: skip the keys in `await run.completed_keys()`, call
`await run.check_cancelled()` between items and `await run.record_item(...)`
after each. Re-running it after a crash then finishes the work without
duplicating anything.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import structlog
from arq.connections import ArqRedis
from prometheus_client import Counter

from backend import db
from backend.core.aio import backoff_seconds
from backend.core.scoped import across_workspaces, scoped
from backend.jobs import context, events, fanout, outcomes, store
from backend.jobs.errors import user_error
from backend.jobs.limiter import Held
from backend.jobs.schemas import JobEvent
from backend.jobs.started import HeldStart
from backend.jobs.tables import Job, JobItem, JobStatus

log = structlog.get_logger(__name__)

JOB_RUNS = Counter("sellpilot_job_runs_total", "Job runs started by workers, by kind", ["kind"])


class RetryableJobError(Exception):
    """A transient failure (timeout, 429, 5xx): the job is tried again later, up to its max attempts."""


class JobDeferred(Exception):
    """The job cannot start its work yet (e.g. its account is busy with another job).

    It runs again after `seconds`; the wait is not counted as an attempt.
    """

    def __init__(self, reason: str, seconds: float) -> None:
        super().__init__(reason)
        self.seconds = seconds


class JobFailed(Exception):
    """A failure whose message is for the user (e.g. "the platform asks for a captcha"); not retried."""


class JobCancelled(Exception):
    """Raised by `JobRun.check_cancelled` when the user cancelled the job."""


class JobSuperseded(JobCancelled):
    """Raised by `JobRun.check_cancelled` when the job was given to another worker (this one looked dead)."""


class JobPaused(Exception):
    """Raised by a handler whose work must wait for a person (e.g. its account hit a challenge).

    The job is parked as `paused` with the reason, and runs again from where it
    stopped when someone resumes it.
    """


class WaitForChildren:
    """Returned by a fan-out handler: the job finishes when its children do."""


WAIT_FOR_CHILDREN = WaitForChildren()
Handler = Callable[["JobRun"], Awaitable[Any]]


class WorkerLifecycle:
    """Shared by a worker process and its job runs (arq copies `ctx` per job, not what it holds)."""

    def __init__(self) -> None:
        self.stopping = False


class JobRun:
    """What a handler gets: the job's data and the calls to report on it."""

    def __init__(self, redis: ArqRedis, row: dict[str, Any]) -> None:
        self.redis = redis
        self.id: uuid.UUID = row["id"]
        self.workspace_id: uuid.UUID = row["workspace"]
        self.kind: str = row["kind"]
        self.payload: dict[str, Any] = row["payload"] or {}
        self.attempt: int = row["attempts"]
        self.dispatch: int = row["dispatches"]
        self.children_to_start: list[dict[str, Any]] = []
        self.held_start: HeldStart | None = None

    async def _before_next(self) -> list[JobEvent]:
        """Events held back to travel with this run's next one (its `job.started`, see `started`)."""
        return await self.held_start.take() if self.held_start is not None else []

    async def set_total(self, total: int) -> None:
        async with db.transaction():
            await scoped(Job, self.workspace_id).update({Job.total: total}).where(Job.id == self.id)

    async def completed_keys(self) -> set[str]:
        """Keys of items that already succeeded (in an earlier run, before a crash or retry)."""
        items = scoped(JobItem, self.workspace_id)
        rows = await items.select(JobItem.key).where((JobItem.job == self.id) & (JobItem.ok == "ok"))
        return {r["key"] for r in rows}

    async def check_cancelled(self) -> None:
        job = scoped(Job, self.workspace_id)
        row = await job.select(Job.status, Job.dispatches).where(Job.id == self.id).first()
        if row is None or row["status"] == JobStatus.cancelled.value:
            raise JobCancelled()
        if row["dispatches"] != self.dispatch:
            raise JobSuperseded()

    async def record_item(self, key: str, result: Any = None, error: str | None = None) -> bool:
        """Record one item's outcome and publish job.item and job.progress.

        An item that already succeeded is never recorded twice (returns False);
        a failed one is replaced by the new outcome.
        """
        ok = "failed" if error is not None else "ok"
        error = user_error(error) if error is not None else None
        async with db.transaction():
            # Items of one job finish concurrently: serialise their recounts on
            # the job row, so each sees the others' committed items.
            await store.lock_job(self.workspace_id, self.id)
            items = scoped(JobItem, self.workspace_id)
            existing = (
                await items.select(JobItem.id, JobItem.ok)
                .where((JobItem.job == self.id) & (JobItem.key == key))
                .first()
            )
            if existing is not None and existing["ok"] == "ok":
                return False
            if existing is None:
                await JobItem.insert(
                    JobItem(job=self.id, workspace=self.workspace_id, key=key, ok=ok, result=result, error=error)
                )
            else:
                await items.update({JobItem.ok: ok, JobItem.result: result, JobItem.error: error}).where(
                    JobItem.id == existing["id"]
                )
            row = await _refresh_counters(self.workspace_id, self.id)
        item = {"key": key, "ok": ok == "ok"}
        if error is not None:
            item["error"] = error
        elif result is not None:
            item["result"] = result
        await events.publish(
            self.redis,
            self.workspace_id,
            *await self._before_next(),
            events.event_from_job("job.item", row, item),
            events.event_from_job("job.progress", row),
        )
        return True

    async def note(self, payload: dict[str, Any]) -> None:
        """Publish a `job.note` event: a step the job kind reports between items (`payload["type"]` names it),
        with the job's counters as they are. Nothing is recorded: an item's outcome is `record_item`'s."""
        row = await store.get_row(self.workspace_id, self.id)
        note = events.event_from_job("job.note", row, payload)
        await events.publish(self.redis, self.workspace_id, *await self._before_next(), note)

    async def spawn_child(
        self,
        kind: str,
        payload: dict[str, Any],
        key: str,
        max_attempts: int | None = None,
        account_id: uuid.UUID | None = None,
    ) -> uuid.UUID:
        """Create a child job (idempotent per `key`); children start when the handler returns WAIT_FOR_CHILDREN.

        A child acting as a platform account names it (`account_id`): it pauses and resumes with the account.
        """
        row, created = await store.create_job(
            self.workspace_id,
            kind,
            payload,
            idempotency_key=f"{self.id}:{key}",
            max_attempts=max_attempts,
            parent_id=self.id,
            account_id=account_id,
        )
        if created or row["status"] == JobStatus.pending.value:
            self.children_to_start.append(row)
        child_id: uuid.UUID = row["id"]
        return child_id


async def _refresh_counters(workspace_id: uuid.UUID, job_id: uuid.UUID) -> dict[str, Any]:
    """Recount a job's items (inside the caller's transaction) and return the updated job row."""
    sql = "SELECT ok, COUNT(*) AS n FROM job_items WHERE workspace = {workspace} AND job = {} GROUP BY ok"
    counts = {row["ok"]: int(row["n"]) for row in await scoped(JobItem, workspace_id).raw(sql, job_id)}
    done, failed = counts.get("ok", 0), counts.get("failed", 0)
    job = await scoped(Job, workspace_id).select(Job.total).where(Job.id == job_id).first()
    total = max(int(job["total"]) if job else 0, done + failed)
    progress = (done + failed) / total if total else 0.0
    changes = {Job.done: done, Job.failed: failed, Job.total: total, Job.progress: progress}
    row = await store.update_job(workspace_id, job_id, changes)
    if row is None:
        raise LookupError(f"job {job_id} vanished")
    return row


async def _row(job_id: uuid.UUID) -> dict[str, Any]:
    # The worker is handed only a job id (arq carries nothing else): the row says whose job it is.
    query = across_workspaces(Job).select(*store.JOB_COLUMNS).where(Job.id == job_id)
    row = await query.output(load_json=True).first()
    if row is None:
        raise LookupError(f"job {job_id} vanished")
    return row


NOT_RUNNABLE = store.NOT_RUNNABLE


async def _start(
    job_id: uuid.UUID, kinds: list[str], worker_id: str | None, dispatch: int | None, workspace_id: uuid.UUID | None
) -> dict[str, Any] | None:
    """Mark the job running as this dispatch and read it, in one statement; None when it is not to run here.

    Not to run: finished, cancelled, paused, of a kind no handler here runs, or
    asked by an older dispatch than the job's (then `run_job` reads why).
    """
    if not kinds:
        return None
    if workspace_id is None:
        # A dispatch sent before arq jobs carried the workspace: the row says whose job it is.
        try:
            workspace_id = (await _row(job_id))["workspace"]
        except LookupError:
            return None
    return await store.mark_running(workspace_id, job_id, kinds, worker_id, dispatch)


async def _why_not_started(
    redis: ArqRedis, job_id: uuid.UUID, handlers: Mapping[str, Handler], dispatch: int | None
) -> None:
    """The rare path: the job was not started; say why, and fail a job no worker can run."""
    try:
        row = await _row(job_id)
    except LookupError:
        log.warning("job_row_missing", job_id=str(job_id))
        return
    if row["status"] in NOT_RUNNABLE:
        return  # cancelled (never retried), finished by an earlier run, or waiting to be resumed
    if dispatch is not None and dispatch < row["dispatches"]:
        log.info("stale_dispatch_ignored", job_id=str(job_id), dispatch=dispatch, current=row["dispatches"])
        return
    if row["kind"] not in handlers:
        with context.job_context(row):  # its log line carries the job's ids, as a run's does
            error = f"No worker handles jobs of kind {row['kind']!r}"
            await outcomes.finish(redis, row, JobStatus.failed, error=error)


async def run_job(
    redis: ArqRedis,
    job_id: uuid.UUID,
    handlers: Mapping[str, Handler],
    retry_base: float,
    *,
    worker_id: str | None = None,
    dispatch: int | None = None,
    lifecycle: WorkerLifecycle | None = None,
    turn: Held | None = None,
    workspace_id: uuid.UUID | None = None,
) -> None:
    """Run one job to its next resting point: finished, waiting for children, or scheduled for a retry.

    `turn` is the workspace's slot the job runs in: a finished job gives it back with its last event.
    `workspace_id` is the job's workspace as its arq job says (None: read from the row).

    `dispatch` is the number of the arq job that asks: an older one (e.g. arq
    retrying the job of a worker whose jobs were already given to another)
    finds the job is no longer its own and does nothing.
    """
    row = await _start(job_id, list(handlers), worker_id, dispatch, workspace_id)
    if row is None:
        await _why_not_started(redis, job_id, handlers, dispatch)
        return
    # Its log lines carry the request id it came from; its errors, its workspace and kind.
    with context.job_context(row):
        await _run_started(redis, row, handlers[row["kind"]], retry_base, lifecycle, turn)


async def _run_started(
    redis: ArqRedis,
    row: dict[str, Any],
    handler: Handler,
    retry_base: float,
    lifecycle: WorkerLifecycle | None,
    turn: Held | None,
) -> None:
    job_id = row["id"]
    JOB_RUNS.labels(kind=row["kind"]).inc()
    run = JobRun(redis, row)
    began = time.monotonic()
    started = events.event_from_job("job.started", row, {"attempt": row["attempts"]})
    held = run.held_start = HeldStart(redis, row["workspace"], started)
    try:
        result = await held.around(handler(run), outcomes.REDIS_LOST)
    except JobCancelled:
        log.info("job_cancelled_between_items", job_id=str(job_id))
        return
    except RetryableJobError as exc:
        await outcomes.retry_or_fail(redis, row, str(exc), retry_base)
        return
    except JobPaused as exc:
        await outcomes.pause(redis, row, str(exc))
        return
    except JobFailed as exc:
        await outcomes.finish(redis, row, JobStatus.failed, error=str(exc), turn=turn)
        return
    except JobDeferred as exc:
        await outcomes.defer(redis, row, str(exc), exc.seconds)
        return
    except outcomes.REDIS_LOST as exc:
        # Not counted as an attempt; if Redis is still away, the send is
        # lost too and the sweeper sends it once Redis is back.
        log.warning("job_interrupted_by_redis", job_id=str(job_id), error=type(exc).__name__)
        reason = "Interrupted: the connection to Redis was lost; it runs again once Redis is back"
        await outcomes.defer(redis, row, reason, backoff_seconds(row["attempts"], retry_base))
        return
    except asyncio.CancelledError:
        # An arq abort (the row already says cancelled: nothing to do), the
        # worker stopping (arq or the sweeper runs the job again), or arq's
        # job timeout, which arq treats as final: the job would stay
        # `running` for ever, so it is retried (or failed) here.
        if lifecycle is None or not lifecycle.stopping:
            await outcomes.retry_or_fail(
                redis, row, "Ran longer than the job timeout (WORKER_JOB_TIMEOUT_SECONDS)", retry_base
            )
        raise
    except Exception as exc:
        log.exception("job_failed", job_id=str(job_id), kind=row["kind"])
        await outcomes.finish(redis, row, JobStatus.failed, error=f"{type(exc).__name__}: {exc}", turn=turn)
        return
    if isinstance(result, WaitForChildren):
        log.info("job_waiting_for_children", children=len(run.children_to_start))
        await held.send()
        for child in run.children_to_start:
            await store.dispatch(redis, child, announce=[events.event_from_job("job.created", child)])
        await fanout.roll_up_parent(redis, row["workspace"], job_id)
        return
    duration = time.monotonic() - began
    await outcomes.finish(
        redis, row, JobStatus.succeeded, result=result, duration=duration, turn=turn, first=await held.take()
    )
