"""A worker's life: Redis going away and coming back, a dead worker's jobs, stopping within a bound.

Redis outages use a private redis-server (never the shared one); "PostgreSQL
gone" drops a database of the test's own.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from arq.connections import ArqRedis

from backend.core.redis import create_redis
from backend.jobs import heartbeat, runner, service
from backend.jobs.tables import Job, JobItem
from tests.conftest import BACKEND, POSTGRES_ADMIN_URL
from tests.helpers import register
from tests.jobs.conftest import _free_port, kill_hard
from tests.jobs.handlers import TEST_HANDLERS
from tests.jobs.helpers import enqueue, finished, wait_for
from tests.private_redis import PrivateRedis

# Stopping within a bound, heartbeats and outages timed against the clock: alone on the machine.
pytestmark = pytest.mark.serial

ROOT = Path(__file__).resolve().parents[2]
SHUTDOWN_SECONDS = 4
# The bound under test, plus room for a loaded 2-core machine (process start, imports).
STOP_WITHIN = SHUTDOWN_SECONDS + 16


@pytest.fixture
def spawn(test_env: dict[str, str], tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    """Start `sellpilot worker` with the test job kinds; its output goes to a log file (shown on failure)."""
    started: list[tuple[subprocess.Popen[bytes], Path]] = []

    def start(**env: str) -> subprocess.Popen[bytes]:
        log_path = tmp_path / f"worker-{len(started)}.log"
        with log_path.open("wb") as log_file:
            process = subprocess.Popen(
                [sys.executable, "-m", "backend.cli", "worker", "--settings", "tests.jobs.handlers.TestWorkerSettings"],
                env={**test_env, "LOG_LEVEL": "INFO", "WORKER_SHUTDOWN_TIMEOUT_SECONDS": str(SHUTDOWN_SECONDS), **env},
                cwd=ROOT,
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
        started.append((process, log_path))
        return process

    yield start
    for process, _ in started:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def _log_of(process: subprocess.Popen[bytes], tmp_path: Path) -> str:
    for path in sorted(tmp_path.glob("worker-*.log")):
        text = path.read_text(errors="replace")
        if text:
            return text[-4000:]
    return f"(no log for pid {process.pid})"


def _all_logs(tmp_path: Path) -> str:
    return "\n".join(f"== {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in sorted(tmp_path.glob("*.log")))


async def _eventually(check: Callable[[], Awaitable[bool]], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if await check():
                return
        except Exception:  # noqa: S110 - e.g. Redis not answering yet; keep polling until the deadline
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


async def _worker_alive(redis: ArqRedis) -> None:
    async def alive() -> bool:
        return await heartbeat.count_live_workers(redis) >= 1

    await _eventually(alive, 40, "the worker's heartbeat")


def _stops_within(process: subprocess.Popen[bytes], seconds: float, tmp_path: Path) -> None:
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        raise AssertionError(
            f"the worker did not stop within {seconds}s of SIGTERM:\n{_log_of(process, tmp_path)}"
        ) from None


# --- fault 7: Redis outage ----------------------------------------------------------


@pytest.mark.timeout(150)
async def test_a_worker_outlives_a_redis_outage_and_its_interrupted_job_runs_again(
    app: Any, client: httpx.AsyncClient, spawn: Any, private_redis: PrivateRedis, tmp_path: Path
) -> None:
    account = await register(client)
    workspace = uuid.UUID(account.workspace_id)
    redis = private_redis.client()
    worker = spawn(REDIS_URL=private_redis.url)
    await _worker_alive(redis)
    job = await service.enqueue(redis, workspace, "test.count", {"items": 30, "delay": 0.1})
    await wait_for(account.workspace_id, job.id, lambda j: j.done >= 3, what="3 items")

    private_redis.kill()
    interrupted = await wait_for(
        account.workspace_id, job.id, lambda j: j.status != "running", timeout=30, what="the job to be set aside"
    )
    assert interrupted.status == "retrying", interrupted
    assert "Redis" in (interrupted.error or "")
    assert interrupted.done < 30
    await asyncio.sleep(2)  # long enough for arq's own loop to have died on the lost connection
    assert worker.poll() is None, _log_of(worker, tmp_path)

    # Redis comes back empty (no persistence): the queue and the job's dispatch are gone with it.
    private_redis.start()
    done = await wait_for(account.workspace_id, job.id, finished, timeout=60, what="the interrupted job to finish")
    assert done.status == "succeeded", done
    assert done.done == 30
    keys = [row["key"] for row in await JobItem.select(JobItem.key).where(JobItem.job == job.id)]
    assert sorted(keys) == [f"item-{i:03d}" for i in range(30)]

    # New work runs, and /ready sees the worker again.
    fresh = await service.enqueue(redis, workspace, "test.count", {"items": 2, "delay": 0.01})
    after = await wait_for(account.workspace_id, fresh.id, finished, timeout=30, what="a job sent after the outage")
    assert after.status == "succeeded"
    assert worker.poll() is None, _log_of(worker, tmp_path)
    working = app.state.redis
    app.state.redis = redis
    try:
        ready = await client.get("/ready")
    finally:
        app.state.redis = working
    assert ready.status_code == 200, ready.text
    assert ready.json()["workers"] == 1


# --- fault 13: a dead worker's jobs -----------------------------------------------------


@pytest.mark.timeout(150)
async def test_a_dead_workers_job_runs_again_long_before_the_job_timeout(
    app: Any, client: httpx.AsyncClient, spawn: Any
) -> None:
    account = await register(client)
    # arq alone would wait for this + 10 s before running the job again.
    slow_recovery = {"WORKER_JOB_TIMEOUT_SECONDS": "120"}
    doomed = spawn(**slow_recovery)
    await _worker_alive(app.state.redis)
    job = await enqueue(app, account.workspace_id, "test.count", {"items": 30, "delay": 0.1})
    await wait_for(account.workspace_id, job.id, lambda j: j.done >= 3, what="3 items")
    kill_hard(doomed)
    spawn(**slow_recovery)

    # Heartbeat gone after 3 beats of 5 s, then the next sweep (every 5 s): well inside 40 s even on a busy machine.
    await wait_for(
        account.workspace_id, job.id, lambda j: j.attempts >= 2, timeout=40, what="the job to run on the live worker"
    )
    done = await wait_for(account.workspace_id, job.id, finished, timeout=60, what="the job to finish")
    assert done.status == "succeeded", done
    assert done.done == 30
    assert done.attempts == 2
    keys = [row["key"] for row in await JobItem.select(JobItem.key).where(JobItem.job == job.id)]
    assert sorted(keys) == [f"item-{i:03d}" for i in range(30)]


@pytest.mark.parametrize(("setting", "loop"), [("true", "uvloop"), ("false", "asyncio")])
async def test_the_worker_runs_its_jobs_on_uvloop_unless_told_not_to(
    app: Any, client: httpx.AsyncClient, start_worker: Any, setting: str, loop: str
) -> None:
    start_worker(WORKER_UVLOOP=setting)
    account = await register(client)
    job = await enqueue(app, account.workspace_id, "test.event_loop", {})
    done = await wait_for(account.workspace_id, job.id, finished, timeout=60, what="the job")
    assert (done.status, done.result) == ("succeeded", {"loop": loop})


async def test_an_arq_job_of_an_earlier_dispatch_leaves_the_job_alone(app: Any, client: httpx.AsyncClient) -> None:
    """What arq's own late retry of a dead worker's job finds once the job was re-dispatched."""
    account = await register(client)
    row, _ = await service.create_job(uuid.UUID(account.workspace_id), "test.count", {"items": 2, "delay": 0})
    await Job.update({Job.dispatches: 2}).where(Job.id == row["id"])

    await runner.run_job(app.state.redis, row["id"], TEST_HANDLERS, 0.1, worker_id="old", dispatch=1)
    untouched = await service.get_job(uuid.UUID(account.workspace_id), row["id"])
    assert (untouched.status, untouched.attempts, untouched.done) == ("pending", 0, 0)

    await runner.run_job(app.state.redis, row["id"], TEST_HANDLERS, 0.1, worker_id="new", dispatch=2)
    ran = await service.get_job(uuid.UUID(account.workspace_id), row["id"])
    assert (ran.status, ran.attempts, ran.done) == ("succeeded", 1, 2)


async def test_a_job_whose_first_dispatch_was_lost_runs_when_the_sweeper_sends_it(
    app: Any, client: httpx.AsyncClient
) -> None:
    account = await register(client)
    row, _ = await service.create_job(uuid.UUID(account.workspace_id), "test.count", {"items": 1, "delay": 0})
    assert row["dispatches"] == 0  # the API died before sending it; the sweeper sends `<id>:1`
    await runner.run_job(app.state.redis, row["id"], TEST_HANDLERS, 0.1, worker_id="w", dispatch=1)
    ran = await service.get_job(uuid.UUID(account.workspace_id), row["id"])
    assert ran.status == "succeeded"


async def test_a_run_stopped_by_the_job_timeout_is_retried_not_left_running(
    app: Any, client: httpx.AsyncClient, spawn: Any
) -> None:
    account = await register(client)
    spawn()  # the tests' job timeout is 5 s
    job = await enqueue(app, account.workspace_id, "test.slow_once", {"seconds": 30})
    done = await wait_for(account.workspace_id, job.id, finished, timeout=60, what="the job to finish")
    assert done.status == "succeeded", done
    assert done.attempts == 2


# --- fault 14: stopping within a bound ------------------------------------------------------


@pytest.mark.timeout(90)
async def test_sigterm_stops_an_idle_worker_and_it_leaves_the_live_workers(
    app: Any, spawn: Any, tmp_path: Path
) -> None:
    worker = spawn()
    await _worker_alive(app.state.redis)
    worker.send_signal(signal.SIGTERM)
    _stops_within(worker, STOP_WITHIN, tmp_path)
    assert await heartbeat.count_live_workers(app.state.redis) == 0


@pytest.mark.timeout(120)
async def test_sigterm_during_a_job_stops_the_worker_and_another_finishes_the_job(
    app: Any, client: httpx.AsyncClient, spawn: Any, tmp_path: Path
) -> None:
    account = await register(client)
    worker = spawn()
    await _worker_alive(app.state.redis)
    # Well inside the tests' 5 s job timeout (a run arq times out is lost, not retried).
    job = await enqueue(app, account.workspace_id, "test.count", {"items": 30, "delay": 0.05})
    await wait_for(account.workspace_id, job.id, lambda j: j.done >= 3, what="3 items")
    worker.send_signal(signal.SIGTERM)
    _stops_within(worker, STOP_WITHIN, tmp_path)

    spawn()
    try:
        done = await wait_for(account.workspace_id, job.id, finished, timeout=60, what="the job to finish elsewhere")
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n{_all_logs(tmp_path)}") from None
    assert done.status == "succeeded", done
    assert done.done == 30


@pytest.mark.timeout(90)
async def test_sigterm_during_start_up_stops_a_worker_still_waiting_for_redis(spawn: Any, tmp_path: Path) -> None:
    worker = spawn(REDIS_URL=f"redis://127.0.0.1:{_free_port()}/0")  # nothing listens there
    await asyncio.sleep(3)  # imported, signal handlers set, trying to connect
    assert worker.poll() is None, "a worker must wait for Redis, not give up"
    worker.send_signal(signal.SIGTERM)
    _stops_within(worker, STOP_WITHIN, tmp_path)


@pytest.mark.timeout(90)
async def test_sigterm_stops_a_worker_whose_redis_stopped_answering(
    spawn: Any, private_redis: PrivateRedis, tmp_path: Path
) -> None:
    worker = spawn(REDIS_URL=private_redis.url)
    await _worker_alive(private_redis.client())
    private_redis.freeze()  # connections stay open, nothing answers
    try:
        worker.send_signal(signal.SIGTERM)
        _stops_within(worker, STOP_WITHIN, tmp_path)
    finally:
        private_redis.thaw()


def _migrate(test_env: dict[str, str], env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "backend.cli", "migrate"],
        env={**test_env, **env},
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        timeout=60,
    )


def _remove_files(folder: Path, pattern: str) -> None:
    for path in folder.glob(pattern):
        path.unlink()


async def _heartbeat_under(prefix: str) -> None:
    redis = create_redis()
    try:

        async def alive() -> bool:
            return bool(await redis.zrange(f"{prefix}:worker:heartbeats", 0, -1))

        await _eventually(alive, 40, "the worker's heartbeat")
    finally:
        await redis.aclose()


@pytest.mark.timeout(120)
async def test_sigterm_stops_a_worker_whose_database_goes_away(
    app: Any, spawn: Any, test_env: dict[str, str], tmp_path: Path
) -> None:
    """The worker's own database (PostgreSQL: dropped; SQLite: its file removed) vanishes as it stops."""
    prefix = f"{test_env['REDIS_KEY_PREFIX']}-gone"
    if BACKEND == "postgres":
        name = f"sellpilot_gone_{uuid.uuid4().hex[:8]}"
        admin = await asyncpg.connect(POSTGRES_ADMIN_URL)
        await admin.execute(f'CREATE DATABASE "{name}"')
        env = {"DATABASE_URL": POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name, "REDIS_KEY_PREFIX": prefix}
    else:
        database = tmp_path / "gone.sqlite3"
        env = {"SQLITE_PATH": str(database), "REDIS_KEY_PREFIX": prefix}
    try:
        await asyncio.to_thread(_migrate, test_env, env)
        worker = spawn(**env)
        await _heartbeat_under(prefix)
        worker.send_signal(signal.SIGTERM)
        await asyncio.sleep(0.2)
        if BACKEND == "postgres":
            await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        else:
            await asyncio.to_thread(_remove_files, tmp_path, "gone.sqlite3*")
        _stops_within(worker, STOP_WITHIN, tmp_path)
    finally:
        if BACKEND == "postgres":
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.close()
