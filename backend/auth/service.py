"""Accounts, sessions, workspaces and members.

Every workspace-scoped read starts from `_memberships(workspace_id)` or
`_invitations(workspace_id)`, so no query can forget the tenant. A workspace
the caller does not belong to is reported as not found.
"""

from __future__ import annotations

import contextlib
import re
import uuid
from datetime import datetime, timedelta
from typing import Any

import structlog
from email_validator import EmailNotValidError, validate_email
from piccolo.query import Select
from redis.asyncio import Redis

from backend import db
from backend.auth import passwords, tokens
from backend.auth.schemas import (
    InvitationOut,
    MemberInviteResult,
    MemberOut,
    TokenPair,
    UserOut,
    WorkspaceOut,
)
from backend.auth.tables import (
    Invitation,
    Membership,
    RefreshToken,
    User,
    Workspace,
)
from backend.core.clock import utcnow
from backend.core.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotAuthenticated,
    NotFound,
)
from backend.core.pagination import fetch_page
from backend.core.principal import Principal, Role
from backend.core.schemas import Page
from backend.settings import get_settings

log = structlog.get_logger(__name__)

ROLE_RANK = {Role.member: 0, Role.admin: 1, Role.owner: 2}
INVALID_CREDENTIALS = "Incorrect email or password"
INVALID_REFRESH = "Refresh token is invalid or expired; log in again"


# --- input rules -------------------------------------------------------------


def normalize_email(raw: str, field: str = "email") -> str:
    """Validate syntax (no DNS lookups) and lower-case, so uniqueness ignores case."""
    try:
        result = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidInput(field, str(exc)) from None
    return result.normalized.lower()


def _clean_name(raw: str, field: str) -> str:
    name = " ".join(raw.split())
    if not name:
        raise InvalidInput(field, "must not be blank")
    return name


# Mailbox names that are not a person's: "you@…" must not become "you's workspace".
GENERIC_MAILBOXES = frozenset(
    [
        "account",
        "accounts",
        "admin",
        "billing",
        "contact",
        "hello",
        "hi",
        "info",
        "mail",
        "me",
        "my",
        "no",
        "noreply",
        "office",
        "post",
        "reply",
        "sales",
        "shop",
        "store",
        "support",
        "team",
        "test",
        "the",
        "user",
        "webmaster",
        "you",
    ]
)


def _first_name_from_email(email: str) -> str:
    """'ana.lopez+shop@…' -> 'Ana'; '' when the local part looks like no one's name (info@, you@, 1234@)."""
    local = email.split("@", 1)[0].split("+", 1)[0]
    parts = [p for p in re.split(r"[\W\d_]+", local) if p]
    if not parts or len(parts[0]) < 2 or parts[0].lower() in GENERIC_MAILBOXES:
        return ""
    return parts[0].capitalize()


# --- tenant-scoped base queries ---------------------------------------------


def _memberships(workspace_id: uuid.UUID) -> Select[Any]:
    return Membership.select(
        Membership.user.id.as_alias("user_id"),
        Membership.user.email.as_alias("email"),
        Membership.user.full_name.as_alias("full_name"),
        Membership.role,
        Membership.paused,
        Membership.created_at.as_alias("joined_at"),
    ).where(Membership.workspace == workspace_id)


def _invitations(workspace_id: uuid.UUID) -> Select[Any]:
    return Invitation.select(Invitation.id, Invitation.email, Invitation.role, Invitation.created_at).where(
        Invitation.workspace == workspace_id
    )


async def _role_in(workspace_id: uuid.UUID, user_id: uuid.UUID) -> Role:
    """The user's role in the workspace; NotFound if they are not a member."""
    row = (
        await Membership.select(Membership.role, Membership.paused)
        .where((Membership.workspace == workspace_id) & (Membership.user == user_id))
        .first()
    )
    if row is None:
        raise NotFound("Workspace not found")
    if row["paused"]:
        raise Forbidden("Your seat in this workspace is paused: its plan has fewer seats than members")
    return Role(row["role"])


