"""A limiter shared by every worker process through Redis: at most N at once and M per minute, per key.

Keys name what is limited: a provider (`ai:openai`), a workspace
(`ws:<id>:ai`), a platform account (`account:<id>`). A slot is a lease that
its holder renews; a slot held by a crashed worker lapses after
`LIMITER_LEASE_SECONDS`. Waiting blocks on a Redis list that every release
pushes to, so it neither spins nor holds up the other jobs of the worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import structlog
from prometheus_client import Histogram
from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from backend.core.redis import lua_script, redis_key
from backend.settings import get_settings

log = structlog.get_logger(__name__)

LIMITER_WAIT_SECONDS = Histogram(
    "sellpilot_limiter_wait_seconds",
    "Time spent waiting for a limiter slot",
    ["scope"],
    buckets=(0.005, 0.05, 0.25, 1, 2.5, 5, 15, 60, 300),
)

# Atomically: drop lapsed leases, then take a slot only if both the
# concurrency cap and the per-minute rate (GCRA) allow it. Returns
# {1, 0} on success or {0, ms to wait at most}.
_ACQUIRE = lua_script("""
local slots, rate = KEYS[1], KEYS[2]
local token, max_concurrent, lease_ms = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local interval, burst = tonumber(ARGV[4]), tonumber(ARGV[5])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local wait = 0
if max_concurrent > 0 then
  redis.call('ZREMRANGEBYSCORE', slots, '-inf', now)
  if redis.call('ZCARD', slots) >= max_concurrent then
    local first = redis.call('ZRANGE', slots, 0, 0, 'WITHSCORES')
    wait = tonumber(first[2]) - now
  end
end
local new_tat = 0
if interval > 0 then
  local tat = tonumber(redis.call('GET', rate) or now)
  if tat < now then tat = now end
  new_tat = tat + interval
  local allow_at = new_tat - burst * interval
  if allow_at > now and allow_at - now > wait then wait = allow_at - now end
end
if wait > 0 then return {0, wait} end
if max_concurrent > 0 then
  redis.call('ZADD', slots, now + lease_ms, token)
  redis.call('PEXPIRE', slots, lease_ms * 2)
end
if interval > 0 then redis.call('SET', rate, new_tat, 'PX', new_tat - now) end
return {1, 0}
""")

_RELEASE_SOURCE = """
if redis.call('ZREM', KEYS[1], ARGV[1]) == 1 then
  redis.call('LPUSH', KEYS[2], 1)
  redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[2]) - 1)
  redis.call('PEXPIRE', KEYS[2], 60000)
end
return 1
"""
_RELEASE = lua_script(_RELEASE_SOURCE)

_RENEW = lua_script("""
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call('ZADD', KEYS[1], 'XX', 'CH', now + tonumber(ARGV[2]), ARGV[1])
""")

MAX_WAIT_SLICE_SECONDS = 2.0


@dataclass(frozen=True)
class Limit:
    max_concurrent: int = 0
    """0: no concurrency cap."""
    per_minute: int = 0
    """0: no rate cap."""


class LimiterTimeout(Exception):
    """No slot came free in time."""


def _keys(key: str) -> tuple[str, str, str]:
    return redis_key("limit", key, "slots"), redis_key("limit", key, "rate"), redis_key("limit", key, "released")


class Held:
    """A slot `slot` holds: its release can travel with the holder's last commands (`release_with`)."""

    def __init__(self, redis: Redis, keys: list[str], args: list[Any]) -> None:
        self.redis, self.keys, self.args = redis, keys, args
        self.released = False

    async def release_with(self, pipe: Pipeline) -> list[Any]:
        """Run `pipe` with this slot's release at its end (one round trip); the replies of `pipe`'s own commands."""
        # EVAL, not a registered script: a pipeline holding one first asks Redis whether it is loaded
        # (SCRIPT EXISTS), a round trip of its own; Redis keeps EVAL's compiled script by its hash anyway.
        pipe.eval(_RELEASE_SOURCE, len(self.keys), *self.keys, *self.args)
        replies: list[Any] = await pipe.execute()
        self.released = True
        return replies[:-1]

    async def release(self) -> None:
        if not self.released:
            await _RELEASE(keys=self.keys, args=self.args, client=self.redis)
            self.released = True


@contextlib.asynccontextmanager
async def slot(redis: Redis, key: str, limit: Limit, timeout: float | None = None) -> AsyncIterator[Held]:  # noqa: ASYNC109
    """Hold one slot of `key` for the duration of the block (or until the holder releases it with its last commands)."""
    lease_ms = get_settings().jobs.limiter_lease_seconds * 1000
    slots, rate, released = _keys(key)
    token = uuid.uuid4().hex
    interval = 60_000 // limit.per_minute if limit.per_minute else 0
    started = time.monotonic()
    while True:
        granted, wait_ms = await _ACQUIRE(
            keys=[slots, rate],
            args=[token, limit.max_concurrent, lease_ms, interval, max(1, limit.per_minute)],
            client=redis,
        )
        if granted:
            break
        waited = time.monotonic() - started
        if timeout is not None and waited >= timeout:
            raise LimiterTimeout(f"no slot of {key} within {timeout:.0f}s")
        pause = min(int(wait_ms) / 1000, MAX_WAIT_SLICE_SECONDS)
        if timeout is not None:
            pause = min(pause, timeout - waited)
        if limit.max_concurrent:
            # Wakes as soon as a holder releases; the timeout covers lapsed leases and the rate.
            await redis.blpop([released], timeout=max(pause, 0.01))  # type: ignore[arg-type,misc]
        else:
            await asyncio.sleep(max(pause, 0.001))
    LIMITER_WAIT_SECONDS.labels(scope=key.split(":", 1)[0]).observe(time.monotonic() - started)

    renewal = _Renewal(redis, slots, token, lease_ms) if limit.max_concurrent else None
    held = Held(redis, [slots, released], [token, limit.max_concurrent])
    held.released = renewal is None  # nothing to give back without a concurrency cap
    try:
        yield held
    finally:
        if renewal is not None:
            await renewal.stop()
            if not held.released:
                # Shielded: a cancelled job must still give its slot back.
                await asyncio.shield(held.release())


class _Renewal:
    """Renews a held lease every third of its length, so it lapses only when its holder is gone.

    The renewing task starts at the first renewal: most holders (a job's workspace turn) give the
    slot back long before, and a timer costs them far less than a task started and cancelled.
    """

    __slots__ = ("lease_ms", "redis", "slots", "task", "timer", "token")

    def __init__(self, redis: Redis, slots: str, token: str, lease_ms: int) -> None:
        self.redis, self.slots, self.token, self.lease_ms = redis, slots, token, lease_ms
        self.task: asyncio.Task[None] | None = None
        self.timer = asyncio.get_running_loop().call_later(lease_ms / 3000, self._start)

    def _start(self) -> None:
        self.task = asyncio.ensure_future(self._renew_forever())

    async def _renew_forever(self) -> None:
        while True:
            try:
                await _RENEW(keys=[self.slots], args=[self.token, self.lease_ms], client=self.redis)
            except Exception as exc:  # a missed renewal only risks the lease lapsing
                log.warning("limiter_renew_failed", error=str(exc))
            await asyncio.sleep(self.lease_ms / 3000)

    async def stop(self) -> None:
        self.timer.cancel()
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task


async def in_flight(redis: Redis, key: str) -> int:
    """Slots of `key` held right now (lapsed leases excluded)."""
    slots, _, _ = _keys(key)
    now_ms = (await redis.time())[0] * 1000
    return int(await redis.zcount(slots, now_ms, "+inf"))
