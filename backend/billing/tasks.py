"""arq task: apply one received Stripe event (thin: the service does the work)."""

from __future__ import annotations

from typing import Any

import structlog
from arq import Retry

from backend.billing import service
from backend.core.aio import backoff_seconds
from backend.settings import get_settings

log = structlog.get_logger(__name__)

# With the 2 s default base: retries over about four minutes before giving up.
MAX_TRIES = 8


async def process_billing_event(ctx: dict[str, Any], event_id: str) -> None:
    try:
        await service.process_event(event_id)
    except service.EventNotReady as exc:
        await service.record_event_error(event_id, str(exc))
        tries = int(ctx.get("job_try", 1))
        if tries >= MAX_TRIES:
            log.error("stripe_event_gave_up", event_id=event_id, error=str(exc), tries=tries)
            return
        # It refers to something another event creates: wait for that one.
        raise Retry(defer=backoff_seconds(tries, get_settings().jobs.retry_base_seconds)) from exc


FUNCTIONS = [process_billing_event]
