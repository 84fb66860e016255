"""No-op jobs through the whole jobs engine vs bare arq: jobs/s from warm workers, and round trips per job.

The engine path is what every feature pays: `jobs.service.enqueue` (a jobs row
inserted only within the plan's limit, the job.created event, dispatch to arq),
then in the worker the workspace's turn, the running and succeeded updates and
their events. Bare arq
is `enqueue_job` and a task that appends its id to a stream (one Redis command,
as the engine's no-op leaves one trace: its event).

Both run the same closed loop: `--in-flight` jobs outstanding at all times
(the workspace is on the business plan, 50 unfinished jobs), each submitter
enqueueing its next job when the previous one is reported done (the engine's
job.succeeded on the workspace stream, bare arq's append). One worker process,
the production arq settings: the engine's is `sellpilot worker` (its Redis client,
logging, loop, its one-round-trip job start and its re-poll after taking jobs),
bare arq's is arq's own `Worker` as `arq <settings>` starts it (`bench/arq_worker.py`).
Each round starts a fresh worker, waits until a warm-up wave of jobs has gone
through (readiness, no sleep), then times `--jobs` jobs. Rounds interleave bare and engine.

Round trips are counted in a separate pass (`--count-jobs` jobs, untimed)
through TCP proxies in front of PostgreSQL and Redis: one round trip is a
request sent after the previous answer came back on that connection, so a
pipeline is one. Enqueue side (this process) and worker side are counted apart.
Idle polling by the worker (every `poll_delay`) and its heartbeat are included.

    uv run python bench/jobs_throughput.py [--jobs 3000] [--rounds 3] [--in-flight 40] [--count-jobs 500] \
        [--loop uvloop|asyncio]

Every process of a run uses the same event loop: uvloop by default (`sellpilot worker`
and the API run on it), asyncio's with `--loop asyncio`.

PostgreSQL: BENCH_POSTGRES_URL (a fresh database per run, dropped after);
Redis: REDIS_URL (a fresh key prefix per run, its keys deleted after).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import uvloop

from bench._harness import ROOT, bench_environment, cpu_seconds, machine, pids_named

STOP_WITHIN_MS = 200
# The event loop of every process of a run (`--loop`): the workers', and this one's (the enqueue side,
# as the API runs on uvicorn's uvloop).
LOOP = ["uvloop"]
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
# The finished jobs the table holds before a round, as a deployment's does: the bench's workspace's and others'.
HISTORY_WORKSPACES = 9
HISTORY_JOBS_PER_WORKSPACE = 2_000
WORKER_ENV = {
    "WORKER_MAX_JOBS": "20",
    "WORKER_MAX_JOBS_PER_WORKSPACE": "20",
    "WORKER_POLL_DELAY_SECONDS": "0.05",
    "WORKER_METRICS_PORT": "0",
}


# --- processes ------------------------------------------------------------------


def start_worker(env: dict[str, str], settings: str, production: bool) -> subprocess.Popen[bytes]:
    """The engine's worker as `sellpilot worker` runs it (`production`), bare arq's as `arq <settings>` does."""
    if production:
        command = [sys.executable, "-m", "backend.cli", "worker", "--settings", settings]
        env = {**env, "WORKER_UVLOOP": str(LOOP[0] == "uvloop").lower()}
    else:
        command = [sys.executable, str(ROOT / "bench" / "arq_worker.py"), LOOP[0], settings]
    return subprocess.Popen(
        command,
        env=env,
        cwd=ROOT,
        stdout=None if os.environ.get("BENCH_VERBOSE") else subprocess.DEVNULL,
        stderr=None if os.environ.get("BENCH_VERBOSE") else subprocess.DEVNULL,
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def run(coroutine: Awaitable[Any]) -> Any:
    """Run a coroutine to its end on this run's event loop."""
    if LOOP[0] == "uvloop":
        return uvloop.run(coroutine)  # type: ignore[arg-type]
    return asyncio.run(coroutine)  # type: ignore[arg-type]


