"""Dispatch in one Redis round trip: what arq receives, what the row says, and no dispatch sent twice."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
from arq.constants import in_progress_key_prefix, job_key_prefix
from arq.jobs import deserialize_job
from arq.utils import timestamp_ms

from backend.core.redis import arq_queue_name
from backend.jobs import events, runner, store
from backend.jobs.process import SellpilotWorker
from backend.jobs.tables import Job
from tests.helpers import register
from tests.jobs.handlers import TEST_HANDLERS
from tests.jobs.helpers import enqueue


async def test_an_enqueued_job_is_its_first_dispatch_and_arq_gets_its_ids(app: Any, client: httpx.AsyncClient) -> None:
    account = await register(client)
    workspace = uuid.UUID(account.workspace_id)
    job = await enqueue(app, account.workspace_id, "test.count", {"items": 1, "delay": 0})

    row = await Job.select(Job.dispatches, Job.dispatched_at).where(Job.id == job.id).first()
    assert row is not None
    assert row["dispatches"] == 1  # inserted as dispatch 1: no second UPDATE
    assert row["dispatched_at"] is not None
    redis = app.state.redis
    raw = await redis.get(f"{job_key_prefix}{job.id}:1")
    assert raw is not None, "arq holds the job's first dispatch"
    sent = deserialize_job(raw)
    assert (sent.function, tuple(sent.args)) == (store.RUN_JOB_TASK, (str(job.id), str(workspace)))
    assert await redis.zscore(arq_queue_name(), f"{job.id}:1") is not None
    created = [event for _, event in await events.read_after(redis, workspace, "0-0", block_ms=None)]
    assert [(e.type, e.job_id) for e in created] == [("job.created", job.id)]


async def test_a_dispatch_arq_still_holds_is_not_sent_again(app: Any, client: httpx.AsyncClient) -> None:
    account = await register(client)
    workspace = uuid.UUID(account.workspace_id)
    row, _ = await store.create_job(workspace, "test.count", {"items": 1, "delay": 0}, dispatched=True)
    redis = app.state.redis

    assert await store.send(redis, row, 1) is True
    assert await store.send(redis, row, 1) is False  # the sweeper's re-send of a dispatch still queued
    assert await store.send(redis, row, 2) is True  # a new dispatch is a new arq job
    queued = await redis.zrange(arq_queue_name(), 0, -1)
    assert sorted(key.decode() for key in queued if key.decode().startswith(str(row["id"]))) == [
        f"{row['id']}:1",
        f"{row['id']}:2",
    ]


async def test_a_job_of_a_kind_no_worker_runs_fails_without_an_attempt(app: Any, client: httpx.AsyncClient) -> None:
    account = await register(client)
    workspace = uuid.UUID(account.workspace_id)
    row, _ = await store.create_job(workspace, "test.nobody-runs-this", {})

    await runner.run_job(app.state.redis, row["id"], TEST_HANDLERS, 0.1, worker_id="w", dispatch=1)

    after = await store.get_row(workspace, row["id"])
    assert after["status"] == "failed"
    assert "No worker handles jobs of kind" in after["error"]
    assert (after["attempts"], after["started_at"]) == (0, None)


async def test_a_retry_takes_its_next_dispatch_with_the_status(app: Any, client: httpx.AsyncClient) -> None:
    """The retrying update moves the dispatch on and the event and arq job go together."""
    account = await register(client)
    workspace = uuid.UUID(account.workspace_id)
    row, _ = await store.create_job(workspace, "test.flaky", {"succeed_on": 2}, dispatched=True, max_attempts=3)
    await runner.run_job(app.state.redis, row["id"], TEST_HANDLERS, 30, worker_id="w", dispatch=1)
    after = await store.get_row(workspace, row["id"])
    assert (after["status"], after["dispatches"], after["attempts"]) == ("retrying", 2, 1)
    sent = await Job.select(Job.dispatched_at).where(Job.id == row["id"]).first()
    assert sent is not None
    assert sent["dispatched_at"] is not None
    assert await app.state.redis.exists(f"{job_key_prefix}{row['id']}:2")
    types = [event.type for _, event in await events.read_after(app.state.redis, workspace, "0-0", block_ms=None)]
    assert types == ["job.started", "job.retrying"]


async def _nothing(ctx: dict[str, Any]) -> None:
    return None


async def test_a_worker_takes_a_queued_job_once_and_leaves_the_others(app: Any) -> None:
    """The worker's one-round-trip take keeps arq's rules: a job another worker runs, one deferred to later,
    and one no longer queued are not started, and each gives its slot back; a due one is marked in progress."""
    redis = app.state.redis
    queue = arq_queue_name()
    worker = SellpilotWorker(functions=[_nothing], redis_pool=redis, queue_name=queue, max_jobs=4, handle_signals=False)
    due, running_elsewhere, deferred, gone = (f"take-{name}-{uuid.uuid4()}" for name in ("due", "run", "def", "gone"))
    now = timestamp_ms()
    await redis.zadd(queue, {due: now - 10, running_elsewhere: now - 10, deferred: now + 60_000})
    await redis.set(in_progress_key_prefix + running_elsewhere, b"1")
    try:
        free_slots = worker.sem._value
        await worker.start_jobs([name.encode() for name in (running_elsewhere, deferred, gone, due)])

        assert list(worker.tasks) == [due]
        # The three not taken gave their slots back.
        assert worker.job_counter == 1
        assert worker.sem._value == free_slots - 1
        ttl_ms = await redis.pttl(in_progress_key_prefix + due)
        assert 0 < ttl_ms <= worker.in_progress_timeout_s * 1000
        assert await redis.exists(in_progress_key_prefix + deferred, in_progress_key_prefix + gone) == 0
        await asyncio.gather(*worker.tasks.values(), return_exceptions=True)
        assert worker.job_counter == 0  # a finished job gives its slot back
        assert worker.sem._value == free_slots
    finally:
        await redis.zrem(queue, due, running_elsewhere, deferred)
        await redis.delete(*(in_progress_key_prefix + name for name in (due, running_elsewhere)))
