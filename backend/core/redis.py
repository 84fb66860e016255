"""The Redis client and key naming shared by the API and the workers."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

from arq.connections import ArqRedis
from litestar.datastructures import State
from redis._parsers.hiredis import NOT_ENOUGH_DATA, _AsyncHiredisParser
from redis.asyncio import ConnectionPool
from redis.asyncio.connection import AbstractConnection, Connection, SSLConnection, UnixDomainSocketConnection
from redis.commands.core import AsyncScript
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from backend.settings import get_settings


class _CheapChecks:
    """redis-py's two per-command costs that carry no information, done without waiting on the event loop.

    Every command from the pool first checks that its connection holds no stale reply and is still open
    by reading the socket under a zero timeout, which always costs a loop iteration and a cancelled read;
    and with `socket_timeout` set, every send runs in a task of its own (`wait_for`). Together they cost
    about as much CPU as the round trip itself. Here the check reads what the loop has already received,
    and a send waits (bounded by `socket_timeout`) only when the socket's buffer is full.
    (redis-py 8 drops the zero-timeout read too; arq pins redis-py below 6.)
    """

    _parser: Any
    _reader: asyncio.StreamReader | None
    _writer: asyncio.StreamWriter | None
    socket_timeout: float | None

    async def can_read_destructive(self) -> bool:
        parser, stream = self._parser, self._reader
        replies: Any = parser._reader if isinstance(parser, _AsyncHiredisParser) else None
        if replies is None or stream is None:
            return await super().can_read_destructive()  # type: ignore[misc,no-any-return]
        if replies.gets() is not NOT_ENOUGH_DATA:
            return True  # a whole reply nobody read: the pool reconnects
        if stream.exception() is not None or stream.at_eof():
            await self.disconnect(nowait=True)  # type: ignore[attr-defined]
            raise RedisConnectionError("Connection closed by server.")
        # Bytes received that nobody read (the loop moves what arrives into the reader as it comes).
        return bool(stream._buffer)  # type: ignore[attr-defined]

    async def send_packed_command(self, command: bytes | str | Iterable[bytes], check_health: bool = True) -> None:
        writer = self._writer
        if writer is None or not self.is_connected:  # type: ignore[attr-defined]
            await super().send_packed_command(command, check_health)  # type: ignore[misc]
            return
        if check_health:
            await self.check_health()  # type: ignore[attr-defined]
        if isinstance(command, str):
            command = command.encode()
        try:
            if isinstance(command, bytes):
                writer.write(command)
            else:
                writer.writelines(command)
            if self.socket_timeout and writer.transport.get_write_buffer_size():
                async with asyncio.timeout(self.socket_timeout):
                    await writer.drain()
            else:
                await writer.drain()  # returns at once: nothing waits to be sent (raises if the connection is lost)
        except TimeoutError:
            await self.disconnect(nowait=True)  # type: ignore[attr-defined]
            raise RedisTimeoutError("Timeout writing to socket") from None
        except OSError as exc:
            await self.disconnect(nowait=True)  # type: ignore[attr-defined]
            raise RedisConnectionError(f"Error while writing to socket: {exc}") from exc
        except BaseException:
            # Part of the command may have gone out: the connection cannot be reused.
            await self.disconnect(nowait=True)  # type: ignore[attr-defined]
            raise


class _CheapConnection(_CheapChecks, Connection):
    pass


class _CheapSSLConnection(_CheapChecks, SSLConnection):
    pass


class _CheapUnixConnection(_CheapChecks, UnixDomainSocketConnection):
    pass


_CHEAP = {
    Connection: _CheapConnection,
    SSLConnection: _CheapSSLConnection,
    UnixDomainSocketConnection: _CheapUnixConnection,
}


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
    # The URL's scheme chose the class (TCP, TLS or a Unix socket); its connections are made on first use.
    pool.connection_class = _CHEAP.get(pool.connection_class, pool.connection_class)
    return ArqRedis(pool, default_queue_name=arq_queue_name())


def lua_script(source: str) -> AsyncScript:
    """A Lua script run by its hash (loaded on the first NOSCRIPT), made once per process; call it with
    `client=` the Redis to run it on. (`register_script` makes one per call: a SHA-1 and an object each time.)"""
    # Bytes: redis-py needs no client to hash them.
    return AsyncScript(None, source.encode())  # type: ignore[arg-type]


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
