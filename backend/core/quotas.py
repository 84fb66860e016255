"""Usage counters of the plan resources that are counted (not consumed), registered by the domain that owns them.

Billing reads the counts here, so it never imports the domains whose limits it
enforces (they call billing, so the other direction would be a cycle).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from enum import StrEnum


class Resource(StrEnum):
    """What a plan limits (the limits themselves are billing's data)."""

    platform_accounts = "platform_accounts"
    ai_generations = "ai_generations"
    active_rules = "active_rules"
    concurrent_jobs = "concurrent_jobs"
    seats = "seats"


UsageCounter = Callable[[uuid.UUID], Awaitable[int]]

_COUNTERS: dict[str, UsageCounter] = {}


def register(resource: str, counter: UsageCounter) -> None:
    """Called once by the owning domain's service module, at import."""
    _COUNTERS[resource] = counter


async def count(resource: str, workspace_id: uuid.UUID) -> int:
    counter = _COUNTERS.get(resource)
    if counter is None:
        raise LookupError(f"no usage counter registered for {resource!r}; import the domain that owns it")
    return await counter(workspace_id)