# --- the closed loop ------------------------------------------------------------


class Completions:
    """Follows one Redis stream and resolves the future of each job id that appears with `done_type`."""

    def __init__(self, redis: Any, key: str, done: Callable[[dict[bytes, bytes]], str | None]) -> None:
        self.redis, self.key, self.done = redis, key, done
        self.waiting: dict[str, asyncio.Future[None]] = {}
        self.early: set[str] = set()
        self.task: asyncio.Task[None] | None = None
        self.running = True

    async def start(self) -> None:
        newest = await self.redis.xrevrange(self.key, count=1)
        cursor = newest[0][0] if newest else "0-0"
        self.task = asyncio.create_task(self._follow(cursor))

    async def _follow(self, cursor: Any) -> None:
        while self.running:
            response = await self.redis.xread({self.key: cursor}, count=1000, block=STOP_WITHIN_MS)
            for _, entries in response or []:
                for entry_id, fields in entries:
                    cursor = entry_id
                    job_id = self.done(fields)
                    if job_id is None:
                        continue
                    future = self.waiting.pop(job_id, None)
                    if future is None:
                        self.early.add(job_id)
                    elif not future.done():
                        future.set_result(None)

    async def wait(self, job_id: str) -> None:
        if job_id in self.early:
            self.early.discard(job_id)
            return
        future = self.waiting.setdefault(job_id, asyncio.get_running_loop().create_future())
        await future

    async def stop(self) -> None:
        # Not cancelled: cancelling a blocked XREAD can leave redis-py's connection hanging on close.
        self.running = False
        if self.task is not None:
            await self.task


async def closed_loop(count: int, in_flight: int, one: Callable[[], Awaitable[None]]) -> float:
    """Run `count` jobs with `in_flight` outstanding; seconds from the first enqueue to the last done."""
    remaining = [count]

    async def submitter() -> None:
        while remaining[0] > 0:
            remaining[0] -= 1
            await one()

    started = time.perf_counter()
    await asyncio.gather(*(submitter() for _ in range(min(in_flight, count))))
    return time.perf_counter() - started


# --- the two sides ----------------------------------------------------------------


@dataclass
class Side:
    """One side's set-up: its worker settings, how to submit a job and wait for it."""

    name: str
    settings: str
    redis: Any = None
    reader: Any = None
    completions: Completions | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    async def open(self, redis_url: str | None) -> None:
        raise NotImplementedError

    async def one(self) -> None:
        raise NotImplementedError

    async def settle(self) -> None:
        """After the warm-up: bring the fresh database to the state a running deployment's is in."""


class Bare(Side):
    async def open(self, redis_url: str | None) -> None:
        from arq import create_pool
        from arq.connections import RedisSettings

        from backend.core.redis import create_redis
        from backend.settings import get_settings
        from bench.workers import bare_done_key

        # arq's own client, as a bare arq application enqueues (the engine's side uses Sellpilot's).
        self.redis = await create_pool(RedisSettings.from_dsn(redis_url or get_settings().redis.url))
        self.reader = create_redis()
        self.completions = Completions(self.reader, bare_done_key(), lambda f: f[b"id"].decode())
        self.extra["queue"] = f"{os.environ['REDIS_KEY_PREFIX']}:bare"
        await self.completions.start()

    async def one(self) -> None:
        assert self.completions is not None
        job_id = uuid.uuid4().hex
        await self.redis.enqueue_job("bare_noop", _job_id=job_id, _queue_name=self.extra["queue"])
        await self.completions.wait(job_id)


