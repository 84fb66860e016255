"""Liveness and readiness probes."""

from __future__ import annotations

from typing import Any, Literal

import anyio
import msgspec
from litestar import MediaType, Response, get
from litestar.datastructures import State
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE

from backend import db
from backend.jobs import service as jobs
from backend.platforms import service as platforms

CHECK_TIMEOUT_SECONDS = 3


class HealthResponse(msgspec.Struct):
    status: Literal["ok"]


class BrowserStatus(msgspec.Struct):
    ok: bool
    detail: str


class ReadinessResponse(msgspec.Struct):
    status_code: int
    detail: str
    database: str
    redis: str
    workers: int
    """Worker processes alive (a recent heartbeat); none makes the API not ready, as no job would run."""
    browser: BrowserStatus
    """Chromium for browser automation, as this machine sees it. Informational: without it the API
    works and only browser jobs fail (with the same hint), so it never makes readiness fail."""


@get("/health", exclude_from_auth=True, tags=["health"])
async def health() -> HealthResponse:
    """The process is alive."""
    return HealthResponse(status="ok")


async def _check(probe: Any) -> str:
    try:
        with anyio.fail_after(CHECK_TIMEOUT_SECONDS):
            await probe()
    except Exception as exc:
        return f"unavailable: {type(exc).__name__}"
    return "ok"


def browser_component() -> BrowserStatus:
    chromium = platforms.find_browser()
    return BrowserStatus(ok=chromium.found, detail=chromium.detail)


async def _live_workers(state: State) -> int:
    try:
        with anyio.fail_after(CHECK_TIMEOUT_SECONDS):
            return await jobs.count_live_workers(state.redis)
    except Exception:
        return 0


@get("/ready", exclude_from_auth=True, tags=["health"])
async def ready(state: State) -> Response[ReadinessResponse]:
    """The database and Redis answer and a worker is alive; 503 naming what is not.

    The browser is reported, never required."""
    database = await _check(db.ping)
    redis_status = await _check(state.redis.ping)
    workers = await _live_workers(state) if redis_status == "ok" else 0
    failing = [
        f"{name} unavailable" for name, status in (("database", database), ("redis", redis_status)) if status != "ok"
    ]
    if redis_status == "ok" and workers == 0:
        # Jobs would wait for ever: say so instead of "ready".
        failing.append("no worker alive (start one with `sellpilot worker`)")
    status_code = HTTP_503_SERVICE_UNAVAILABLE if failing else HTTP_200_OK
    body = ReadinessResponse(
        status_code=status_code,
        detail=f"Not ready: {'; '.join(failing)}" if failing else "ready",
        database=database,
        redis=redis_status,
        workers=workers,
        browser=browser_component(),
    )
    return Response(body, status_code=status_code, media_type=MediaType.JSON)
