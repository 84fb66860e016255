"""5,000 no-op jobs through the whole jobs engine vs 5,000 bare arq no-op jobs, in one run.

The engine path is what every feature pays: a jobs row, job.created/started/
succeeded events on the workspace stream, dispatch to arq, status updates.
Both sides use one worker process with the same arq settings and are timed
end to end: from the first enqueue to the last job done.

    uv run python bench/jobs_throughput.py [--jobs 5000]
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import subprocess
import sys
import time
import uuid
from typing import Any

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent.parent))

from bench._harness import ROOT, bench_environment, machine

SUBMIT_CONCURRENCY = 50


def start_worker(env: dict[str, str], settings: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "arq", settings], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)


async def submit_all(count: int, submit: Any) -> None:
    gate = asyncio.Semaphore(SUBMIT_CONCURRENCY)

    async def one(i: int) -> None:
        async with gate:
            await submit(i)

    await asyncio.gather(*(one(i) for i in range(count)))


async def bare_arq(env: dict[str, str], count: int) -> float:
    from backend.core.redis import create_redis, redis_key

    redis = create_redis()
    counter = redis_key("bench", "bare-done")
    await redis.delete(counter)
    worker = start_worker(env, "bench.workers.BareArqSettings")
    await asyncio.sleep(2)  # worker start-up is not what we measure
    started = time.perf_counter()
    await submit_all(count, lambda i: redis.enqueue_job("bare_noop", _queue_name=f"{env['REDIS_KEY_PREFIX']}:bare"))
    while int(await redis.get(counter) or 0) < count:
        await asyncio.sleep(0.02)
    elapsed = time.perf_counter() - started
    stop(worker)
    await redis.aclose()
    return elapsed


async def engine(env: dict[str, str], count: int) -> float:
    from backend import db
    from backend.auth.tables import Workspace
    from backend.core.redis import create_redis
    from backend.jobs import service
    from backend.jobs.tables import Job

    await db.start()
    redis = create_redis()
    workspace = uuid.uuid4()
    await Workspace.insert(Workspace(id=workspace, name="bench"))
    worker = start_worker(env, "bench.workers.EngineSettings")
    await asyncio.sleep(2)
    started = time.perf_counter()
    await submit_all(count, lambda i: service.enqueue(redis, workspace, "bench.noop", {}))
    while await Job.count().where((Job.workspace == workspace) & (Job.status == "succeeded")) < count:
        await asyncio.sleep(0.05)
    elapsed = time.perf_counter() - started
    stop(worker)
    await redis.aclose()
    await db.stop()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=5000)
    args = parser.parse_args()
    with bench_environment(WORKER_MAX_JOBS="20", WORKER_POLL_DELAY_SECONDS="0.05") as env:
        bare = asyncio.run(bare_arq(env, args.jobs))
        full = asyncio.run(engine(env, args.jobs))
    print(f"machine: {machine()}")
    print(f"jobs: {args.jobs}, one worker process, max_jobs=20, poll_delay=0.05 s, PostgreSQL + Redis on localhost")
    print(f"bare arq:    {bare:7.2f} s  {args.jobs / bare:8.0f} jobs/s")
    print(f"jobs engine: {full:7.2f} s  {args.jobs / full:8.0f} jobs/s")
    print(f"engine / bare throughput: {bare / full:.2f}  (engine takes {full / bare:.1f}x as long)")


if __name__ == "__main__":
    main()
