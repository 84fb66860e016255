"""The audit log: who did what, when, in which workspace (security-relevant actions only)."""

from __future__ import annotations

from piccolo.columns import JSON, UUID, ForeignKey, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from backend.auth.tables import Workspace


class AuditEntry(Table, tablename="audit_entries"):
    """One security-relevant action. Written by `audit.service.record`, never updated; pruned after
    AUDIT_RETENTION_DAYS. Indexes on (workspace, created_at) and (action) are made by the migration."""

    id = UUID(primary_key=True)
    # None for a deployment-wide action (a superuser disabling a user, a sign-in of no known workspace).
    workspace = ForeignKey(Workspace, null=True, default=None, on_delete=OnDelete.cascade)
    # None: the system did it (a Stripe event, a cron step).
    actor_id = UUID(null=True, default=None)
    # As it was at the time: kept if the user is renamed or deleted.
    actor_email = Text(default="")
    action = Varchar(length=64)  # dotted: "auth.sign_in", "members.role_changed", "admin.user_disabled"
    target = Text(default="")  # "user:<id>", "account:<id>", or a short human label
    details = JSON(default="{}")  # small, never a secret (record() drops secret-looking keys)
    ip = Text(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
