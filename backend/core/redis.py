"""The Redis client and key naming shared by the API and the workers."""

from __future__ import annotations

from typing import Any

from arq.connections import ArqRedis
from litestar.datastructures import State
from redis.asyncio import BlockingConnectionPool, ConnectionPool

from backend.settings import get_settings


def create_redis(url: str | None = None, max_connections: int | None = None) -> ArqRedis:
    """A Redis client that can also enqueue arq jobs (ArqRedis is a redis.asyncio.Redis).

    With `max_connections` the pool never grows past it: a command waits for a free
    connection instead (so only for clients whose commands never block for long).
    """
    options: dict[str, Any] = {"socket_connect_timeout": 5, "socket_timeout": 10, "health_check_interval": 30}
    pool: ConnectionPool
    if max_connections is None:
        pool = ConnectionPool.from_url(url or get_settings().redis.url, **options)
    else:
        pool = BlockingConnectionPool.from_url(
            url or get_settings().redis.url, max_connections=max_connections, timeout=10, **options
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
