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


def _since_key() -> str:
    # When the heartbeats began (in this Redis): right after Redis restarts
    # empty, a worker missing from them may just not have beaten yet.
    return redis_key("worker", "heartbeats-since")


def max_age_seconds() -> float:
    """A worker whose last beat is older than this is dead."""
    return MISSED_BEATS * get_settings().jobs.worker_heartbeat_seconds


async def record_heartbeat(redis: Redis, worker_id: str) -> None:
    now = time.time()
    async with redis.pipeline(transaction=True) as pipe:
        pipe.zadd(_key(), {worker_id: now})
        pipe.set(_since_key(), str(now), nx=True)
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


async def dead_workers(redis: Redis, worker_ids: set[str]) -> set[str]:
    """Those of `worker_ids` that are dead: their last beat is too old, or they stopped cleanly.

    A worker with no beat at all counts as dead only once heartbeats have been
    kept for longer than a dead worker's silence (not right after Redis lost them).
    """
    if not worker_ids:
        return set()
    ids = sorted(worker_ids)
    async with redis.pipeline(transaction=False) as pipe:
        pipe.get(_since_key())
        for worker_id in ids:
            pipe.zscore(_key(), worker_id)
        since, *scores = await pipe.execute()
    now, age = time.time(), max_age_seconds()
    absence_means_dead = since is not None and now - float(since) > age
    return {
        worker_id
        for worker_id, score in zip(ids, scores, strict=True)
        if (score is None and absence_means_dead) or (score is not None and float(score) < now - age)
    }


async def count_live_workers(redis: Redis) -> int:
    return int(await redis.zcount(_key(), time.time() - max_age_seconds(), "+inf"))


async def heartbeats(redis: Redis) -> list[tuple[str, float, bool]]:
    """(worker id, last beat as Unix time, alive) of every worker seen lately, latest beat first."""
    entries = await redis.zrevrange(_key(), 0, -1, withscores=True)
    oldest_alive = time.time() - max_age_seconds()
    return [
        (member.decode() if isinstance(member, bytes) else str(member), float(score), float(score) >= oldest_alive)
        for member, score in entries
    ]