def _require_manager(role: Role) -> None:
    if ROLE_RANK[role] < ROLE_RANK[Role.admin]:
        raise Forbidden("Only workspace owners and admins can manage members")


# --- sessions ----------------------------------------------------------------


async def _issue_tokens(user_id: uuid.UUID, workspace_id: uuid.UUID, family_id: uuid.UUID | None = None) -> TokenPair:
    """A new access token and a refresh token (new family unless one is given). Call inside a transaction."""
    settings = get_settings().auth
    refresh, refresh_hash = tokens.new_refresh_token()
    family_id = family_id or uuid.uuid4()
    await RefreshToken.insert(
        RefreshToken(
            user=user_id,
            workspace=workspace_id,
            family_id=family_id,
            token_hash=refresh_hash,
            expires_at=utcnow() + timedelta(seconds=settings.refresh_token_ttl_seconds),
        )
    )
    access = tokens.issue_access_token(user_id, workspace_id, family_id)
    return TokenPair(
        access_token=access.token,
        refresh_token=refresh,
        token_type="bearer",  # noqa: S106 - the OAuth token type, not a secret
        expires_in=settings.access_token_ttl_seconds,
        workspace_id=workspace_id,
    )


async def _create_account(
    email: str,
    password_hash: str,
    full_name: str,
    workspace_name: str | None,
    is_superuser: bool = False,
) -> tuple[uuid.UUID, uuid.UUID]:
    """Insert a user with a personal workspace it owns and take up its pending invitations.

    Returns (user id, personal workspace id). Call inside a transaction.
    """
    email = normalize_email(email)
    full_name = " ".join(full_name.split())
    name = _clean_name(workspace_name, "workspace_name") if workspace_name is not None else None
    if name is None:
        owner_label = full_name or _first_name_from_email(email)
        name = f"{owner_label}'s workspace"[:100] if owner_label else "My workspace"
    user_id = uuid.uuid4()
    workspace_id = uuid.uuid4()
    try:
        await User.insert(
            User(
                id=user_id,
                email=email,
                full_name=full_name,
                password_hash=password_hash,
                is_superuser=is_superuser,
            )
        )
    except Exception as exc:
        if db.is_unique_violation(exc):
            raise Conflict("An account with this email already exists") from None
        raise
    await Workspace.insert(Workspace(id=workspace_id, name=name, is_personal=True, created_by=user_id))
    await Membership.insert(Membership(workspace=workspace_id, user=user_id, role=Role.owner.value))
    invitations = await Invitation.select(Invitation.workspace, Invitation.role).where(Invitation.email == email)
    for invitation in invitations:
        await Membership.insert(Membership(workspace=invitation["workspace"], user=user_id, role=invitation["role"]))
    await Invitation.delete().where(Invitation.email == email)
    log.info("user_registered", user_id=str(user_id), invitations_accepted=len(invitations))
    return user_id, workspace_id


async def register(email: str, password: str, full_name: str, workspace_name: str | None) -> TokenPair:
    """Create an account with its personal workspace and log it in."""
    normalize_email(email)  # a malformed email is refused before the slow hash
    password_hash = await passwords.hash_password(password)
    async with db.transaction():
        user_id, workspace_id = await _create_account(email, password_hash, full_name, workspace_name)
        return await _issue_tokens(user_id, workspace_id)


async def login(email: str, password: str) -> TokenPair:
    """Check the password and open a session in the user's first workspace."""
    try:
        email = normalize_email(email)
    except InvalidInput:
        raise NotAuthenticated(INVALID_CREDENTIALS) from None
    user = await User.select(User.id, User.password_hash, User.is_active).where(User.email == email).first()
    valid = await passwords.verify_password(user["password_hash"] if user else None, password)
    if user is None or not valid or not user["is_active"]:
        raise NotAuthenticated(INVALID_CREDENTIALS)
    workspace_id = await _default_workspace(user["id"])
    if workspace_id is None:
        raise NotAuthenticated("This account belongs to no workspace; ask a workspace owner to invite you")
    updates: dict[Any, Any] = {User.last_login_at: utcnow()}
    if passwords.needs_rehash(user["password_hash"]):
        updates[User.password_hash] = await passwords.hash_password(password)
    async with db.transaction():
        await User.update(updates).where(User.id == user["id"])
        pair = await _issue_tokens(user["id"], workspace_id)
    log.info("user_logged_in", user_id=str(user["id"]))
    return pair


