"""The Redis client: a burst opens what it needs, then the process settles back to a few connections;
a pooled connection that was closed or holds an unread reply is never handed to a command."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from redis.exceptions import TimeoutError as RedisTimeoutError

from backend.core.redis import create_redis, redis_key
from tests.private_redis import PrivateRedis


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


async def test_a_connection_the_server_closed_is_replaced_before_the_next_command() -> None:
    redis, admin = create_redis(), create_redis()
    try:
        assert await redis.ping()
        pooled = redis.connection_pool._available_connections[0]  # type: ignore[attr-defined]
        client_id = await redis.client_id()
        await admin.client_kill_filter(_id=client_id)
        await asyncio.sleep(0.1)  # the close reaches this process
        # The command gets a fresh connection instead of failing on the closed one.
        assert await redis.set(redis_key("pool-test", uuid.uuid4().hex), "1", ex=5)
        assert await redis.client_id() != client_id
        assert pooled.is_connected  # the same connection object, connected anew
    finally:
        await redis.aclose()
        await admin.aclose()


async def test_a_reply_nobody_read_never_answers_the_next_command() -> None:
    redis = create_redis()
    try:
        assert await redis.ping()
        pool = redis.connection_pool
        connection = await pool.get_connection()
        # A command whose caller went away before its reply (e.g. cancelled mid-flight).
        await connection.send_command("ECHO", "stale")
        await pool.release(connection)
        await asyncio.sleep(0.1)  # the reply arrives and waits, unread
        assert await redis.echo("fresh") == b"fresh"
        assert await redis.echo("again") == b"again"
    finally:
        await redis.aclose()


@pytest.mark.timeout(60)
async def test_a_command_to_a_redis_that_stopped_reading_fails_within_the_socket_timeout(
    private_redis: PrivateRedis,
) -> None:
    redis = private_redis.client()
    redis.connection_pool.connection_kwargs["socket_timeout"] = 0.5  # production's is 10 s
    assert await redis.ping()
    private_redis.freeze()
    try:
        loop = asyncio.get_running_loop()
        started = loop.time()
        # Far more than the sockets' buffers hold: the send itself has to wait for Redis, and gives up.
        with pytest.raises(RedisTimeoutError, match="writing"):
            await redis.set("big", b"x" * 64_000_000)
        assert loop.time() - started < 5
    finally:
        private_redis.thaw()
    assert await redis.ping()  # the client goes on, on a fresh connection
