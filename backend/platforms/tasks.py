"""Job handlers of the platforms domain and its worker shutdown step (thin: the services do the work)."""

from __future__ import annotations

from typing import Any

from backend.core.aio import bounded
from backend.platforms import workflows
from backend.platforms.browser import close_pool
from backend.platforms.service import HEALTH_CHECK_KIND, run_health_check

JOB_HANDLERS: dict[str, Any] = {
    workflows.TEST_LOGIN: workflows.test_login,
    workflows.RESUME: workflows.resume,
    HEALTH_CHECK_KIND: run_health_check,
}


async def on_worker_shutdown(ctx: dict[str, Any], budget: float) -> None:
    await bounded("browser", close_pool(wait_seconds=budget * 0.4), budget * 0.45)
