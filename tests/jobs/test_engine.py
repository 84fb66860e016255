"""The engine with real worker processes: crashes, cancellation, retries, fan-out, the shared limiter."""

from __future__ import annotations

import asyncio
import http.server
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from backend.jobs import events, service
from backend.jobs.tables import JobItem
from tests.helpers import grant_plan, register
from tests.jobs.conftest import kill_hard
from tests.jobs.handlers import executions_key
from tests.jobs.helpers import enqueue, finished, wait_for
from tests.private_redis import free_port


async def test_a_job_of_a_killed_worker_runs_again_without_duplicated_items(
    app: Any, client: httpx.AsyncClient, start_worker: Any
) -> None:
    account = await register(client)
    doomed = start_worker()
    job = await enqueue(app, account.workspace_id, "test.count", {"items": 20, "delay": 0.1})
    await wait_for(account.workspace_id, job.id, lambda j: j.done >= 5, what="5 items")
    kill_hard(doomed)  # SIGKILL: no clean-up, the arq job stays "in progress"
    stopped_at = (await service.get_job(uuid.UUID(account.workspace_id), job.id)).done
    assert stopped_at < 20

    start_worker()
    done = await wait_for(account.workspace_id, job.id, finished, timeout=60, what="the job to finish")
    assert done.status == "succeeded"
    assert done.done == 20
    assert done.attempts == 2
    keys = [row["key"] for row in await JobItem.select(JobItem.key).where(JobItem.job == job.id)]
    assert sorted(keys) == [f"item-{i:03d}" for i in range(20)]
    executions = await app.state.redis.hgetall(executions_key(job.id))
    # At most the item in flight at the kill ran twice; none was recorded twice.
    assert sum(int(v) for v in executions.values()) <= 21


async def test_cancel_while_running_stops_within_one_item_and_is_never_retried(
    app: Any, client: httpx.AsyncClient, start_worker: Any
) -> None:
    account = await register(client)
    start_worker()
    job = await enqueue(app, account.workspace_id, "test.count", {"items": 60, "delay": 0.1})
    await wait_for(account.workspace_id, job.id, lambda j: j.done >= 3, what="3 items")
    cancelled = await client.post(f"/api/v1/jobs/{job.id}/cancel", headers=account.headers)
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    at_cancel = cancelled.json()["done"]

    await asyncio.sleep(1.5)
    after = await service.get_job(uuid.UUID(account.workspace_id), job.id)
    assert after.status == "cancelled"
    assert after.done <= at_cancel + 1
    executions = await app.state.redis.hgetall(executions_key(job.id))
    assert sum(int(v) for v in executions.values()) <= at_cancel + 1

    again = await client.post(f"/api/v1/jobs/{job.id}/cancel", headers=account.headers)
    assert again.status_code == 409
    retry = await client.post(f"/api/v1/jobs/{job.id}/retry", headers=account.headers)
    assert retry.status_code == 409
    assert (await service.get_job(uuid.UUID(account.workspace_id), job.id)).status == "cancelled"


async def test_retryable_errors_back_off_then_succeed(app: Any, client: httpx.AsyncClient, start_worker: Any) -> None:
    account = await register(client)
    start_worker()
    job = await enqueue(app, account.workspace_id, "test.flaky", {"succeed_on": 3}, max_attempts=3)
    done = await wait_for(account.workspace_id, job.id, finished)
    assert done.status == "succeeded"
    assert done.attempts == 3
    assert done.result == {"attempt": 3}
    # The backoff spaced the attempts out: base 0.2 s, then 0.4 s (±20 %).
    assert done.finished_at
    assert done.started_at
    assert (done.finished_at - done.started_at).total_seconds() >= 0.45


async def test_a_tools_banner_or_traceback_never_reaches_the_user(
    app: Any, client: httpx.AsyncClient, start_worker: Any
) -> None:
    """Errors are shown as their first meaningful line: no boxed banner, no traceback, no install advice."""
    account = await register(client)
    start_worker()
    job = await enqueue(app, account.workspace_id, "test.banner", {})
    failed = await wait_for(account.workspace_id, job.id, finished)
    assert failed.status == "failed"
    assert failed.error == "RuntimeError: BrowserType.launch: Executable doesn't exist at /nowhere/chrome"
    shown = await client.get(f"/api/v1/jobs/{job.id}", headers=account.headers)
    assert shown.json()["error"] == failed.error
    items = await client.get(f"/api/v1/jobs/{job.id}/items", headers=account.headers)
    (item,) = items.json()["items"]
    assert item["status"] == "failed"
    assert "Traceback" not in item["error"]
    assert "internal reason" in item["error"]
    stored = await JobItem.select(JobItem.error).where(JobItem.job == job.id).first()
    assert stored is not None
    assert "Traceback" not in stored["error"]


