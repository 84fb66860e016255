"""Sessions: issuing and rotating tokens, logging out, and who is behind a token.

A login's refresh tokens form a family; each refresh rotates to a new member,
and presenting one already rotated revokes the whole family.
"""

from __future__ import annotations

import contextlib
import uuid
from datetime import datetime, timedelta

import structlog
from redis.asyncio import Redis

from backend import db
from backend.audit import service as audit
from backend.auth import tokens
from backend.auth.schemas import TokenPair
from backend.auth.tables import Membership, RefreshToken, User
from backend.core.clock import utcnow
from backend.core.errors import NotAuthenticated
from backend.core.principal import Principal, Role
from backend.core.scoped import across_workspaces, prepared, scoped
from backend.settings import get_settings

log = structlog.get_logger(__name__)

INVALID_REFRESH = "Refresh token is invalid or expired; log in again"


async def issue_tokens(user_id: uuid.UUID, workspace_id: uuid.UUID, family_id: uuid.UUID | None = None) -> TokenPair:
    """A new access token and a refresh token (new family unless one is given). Call inside a transaction."""
    settings = get_settings().auth
    refresh_token, refresh_hash = tokens.new_refresh_token()
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
        refresh_token=refresh_token,
        token_type="bearer",  # noqa: S106 - the OAuth token type, not a secret
        expires_in=settings.access_token_ttl_seconds,
        workspace_id=workspace_id,
    )


async def default_workspace(user_id: uuid.UUID) -> uuid.UUID | None:
    """The user's first workspace where their seat is not paused."""
    # Which workspace is the question: the user's memberships in all of them.
    row = (
        await across_workspaces(Membership)
        .select(Membership.workspace)
        .where((Membership.user == user_id) & (Membership.paused == False))  # noqa: E712
        .order_by(Membership.created_at)
        .first()
    )
    return row["workspace"] if row else None


async def refresh(redis: Redis, refresh_token: str, ip: str | None = None) -> TokenPair:
    """Rotate a refresh token. Presenting one that was already rotated revokes its whole family.

    Revoking a family also refuses every access token it issued, at once, and is audited.
    """
    token_hash = tokens.hash_refresh_token(refresh_token)
    reused = False
    async with db.transaction():
        # A refresh token arrives alone: its hash finds it, and its row says which workspace it is in.
        row = await across_workspaces(RefreshToken).select().where(RefreshToken.token_hash == token_hash).first()
        if row is None or row["revoked_at"] is not None or row["expires_at"] <= utcnow():
            raise NotAuthenticated(INVALID_REFRESH)
        # The conditional update makes two concurrent refreshes with one token
        # count as reuse instead of both succeeding.
        rotated = (
            await scoped(RefreshToken, row["workspace"])
            .update({RefreshToken.rotated_at: utcnow()})
            .where((RefreshToken.id == row["id"]) & RefreshToken.rotated_at.is_null())
            .returning(RefreshToken.id)
        )
        if not rotated:
            reused = True
            await _revoke_family(row["family_id"])
            user = await User.select(User.email).where(User.id == row["user"]).first()
            await audit.record(
                "auth.refresh_reuse",
                workspace_id=row["workspace"],
                actor_id=row["user"],
                actor_email=user["email"] if user else "",
                target=f"user:{row['user']}",
                details={"sessions_revoked": 1},
                ip=ip,
            )
        else:
            workspace_id = row["workspace"]
            if not await _is_active_member(row["user"], workspace_id):
                # Removed from that workspace since: carry on in another one.
                workspace_id = await default_workspace(row["user"])
            user_active = await User.exists().where((User.id == row["user"]) & (User.is_active.eq(True)))
            if workspace_id is None or not user_active:
                raise NotAuthenticated(INVALID_REFRESH)
            pair = await issue_tokens(row["user"], workspace_id, family_id=row["family_id"])
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
        await scoped(Membership, workspace_id)
        .exists()
        .where((Membership.user == user_id) & (Membership.paused == False))  # noqa: E712
    )


async def _revoke_family(family_id: uuid.UUID) -> None:
    # A family can span workspaces: a refresh after removal from one carries on in another.
    await (
        across_workspaces(RefreshToken)
        .update({RefreshToken.revoked_at: utcnow()})
        .where((RefreshToken.family_id == family_id) & RefreshToken.revoked_at.is_null())
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
        # The caller's own refresh token, issued in whichever of their workspaces.
        row = (
            await across_workspaces(RefreshToken)
            .select(RefreshToken.family_id)
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


async def revoke_sessions_in(workspace_id: uuid.UUID, user_id: uuid.UUID) -> None:
    """End the user's sessions opened in this workspace; their tokens in other workspaces live on."""
    await (
        scoped(RefreshToken, workspace_id)
        .update({RefreshToken.revoked_at: utcnow()})
        .where((RefreshToken.user == user_id) & RefreshToken.revoked_at.is_null())
    )


# Asked on every authenticated request: built once, so a request only fills in the ids. Nothing of
# the answer is kept: a removed, paused or disabled member is refused on the very next request.
_PRINCIPAL = prepared(
    Membership,
    lambda members, user_id: (
        members.select(
            Membership.role,
            Membership.user.email.as_alias("email"),
            Membership.user.is_superuser.as_alias("is_superuser"),
        )
        .where(
            (Membership.user == user_id)
            & (Membership.paused == False)  # noqa: E712
            & (Membership.user.is_active == True)  # noqa: E712
        )
        .limit(1)
    ),
    arity=1,
)


async def load_principal(user_id: uuid.UUID, workspace_id: uuid.UUID) -> Principal | None:
    """The caller behind a token, or None if the user is gone, disabled or no longer in that workspace."""
    row = await _PRINCIPAL.first(workspace_id, user_id)
    if row is None:
        return None
    return Principal(
        user_id=user_id,
        email=row["email"],
        is_superuser=bool(row["is_superuser"]),
        workspace_id=workspace_id,
        role=Role(row["role"]),
    )
