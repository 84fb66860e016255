"""Accounts: registering (with a personal workspace), logging in, users, superusers."""

from __future__ import annotations

import uuid
from typing import Any

import structlog

from backend import db
from backend.audit import service as audit
from backend.auth import passwords
from backend.auth.inputs import clean_name, first_name_from_email, normalize_email
from backend.auth.schemas import TokenPair, UserOut
from backend.auth.sessions import default_workspace, issue_tokens
from backend.auth.tables import Invitation, Membership, User, Workspace
from backend.core.clock import utcnow
from backend.core.convert import to_schema
from backend.core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound
from backend.core.principal import Role
from backend.core.scoped import across_workspaces

log = structlog.get_logger(__name__)

INVALID_CREDENTIALS = "Incorrect email or password"
USER_COLUMNS = (User.id, User.email, User.full_name, User.is_superuser, User.created_at)


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
    name = clean_name(workspace_name, "workspace_name") if workspace_name is not None else None
    if name is None:
        owner_label = full_name or first_name_from_email(email)
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
    # Every workspace's invitations to this email are taken up at sign-up.
    invitations = (
        await across_workspaces(Invitation)
        .select(Invitation.workspace, Invitation.role)
        .where(Invitation.email == email)
    )
    for invitation in invitations:
        await Membership.insert(Membership(workspace=invitation["workspace"], user=user_id, role=invitation["role"]))
    await across_workspaces(Invitation).delete().where(Invitation.email == email)
    log.info("user_registered", user_id=str(user_id), invitations_accepted=len(invitations))
    return user_id, workspace_id


async def register(email: str, password: str, full_name: str, workspace_name: str | None) -> TokenPair:
    """Create an account with its personal workspace and log it in."""
    normalize_email(email)  # a malformed email is refused before the slow hash
    password_hash = await passwords.hash_password(password)
    async with db.transaction():
        user_id, workspace_id = await _create_account(email, password_hash, full_name, workspace_name)
        return await issue_tokens(user_id, workspace_id)


async def login(email: str, password: str, ip: str | None = None) -> TokenPair:
    """Check the password and open a session in the user's first workspace. Both outcomes are audited
    (never the password tried)."""
    try:
        email = normalize_email(email)
    except InvalidInput:
        await _audit_failed_sign_in(None, email.strip().lower(), ip, "malformed email")
        raise NotAuthenticated(INVALID_CREDENTIALS) from None
    user = await User.select(User.id, User.password_hash, User.is_active).where(User.email == email).first()
    valid = await passwords.verify_password(user["password_hash"] if user else None, password)
    if user is None or not valid or not user["is_active"]:
        reason = "unknown email" if user is None else "wrong password" if not valid else "account disabled"
        await _audit_failed_sign_in(user["id"] if user else None, email, ip, reason)
        raise NotAuthenticated(INVALID_CREDENTIALS)
    workspace_id = await default_workspace(user["id"])
    if workspace_id is None:
        await _audit_failed_sign_in(user["id"], email, ip, "no workspace")
        raise NotAuthenticated("This account belongs to no workspace; ask a workspace owner to invite you")
    updates: dict[Any, Any] = {User.last_login_at: utcnow()}
    if passwords.needs_rehash(user["password_hash"]):
        updates[User.password_hash] = await passwords.hash_password(password)
    async with db.transaction():
        await User.update(updates).where(User.id == user["id"])
        pair = await issue_tokens(user["id"], workspace_id)
        await audit.record(
            "auth.sign_in",
            workspace_id=workspace_id,
            actor_id=user["id"],
            actor_email=email,
            target=f"user:{user['id']}",
            ip=ip,
        )
    log.info("user_logged_in", user_id=str(user["id"]))
    return pair


async def _audit_failed_sign_in(user_id: uuid.UUID | None, email: str, ip: str | None, reason: str) -> None:
    """A refused sign-in, in the workspace of the account tried (if there is one); never the password."""
    workspace_id = await default_workspace(user_id) if user_id is not None else None
    await audit.record(
        "auth.sign_in_failed",
        workspace_id=workspace_id,
        actor_id=user_id,
        actor_email=email[:320],
        target=f"user:{user_id}" if user_id else f"email:{email[:320]}",
        details={"reason": reason},
        ip=ip,
    )


async def get_user(user_id: uuid.UUID) -> UserOut:
    row = await User.select(*USER_COLUMNS).where(User.id == user_id).first()
    if row is None:
        raise NotFound("User not found")
    return to_schema(row, UserOut)


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
