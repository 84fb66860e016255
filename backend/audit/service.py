"""The audit log's door: `record` a security-relevant action, `list_entries` of a workspace, `prune` old rows.

A low-level domain: every other domain may call it; it imports only core, settings
and the auth tables (for the workspace foreign key). It knows nothing of HTTP:
routes pass the actor and the client address down through the services.

No secret is ever written: `record` drops any detail whose key looks secret
(password, token, secret, key, card, cookie, credential…), whatever the value.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import structlog

from backend.audit.schemas import AuditEntryOut, DetailValue
from backend.audit.tables import AuditEntry
from backend.core.convert import to_schema
from backend.core.errors import InvalidInput
from backend.core.pagination import fetch_page
from backend.core.schemas import Page
from backend.core.scoped import across_workspaces, scoped

log = structlog.get_logger(__name__)

# A detail key containing any of these is dropped (not blanked: its presence could say too much).
SECRET_KEY_PARTS = (
    "password",
    "passwd",
    "token",
    "secret",
    "key",
    "card",
    "cookie",
    "credential",
    "authorization",
    "session",
    "cvc",
    "iban",
)
MAX_DETAIL_VALUE = 200
MAX_DETAILS = 20
ACTION = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_*]+)+$")
ACTION_FILTER = re.compile(r"^[a-z0-9_.]{1,64}$")


def is_secret_key(key: str) -> bool:
    name = key.lower().replace("-", "_")
    return any(part in name for part in SECRET_KEY_PARTS)


def _clean_details(details: Mapping[str, DetailValue] | None) -> dict[str, DetailValue]:
    kept: dict[str, DetailValue] = {}
    for key, value in (details or {}).items():
        if is_secret_key(key):
            log.warning("audit_detail_dropped", key_length=len(key))  # never the key's value
            continue
        if len(kept) >= MAX_DETAILS:
            break
        kept[key] = value[:MAX_DETAIL_VALUE] if isinstance(value, str) else value
    return kept


async def record(
    action: str,
    *,
    workspace_id: uuid.UUID | None,
    actor_id: uuid.UUID | None,
    actor_email: str = "",
    target: str = "",
    details: Mapping[str, DetailValue] | None = None,
    ip: str | None = None,
) -> None:
    """Write one audit row (in the caller's transaction, if any). Secret-looking detail keys are dropped."""
    if not ACTION.match(action):
        raise ValueError(f"audit action {action!r} must be a dotted lower-case name like 'auth.sign_in'")
    await AuditEntry.insert(
        AuditEntry(
            workspace=workspace_id,
            actor_id=actor_id,
            actor_email=actor_email[:320],
            action=action,
            target=target[:300],
            details=_clean_details(details),
            ip=ip[:64] if ip else None,
        )
    )


def _entry_out(row: dict[str, Any]) -> AuditEntryOut:
    return to_schema(row, AuditEntryOut)


COLUMNS = (
    AuditEntry.id,
    AuditEntry.workspace.as_alias("workspace_id"),
    AuditEntry.actor_id,
    AuditEntry.actor_email,
    AuditEntry.action,
    AuditEntry.target,
    AuditEntry.details,
    AuditEntry.ip,
    AuditEntry.created_at,
)


def _filters(
    action: str | None, actor_id: uuid.UUID | None, since: datetime | None, until: datetime | None
) -> list[Any]:
    where: list[Any] = []
    if action:
        action = action.strip().lower()
        if not ACTION_FILTER.match(action):
            raise InvalidInput("action", "use an action name or a prefix such as 'auth.' (letters, digits, _ and .)")
        # "auth." or "auth" → every auth action; "auth.sign_in" → that one.
        where.append(
            AuditEntry.action.like(f"{action}%")
            if action.endswith(".")
            else (AuditEntry.action == action) | AuditEntry.action.like(f"{action}.%")
        )
    if actor_id is not None:
        where.append(AuditEntry.actor_id == actor_id)
    for value, field in ((since, "since"), (until, "until")):
        if value is not None and value.tzinfo is None:
            raise InvalidInput(field, "give a time zone, e.g. 2026-12-01T00:00:00Z")
    if since is not None and until is not None and since > until:
        raise InvalidInput("since", "must be before until")
    if since is not None:
        where.append(AuditEntry.created_at >= since)
    if until is not None:
        where.append(AuditEntry.created_at < until)
    return where


async def list_entries(
    workspace_id: uuid.UUID,
    *,
    action: str | None,
    actor_id: uuid.UUID | None,
    since: datetime | None,
    until: datetime | None,
    limit: int,
    offset: int,
) -> Page[AuditEntryOut]:
    """The workspace's audit rows, newest first, filtered by action (name or prefix), actor and period."""
    entries = scoped(AuditEntry, workspace_id)
    return await fetch_page(
        entries.select(*COLUMNS).order_by(AuditEntry.created_at, ascending=False).output(load_json=True),
        entries.count(),
        _entry_out,
        limit,
        offset,
        _filters(action, actor_id, since, until),
    )


async def list_all_entries(
    *,
    workspace_id: uuid.UUID | None,
    action: str | None,
    actor_id: uuid.UUID | None,
    since: datetime | None,
    until: datetime | None,
    limit: int,
    offset: int,
) -> Page[AuditEntryOut]:
    """Every workspace's rows and the deployment-wide ones (the superuser console), newest first."""
    if workspace_id is not None:
        return await list_entries(
            workspace_id, action=action, actor_id=actor_id, since=since, until=until, limit=limit, offset=offset
        )
    # The superuser console reads the whole deployment's log, including rows of no workspace.
    entries = across_workspaces(AuditEntry)
    return await fetch_page(
        entries.select(*COLUMNS).order_by(AuditEntry.created_at, ascending=False).output(load_json=True),
        entries.count(),
        _entry_out,
        limit,
        offset,
        _filters(action, actor_id, since, until),
    )


async def prune(before: datetime, limit: int) -> int:
    """Delete at most `limit` rows created before `before`, oldest first. Returns how many were deleted."""
    if limit < 1:
        return 0
    # Retention is the deployment's, not one workspace's: the oldest rows of every workspace go.
    table = across_workspaces(AuditEntry)
    oldest = (
        await table.select(AuditEntry.id)
        .where(AuditEntry.created_at < before)
        .order_by(AuditEntry.created_at)
        .limit(limit)
    )
    if not oldest:
        return 0
    deleted = await table.delete().where(AuditEntry.id.is_in([row["id"] for row in oldest])).returning(AuditEntry.id)
    return len(deleted)
