"""The contract between the rule runner and the kinds: what a kind gets for one run, and what it returns.

The runner (rules/service) claims the slot, opens the account through the
platforms facade (pacing, one action at a time, challenge → needs_attention)
and hands the kind a `RuleRun`. A kind works in targets: for each, it skips
keys already done in an earlier try of this slot (`done`), spends one of the
rule's daily actions before a change (`spend()`; False at the cap: stop, the
rest waits for tomorrow), acts through `backend.platforms.service`, and records
the target as a job item (`run.record_item(key, {...what changed...})`, or with
`error=`). It returns counts for the run's summary, e.g. {"bumped": 3, "skipped": 1}.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from backend.jobs.service import JobRun
from backend.platforms.service import AccountSession


@dataclass
class RuleRun:
    run: JobRun
    workspace_id: uuid.UUID
    rule_id: uuid.UUID
    account_id: uuid.UUID
    kind: str
    params: dict[str, Any]
    # The slot this run is for (UTC): with the rule id, the run's idempotency key.
    slot: datetime
    session: AccountSession
    # Item keys recorded by an earlier try of this same run (after a crash or retry).
    done: set[str] = field(default_factory=set)
    # Spends one of the rule's daily actions; False when the rule's cap for today is reached.
    spend: Callable[[], Awaitable[bool]] = field(default=lambda: _no_cap())


async def _no_cap() -> bool:
    return True


Summary = dict[str, int]
Kind = Callable[[RuleRun], Awaitable[Summary]]
