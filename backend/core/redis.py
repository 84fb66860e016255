"""The Redis client and key naming shared by the API and the workers."""

from __future__ import annotations

from typing import Any

from arq.connections import ArqRedis
from litestar.datastructures import State
from redis.asyncio import ConnectionPool
from redis.asyncio.connection import AbstractConnection

from backend.settings import get_settings


class IdleCappedPool(ConnectionPool):
    """Opens as many connections as concurrent commands need, but keeps at most `max_idle` open after.

    A burst (a thousand browsers reconnecting their event streams at once)
    never waits for a connection, and the process settles back to a few.
    """

    def __init__(self, *args: Any, max_idle: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_idle = max_idle

    async def release(self, connection: AbstractConnection) -> None:
        await super().release(connection)
        if len(self._available_connections) > self.max_idle:
            surplus = self._available_connections.pop(0)  # the longest idle
            await surplus.disconnect()


def create_redis(url: str | None = None, max_idle: int | None = None) -> ArqRedis:
    """A Redis client that can also enqueue arq jobs (ArqRedis is a redis.asyncio.Redis).

    With `max_idle`, connections beyond that many idle ones are closed when released.
    """
    options: dict[str, Any] = {"socket_connect_timeout": 5, "socket_timeout": 10, "health_check_interval": 30}
    url = url or get_settings().redis.url
    pool = (
        ConnectionPool.from_url(url, **options)
        if max_idle is None
        else IdleCappedPool.from_url(url, max_idle=max_idle, **options)
    )
    return ArqRedis(pool, default_queue_name=arq_queue_name())


def arq_queue_name() -> str:
    """The arq queue of this deployment (one Redis may serve several, e.g. test runs)."""
    return f"{get_settings().redis.key_prefix}:queue"


def redis_key(*parts: str) -> str:
    """A key under this deployment's prefix, e.g. `sellpilot:auth:denied-jti:<jti>`."""
    return ":".join((get_settings().redis.key_prefix, *parts))


def provide_redis(state: State) -> ArqRedis:
    """Litestar dependency: the client the app opened at start-up."""
    redis: ArqRedis = state.redis
    return redis