class Engine(Side):
    async def open(self, redis_url: str | None) -> None:
        from backend import db
        from backend.auth.tables import Workspace
        from backend.billing.tables import Subscription
        from backend.core.redis import create_redis
        from backend.jobs import events

        await db.start()
        self.redis = create_redis(redis_url)
        self.reader = create_redis()
        workspace = uuid.uuid4()
        await Workspace.insert(Workspace(id=workspace, name="bench"))
        # Business plan: 50 unfinished jobs at once, more than the loop keeps in flight.
        await Subscription.insert(Subscription(workspace=workspace, plan="business", status="active"))
        self.extra["workspace"] = workspace

        def succeeded(fields: dict[bytes, bytes]) -> str | None:
            # Only the last of a job's events is decoded: the bench's own CPU is not the engine's.
            if b'"type":"job.succeeded"' not in fields[b"data"]:
                return None
            return str(json.loads(fields[b"data"])["job_id"])

        self.completions = Completions(self.reader, events.stream_key(workspace), succeeded)
        await self.completions.start()

    async def settle(self) -> None:
        from backend.auth.tables import Workspace
        from backend.jobs.tables import Job

        # A deployment's jobs table holds JOBS_RETENTION_DAYS of finished jobs, of this workspace and of
        # others, and has statistics (autovacuum analyses it). A fresh, nearly empty one does not: its plans
        # (kept by each pooled connection) read a job by a sequential scan or the workspace's index instead
        # of its primary key, and which one a connection keeps varies from round to round.
        others = [uuid.uuid4() for _ in range(HISTORY_WORKSPACES)]
        await Workspace.insert(*(Workspace(id=other, name="bench history") for other in others))
        await Job.raw(
            "INSERT INTO jobs (id, workspace, kind, status, progress, attempts, dispatches, "
            "created_at, started_at, finished_at) "
            "SELECT gen_random_uuid(), w, 'bench.noop', 'succeeded', 1, 1, 1, t, t, t "
            "FROM unnest({}::uuid[]) AS w, generate_series(1, {}) AS i, "
            "LATERAL (SELECT now() - make_interval(secs => i * 30)) AS at(t)",
            [self.extra["workspace"], *others],
            HISTORY_JOBS_PER_WORKSPACE,
        )
        await Job.raw("ANALYZE jobs")

    async def one(self) -> None:
        from backend.jobs import service

        assert self.completions is not None
        job = await service.enqueue(self.redis, self.extra["workspace"], "bench.noop", {})
        await self.completions.wait(str(job.id))


async def close(side: Side) -> None:
    from backend import db

    if side.completions is not None:
        await side.completions.stop()
    for client in (side.redis, side.reader):
        if client is not None:
            await client.aclose()
    if isinstance(side, Engine):
        await db.stop()


def make_side(name: str) -> Side:
    if name == "bare":
        return Bare("bare arq", "bench.workers.BareArqSettings")
    return Engine("jobs engine", "bench.workers.EngineSettings")


CPU_PARTS = ("enqueue", "worker", "postgres", "redis")


class CpuMeter:
    """CPU seconds used by each part (this process, the worker, PostgreSQL's processes, Redis) between two reads.

    PostgreSQL backends are pooled, so the same processes serve the whole timed pass; one that ends
    within it takes its CPU time with it (not counted).
    """

    def __init__(self, worker_pid: int) -> None:
        self.worker_pid = worker_pid

    def read(self) -> dict[str, dict[int, float]]:
        times = os.times()
        return {
            "enqueue": {0: times.user + times.system},
            "worker": {self.worker_pid: cpu_seconds(self.worker_pid)},
            "postgres": {pid: cpu_seconds(pid) for pid in pids_named("postgres")},
            "redis": {pid: cpu_seconds(pid) for pid in pids_named("redis-server")},
        }

    @staticmethod
    def used(before: dict[str, dict[int, float]], after: dict[str, dict[int, float]]) -> dict[str, float]:
        return {
            part: sum(seconds - before[part].get(pid, 0.0) for pid, seconds in after[part].items() if seconds)
            for part in CPU_PARTS
        }


