"""Workspaces: the ones a user belongs to, creating, renaming and switching, and what other domains ask of one."""

from __future__ import annotations

import uuid
from typing import Any

import structlog
from piccolo.query import Select

from backend import db
from backend.auth.inputs import clean_name
from backend.auth.members import require_manager, role_in
from backend.auth.schemas import TokenPair, WorkspaceOut
from backend.auth.sessions import issue_tokens
from backend.auth.tables import Membership, Workspace
from backend.core.convert import to_schema
from backend.core.errors import NotFound
from backend.core.pagination import fetch_page
from backend.core.principal import Role
from backend.core.schemas import Page
from backend.core.scoped import across_workspaces, scoped

log = structlog.get_logger(__name__)

# A membership seen as one of the user's workspaces (WorkspaceOut's fields).
WORKSPACE_COLUMNS = (
    Membership.workspace.id.as_alias("id"),
    Membership.workspace.name.as_alias("name"),
    Membership.workspace.is_personal.as_alias("is_personal"),
    Membership.workspace.created_at.as_alias("created_at"),
    Membership.role,
    Membership.paused,
)


def _workspace_out(row: dict[str, Any]) -> WorkspaceOut:
    return to_schema(row, WorkspaceOut)


def _my_workspaces(user_id: uuid.UUID) -> Select[Any]:
    # The user's memberships in every workspace they belong to: listing those is the point.
    return across_workspaces(Membership).select(*WORKSPACE_COLUMNS).where(Membership.user == user_id)


async def get_workspace(workspace_id: uuid.UUID, user_id: uuid.UUID) -> WorkspaceOut:
    row = await scoped(Membership, workspace_id).select(*WORKSPACE_COLUMNS).where(Membership.user == user_id).first()
    if row is None:
        raise NotFound("Workspace not found")
    return _workspace_out(row)


async def list_workspaces(user_id: uuid.UUID, limit: int, offset: int) -> Page[WorkspaceOut]:
    return await fetch_page(
        _my_workspaces(user_id).order_by(Membership.created_at),
        across_workspaces(Membership).count().where(Membership.user == user_id),
        _workspace_out,
        limit,
        offset,
    )


async def create_workspace(user_id: uuid.UUID, name: str) -> WorkspaceOut:
    name = clean_name(name, "name")
    workspace_id = uuid.uuid4()
    async with db.transaction():
        await Workspace.insert(Workspace(id=workspace_id, name=name, is_personal=False, created_by=user_id))
        await Membership.insert(Membership(workspace=workspace_id, user=user_id, role=Role.owner.value))
    log.info("workspace_created", workspace_id=str(workspace_id), user_id=str(user_id))
    return await get_workspace(workspace_id, user_id)


async def rename_workspace(workspace_id: uuid.UUID, actor_id: uuid.UUID, name: str) -> WorkspaceOut:
    require_manager(await role_in(workspace_id, actor_id))
    name = clean_name(name, "name")
    async with db.transaction():
        await Workspace.update({Workspace.name: name}).where(Workspace.id == workspace_id)
    return await get_workspace(workspace_id, actor_id)


async def switch_workspace(workspace_id: uuid.UUID, user_id: uuid.UUID) -> TokenPair:
    """A new session in another workspace the user belongs to."""
    await role_in(workspace_id, user_id)
    async with db.transaction():
        return await issue_tokens(user_id, workspace_id)


async def workspace_name(workspace_id: uuid.UUID) -> str | None:
    """The workspace's name (e.g. for its Stripe customer); None if there is no such workspace."""
    row = await Workspace.select(Workspace.name).where(Workspace.id == workspace_id).first()
    return str(row["name"]) if row else None


async def lock_workspace(workspace_id: uuid.UUID) -> None:
    """Serialise one workspace's plan-limit checks until the transaction ends (SQLite's write lock already does)."""
    if db.is_postgres():
        await Workspace.raw("SELECT id FROM workspaces WHERE id = {} FOR UPDATE", workspace_id)
