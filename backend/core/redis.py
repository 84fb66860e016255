"""The Redis client and key naming shared by the API and the workers."""

from __future__ import annotations

from arq.connections import ArqRedis
from litestar.datastructures import State
from redis.asyncio import ConnectionPool

from backend.settings import get_settings


def create_redis(url: str | None = None) -> ArqRedis:
    """A Redis client that can also enqueue arq jobs (ArqRedis is a redis.asyncio.Redis)."""
    pool = ConnectionPool.from_url(
        url or get_settings().redis.url, socket_connect_timeout=5, socket_timeout=10, health_check_interval=30
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