async def timed_round(name: str, env: dict[str, str], count: int, in_flight: int) -> tuple[float, dict[str, float]]:
    """Jobs/s of one side from a warm worker, and CPU milliseconds per job of each part."""
    side = make_side(name)
    await side.open(None)
    worker = start_worker(env, side.settings, isinstance(side, Engine))
    meter = CpuMeter(worker.pid)
    try:
        # Readiness and warm-up: a first job, then a wave, through the fresh worker.
        await closed_loop(1, 1, side.one)
        await closed_loop(in_flight * 2, in_flight, side.one)
        await side.settle()
        before = meter.read()
        elapsed = await closed_loop(count, in_flight, side.one)
        used = meter.used(before, meter.read())
    finally:
        stop(worker)
        await close(side)
    return count / elapsed, {part: seconds * 1000 / count for part, seconds in used.items()}


# --- round trips --------------------------------------------------------------------


@dataclass
class Tally:
    round_trips: int = 0
    connections: int = 0


class CountingProxy:
    """TCP proxies (own thread and loop) that count request → answer round trips per listener."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.tallies: dict[str, Tally] = {}
        threading.Thread(target=self.loop.run_forever, daemon=True).start()

    def listen(self, name: str, upstream: tuple[str, int]) -> int:
        tally = self.tallies.setdefault(name, Tally())

        async def handle(client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
            server_r, server_w = await asyncio.open_connection(*upstream)
            tally.connections += 1
            last = ["answer"]

            async def pump(src: asyncio.StreamReader, dst: asyncio.StreamWriter, direction: str) -> None:
                try:
                    while data := await src.read(65536):
                        if direction == "request" and last[0] != "request":
                            tally.round_trips += 1
                        last[0] = direction
                        dst.write(data)
                        await dst.drain()
                except (ConnectionError, OSError):
                    pass
                finally:
                    dst.close()

            await asyncio.gather(pump(client_r, server_w, "request"), pump(server_r, client_w, "answer"))

        async def serve() -> int:
            server = await asyncio.start_server(handle, "127.0.0.1", 0)
            return int(server.sockets[0].getsockname()[1])

        return asyncio.run_coroutine_threadsafe(serve(), self.loop).result()

    def snapshot(self) -> dict[str, int]:
        return {name: tally.round_trips for name, tally in self.tallies.items()}


def via_proxy(url: str, port: int) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)
    host = f"127.0.0.1:{port}"
    return urlunsplit(parts._replace(netloc=f"{netloc[0]}@{host}" if len(netloc) == 2 else host))


def upstream_of(url: str, default_port: int) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or default_port


async def count_pass(name: str, env: dict[str, str], count: int, in_flight: int) -> dict[str, float]:
    """Round trips per job of one side, enqueue side and worker side apart (run in a fresh process)."""
    proxy = CountingProxy()
    redis_url, database_url = env.get("REDIS_URL", DEFAULT_REDIS_URL), env["DATABASE_URL"]
    ports = {
        "redis:enqueue": proxy.listen("redis:enqueue", upstream_of(redis_url, 6379)),
        "redis:worker": proxy.listen("redis:worker", upstream_of(redis_url, 6379)),
        "pg:enqueue": proxy.listen("pg:enqueue", upstream_of(database_url, 5432)),
        "pg:worker": proxy.listen("pg:worker", upstream_of(database_url, 5432)),
    }
    # This process's database pool is made after this point: through the proxy.
    os.environ["DATABASE_URL"] = via_proxy(database_url, ports["pg:enqueue"])
    worker_env = {
        **env,
        "DATABASE_URL": via_proxy(database_url, ports["pg:worker"]),
        "REDIS_URL": via_proxy(redis_url, ports["redis:worker"]),
    }
    side = make_side(name)
    await side.open(via_proxy(redis_url, ports["redis:enqueue"]))
    worker = start_worker(worker_env, side.settings, isinstance(side, Engine))
    try:
        await closed_loop(1, 1, side.one)
        await closed_loop(in_flight * 2, in_flight, side.one)
        await side.settle()
        before = proxy.snapshot()
        await closed_loop(count, in_flight, side.one)
        after = proxy.snapshot()
    finally:
        stop(worker)
        await close(side)
    return {key: (after[key] - before[key]) / count for key in after}


# --- cleanup and report -----------------------------------------------------------------


async def remove_redis_keys(prefix: str) -> int:
    """Delete this run's keys (all under its prefix; arq deletes its per-job keys itself, keep_result=0)."""
    from redis.asyncio import Redis

    redis = Redis.from_url(os.environ.get("REDIS_URL", DEFAULT_REDIS_URL))
    removed = 0
    async for key in redis.scan_iter(match=f"{prefix}*", count=1000):
        removed += await redis.delete(key)
    await redis.aclose()
    return removed


