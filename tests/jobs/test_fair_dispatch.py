"""Fair dispatch: one workspace's backlog holds a few worker slots at most, so another's job starts promptly."""

from __future__ import annotations

import contextlib
import uuid
from typing import Any

import httpx

from backend.jobs import capacity, service, tasks
from backend.jobs.limiter import Limit, slot
from backend.jobs.tables import Job
from tests.helpers import grant_plan, register
from tests.jobs.handlers import TEST_HANDLERS
from tests.jobs.helpers import enqueue, finished, wait_for


async def test_a_workspaces_backlog_does_not_hold_up_another_workspaces_job(
    app: Any, client: httpx.AsyncClient, start_worker: Any
) -> None:
    busy = await register(client)
    await grant_plan(busy.workspace_id, "business")  # 50 jobs at once allowed
    quiet = await register(client)
    backlog = [await enqueue(app, busy.workspace_id, "test.count", {"items": 3, "delay": 0.2}) for _ in range(40)]
    # One worker with 4 slots; a workspace may hold 2 of them.
    start_worker(WORKER_MAX_JOBS="4", WORKER_MAX_JOBS_PER_WORKSPACE="2")
    await wait_for(busy.workspace_id, backlog[0].id, lambda j: j.started_at is not None, what="the backlog to start")

    mine = await enqueue(app, quiet.workspace_id, "test.count", {"items": 1})
    done = await wait_for(quiet.workspace_id, mine.id, finished, timeout=60, what="the quiet workspace's job")
    assert done.status == "succeeded", done.error
    assert done.started_at is not None
    rows = await Job.select(Job.started_at).where(Job.workspace == uuid.UUID(busy.workspace_id))
    not_yet = [r for r in rows if r["started_at"] is None or r["started_at"] > done.started_at]
    # Started before the backlog drained: most of the busy workspace's jobs were still waiting.
    assert len(not_yet) >= 20, f"only {len(not_yet)} of the backlog's 40 jobs started after the quiet job"


async def test_a_stale_dispatch_waiting_for_a_turn_leaves_the_current_one_alone(
    app: Any, client: httpx.AsyncClient
) -> None:
    """arq's late retry of an old dispatch, arriving while the workspace's turns are all taken, must not
    queue the job again: that would move the dispatch on and leave the job's real arq job stale."""
    account = await register(client)
    workspace = uuid.UUID(account.workspace_id)
    row, _ = await service.create_job(workspace, "test.count", {"items": 1, "delay": 0})
    await Job.update({Job.dispatches: 2}).where(Job.id == row["id"])
    turns = Limit(max_concurrent=await capacity.running_share(workspace))
    async with contextlib.AsyncExitStack() as taken:
        for _ in range(turns.max_concurrent):
            await taken.enter_async_context(slot(app.state.redis, f"ws:{workspace}:jobs", turns, timeout=5))
        ctx = {"redis": app.state.redis, "job_id": f"{row['id']}:1", "job_handlers": TEST_HANDLERS}
        await tasks.run_job(ctx, str(row["id"]))
    after = await Job.select(Job.status, Job.dispatches).where(Job.id == row["id"]).first()
    assert after == {"status": "pending", "dispatches": 2}
