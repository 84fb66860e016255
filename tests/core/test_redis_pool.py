"""The API's Redis client: a burst opens what it needs, then the process settles back to a few connections."""

from __future__ import annotations

import asyncio
import uuid

from backend.core.redis import create_redis, redis_key


async def test_a_burst_never_waits_for_a_connection_and_the_surplus_closes_after() -> None:
    redis = create_redis(max_idle=2)
    key = redis_key("pool-test", uuid.uuid4().hex)
    try:
        # 20 commands that each hold a connection for a moment, all at once.
        results = await asyncio.gather(*(redis.blpop([key], timeout=0.3) for _ in range(20)))
        assert results == [None] * 20
        pool = redis.connection_pool
        assert len(pool._in_use_connections) == 0  # type: ignore[attr-defined]
        idle = pool._available_connections  # type: ignore[attr-defined]
        assert len(idle) == 2
        assert all(connection.is_connected for connection in idle)
        assert await redis.ping()
    finally:
        await redis.aclose()