async def test_a_paused_job_tells_the_live_view_the_same_one_line_reason_it_stores(
    app: Any, client: httpx.AsyncClient, start_worker: Any
) -> None:
    account = await register(client)
    workspace_id = uuid.UUID(account.workspace_id)
    start_worker()
    job = await enqueue(app, account.workspace_id, "test.pause_with_trace", {})
    paused = await wait_for(account.workspace_id, job.id, lambda j: j.status == "paused", what="paused")
    assert paused.error == "Log in again on the platform"
    stream = await events.read_after(app.state.redis, workspace_id, "0-0", count=100, block_ms=None)
    reasons = [(e.payload or {}).get("reason") for _, e in stream if e.type == "job.paused" and e.job_id == job.id]
    assert reasons == ["Log in again on the platform"]


async def test_final_failure_records_the_error_and_can_be_retried(
    app: Any, client: httpx.AsyncClient, start_worker: Any
) -> None:
    account = await register(client)
    start_worker()
    gives_up = await enqueue(app, account.workspace_id, "test.flaky", {"succeed_on": 9}, max_attempts=2)
    broken = await enqueue(app, account.workspace_id, "test.boom", {})
    failed = await wait_for(account.workspace_id, gives_up.id, finished)
    assert failed.status == "failed"
    assert failed.attempts == 2
    assert "gave up after 2 attempts" in (failed.error or "")
    boom = await wait_for(account.workspace_id, broken.id, finished)
    assert boom.status == "failed"
    assert boom.attempts == 1  # not retryable: no second try
    assert boom.error == "ValueError: the payload makes no sense"

    retried = await client.post(f"/api/v1/jobs/{broken.id}/retry", headers=account.headers)
    assert retried.status_code == 200
    assert retried.json()["status"] == "pending"
    again = await wait_for(account.workspace_id, broken.id, lambda j: j.status == "failed" and j.attempts == 1)
    assert again.error == "ValueError: the payload makes no sense"

    bulk = await client.post("/api/v1/jobs/retry-failed", headers=account.headers, json={"kind": "test.flaky"})
    assert bulk.json()["retried"] == [str(gives_up.id)]


async def test_idempotency_key_returns_the_same_job(app: Any, client: httpx.AsyncClient) -> None:
    account = await register(client)
    first = await enqueue(app, account.workspace_id, "test.count", {"items": 1}, idempotency_key="import-42")
    racing = await asyncio.gather(
        *(enqueue(app, account.workspace_id, "test.count", {"items": 1}, idempotency_key="import-42") for _ in range(5))
    )
    assert {j.id for j in racing} == {first.id}
    other = await register(client)
    theirs = await enqueue(app, other.workspace_id, "test.count", {"items": 1}, idempotency_key="import-42")
    assert theirs.id != first.id


async def test_children_roll_up_into_their_parent(app: Any, client: httpx.AsyncClient, start_worker: Any) -> None:
    account = await register(client)
    start_worker()
    start_worker()
    parent = await enqueue(app, account.workspace_id, "test.fanout", {"children": 6})
    done = await wait_for(account.workspace_id, parent.id, finished)
    assert done.status == "succeeded"
    assert (done.total, done.done, done.failed, done.progress) == (6, 6, 0, 1.0)
    children = await client.get(f"/api/v1/jobs?parent_id={parent.id}", headers=account.headers)
    assert children.json()["total"] == 6
    assert {c["status"] for c in children.json()["items"]} == {"succeeded"}


