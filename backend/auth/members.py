"""Members of a workspace: roles, invitations, and the seats a plan counts.

Every read starts from `scoped(Membership, …)` or `scoped(Invitation, …)`, so
no query can forget the tenant. A workspace the caller does not belong to is
reported as not found. Auth owns the seats limit: it registers how seats are
counted and fitted to a smaller plan in `backend.core.quotas`, where billing reads them.
"""

from __future__ import annotations

import uuid
from typing import Any

import structlog
from piccolo.query import Select

from backend import db
from backend.audit import service as audit
from backend.auth.inputs import normalize_email
from backend.auth.schemas import InvitationOut, MemberInviteResult, MemberOut
from backend.auth.sessions import revoke_sessions_in
from backend.auth.tables import Invitation, Membership, User
from backend.billing import service as billing
from backend.core import quotas
from backend.core.actor import Actor
from backend.core.convert import to_schema
from backend.core.errors import Conflict, Forbidden, NotFound
from backend.core.pagination import fetch_page
from backend.core.principal import Role
from backend.core.quotas import Resource
from backend.core.schemas import Page
from backend.core.scoped import scoped

log = structlog.get_logger(__name__)

ROLE_RANK = {Role.member: 0, Role.admin: 1, Role.owner: 2}


def _memberships(workspace_id: uuid.UUID) -> Select[Any]:
    return scoped(Membership, workspace_id).select(
        Membership.user.id.as_alias("user_id"),
        Membership.user.email.as_alias("email"),
        Membership.user.full_name.as_alias("full_name"),
        Membership.role,
        Membership.paused,
        Membership.created_at.as_alias("joined_at"),
    )


def _invitations(workspace_id: uuid.UUID) -> Select[Any]:
    return scoped(Invitation, workspace_id).select(
        Invitation.id, Invitation.email, Invitation.role, Invitation.created_at
    )


def _member_out(row: dict[str, Any]) -> MemberOut:
    return to_schema(row, MemberOut)


def _invitation_out(row: dict[str, Any]) -> InvitationOut:
    return to_schema(row, InvitationOut)


async def role_in(workspace_id: uuid.UUID, user_id: uuid.UUID) -> Role:
    """The user's role in the workspace; NotFound if they are not a member."""
    row = (
        await scoped(Membership, workspace_id)
        .select(Membership.role, Membership.paused)
        .where(Membership.user == user_id)
        .first()
    )
    if row is None:
        raise NotFound("Workspace not found")
    if row["paused"]:
        raise Forbidden("Your seat in this workspace is paused: its plan has fewer seats than members")
    return Role(row["role"])


async def _audit(
    action: str, workspace_id: uuid.UUID, actor_id: uuid.UUID, actor: Actor | None, target: str, **details: str
) -> None:
    """One audit row for a member change (in the caller's transaction)."""
    await audit.record(
        action,
        workspace_id=workspace_id,
        actor_id=actor_id,
        actor_email=actor.email if actor else "",
        target=target,
        details=details,
        ip=actor.ip if actor else None,
    )


def require_manager(role: Role) -> None:
    if ROLE_RANK[role] < ROLE_RANK[Role.admin]:
        raise Forbidden("Only workspace owners and admins can manage members")


async def list_members(workspace_id: uuid.UUID, actor_id: uuid.UUID, limit: int, offset: int) -> Page[MemberOut]:
    await role_in(workspace_id, actor_id)
    return await members_page(workspace_id, limit, offset)


async def members_page(workspace_id: uuid.UUID, limit: int, offset: int) -> Page[MemberOut]:
    """The workspace's members, first joined first (no check of who asks: the caller has done it)."""
    return await fetch_page(
        _memberships(workspace_id).order_by(Membership.created_at),
        scoped(Membership, workspace_id).count(),
        _member_out,
        limit,
        offset,
    )


async def list_invitations(
    workspace_id: uuid.UUID, actor_id: uuid.UUID, limit: int, offset: int
) -> Page[InvitationOut]:
    await role_in(workspace_id, actor_id)
    return await fetch_page(
        _invitations(workspace_id).order_by(Invitation.created_at),
        scoped(Invitation, workspace_id).count(),
        _invitation_out,
        limit,
        offset,
    )


async def invite_member(
    workspace_id: uuid.UUID, actor_id: uuid.UUID, email: str, role: Role, actor: Actor | None = None
) -> MemberInviteResult:
    """Add an existing account as a member, or keep a seat for the email until it signs up."""
    actor_role = await role_in(workspace_id, actor_id)
    require_manager(actor_role)
    if role is Role.owner and actor_role is not Role.owner:
        raise Forbidden("Only owners can make someone an owner")
    email = normalize_email(email)
    user = await User.select(User.id).where(User.email == email).first()
    already = (
        await scoped(Membership, workspace_id).exists().where(Membership.user == user["id"])
        if user is not None
        else await scoped(Invitation, workspace_id).exists().where(Invitation.email == email)
    )
    if already:
        raise Conflict(f"{email} is already a member of or invited to this workspace")
    await billing.ensure_capacity(workspace_id, Resource.seats, await seats_used(workspace_id))
    try:
        async with db.transaction():
            if user is not None:
                await Membership.insert(Membership(workspace=workspace_id, user=user["id"], role=role.value))
            else:
                await Invitation.insert(
                    Invitation(workspace=workspace_id, email=email, role=role.value, invited_by=actor_id)
                )
            target = f"user:{user['id']}" if user is not None else f"email:{email}"
            status = "added" if user is not None else "invited"
            await _audit("members.invited", workspace_id, actor_id, actor, target, role=role.value, status=status)
    except Exception as exc:
        if db.is_unique_violation(exc):
            raise Conflict(f"{email} is already a member of or invited to this workspace") from None
        raise
    log.info(
        "member_invited",
        workspace_id=str(workspace_id),
        by=str(actor_id),
        existing_user=user is not None,
    )
    if user is not None:
        return MemberInviteResult(status="added", member=await _get_member(workspace_id, user["id"]))
    invitation = await _invitations(workspace_id).where(Invitation.email == email).first()
    if invitation is None:
        raise NotFound("Invitation not found")
    return MemberInviteResult(status="invited", invitation=_invitation_out(invitation))


