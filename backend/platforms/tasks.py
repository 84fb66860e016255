"""Job handlers of the platforms domain and its worker shutdown step (thin: the services do the work)."""

from __future__ import annotations

from typing import Any

from backend.core.aio import bounded
from backend.platforms.accounts import tasks as accounts_tasks
from backend.platforms.proxies import tasks as proxies_tasks
from backend.platforms.runtime.browser import close_pool

JOB_HANDLERS: dict[str, Any] = {**accounts_tasks.JOB_HANDLERS, **proxies_tasks.JOB_HANDLERS}


async def on_worker_shutdown(ctx: dict[str, Any], budget: float) -> None:
    await bounded("browser", close_pool(wait_seconds=budget * 0.4), budget * 0.45)
