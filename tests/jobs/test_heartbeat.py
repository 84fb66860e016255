"""Which workers are dead, as the sweeper that takes over their jobs sees it."""

from __future__ import annotations

import time
from typing import Any

from backend.core.redis import redis_key
from backend.jobs import heartbeat


async def test_a_worker_is_dead_when_its_beat_is_too_old_or_it_stopped_cleanly(app: Any) -> None:
    redis = app.state.redis
    await heartbeat.record_heartbeat(redis, "alive")
    await heartbeat.record_heartbeat(redis, "stopped")
    await heartbeat.forget_heartbeat(redis, "stopped")
    await redis.zadd(redis_key("worker", "heartbeats"), {"killed": time.time() - heartbeat.max_age_seconds() - 1})
    # Heartbeats have been kept for a while: a worker without one is gone.
    await redis.set(redis_key("worker", "heartbeats-since"), str(time.time() - 3600))

    dead = await heartbeat.dead_workers(redis, {"alive", "stopped", "killed"})
    assert dead == {"stopped", "killed"}
    assert await heartbeat.count_live_workers(redis) == 1


async def test_right_after_redis_lost_the_heartbeats_a_silent_worker_is_not_yet_dead(app: Any) -> None:
    redis = app.state.redis
    # Redis restarted empty; one worker has beaten again, the other not yet.
    await heartbeat.record_heartbeat(redis, "first-back")
    assert await heartbeat.dead_workers(redis, {"first-back", "not-yet-back"}) == set()
