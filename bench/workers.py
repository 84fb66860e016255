"""Worker settings used by the benchmarks (arq reads them as dicts)."""

from __future__ import annotations

from typing import Any

from backend.core.redis import redis_key
from backend.jobs.service import JobRun
from backend.settings import get_settings
from backend.worker import WorkerSettings

_production = {name: value for name, value in vars(WorkerSettings).items() if not name.startswith("__")}


def bare_done_key() -> str:
    return redis_key("bench", "bare-done")


async def bare_noop(ctx: dict[str, Any]) -> None:
    # One Redis command, as the engine's no-op leaves one trace (its event); the bench waits on it.
    await ctx["redis"].xadd(bare_done_key(), {"id": ctx["job_id"]}, maxlen=100_000, approximate=True)


async def engine_noop(run: JobRun) -> None:
    return None


BareArqSettings: dict[str, Any] = {
    **_production,
    "functions": [bare_noop],
    "cron_jobs": [],
    "queue_name": f"{get_settings().redis.key_prefix}:bare",
}
EngineSettings: dict[str, Any] = {**_production, "ctx": {"job_handlers": {"bench.noop": engine_noop}}}