async def _default_workspace(user_id: uuid.UUID) -> uuid.UUID | None:
    row = (
        await Membership.select(Membership.workspace)
        .where((Membership.user == user_id) & (Membership.paused == False))  # noqa: E712
        .order_by(Membership.created_at)
        .first()
    )
    return row["workspace"] if row else None


async def refresh(redis: Redis, refresh_token: str) -> TokenPair:
    """Rotate a refresh token. Presenting one that was already rotated revokes its whole family.

    Revoking a family also refuses every access token it issued, at once.
    """
    token_hash = tokens.hash_refresh_token(refresh_token)
    reused = False
    async with db.transaction():
        row = await RefreshToken.select().where(RefreshToken.token_hash == token_hash).first()
        if row is None or row["revoked_at"] is not None or row["expires_at"] <= utcnow():
            raise NotAuthenticated(INVALID_REFRESH)
        # The conditional update makes two concurrent refreshes with one token
        # count as reuse instead of both succeeding.
        rotated = (
            await RefreshToken.update({RefreshToken.rotated_at: utcnow()})
            .where((RefreshToken.id == row["id"]) & RefreshToken.rotated_at.is_null())
            .returning(RefreshToken.id)
        )
        if not rotated:
            reused = True
            await _revoke_family(row["family_id"])
        else:
            workspace_id = row["workspace"]
            if not await _is_active_member(row["user"], workspace_id):
                # Removed from that workspace since: carry on in another one.
                workspace_id = await _default_workspace(row["user"])
            user_active = await User.exists().where((User.id == row["user"]) & (User.is_active.eq(True)))
            if workspace_id is None or not user_active:
                raise NotAuthenticated(INVALID_REFRESH)
            pair = await _issue_tokens(row["user"], workspace_id, family_id=row["family_id"])
    if reused:
        await tokens.deny_session(redis, row["family_id"])
        log.warning(
            "refresh_token_reused",
            user_id=str(row["user"]),
            family_id=str(row["family_id"]),
        )
        raise NotAuthenticated("Refresh token was already used; every session of that login is now signed out")
    return pair


async def _is_active_member(user_id: uuid.UUID, workspace_id: uuid.UUID) -> bool:
    return bool(
        await Membership.exists().where(
            (Membership.user == user_id) & (Membership.workspace == workspace_id) & (Membership.paused == False)  # noqa: E712
        )
    )


async def _revoke_family(family_id: uuid.UUID) -> None:
    await RefreshToken.update({RefreshToken.revoked_at: utcnow()}).where(
        (RefreshToken.family_id == family_id) & RefreshToken.revoked_at.is_null()
    )


async def logout(
    redis: Redis,
    principal: Principal,
    access_jti: str,
    access_expires_at: datetime,
    session_id: str | None,
    refresh_token: str | None,
) -> None:
    """End the session: its access tokens (`session_id`, the token's `sid`) and its refresh tokens.

    `refresh_token`, if given, ends that token's session too (the only way for
    an access token issued before tokens named their session).
    """
    await tokens.deny_access_token(redis, access_jti, access_expires_at)
    families: set[uuid.UUID] = set()
    if session_id:
        with contextlib.suppress(ValueError):  # a signed token, but issued by an older release
            families.add(uuid.UUID(session_id))
    if refresh_token:
        row = (
            await RefreshToken.select(RefreshToken.family_id)
            .where(
                (RefreshToken.token_hash == tokens.hash_refresh_token(refresh_token))
                & (RefreshToken.user == principal.user_id)
            )
            .first()
        )
        if row is not None:
            families.add(row["family_id"])
    for family_id in families:
        async with db.transaction():
            await _revoke_family(family_id)
        await tokens.deny_session(redis, family_id)
    log.info("user_logged_out", user_id=str(principal.user_id))


