"""The worker process: arq's Worker, made to outlive a Redis outage and to stop within a bound.

arq alone lets its main loop die on the first Redis error (the process exits,
its running job is lost) and, when told to stop, waits for its jobs, Redis and
our shutdown hook without any limit (seen stuck for half an hour after its
database went away). Here:

- a lost Redis connection pauses the polling loop and retries with backoff
  (capped at `MAX_RECONNECT_SECONDS`); a job interrupted by it is set aside by
  the runner and runs again once Redis is back;
- shutdown gives the running jobs, the shutdown hook and the connections
  `WORKER_SHUTDOWN_TIMEOUT_SECONDS` in all; what is still busy then is
  abandoned and logged. A watchdog thread ends the process if even that
  cannot finish (a blocked event loop), and a second SIGTERM/SIGINT during
  shutdown ends it at once.

Start with `sellpilot worker`.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import threading
from typing import Any

import structlog
from arq.constants import in_progress_key_prefix
from arq.utils import timestamp_ms
from arq.worker import Worker, get_kwargs
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from backend.core.aio import bounded
from backend.core.redis import create_redis, lua_script
from backend.jobs.runner import WorkerLifecycle
from backend.settings import get_settings

try:
    import uvloop
except ImportError:  # not built for Windows: asyncio's loop then
    uvloop = None  # type: ignore[assignment]

log = structlog.get_logger(__name__)

MAX_RECONNECT_SECONDS = 5.0
# Beyond the shutdown timeout, the watchdog's extra patience before it ends the process.
WATCHDOG_GRACE_SECONDS = 5.0
REDIS_LOST = (RedisConnectionError, RedisTimeoutError, OSError)


# arq's job start as one script: a job in progress on a worker, no longer queued, or queued for later is not
# taken; else it is marked in progress (for arq's in-progress timeout) and its queue score returned.
_TAKE = lua_script("""
if redis.call('EXISTS', KEYS[1]) == 1 then return false end
local score = redis.call('ZSCORE', KEYS[2], ARGV[1])
if not score or tonumber(score) > tonumber(ARGV[2]) then return false end
redis.call('PSETEX', KEYS[1], ARGV[3], '1')
return score
""")


def _force_exit(reason: str) -> None:
    log.error("worker_forced_exit", reason=reason)
    os._exit(1)


class SellpilotWorker(Worker):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.shutdown_timeout = get_settings().jobs.worker_shutdown_timeout_seconds
        self._started = False
        self._stopping = False
        self._took_jobs = False
        # Tells job runs cancelled by a stop from runs cancelled by arq's job timeout.
        self.lifecycle = self.ctx.setdefault("lifecycle", WorkerLifecycle())

    async def main(self) -> None:
        failures = 0
        while not self._stopping:
            try:
                await self._run_until_redis_fails()
                return
            except REDIS_LOST as exc:
                failures += 1
                delay = min(MAX_RECONNECT_SECONDS, 0.25 * 2**failures) * random.uniform(0.8, 1.2)  # noqa: S311
                # Redis away, or the database at start-up (an OSError too): wait for it.
                log.warning(
                    "worker_waiting_for_connection",
                    error=f"{type(exc).__name__}: {exc}",
                    retry_in_seconds=round(delay, 2),
                    running_jobs=sum(not t.done() for t in self.tasks.values()),
                )
                await asyncio.sleep(delay)

    async def _run_until_redis_fails(self) -> None:
        if self._pool is None:
            # Our client has socket timeouts: a Redis that stops answering
            # (not only one that refuses) is noticed instead of waited for.
            self._pool = create_redis()
        await self.pool.ping()
        if not self._started:
            self.ctx["redis"] = self.pool
            if self.on_startup:
                await self.on_startup(self.ctx)
            self._started = True
            log.info("worker_started", functions=sorted(self.functions), queue=self.queue_name)
        loop = asyncio.get_running_loop()
        # The signal also cancels this task, but a cancellation can be
        # swallowed on its way (seen: the worker went on taking jobs).
        while not self._stopping:
            began = loop.time()
            self._took_jobs = False
            await self._poll_iteration()
            if not self._took_jobs:
                # Nothing taken (queue empty, or every slot busy): wait out the poll delay. After taking jobs,
                # the queue is read again at once (arq waits), so a job queued meanwhile starts without
                # waiting for the next tick while a slot is free.
                await asyncio.sleep(max(0.0, self.poll_delay_s - (loop.time() - began)))

    async def start_jobs(self, job_ids: list[bytes]) -> None:
        """arq's `start_jobs` with its four round trips per job (WATCH, EXISTS, ZSCORE, MULTI/PSETEX/EXEC) made
        one (`_TAKE`, atomic as arq's transaction is); and a slot taken is given back whatever fails, where arq
        keeps it (each Redis outage would shrink the worker until it takes no job at all)."""
        for job_id_bytes in job_ids:
            await self.sem.acquire()
            if self.job_counter >= self.max_jobs:
                self.sem.release()
                return
            self.job_counter += 1
            job_id = job_id_bytes.decode()
            try:
                score = await _TAKE(
                    keys=[in_progress_key_prefix + job_id, self.queue_name],
                    args=[job_id, timestamp_ms(), int(self.in_progress_timeout_s * 1000)],
                    client=self.pool,
                )
            except BaseException:
                self._release_sem_dec_counter_on_complete()
                raise
            if score is None:
                # Running elsewhere, finished and gone from the queue, or deferred again by another worker.
                self._release_sem_dec_counter_on_complete()
                continue
            task = self.loop.create_task(self.run_job(job_id, int(float(score))))
            task.add_done_callback(lambda _: self._release_sem_dec_counter_on_complete())
            self.tasks[job_id] = task
            self._took_jobs = True

    def handle_sig(self, signum: signal.Signals) -> None:
        if self._stopping:
            _force_exit(f"second {signal.Signals(signum).name} during shutdown")
        self._stopping = self.lifecycle.stopping = True
        self.allow_pick_jobs = False
        super().handle_sig(signum)

    async def close(self) -> None:
        self._stopping = self.lifecycle.stopping = True
        watchdog = threading.Timer(
            self.shutdown_timeout + WATCHDOG_GRACE_SECONDS, _force_exit, args=("shutdown did not finish",)
        )
        watchdog.daemon = True
        watchdog.start()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.shutdown_timeout

        def left(share: float = 1.0) -> float:
            return max(0.05, (deadline - loop.time()) * share)

        if self._pool is None:
            return
        running = [t for t in self.tasks.values() if not t.done()]
        if running:
            # They were cancelled by the signal; give them a moment to let go.
            _, stuck = await asyncio.wait(running, timeout=left(0.3))
            if stuck:
                log.error("worker_shutdown_abandoned_jobs", jobs=len(stuck))
        await bounded("arq health key", self.pool.delete(self.health_check_key), min(1.0, left(0.1)))
        if self.on_shutdown and self._started:
            await bounded("shutdown hook", self.on_shutdown(self.ctx), left(0.8))
        await bounded("redis", self.pool.aclose(close_connection_pool=True), left())
        self._pool = None
        log.info("worker_stopped")


def new_event_loop() -> asyncio.AbstractEventLoop:
    """The worker's event loop: uvloop where installed and not switched off (WORKER_UVLOOP), else asyncio's.

    A job is mostly round trips to Redis and the database; uvloop's sockets cost
    far less CPU per round trip than asyncio's (the API gets it from uvicorn).
    """
    if uvloop is not None and get_settings().jobs.worker_uvloop:
        loop: asyncio.AbstractEventLoop = uvloop.new_event_loop()
        return loop
    return asyncio.new_event_loop()


def run_worker(settings: Any) -> None:
    """Run a worker with arq worker settings (a class or dict) until SIGTERM/SIGINT."""
    # arq's Worker runs on the loop set here (it asks asyncio for the current one); set after the settings'
    # imports, as Piccolo's engine runs `asyncio.run` when it is made, which leaves no current loop.
    asyncio.set_event_loop(new_event_loop())
    SellpilotWorker(**get_kwargs(settings)).run()