def spread(values: list[float]) -> str:
    return f"{min(values):7.1f} / {statistics.median(values):7.1f} / {max(values):7.1f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--in-flight", type=int, default=40)
    parser.add_argument("--count-jobs", type=int, default=500)
    parser.add_argument("--loop", choices=["uvloop", "asyncio"], default="uvloop")
    parser.add_argument("--count-pass", choices=["bare", "engine"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    LOOP[0] = args.loop
    if args.count_pass:
        env = dict(os.environ)
        result = run(count_pass(args.count_pass, env, args.count_jobs, args.in_flight))
        print(json.dumps(result))
        return
    with bench_environment(**WORKER_ENV) as env:
        try:
            rates: dict[str, list[float]] = {"bare": [], "engine": []}
            cpu: dict[str, list[dict[str, float]]] = {"bare": [], "engine": []}
            ratios: list[float] = []
            for _ in range(args.rounds):
                for name in ("bare", "engine"):
                    rate, used = run(timed_round(name, env, args.jobs, args.in_flight))
                    rates[name].append(rate)
                    cpu[name].append(used)
                ratios.append(rates["engine"][-1] / rates["bare"][-1])
            trips = {}
            for name in ("bare", "engine"):
                command = [sys.executable, __file__, "--count-pass", name, "--count-jobs", str(args.count_jobs)]
                command += ["--in-flight", str(args.in_flight), "--loop", args.loop]
                output = subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True, text=True)
                trips[name] = json.loads(output.stdout.strip().splitlines()[-1])
        finally:
            run(remove_redis_keys(env["REDIS_KEY_PREFIX"]))
    print(f"machine: {machine()}")
    print(
        f"{args.jobs} no-op jobs per round, {args.rounds} interleaved rounds, {args.in_flight} in flight, "
        f"one warm worker (max_jobs=20, poll_delay=0.05 s), PostgreSQL + Redis on localhost, {args.loop} everywhere"
    )
    print("                 jobs/s min / median / max")
    print(f"bare arq:        {spread(rates['bare'])}")
    print(f"jobs engine:     {spread(rates['engine'])}")
    print(f"engine / bare:   {min(ratios):.2f} / {statistics.median(ratios):.2f} / {max(ratios):.2f}")
    each = ", ".join(f"{b:.0f}/{e:.0f}" for b, e in zip(rates["bare"], rates["engine"], strict=True))
    print(f"rounds (bare/engine jobs/s, in order): {each}")
    print("CPU ms per job, median of rounds: " + " / ".join(CPU_PARTS) + " = all")
    for name in ("bare", "engine"):
        parts = {part: statistics.median(used[part] for used in cpu[name]) for part in CPU_PARTS}
        figures = " / ".join(f"{parts[part]:.2f}" for part in CPU_PARTS)
        print(f"  {name:6}  {figures} = {sum(parts.values()):.2f}")
    print(f"round trips per job ({args.count_jobs} jobs through counting proxies):")
    for name in ("bare", "engine"):
        t = trips[name]
        print(
            f"  {name:6}  PostgreSQL {t['pg:enqueue'] + t['pg:worker']:5.2f} "
            f"(enqueue {t['pg:enqueue']:.2f}, worker {t['pg:worker']:.2f})   "
            f"Redis {t['redis:enqueue'] + t['redis:worker']:5.2f} "
            f"(enqueue {t['redis:enqueue']:.2f}, worker {t['redis:worker']:.2f})"
        )


if __name__ == "__main__":
    main()
