"""Shared steps of the jobs tests."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

from backend.jobs import service
from backend.jobs.schemas import JobOut


async def enqueue(app: Any, workspace_id: str, kind: str, payload: dict[str, Any], **options: Any) -> JobOut:
    return await service.enqueue(app.state.redis, uuid.UUID(workspace_id), kind, payload, **options)


async def wait_for(
    workspace_id: str, job_id: uuid.UUID, condition: Any, timeout: float = 30, what: str = "condition"
) -> JobOut:
    """Poll the job record until `condition(job)` holds."""
    deadline = time.monotonic() + timeout
    while True:
        job = await service.get_job(uuid.UUID(workspace_id), job_id)
        if condition(job):
            return job
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}; job is {job}")
        await asyncio.sleep(0.05)


def finished(job: JobOut) -> bool:
    return job.status in ("succeeded", "failed", "cancelled")
