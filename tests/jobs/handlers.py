"""Job kinds used by the jobs tests, and a worker that knows them.

Run as `python -m backend.cli worker --settings tests.jobs.handlers.TestWorkerSettings` by the tests.
Every side effect is counted in Redis (`executions`), so the tests can tell
an item recorded twice from an item merely executed twice.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from backend.core.redis import redis_key
from backend.jobs.limiter import Limit, slot
from backend.jobs.runner import WAIT_FOR_CHILDREN, Handler, JobPaused, JobRun, RetryableJobError
from backend.worker import JOB_HANDLERS, WorkerSettings


def executions_key(job_id: Any) -> str:
    return redis_key("test", "executions", str(job_id))


async def count_items(run: JobRun) -> dict[str, int]:
    """payload: items, delay (seconds per item)."""
    items = int(run.payload.get("items", 10))
    delay = float(run.payload.get("delay", 0.01))
    await run.set_total(items)
    done = await run.completed_keys()
    for i in range(items):
        key = f"item-{i:03d}"
        if key in done:
            continue
        await run.check_cancelled()
        await asyncio.sleep(delay)
        await run.redis.hincrby(executions_key(run.id), key, 1)
        await run.record_item(key, result={"i": i})
    return {"items": items}


async def some_fail(run: JobRun) -> dict[str, int]:
    """payload: items, failing (indexes), error (the reason each failing item records)."""
    items = int(run.payload["items"])
    await run.set_total(items)
    for i in range(items):
        key = f"item-{i:03d}"
        if i in run.payload["failing"]:
            await run.record_item(key, error=str(run.payload["error"]))
        else:
            await run.record_item(key, result={"i": i})
    return {"items": items}


async def flaky(run: JobRun) -> dict[str, int]:
    """Fails with a retryable error until attempt `succeed_on`."""
    if run.attempt < int(run.payload["succeed_on"]):
        raise RetryableJobError(f"upstream said 503 on attempt {run.attempt}")
    return {"attempt": run.attempt}


async def boom(run: JobRun) -> None:
    raise ValueError("the payload makes no sense")


# What Playwright raises when its browser is missing: a line, then a boxed banner.
PLAYWRIGHT_BANNER = (
    "BrowserType.launch: Executable doesn't exist at /nowhere/chrome\n"
    "╔════════════════════════════════════════════════════════════╗\n"
    "║ Looks like Playwright was just installed or updated.       ║\n"
    "║ Please run the following command to download new browsers: ║\n"
    "║     playwright install                                     ║\n"
    "╚════════════════════════════════════════════════════════════╝"
)


async def banner(run: JobRun) -> None:
    """An item and then the job fail with a tool's multi-line banner."""
    await run.record_item("first", error="Traceback (most recent call last):\n  File 'x.py', line 1\nKeyError: 'k'")
    raise RuntimeError(PLAYWRIGHT_BANNER)


async def pause_with_trace(run: JobRun) -> None:
    """Pauses (as for an account that needs attention) with a reason that carries a traceback."""
    raise JobPaused("Log in again on the platform\nTraceback (most recent call last):\n  File 'x.py', line 1")


async def limited_call(run: JobRun) -> None:
    """One HTTP call to payload.url, under a shared limit of payload.max_concurrent."""
    limit = Limit(max_concurrent=int(run.payload["max_concurrent"]))
    async with slot(run.redis, str(run.payload["limit_key"]), limit), httpx.AsyncClient() as http:
        response = await http.get(run.payload["url"], timeout=30)
        response.raise_for_status()
    await run.record_item("call", result={"status": response.status_code})


async def fan_out(run: JobRun) -> Any:
    for i in range(int(run.payload["children"])):
        await run.spawn_child("test.count", {"items": 3, "delay": 0.01}, key=f"child-{i}")
    return WAIT_FOR_CHILDREN


async def slow_once(run: JobRun) -> dict[str, int]:
    """Outlasts the job timeout (payload.seconds) on its first attempt only."""
    if run.attempt == 1:
        await asyncio.sleep(float(run.payload["seconds"]))
    return {"attempt": run.attempt}


async def event_loop_kind(run: JobRun) -> dict[str, str]:
    """Which event loop the worker runs its jobs on."""
    return {"loop": type(asyncio.get_running_loop()).__module__.split(".")[0]}


TEST_HANDLERS: dict[str, Handler] = {
    **JOB_HANDLERS,  # the production kinds too
    "test.count": count_items,
    "test.flaky": flaky,
    "test.some_fail": some_fail,
    "test.boom": boom,
    "test.banner": banner,
    "test.pause_with_trace": pause_with_trace,
    "test.limited_call": limited_call,
    "test.fanout": fan_out,
    "test.slow_once": slow_once,
    "test.event_loop": event_loop_kind,
}
# arq reads worker settings from a class's own attributes or a dict: the
# production settings with the test job kinds added to the handlers.
TestWorkerSettings: dict[str, Any] = {
    **{name: value for name, value in vars(WorkerSettings).items() if not name.startswith("__")},
    "ctx": {"job_handlers": TEST_HANDLERS},
}
