"""Users, workspaces, memberships, invitations and refresh tokens."""

from __future__ import annotations

from piccolo.columns import UUID, Boolean, ForeignKey, OnDelete, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from backend.core.principal import Role


class User(Table, tablename="users"):
    id = UUID(primary_key=True)
    # Stored normalised (lower case), so uniqueness is case-insensitive.
    email = Varchar(length=320, unique=True, index=True)
    full_name = Varchar(length=200, default="")
    password_hash = Varchar(length=255)
    is_active = Boolean(default=True)
    is_superuser = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())
    last_login_at = Timestamptz(null=True, default=None)


class Workspace(Table, tablename="workspaces"):
    id = UUID(primary_key=True)
    name = Varchar(length=100)
    is_personal = Boolean(default=False)
    created_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())


class Membership(Table, tablename="memberships"):
    id = UUID(primary_key=True)
    workspace = ForeignKey(Workspace, null=False, on_delete=OnDelete.cascade, index=True)
    user = ForeignKey(User, null=False, on_delete=OnDelete.cascade, index=True)
    role = Varchar(length=16, choices=Role)
    # Over the plan's seats after a downgrade: kept, but cannot act in the workspace.
    paused = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())

    # Unique on (workspace, user): a unique index made by the migration.


class Invitation(Table, tablename="invitations"):
    """A pending seat for an email that has no account yet; taken up at registration."""

    id = UUID(primary_key=True)
    workspace = ForeignKey(Workspace, null=False, on_delete=OnDelete.cascade, index=True)
    email = Varchar(length=320, index=True)
    role = Varchar(length=16, choices=Role)
    invited_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())

    # Unique on (workspace, email): a unique index made by the migration.


class RefreshToken(Table, tablename="refresh_tokens"):
    """One row per issued refresh token; only its SHA-256 is stored.

    Tokens of one login form a family: each refresh rotates to a new member.
    Presenting a member that was already rotated revokes the whole family.
    """

    id = UUID(primary_key=True)
    user = ForeignKey(User, null=False, on_delete=OnDelete.cascade, index=True)
    workspace = ForeignKey(Workspace, null=False, on_delete=OnDelete.cascade)
    family_id = UUID(index=True)
    token_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    rotated_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)
