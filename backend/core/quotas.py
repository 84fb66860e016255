"""Plan resources that are counted (not consumed): their usage counters and how usage is brought within a limit.

The domain that owns a resource registers both here at import (platforms: its
accounts, auth: seats, jobs: concurrent jobs, automation: active rules).
Billing reads the counts and, after a plan change, asks each owner to fit its
usage within the new limit, through this module only: it never imports the
domains whose limits it enforces (they call billing, so that would be a cycle).
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


# workspace id → how many exist now
UsageCounter = Callable[[uuid.UUID], Awaitable[int]]
# (workspace id, new limit, plan title for messages) → how many were paused or deactivated
UsageFitter = Callable[[uuid.UUID, int, str], Awaitable[int]]

_COUNTERS: dict[Resource, UsageCounter] = {}
_FITTERS: dict[Resource, UsageFitter] = {}


def register(resource: Resource, counter: UsageCounter) -> None:
    """Called once by the owning domain's service module, at import."""
    _COUNTERS[resource] = counter


def register_fitter(resource: Resource, fitter: UsageFitter) -> None:
    """Called once by the owning domain: how to pause what exceeds a smaller plan (never delete)."""
    _FITTERS[resource] = fitter


def is_counted(resource: Resource) -> bool:
    """Whether a domain counts this resource (a domain still to come has not registered yet)."""
    return resource in _COUNTERS


async def count(resource: Resource, workspace_id: uuid.UUID) -> int:
    counter = _COUNTERS.get(resource)
    if counter is None:
        raise LookupError(f"no usage counter registered for {resource!r}; import the domain that owns it")
    return await counter(workspace_id)


async def fit(resource: Resource, workspace_id: uuid.UUID, limit: int, plan_title: str) -> int:
    """Bring the resource's usage within `limit`; 0 when no domain fits it (nothing to pause)."""
    fitter = _FITTERS.get(resource)
    return 0 if fitter is None else await fitter(workspace_id, limit, plan_title)
