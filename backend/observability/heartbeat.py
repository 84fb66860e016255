"""Worker heartbeats kept in Redis, so any API process can tell whether workers run."""

from __future__ import annotations

import time

from redis.asyncio import Redis

from backend.core.redis import redis_key

MAX_AGE_SECONDS = 60


async def record_heartbeat(redis: Redis, worker_id: str) -> None:
    key = redis_key("worker", "heartbeats")
    now = time.time()
    async with redis.pipeline(transaction=True) as pipe:
        pipe.zadd(key, {worker_id: now})
        pipe.zremrangebyscore(key, "-inf", now - MAX_AGE_SECONDS)
        await pipe.execute()


async def count_live_workers(redis: Redis) -> int:
    return int(await redis.zcount(redis_key("worker", "heartbeats"), time.time() - MAX_AGE_SECONDS, "+inf"))