async def load_principal(user_id: uuid.UUID, workspace_id: uuid.UUID) -> Principal | None:
    """The caller behind a token, or None if the user is gone, disabled or no longer in that workspace."""
    row = (
        await Membership.select(
            Membership.role,
            Membership.user.email.as_alias("email"),
            Membership.user.is_superuser.as_alias("is_superuser"),
        )
        .where(
            (Membership.user == user_id)
            & (Membership.workspace == workspace_id)
            & (Membership.paused == False)  # noqa: E712
            & (Membership.user.is_active == True)  # noqa: E712
        )
        .first()
    )
    if row is None:
        return None
    return Principal(
        user_id=user_id,
        email=row["email"],
        is_superuser=row["is_superuser"],
        workspace_id=workspace_id,
        role=Role(row["role"]),
    )


# --- me and workspaces ------------------------------------------------------


def _workspace_out(row: dict[str, Any]) -> WorkspaceOut:
    return WorkspaceOut(
        id=row["id"],
        name=row["name"],
        is_personal=row["is_personal"],
        role=row["role"],
        paused=row["paused"],
        created_at=row["created_at"],
    )


def _my_workspaces(user_id: uuid.UUID) -> Select[Any]:
    return Membership.select(
        Membership.workspace.id.as_alias("id"),
        Membership.workspace.name.as_alias("name"),
        Membership.workspace.is_personal.as_alias("is_personal"),
        Membership.workspace.created_at.as_alias("created_at"),
        Membership.role,
        Membership.paused,
    ).where(Membership.user == user_id)


async def get_user(user_id: uuid.UUID) -> UserOut:
    row = (
        await User.select(User.id, User.email, User.full_name, User.is_superuser, User.created_at)
        .where(User.id == user_id)
        .first()
    )
    if row is None:
        raise NotFound("User not found")
    return UserOut(**row)


async def get_workspace(workspace_id: uuid.UUID, user_id: uuid.UUID) -> WorkspaceOut:
    row = await _my_workspaces(user_id).where(Membership.workspace == workspace_id).first()
    if row is None:
        raise NotFound("Workspace not found")
    return _workspace_out(row)


async def list_workspaces(user_id: uuid.UUID, limit: int, offset: int) -> Page[WorkspaceOut]:
    return await fetch_page(
        _my_workspaces(user_id).order_by(Membership.created_at),
        Membership.count().where(Membership.user == user_id),
        _workspace_out,
        limit,
        offset,
    )


async def create_workspace(user_id: uuid.UUID, name: str) -> WorkspaceOut:
    name = _clean_name(name, "name")
    workspace_id = uuid.uuid4()
    async with db.transaction():
        await Workspace.insert(Workspace(id=workspace_id, name=name, is_personal=False, created_by=user_id))
        await Membership.insert(Membership(workspace=workspace_id, user=user_id, role=Role.owner.value))
    log.info("workspace_created", workspace_id=str(workspace_id), user_id=str(user_id))
    return await get_workspace(workspace_id, user_id)


async def rename_workspace(workspace_id: uuid.UUID, actor_id: uuid.UUID, name: str) -> WorkspaceOut:
    _require_manager(await _role_in(workspace_id, actor_id))
    name = _clean_name(name, "name")
    async with db.transaction():
        await Workspace.update({Workspace.name: name}).where(Workspace.id == workspace_id)
    return await get_workspace(workspace_id, actor_id)


async def switch_workspace(workspace_id: uuid.UUID, user_id: uuid.UUID) -> TokenPair:
    """A new session in another workspace the user belongs to."""
    await _role_in(workspace_id, user_id)
    async with db.transaction():
        return await _issue_tokens(user_id, workspace_id)


