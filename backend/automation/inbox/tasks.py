"""Job handlers of the inbox (thin: the service does the work)."""

from __future__ import annotations

import uuid
from typing import Any

from backend.automation.inbox import service
from backend.jobs.service import JobRun


async def sync_inbox(run: JobRun) -> dict[str, int]:
    return await service.run_sync(run, uuid.UUID(run.payload["account_id"]))


async def reply(run: JobRun) -> dict[str, str]:
    return await service.run_reply(run, uuid.UUID(run.payload["conversation_id"]), run.payload["text"])


JOB_HANDLERS: dict[str, Any] = {service.SYNC_KIND: sync_inbox, service.REPLY_KIND: reply}
