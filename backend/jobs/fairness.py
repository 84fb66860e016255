"""Fair dispatch: a workspace's jobs hold only a share of the worker slots, so its backlog cannot starve others.

Before a job runs it takes one of its workspace's turns (a Redis slot shared
by every worker): at most the plan's concurrent jobs, and at most
`WORKER_MAX_JOBS_PER_WORKSPACE`. A job that finds its workspace's turns all
taken goes back to the queue for about a second: it keeps its status, uses no
attempt and holds no worker slot while it waits, so jobs of other workspaces
queued behind it start at once.
"""

from __future__ import annotations

import contextlib
import random
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from arq.connections import ArqRedis

from backend.core.scoped import across_workspaces
from backend.jobs import capacity, store
from backend.jobs.limiter import Held, Limit, LimiterTimeout, slot
from backend.jobs.tables import Job, JobStatus

TURN_RETRY_SECONDS = 1.0


def _may_run(row: dict[str, Any] | None, dispatch: int | None) -> bool:
    """Whether the asking dispatch could run the job (else the runner sees why and stops)."""
    return not (
        row is None
        or row["status"] in store.TERMINAL_VALUES
        or row["status"] == JobStatus.paused.value
        or (dispatch is not None and dispatch < row["dispatches"])
    )


async def _row(job_id: uuid.UUID) -> dict[str, Any] | None:
    # The worker knows only the job's id: its row says which workspace's job it is.
    columns = (Job.id, Job.workspace, Job.status, Job.dispatches)
    row: dict[str, Any] | None = await across_workspaces(Job).select(*columns).where(Job.id == job_id).first()
    return row


@dataclass(frozen=True)
class Turn:
    granted: bool
    """False: the job was queued again for later, it must not run now."""
    held: Held | None = None
    """The workspace's slot when one is held: the runner gives it back with the job's last event."""


@contextlib.asynccontextmanager
async def turn(
    redis: ArqRedis, job_id: uuid.UUID, dispatch: int | None = None, workspace_id: uuid.UUID | None = None
) -> AsyncIterator[Turn]:
    """Yield a granted Turn holding one of the job's workspace's turns, or one not granted once the job is
    queued again for later.

    `dispatch` is the asking arq job's dispatch number: an older one is let
    through without a turn, for the runner to ignore; queuing it again would
    move the dispatch on and make the job's current arq job stale instead.
    `workspace_id` comes with the arq job (dispatches sent before it did not
    carry it: their row is read first); the row is otherwise read only when
    the workspace's turns are all taken.
    """
    row: dict[str, Any] | None = None
    if workspace_id is None:
        row = await _row(job_id)
        if row is None or not _may_run(row, dispatch):
            yield Turn(granted=True)  # nothing will run: the runner sees why and stops
            return
        workspace_id = row["workspace"]
    limit = Limit(max_concurrent=await capacity.running_share(workspace_id))
    async with contextlib.AsyncExitStack() as stack:
        try:
            held = await stack.enter_async_context(slot(redis, f"ws:{workspace_id}:jobs", limit, timeout=0))
        except LimiterTimeout:
            row = row or await _row(job_id)
            if row is None or not _may_run(row, dispatch):
                yield Turn(granted=True)  # let through without a turn: the runner sees why and stops
                return
            # Jittered, so a backlog does not come back all at once.
            await store.dispatch(redis, row, defer_seconds=TURN_RETRY_SECONDS * random.uniform(0.5, 1.5))  # noqa: S311
            yield Turn(granted=False)
            return
        yield Turn(granted=True, held=held)
