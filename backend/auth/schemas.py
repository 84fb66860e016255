"""Request and response bodies of the auth and workspace routes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

import msgspec

from backend.core.principal import Role
from backend.core.schemas import Email, Name, Password

RoleName = Literal["owner", "admin", "member"]


class RegisterRequest(msgspec.Struct, forbid_unknown_fields=True):
    email: Email
    password: Password
    full_name: Annotated[str, msgspec.Meta(max_length=200, pattern=r"^[^\x00-\x1f\x7f]*$")] = ""
    workspace_name: Name | None = None
    """Name of the personal workspace made for the new account; defaults to one derived from the name or email."""


class LoginRequest(msgspec.Struct, forbid_unknown_fields=True):
    email: Email
    # No minimum here: a wrong password gets the same answer whatever its length.
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=128)]


class RefreshRequest(msgspec.Struct, forbid_unknown_fields=True):
    refresh_token: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class LogoutRequest(msgspec.Struct, forbid_unknown_fields=True):
    refresh_token: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | None = None
    """Also revoke this refresh token (and the session it belongs to)."""


class TokenPair(msgspec.Struct):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"]
    expires_in: int
    """Seconds until the access token expires."""
    workspace_id: uuid.UUID


class UserOut(msgspec.Struct):
    id: uuid.UUID
    email: str
    full_name: str
    is_superuser: bool
    created_at: datetime


class WorkspaceOut(msgspec.Struct):
    id: uuid.UUID
    name: str
    is_personal: bool
    role: RoleName
    """Your role in this workspace."""
    paused: bool
    """Your seat is paused (the plan has fewer seats than members): you cannot work in it until it resumes."""
    created_at: datetime


class MeResponse(msgspec.Struct):
    user: UserOut
    workspace: WorkspaceOut
    """The workspace the current access token works in."""


class WorkspaceCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: Name


class WorkspaceUpdate(msgspec.Struct, forbid_unknown_fields=True):
    name: Name


class MemberOut(msgspec.Struct):
    user_id: uuid.UUID
    email: str
    full_name: str
    role: RoleName
    joined_at: datetime
    paused: bool
    """Over the plan's seats: kept, but cannot work in the workspace until the plan allows it again."""


class InvitationOut(msgspec.Struct):
    id: uuid.UUID
    email: str
    role: RoleName
    created_at: datetime


class MemberInvite(msgspec.Struct, forbid_unknown_fields=True):
    email: Email
    role: RoleName = Role.member.value


class MemberInviteResult(msgspec.Struct):
    """`added` when the email has an account (it is a member now); `invited` when the seat waits for sign-up."""

    status: Literal["added", "invited"]
    member: MemberOut | None = None
    invitation: InvitationOut | None = None


class MemberUpdate(msgspec.Struct, forbid_unknown_fields=True):
    role: RoleName


class StreamToken(msgspec.Struct):
    token: str
    """Pass as `?token=` to the SSE endpoints. Only good for reading event streams."""
    expires_in: int


class UserSummaryOut(msgspec.Struct):
    """An account as the superuser console lists it (never its password or hash)."""

    id: uuid.UUID
    email: str
    full_name: str
    is_active: bool
    """False: disabled by a superuser; it cannot sign in and its tokens are refused."""
    is_superuser: bool
    created_at: datetime
    last_login_at: datetime | None


class UserMembershipOut(msgspec.Struct):
    workspace_id: uuid.UUID
    workspace_name: str
    is_personal: bool
    role: RoleName
    paused: bool
    joined_at: datetime


class UserDetailOut(msgspec.Struct):
    """One account with its memberships (the superuser console)."""

    user: UserSummaryOut
    memberships: list[UserMembershipOut]


class WorkspaceSummaryOut(msgspec.Struct):
    """A workspace as the superuser console lists it."""

    id: uuid.UUID
    name: str
    is_personal: bool
    created_at: datetime
    created_by_email: str | None
    members: int
