"""arq worker settings: every task and cron job is registered here and nowhere else.

Start with `sellpilot worker` (or `arq backend.worker.WorkerSettings`).
"""

from __future__ import annotations

import os
import socket
import uuid
from typing import Any, ClassVar

from arq import cron
from arq.connections import RedisSettings

from backend import db
from backend.observability.heartbeat import record_heartbeat
from backend.observability.logging import configure_logging
from backend.observability.sentry import configure_sentry
from backend.settings import get_settings


async def heartbeat(ctx: dict[str, Any]) -> None:
    """Tell the API this worker is alive (shown by /ready)."""
    await record_heartbeat(ctx["redis"], ctx["worker_id"])


async def startup(ctx: dict[str, Any]) -> None:
    settings = get_settings()
    configure_logging(settings.observability)
    configure_sentry(settings, worker=True)
    await db.start()
    ctx["worker_id"] = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
    await record_heartbeat(ctx["redis"], ctx["worker_id"])


async def shutdown(ctx: dict[str, Any]) -> None:
    await db.stop()


def _queue_name() -> str:
    return f"{get_settings().redis.key_prefix}:queue"


class WorkerSettings:
    redis_settings = RedisSettings.from_dsn(get_settings().redis.url)
    queue_name = _queue_name()
    functions: ClassVar[list[Any]] = []
    cron_jobs: ClassVar[list[Any]] = [cron(heartbeat, second={0, 15, 30, 45}, run_at_startup=True, timeout=10)]
    on_startup = startup
    on_shutdown = shutdown
    poll_delay = 0.1
    health_check_interval = 30
