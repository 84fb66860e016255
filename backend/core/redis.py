"""The Redis client and key naming shared by the API and the workers."""

from __future__ import annotations

from litestar.datastructures import State
from redis.asyncio import Redis

from backend.settings import get_settings


def create_redis(url: str | None = None) -> Redis:
    client: Redis = Redis.from_url(
        url or get_settings().redis.url, socket_connect_timeout=5, socket_timeout=10, health_check_interval=30
    )
    return client


def redis_key(*parts: str) -> str:
    """A key under this deployment's prefix, e.g. `sellpilot:auth:denied-jti:<jti>`."""
    return ":".join((get_settings().redis.key_prefix, *parts))


def provide_redis(state: State) -> Redis:
    """Litestar dependency: the client the app opened at start-up."""
    redis: Redis = state.redis
    return redis
