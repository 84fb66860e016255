"""The deployment's users and workspaces as the superuser console sees them: searching, one user with
their memberships, disabling and enabling an account, every workspace and its members.

Not one workspace's business, so queries of memberships and refresh tokens here
say why they go `across_workspaces`. No password hash is ever selected.
"""

from __future__ import annotations

import uuid
from typing import Any

import structlog
from piccolo.query.functions.aggregate import Count
from redis.asyncio import Redis

from backend import db
from backend.auth import tokens
from backend.auth.schemas import UserDetailOut, UserMembershipOut, UserSummaryOut, WorkspaceSummaryOut
from backend.auth.tables import Membership, RefreshToken, User, Workspace
from backend.core.clock import utcnow
from backend.core.convert import to_schema
from backend.core.errors import NotFound
from backend.core.fields import like_pattern
from backend.core.pagination import fetch_page
from backend.core.schemas import Page
from backend.core.scoped import across_workspaces

log = structlog.get_logger(__name__)

SUMMARY_COLUMNS = (
    User.id,
    User.email,
    User.full_name,
    User.is_active,
    User.is_superuser,
    User.created_at,
    User.last_login_at,
)


def _summary(row: dict[str, Any]) -> UserSummaryOut:
    return to_schema(row, UserSummaryOut)


async def search_users(search: str | None, active: bool | None, limit: int, offset: int) -> Page[UserSummaryOut]:
    """Every account whose email or name contains `search`, oldest first."""
    where: list[Any] = []
    if search:
        pattern = like_pattern(search.strip().lower())
        where.append(User.email.like(pattern) | User.full_name.ilike(pattern))
    if active is not None:
        where.append(User.is_active == active)
    return await fetch_page(
        User.select(*SUMMARY_COLUMNS).order_by(User.created_at), User.count(), _summary, limit, offset, where
    )


async def user_detail(user_id: uuid.UUID) -> UserDetailOut:
    row = await User.select(*SUMMARY_COLUMNS).where(User.id == user_id).first()
    if row is None:
        raise NotFound("User not found")
    # One user's memberships in every workspace: the console's view of the account.
    memberships = (
        await across_workspaces(Membership)
        .select(
            Membership.workspace.id.as_alias("workspace_id"),
            Membership.workspace.name.as_alias("workspace_name"),
            Membership.workspace.is_personal.as_alias("is_personal"),
            Membership.role,
            Membership.paused,
            Membership.created_at.as_alias("joined_at"),
        )
        .where(Membership.user == user_id)
        .order_by(Membership.created_at)
    )
    return UserDetailOut(user=_summary(row), memberships=[to_schema(m, UserMembershipOut) for m in memberships])


async def set_user_active(redis: Redis, user_id: uuid.UUID, active: bool) -> UserDetailOut:
    """Enable or disable an account. Disabling ends every session at once: each request checks the account
    is active (so its access tokens are refused from the next request), its refresh tokens are revoked, and
    its sessions go on the denylist."""
    families: list[uuid.UUID] = []
    async with db.transaction():
        updated = await User.update({User.is_active: active}).where(User.id == user_id).returning(User.id)
        if not updated:
            raise NotFound("User not found")
        if not active:
            # The user's sessions in every workspace end together.
            revoked = (
                await across_workspaces(RefreshToken)
                .update({RefreshToken.revoked_at: utcnow()})
                .where((RefreshToken.user == user_id) & RefreshToken.revoked_at.is_null())
                .returning(RefreshToken.family_id)
            )
            families = list({row["family_id"] for row in revoked})
    for family_id in families:
        await tokens.deny_session(redis, family_id)
    log.info("user_active_changed", user_id=str(user_id), active=active, sessions_ended=len(families))
    return await user_detail(user_id)


async def search_workspaces(search: str | None, limit: int, offset: int) -> Page[WorkspaceSummaryOut]:
    """Every workspace whose name contains `search` (or whose creator's email does), oldest first."""
    where: list[Any] = []
    if search:
        pattern = like_pattern(search.strip().lower())
        where.append(Workspace.name.ilike(pattern) | Workspace.created_by.email.like(pattern))
    page = await fetch_page(
        Workspace.select(
            Workspace.id,
            Workspace.name,
            Workspace.is_personal,
            Workspace.created_at,
            Workspace.created_by.email.as_alias("created_by_email"),
        ).order_by(Workspace.created_at),
        Workspace.count(),
        lambda row: row,
        limit,
        offset,
        where,
    )
    counts = await _member_counts([row["id"] for row in page.items])
    return Page(
        items=[to_schema(row, WorkspaceSummaryOut, members=counts.get(row["id"], 0)) for row in page.items],
        total=page.total,
        limit=page.limit,
        offset=page.offset,
    )


async def workspace_summary(workspace_id: uuid.UUID) -> WorkspaceSummaryOut:
    row = (
        await Workspace.select(
            Workspace.id,
            Workspace.name,
            Workspace.is_personal,
            Workspace.created_at,
            Workspace.created_by.email.as_alias("created_by_email"),
        )
        .where(Workspace.id == workspace_id)
        .first()
    )
    if row is None:
        raise NotFound("Workspace not found")
    counts = await _member_counts([workspace_id])
    return to_schema(row, WorkspaceSummaryOut, members=counts.get(workspace_id, 0))


async def _member_counts(workspace_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    if not workspace_ids:
        return {}
    # Members of a page of workspaces at once, for the console's list.
    rows = (
        await across_workspaces(Membership)
        .select(Membership.workspace.as_alias("workspace_id"), Count(alias="n"))
        .where(Membership.workspace.id.is_in(workspace_ids))
        .group_by(Membership.workspace)
    )
    return {uuid.UUID(str(row["workspace_id"])): int(row["n"]) for row in rows}
