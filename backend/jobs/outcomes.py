"""How a job run ends: finished (succeeded or failed), retried later, deferred, or paused for a person.

Each moves the row in one statement that holds only while the run is still the job's (not cancelled, not
given to another worker), tells the workspace's stream, and logs the run's one line (arq's own lines for
the engine's runs are left out, see `observability.logging`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import structlog
from arq.connections import ArqRedis
from prometheus_client import Histogram
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from backend.core.aio import backoff_seconds
from backend.core.clock import utcnow
from backend.jobs import events, fanout, store
from backend.jobs.errors import user_error
from backend.jobs.limiter import Held
from backend.jobs.schemas import JobEvent
from backend.jobs.tables import Job, JobStatus

log = structlog.get_logger(__name__)

JOB_DURATION_SECONDS = Histogram(
    "sellpilot_job_duration_seconds",
    "Run time of jobs that finished, by kind and final status",
    ["kind", "status"],
    buckets=(0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 1800),
)
# Redis going away mid-job is not the job's fault: it runs again once Redis is back.
REDIS_LOST = (RedisConnectionError, RedisTimeoutError)


async def retry_or_fail(redis: ArqRedis, row: dict[str, Any], error: str, retry_base: float) -> None:
    error = user_error(error)
    if row["attempts"] >= row["max_attempts"]:
        await finish(redis, row, JobStatus.failed, error=f"{error} (gave up after {row['attempts']} attempts)")
        return
    # The next dispatch is taken in the same statement; it is sent with the event in one round trip.
    changes = {Job.status: JobStatus.retrying.value, Job.error: error, **next_dispatch()}
    fresh = await store.update_job(row["workspace"], row["id"], changes, still_ours(row))
    if fresh is None:
        return  # cancelled meanwhile
    delay = backoff_seconds(row["attempts"], retry_base)
    log.info("job_retrying", attempt=fresh["attempts"], in_seconds=round(delay, 2), error=error)
    retrying = events.event_from_job("job.retrying", fresh, {"error": error, "in_seconds": round(delay, 2)})
    await store.send(redis, fresh, fresh["dispatches"], delay, announce=[retrying])


def next_dispatch() -> dict[Any, Any]:
    return {Job.dispatches: Job.dispatches + 1, Job.dispatched_at: utcnow()}


def still_ours(row: dict[str, Any]) -> Any:
    """The job is still running as this dispatch (not cancelled, not given to another worker)."""
    return (Job.status == JobStatus.running.value) & (Job.dispatches == row["dispatches"])


async def set_aside(
    row: dict[str, Any], status: JobStatus, reason: str, *, redispatch: bool = False
) -> dict[str, Any] | None:
    """Park a running job (paused or deferred) with the reason; not counted as an attempt.

    With `redispatch`, the job's next dispatch is taken in the same statement (for the caller to send).
    """
    reason = user_error(reason)
    changes = {Job.status: status.value, Job.error: reason, Job.attempts: Job.attempts - 1}
    if redispatch:
        changes.update(next_dispatch())
    return await store.update_job(row["workspace"], row["id"], changes, still_ours(row))


async def defer(redis: ArqRedis, row: dict[str, Any], reason: str, seconds: float) -> None:
    fresh = await set_aside(row, JobStatus.retrying, reason, redispatch=True)
    if fresh is None:
        return  # cancelled meanwhile
    # The reason as stored (one line, capped), never the raw exception text.
    payload = {"error": fresh["error"], "in_seconds": round(seconds, 2)}
    log.info("job_deferred", **payload)
    try:
        retrying = events.event_from_job("job.retrying", fresh, payload)
        await store.send(redis, fresh, fresh["dispatches"], seconds, announce=[retrying])
    except REDIS_LOST:
        # The row says `retrying` as its next dispatch; the sweeper sends it once Redis answers again.
        log.warning("job_dispatch_left_to_sweeper", job_id=str(fresh["id"]))


async def pause(redis: ArqRedis, row: dict[str, Any], reason: str) -> None:
    # The resumed run gets the attempt back: waiting for a person is not a failure.
    fresh = await set_aside(row, JobStatus.paused, reason)
    if fresh is not None:
        log.info("job_paused", reason=fresh["error"])
        paused = events.event_from_job("job.paused", fresh, {"reason": fresh["error"]})
        await events.publish(redis, fresh["workspace"], paused)


async def finish(
    redis: ArqRedis,
    row: dict[str, Any],
    status: JobStatus,
    *,
    error: str | None = None,
    result: Any = None,
    duration: float | None = None,
    turn: Held | None = None,
    first: Sequence[JobEvent] = (),
) -> None:
    """Move a job to a final status unless it was cancelled meanwhile, and tell everyone.

    `turn` (the workspace's slot) is given back in the event's round trip; `first` (events held back, see
    `started`) go before the final event in it.
    """
    error = user_error(error) if error is not None else None
    fresh = await store.mark_finished(row, status, error, result)
    if fresh is None:
        return
    elapsed = None
    if fresh["started_at"] is not None:
        elapsed = duration if duration is not None else (fresh["finished_at"] - fresh["started_at"]).total_seconds()
        elapsed = max(0.0, elapsed)
        JOB_DURATION_SECONDS.labels(kind=fresh["kind"], status=status.value).observe(elapsed)
    # The run's one line (arq's own lines for it are left out, see `observability.logging`).
    seconds = None if elapsed is None else round(elapsed, 3)
    log.info("job_finished", status=status.value, attempt=fresh["attempts"], seconds=seconds)
    payload = {"error": error} if error else {}
    event = events.event_from_job(f"job.{status.value}", fresh, payload)
    if turn is None:
        await events.publish(redis, fresh["workspace"], *first, event)
    else:
        async with redis.pipeline(transaction=False) as pipe:
            events.add_to(pipe, fresh["workspace"], *first, event)
            await turn.release_with(pipe)
    if fresh["parent"] is not None:
        await fanout.roll_up_parent(redis, fresh["workspace"], fresh["parent"])
