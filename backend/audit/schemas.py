"""Audit log response bodies."""

from __future__ import annotations

import uuid
from datetime import datetime

import msgspec

# A detail value: small and plain (no nested objects, never a secret).
DetailValue = str | int | float | bool | None


class AuditEntryOut(msgspec.Struct):
    """One security-relevant action: who (`actor_*`; no actor means the system), what (`action`,
    `target`, `details`), where (`workspace_id`; none for a deployment-wide action), when and from where."""

    id: uuid.UUID
    workspace_id: uuid.UUID | None
    actor_id: uuid.UUID | None
    actor_email: str
    """The actor's email as it was at the time."""
    action: str
    """Dotted name, e.g. `auth.sign_in`, `members.role_changed`, `admin.user_disabled`."""
    target: str
    """What it acted on: `user:<id>`, `account:<id>`, or a short label."""
    details: dict[str, DetailValue]
    ip: str | None
    created_at: datetime