# --- members -----------------------------------------------------------------


def _member_out(row: dict[str, Any]) -> MemberOut:
    return MemberOut(
        user_id=row["user_id"],
        email=row["email"],
        full_name=row["full_name"],
        role=row["role"],
        joined_at=row["joined_at"],
        paused=row["paused"],
    )


def _invitation_out(row: dict[str, Any]) -> InvitationOut:
    return InvitationOut(id=row["id"], email=row["email"], role=row["role"], created_at=row["created_at"])


async def list_members(workspace_id: uuid.UUID, actor_id: uuid.UUID, limit: int, offset: int) -> Page[MemberOut]:
    await _role_in(workspace_id, actor_id)
    return await fetch_page(
        _memberships(workspace_id).order_by(Membership.created_at),
        Membership.count().where(Membership.workspace == workspace_id),
        _member_out,
        limit,
        offset,
    )


async def list_invitations(
    workspace_id: uuid.UUID, actor_id: uuid.UUID, limit: int, offset: int
) -> Page[InvitationOut]:
    await _role_in(workspace_id, actor_id)
    return await fetch_page(
        _invitations(workspace_id).order_by(Invitation.created_at),
        Invitation.count().where(Invitation.workspace == workspace_id),
        _invitation_out,
        limit,
        offset,
    )


async def invite_member(workspace_id: uuid.UUID, actor_id: uuid.UUID, email: str, role: Role) -> MemberInviteResult:
    """Add an existing account as a member, or keep a seat for the email until it signs up."""
    actor_role = await _role_in(workspace_id, actor_id)
    _require_manager(actor_role)
    if role is Role.owner and actor_role is not Role.owner:
        raise Forbidden("Only owners can make someone an owner")
    email = normalize_email(email)
    user = await User.select(User.id).where(User.email == email).first()
    already = (
        await Membership.exists().where((Membership.user == user["id"]) & (Membership.workspace == workspace_id))
        if user is not None
        else await Invitation.exists().where((Invitation.email == email) & (Invitation.workspace == workspace_id))
    )
    if already:
        raise Conflict(f"{email} is already a member of or invited to this workspace")
    from backend.billing import service as billing  # billing also calls back into auth
    from backend.core.quotas import Resource

    await billing.ensure_capacity(workspace_id, Resource.seats, await seats_used(workspace_id))
    try:
        async with db.transaction():
            if user is not None:
                await Membership.insert(Membership(workspace=workspace_id, user=user["id"], role=role.value))
            else:
                await Invitation.insert(
                    Invitation(workspace=workspace_id, email=email, role=role.value, invited_by=actor_id)
                )
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


async def revoke_invitation(workspace_id: uuid.UUID, actor_id: uuid.UUID, invitation_id: uuid.UUID) -> None:
    _require_manager(await _role_in(workspace_id, actor_id))
    async with db.transaction():
        deleted = (
            await Invitation.delete()
            .where((Invitation.workspace == workspace_id) & (Invitation.id == invitation_id))
            .returning(Invitation.id)
        )
    if not deleted:
        raise NotFound("Invitation not found")


async def _owner_count(workspace_id: uuid.UUID) -> int:
    return int(
        await Membership.count().where((Membership.workspace == workspace_id) & (Membership.role == Role.owner.value))
    )


