"""Reading the audit log as it is stored, and checking no secret is in it."""

from __future__ import annotations

import json
from typing import Any

from backend.audit.tables import AuditEntry
from backend.core.scoped import across_workspaces


async def rows(action: str | None = None) -> list[dict[str, Any]]:
    """Every stored audit row (all workspaces and none), oldest first; only `action`'s if given."""
    # The tests look at the whole log: which workspace a row landed in is what they check.
    query = across_workspaces(AuditEntry).select().order_by(AuditEntry.created_at).output(load_json=True)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    found: list[dict[str, Any]] = await query
    return found


async def one(action: str) -> dict[str, Any]:
    """The single row of `action` (fails if there are none or several)."""
    found = await rows(action)
    assert len(found) == 1, f"{action}: {len(found)} rows: {found}"
    return found[0]


async def assert_no_secret(*secrets: str) -> None:
    """None of `secrets` appears anywhere in any stored audit row."""
    text = json.dumps(await rows(), default=str)
    leaked = [secret for secret in secrets if secret and secret in text]
    assert not leaked, f"secrets found in the audit log: {leaked}"
