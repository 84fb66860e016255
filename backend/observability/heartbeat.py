"""Worker heartbeats kept in Redis, so any process can tell which workers are alive.

A worker beats every `WORKER_HEARTBEAT_SECONDS` from a task of its own (not an
arq cron, which would wait for a free job slot on a busy worker) and counts as
dead after `MISSED_BEATS` beats are missed: /ready then fails, and the jobs it
was running are sent to the live workers.
"""

from __future__ import annotations

import asyncio
import time

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

from backend.core.redis import redis_key
from backend.settings import get_settings

log = structlog.get_logger(__name__)

MISSED_BEATS = 3
# After a failed beat (Redis away) try again soon, so a worker that survived an
# outage is seen alive again before anyone takes its jobs.
RETRY_SECONDS = 1.0


def _key() -> str:
    return redis_key("worker", "heartbeats")


def max_age_seconds() -> float:
    """A worker whose last beat is older than this is dead."""
    return MISSED_BEATS * get_settings().jobs.worker_heartbeat_seconds


async def record_heartbeat(redis: Redis, worker_id: str) -> None:
    now = time.time()
    async with redis.pipeline(transaction=True) as pipe:
        pipe.zadd(_key(), {worker_id: now})
        # Dead workers' entries stay a while (for the sweeper's logs), then go.
        pipe.zremrangebyscore(_key(), "-inf", now - 20 * max_age_seconds())
        await pipe.execute()


async def forget_heartbeat(redis: Redis, worker_id: str) -> None:
    """A worker stopping cleanly says so, so its unfinished jobs are taken over at once."""
    await redis.zrem(_key(), worker_id)


async def beat_forever(redis: Redis, worker_id: str) -> None:
    """Run as a task for the worker's whole life; a Redis outage only delays the next beat."""
    interval = get_settings().jobs.worker_heartbeat_seconds
    while True:
        try:
            await record_heartbeat(redis, worker_id)
        except (RedisError, OSError) as exc:
            log.warning("heartbeat_failed", worker_id=worker_id, error=type(exc).__name__)
            await asyncio.sleep(min(interval, RETRY_SECONDS))
            continue
        await asyncio.sleep(interval)


async def live_worker_ids(redis: Redis) -> set[str]:
    members = await redis.zrangebyscore(_key(), time.time() - max_age_seconds(), "+inf")
    return {m.decode() if isinstance(m, bytes) else str(m) for m in members}


async def count_live_workers(redis: Redis) -> int:
    return int(await redis.zcount(_key(), time.time() - max_age_seconds(), "+inf"))
