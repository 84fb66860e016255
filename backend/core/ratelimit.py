"""A Redis rate limiter shared by every API process (GCRA: smooth, exact Retry-After)."""

from __future__ import annotations

import uuid

from redis.asyncio import Redis

from backend.core.errors import RateLimited
from backend.core.redis import lua_script, redis_key
from backend.settings import RateLimit, get_settings

# Generic cell rate algorithm: the key holds the "theoretical arrival time" of
# the next request. A request is allowed if it is no more than `burst`
# intervals early. Redis's own clock keeps all processes in agreement.
_GCRA = lua_script("""
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local new_tat = tat + interval
local allow_at = new_tat - burst * interval
if allow_at > now then
  return allow_at - now
end
redis.call('SET', KEYS[1], new_tat, 'PX', new_tat - now)
return 0
""")


async def hit(redis: Redis, rule: RateLimit, bucket: str, identity: str, detail: str) -> None:
    """Count one request of `identity` in `bucket`; raise `RateLimited` when over `rule`."""
    interval_ms = max(1, rule.period_seconds * 1000 // rule.limit)
    wait_ms = int(
        await _GCRA(keys=[redis_key("ratelimit", bucket, identity)], args=[interval_ms, rule.limit], client=redis)
    )
    if wait_ms > 0:
        raise RateLimited(detail, retry_after_seconds=wait_ms / 1000)


# Route classes shared by every domain: a user's retries (or job starts) anywhere draw on one budget.
async def limit_job_retries(redis: Redis, user_id: uuid.UUID) -> None:
    """The per-user limit on requests that retry jobs (jobs, campaigns' failed posts…): 429 when over it."""
    rules = get_settings().rate_limits
    if rules.enabled:
        await hit(redis, rules.job_retry_per_user, "job-retry", str(user_id), "Too many retries; slow down")


async def limit_job_starts(redis: Redis, user_id: uuid.UUID) -> None:
    """The per-user limit on requests that start long work (a campaign's posting, an AI batch): 429 when over it."""
    rules = get_settings().rate_limits
    if rules.enabled:
        await hit(redis, rules.job_start_per_user, "job-start", str(user_id), "Too many jobs started; slow down")