async def revoke_invitation(
    workspace_id: uuid.UUID, actor_id: uuid.UUID, invitation_id: uuid.UUID, actor: Actor | None = None
) -> None:
    require_manager(await role_in(workspace_id, actor_id))
    async with db.transaction():
        deleted = (
            await scoped(Invitation, workspace_id)
            .delete()
            .where(Invitation.id == invitation_id)
            .returning(Invitation.email)
        )
        if deleted:
            await _audit("members.invitation_revoked", workspace_id, actor_id, actor, f"email:{deleted[0]['email']}")
    if not deleted:
        raise NotFound("Invitation not found")


async def _owner_count(workspace_id: uuid.UUID) -> int:
    return int(await scoped(Membership, workspace_id).count().where(Membership.role == Role.owner.value))


async def change_member_role(
    workspace_id: uuid.UUID, actor_id: uuid.UUID, user_id: uuid.UUID, role: Role, actor: Actor | None = None
) -> MemberOut:
    actor_role = await role_in(workspace_id, actor_id)
    require_manager(actor_role)
    async with db.transaction():
        target_role = await _member_role(workspace_id, user_id)
        if actor_role is not Role.owner and Role.owner in (role, target_role):
            raise Forbidden("Only owners can change an owner's role or make someone an owner")
        if target_role is Role.owner and role is not Role.owner and await _owner_count(workspace_id) <= 1:
            raise Conflict("The workspace needs at least one owner; make someone else an owner first")
        await scoped(Membership, workspace_id).update({Membership.role: role.value}).where(Membership.user == user_id)
        if role is not target_role:
            await _audit(
                "members.role_changed",
                workspace_id,
                actor_id,
                actor,
                f"user:{user_id}",
                **{"from": target_role.value, "to": role.value},
            )
    log.info(
        "member_role_changed",
        workspace_id=str(workspace_id),
        user_id=str(user_id),
        role=role.value,
    )
    return await _get_member(workspace_id, user_id)


async def _get_member(workspace_id: uuid.UUID, user_id: uuid.UUID) -> MemberOut:
    row = await _memberships(workspace_id).where(Membership.user == user_id).first()
    if row is None:
        raise NotFound("Member not found")
    return _member_out(row)


async def _member_role(workspace_id: uuid.UUID, user_id: uuid.UUID) -> Role:
    return Role((await _get_member(workspace_id, user_id)).role)


async def remove_member(
    workspace_id: uuid.UUID, actor_id: uuid.UUID, user_id: uuid.UUID, actor: Actor | None = None
) -> None:
    """Remove a member, or leave when `user_id` is the actor. The last owner cannot go."""
    actor_role = await role_in(workspace_id, actor_id)
    if user_id != actor_id:
        require_manager(actor_role)
    async with db.transaction():
        target_role = await _member_role(workspace_id, user_id)
        if target_role is Role.owner and user_id != actor_id and actor_role is not Role.owner:
            raise Forbidden("Only owners can remove an owner")
        if target_role is Role.owner and await _owner_count(workspace_id) <= 1:
            raise Conflict("The last owner cannot leave; make someone else an owner first")
        await scoped(Membership, workspace_id).delete().where(Membership.user == user_id)
        await revoke_sessions_in(workspace_id, user_id)
        action = "members.left" if user_id == actor_id else "members.removed"
        await _audit(action, workspace_id, actor_id, actor, f"user:{user_id}", role=target_role.value)
    log.info(
        "member_removed",
        workspace_id=str(workspace_id),
        user_id=str(user_id),
        by=str(actor_id),
    )


async def seats_used(workspace_id: uuid.UUID) -> int:
    """Members plus pending invitations: what the plan's seats count."""
    members = await scoped(Membership, workspace_id).count()
    invitations = await scoped(Invitation, workspace_id).count()
    return int(members) + int(invitations)


async def fit_members_to_seats(workspace_id: uuid.UUID, seats: int) -> int:
    """Pause the members beyond `seats` (owners first, then longest-standing keep theirs) and
    resume the rest. Nothing is deleted. Returns how many are paused."""
    members = scoped(Membership, workspace_id)
    rows = await members.select(Membership.id, Membership.role, Membership.paused).order_by(Membership.created_at)
    ordered = sorted(rows, key=lambda r: -ROLE_RANK[Role(r["role"])])  # stable: keeps join order within a role
    keep = {r["id"] for r in ordered[: max(seats, 1)]}
    async with db.transaction():
        for row in rows:
            should_pause = row["id"] not in keep
            if row["paused"] != should_pause:
                await members.update({Membership.paused: should_pause}).where(Membership.id == row["id"])
    return len(rows) - len(keep)


async def _fit_seats(workspace_id: uuid.UUID, seats: int, _plan_title: str) -> int:
    return await fit_members_to_seats(workspace_id, seats)


quotas.register(Resource.seats, seats_used)
quotas.register_fitter(Resource.seats, _fit_seats)