async def test_list_filters_and_statistics(app: Any, client: httpx.AsyncClient, start_worker: Any) -> None:
    account = await register(client)
    await grant_plan(account.workspace_id, "pro")  # more jobs at once than the free plan's 2
    start_worker()
    ok = [await enqueue(app, account.workspace_id, "test.count", {"items": 2}) for _ in range(3)]
    bad = await enqueue(app, account.workspace_id, "test.boom", {})
    for job in [*ok, bad]:
        await wait_for(account.workspace_id, job.id, finished)
    listed = await client.get("/api/v1/jobs?kind=test.count&limit=2", headers=account.headers)
    assert listed.json()["total"] == 3
    assert len(listed.json()["items"]) == 2
    failed = await client.get("/api/v1/jobs?status=failed", headers=account.headers)
    assert [j["id"] for j in failed.json()["items"]] == [str(bad.id)]
    assert (await client.get("/api/v1/jobs?status=exploded", headers=account.headers)).status_code == 400

    stats = (await client.get("/api/v1/jobs/statistics", headers=account.headers)).json()
    assert stats["total"] == 4
    assert stats["counts"]["succeeded"] == 3
    assert stats["counts"]["failed"] == 1
    assert stats["success_rate"] == 0.75
    assert stats["mean_duration_seconds"] is not None
    assert stats["mean_duration_seconds"] >= 0
    by_kind = {k["kind"]: k for k in stats["by_kind"]}
    assert by_kind["test.count"]["success_rate"] == 1.0
    assert by_kind["test.boom"]["counts"]["failed"] == 1

    metrics = (await client.get("/metrics")).text
    assert 'sellpilot_jobs{kind="test.count",status="succeeded"} 3.0' in metrics
    assert "sellpilot_queue_depth" in metrics


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    """The called side: counts requests in flight at once."""

    lock = threading.Lock()
    in_flight = 0
    peak = 0
    served = 0

    def do_GET(self) -> None:
        cls = type(self)
        with cls.lock:
            cls.in_flight += 1
            cls.peak = max(cls.peak, cls.in_flight)
        time.sleep(0.15)
        with cls.lock:
            cls.in_flight -= 1
            cls.served += 1
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def counting_server() -> Iterator[str]:
    _CountingHandler.in_flight = _CountingHandler.peak = _CountingHandler.served = 0
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _CountingHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


async def test_fifty_tasks_on_two_workers_never_exceed_a_limit_of_five(
    app: Any, client: httpx.AsyncClient, start_worker: Any, counting_server: str
) -> None:
    account = await register(client)
    await grant_plan(account.workspace_id, "business")  # 50 jobs at once
    start_worker(WORKER_MAX_JOBS="30")
    start_worker(WORKER_MAX_JOBS="30")
    payload = {"url": counting_server, "max_concurrent": 5, "limit_key": f"probe:{uuid.uuid4().hex}"}
    jobs = await asyncio.gather(*(enqueue(app, account.workspace_id, "test.limited_call", payload) for _ in range(50)))
    for job in jobs:
        done = await wait_for(account.workspace_id, job.id, finished, timeout=60)
        assert done.status == "succeeded", done.error
    assert _CountingHandler.served == 50
    assert _CountingHandler.peak <= 5
    assert _CountingHandler.peak >= 3  # the limit was used, not serialised to one


@pytest.mark.serial  # times the lease's lapse
async def test_a_slot_held_by_a_crashed_process_lapses(app: Any, test_env: dict[str, str]) -> None:
    import subprocess
    import sys

    from backend.jobs import limiter

    key = f"lease:{uuid.uuid4().hex}"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import asyncio\n"
            "from backend.core.redis import create_redis\n"
            "from backend.jobs.limiter import Limit, slot\n"
            "async def hold():\n"
            f"    async with slot(create_redis(), {key!r}, Limit(max_concurrent=1)):\n"
            "        print('held', flush=True)\n"
            "        await asyncio.sleep(600)\n"
            "asyncio.run(hold())\n",
        ],
        env=test_env,
        stdout=subprocess.PIPE,
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == b"held"
    assert await limiter.in_flight(app.state.redis, key) == 1
    kill_hard(holder)  # type: ignore[arg-type]
    started = time.monotonic()
    async with limiter.slot(app.state.redis, key, limiter.Limit(max_concurrent=1), timeout=10):
        waited = time.monotonic() - started
    assert waited <= 3.5  # LIMITER_LEASE_SECONDS=3 in the test settings
    assert await limiter.in_flight(app.state.redis, key) == 0


@pytest.mark.serial  # times 122 calls
async def test_per_minute_limit_spaces_calls(app: Any) -> None:
    from backend.jobs import limiter

    key = f"rate:{uuid.uuid4().hex}"
    rule = limiter.Limit(per_minute=120)  # one every 0.5 s after a burst of 120
    started = time.monotonic()
    for _ in range(122):
        async with limiter.slot(app.state.redis, key, rule):
            pass
    assert 0.6 <= time.monotonic() - started < 5


async def test_a_worker_serves_job_duration_metrics(
    app: Any, client: httpx.AsyncClient, start_worker: Any, test_env: dict[str, str]
) -> None:
    account = await register(client)
    port = free_port()
    start_worker(WORKER_METRICS_PORT=str(port))
    job = await enqueue(app, account.workspace_id, "test.count", {"items": 2})
    await wait_for(account.workspace_id, job.id, finished)
    async with httpx.AsyncClient() as http:
        metrics = (await http.get(f"http://127.0.0.1:{port}/metrics")).text
    assert 'sellpilot_job_duration_seconds_count{kind="test.count",status="succeeded"} 1.0' in metrics
    assert 'sellpilot_job_runs_total{kind="test.count"} 1.0' in metrics
