"""The proxies' job: the health check (thin: the service checks and stores each proxy)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from backend.core.errors import NotFound
from backend.jobs.service import JobRun
from backend.platforms.proxies import service

HEALTH_CHECK_LANES = 10


async def run_health_check(run: JobRun) -> dict[str, int]:
    """The job: check each proxy (a few at once); an unhealthy proxy is a failed item with its reason."""
    ids = [uuid.UUID(p) for p in run.payload["proxy_ids"]]
    done = await run.completed_keys()
    pending = iter(ids)

    async def lane() -> None:
        for proxy_id in pending:
            key = str(proxy_id)
            if key in done:
                continue
            await run.check_cancelled()
            try:
                outcome = await service.check_proxy(run.workspace_id, proxy_id)
            except NotFound:
                await run.record_item(key, error="the proxy was deleted before its check")
                continue
            if outcome["status"] == "healthy":
                await run.record_item(key, result=outcome)
            else:
                await run.record_item(key, error=f"unhealthy: {outcome['error']}")

    await asyncio.gather(*(lane() for _ in range(min(len(ids), HEALTH_CHECK_LANES))))
    return {"proxies": len(ids)}


JOB_HANDLERS: dict[str, Any] = {service.HEALTH_CHECK_KIND: run_health_check}
