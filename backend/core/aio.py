"""Small helpers for waiting, shared by the processes: bounded steps and retry backoff."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable
from typing import Any

import structlog

log = structlog.get_logger(__name__)

MAX_BACKOFF_SECONDS = 300.0


def backoff_seconds(attempt: int, base: float) -> float:
    """Exponential backoff with ±20 % jitter, so retries of many jobs or events do not arrive together."""
    delay: float = min(MAX_BACKOFF_SECONDS, base * 2 ** max(0, attempt - 1))
    return delay * random.uniform(0.8, 1.2)  # noqa: S311 - jitter, not security


async def bounded(step: str, awaitable: Awaitable[Any], seconds: float) -> bool:
    """Await `awaitable` for at most `seconds`; on timeout leave it (cancelled, not awaited) and log.

    Not `asyncio.wait_for`: it waits for the cancelled work to finish, which
    is exactly what hangs when a connection is dead.
    """
    task = asyncio.ensure_future(awaitable)
    done, _ = await asyncio.wait({task}, timeout=max(0.05, seconds))
    if not done:
        task.cancel()
        log.error("worker_shutdown_step_abandoned", step=step, after_seconds=round(seconds, 2))
        return False
    if task.cancelled():
        return False
    if (exc := task.exception()) is not None:
        log.warning("worker_shutdown_step_failed", step=step, error=f"{type(exc).__name__}: {exc}")
        return False
    return True