async def change_member_role(workspace_id: uuid.UUID, actor_id: uuid.UUID, user_id: uuid.UUID, role: Role) -> MemberOut:
    actor_role = await _role_in(workspace_id, actor_id)
    _require_manager(actor_role)
    async with db.transaction():
        target_role = await _member_role(workspace_id, user_id)
        if actor_role is not Role.owner and Role.owner in (role, target_role):
            raise Forbidden("Only owners can change an owner's role or make someone an owner")
        if target_role is Role.owner and role is not Role.owner and await _owner_count(workspace_id) <= 1:
            raise Conflict("The workspace needs at least one owner; make someone else an owner first")
        await Membership.update({Membership.role: role.value}).where(
            (Membership.workspace == workspace_id) & (Membership.user == user_id)
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


async def remove_member(workspace_id: uuid.UUID, actor_id: uuid.UUID, user_id: uuid.UUID) -> None:
    """Remove a member, or leave when `user_id` is the actor. The last owner cannot go."""
    actor_role = await _role_in(workspace_id, actor_id)
    if user_id != actor_id:
        _require_manager(actor_role)
    async with db.transaction():
        target_role = await _member_role(workspace_id, user_id)
        if target_role is Role.owner and user_id != actor_id and actor_role is not Role.owner:
            raise Forbidden("Only owners can remove an owner")
        if target_role is Role.owner and await _owner_count(workspace_id) <= 1:
            raise Conflict("The last owner cannot leave; make someone else an owner first")
        await Membership.delete().where((Membership.workspace == workspace_id) & (Membership.user == user_id))
        # Sessions opened in this workspace end; tokens in other workspaces live on.
        await RefreshToken.update({RefreshToken.revoked_at: utcnow()}).where(
            (RefreshToken.user == user_id)
            & (RefreshToken.workspace == workspace_id)
            & RefreshToken.revoked_at.is_null()
        )
    log.info(
        "member_removed",
        workspace_id=str(workspace_id),
        user_id=str(user_id),
        by=str(actor_id),
    )


async def seats_used(workspace_id: uuid.UUID) -> int:
    """Members plus pending invitations: what the plan's seats count."""
    members = await Membership.count().where(Membership.workspace == workspace_id)
    invitations = await Invitation.count().where(Invitation.workspace == workspace_id)
    return int(members) + int(invitations)


async def fit_members_to_seats(workspace_id: uuid.UUID, seats: int) -> int:
    """Pause the members beyond `seats` (owners first, then longest-standing keep theirs) and
    resume the rest. Nothing is deleted. Returns how many are paused."""
    rows = (
        await Membership.select(Membership.id, Membership.role, Membership.paused)
        .where(Membership.workspace == workspace_id)
        .order_by(Membership.created_at)
    )
    ordered = sorted(rows, key=lambda r: -ROLE_RANK[Role(r["role"])])  # stable: keeps join order within a role
    keep = {r["id"] for r in ordered[: max(seats, 1)]}
    async with db.transaction():
        for row in rows:
            should_pause = row["id"] not in keep
            if row["paused"] != should_pause:
                await Membership.update({Membership.paused: should_pause}).where(Membership.id == row["id"])
    return len(rows) - len(keep)


# --- superuser ---------------------------------------------------------------


async def list_users(search: str | None, limit: int, offset: int) -> Page[UserOut]:
    """Every account (superusers only; not tenant-scoped by design)."""
    columns = (User.id, User.email, User.full_name, User.is_superuser, User.created_at)
    where = [User.email.like(f"%{search.lower()}%")] if search else []
    return await fetch_page(
        User.select(*columns).order_by(User.created_at), User.count(), lambda r: UserOut(**r), limit, offset, where
    )


async def create_superuser(email: str, password: str) -> uuid.UUID:
    """Create a superuser, or promote the existing account with that email (used by the CLI)."""
    email = normalize_email(email)
    password_hash = await passwords.hash_password(password)
    async with db.transaction():
        existing = await User.select(User.id).where(User.email == email).first()
        if existing is None:
            new_user_id, _ = await _create_account(email, password_hash, "", None, is_superuser=True)
            return new_user_id
        await User.update({User.is_superuser: True, User.password_hash: password_hash}).where(User.id == existing["id"])
        existing_id: uuid.UUID = existing["id"]
        return existing_id


async def lock_workspace(workspace_id: uuid.UUID) -> None:
    """Serialise one workspace's plan-limit checks until the transaction ends (SQLite's write lock already does)."""
    if db.is_postgres():
        await Workspace.raw("SELECT id FROM workspaces WHERE id = {} FOR UPDATE", workspace_id)
