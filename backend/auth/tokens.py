"""Access tokens (short-lived JWTs) and refresh tokens (opaque, stored hashed)."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from litestar.security.jwt import Token
from redis.asyncio import Redis

from backend.core.clock import utcnow
from backend.core.redis import redis_key
from backend.settings import get_settings

ACCESS = "access"
STREAM = "stream"


@dataclass(frozen=True)
class IssuedAccessToken:
    token: str
    jti: str
    expires_at: datetime


# A revoked session stays on the denylist this much longer than an access token
# lives, covering a token a racing refresh issued just after the revocation.
SESSION_DENY_MARGIN_SECONDS = 60


def issue_access_token(user_id: uuid.UUID, workspace_id: uuid.UUID, session_id: uuid.UUID) -> IssuedAccessToken:
    """An access token of the session (refresh-token family) `session_id`, revoked with it."""
    return _issue(user_id, workspace_id, session_id, ACCESS, get_settings().auth.access_token_ttl_seconds)


def issue_stream_token(user_id: uuid.UUID, workspace_id: uuid.UUID, session_id: str | None) -> IssuedAccessToken:
    """A short-lived token that only opens event streams (EventSource cannot send headers)."""
    return _issue(user_id, workspace_id, session_id, STREAM, get_settings().jobs.stream_token_ttl_seconds)


def _issue(
    user_id: uuid.UUID,
    workspace_id: uuid.UUID,
    session_id: uuid.UUID | str | None,
    token_type: str,
    ttl_seconds: int,
) -> IssuedAccessToken:
    auth = get_settings().auth
    now = utcnow().replace(microsecond=0)
    jti = uuid.uuid4().hex
    expires_at = now + timedelta(seconds=ttl_seconds)
    token = Token(
        exp=expires_at,
        iat=now,
        sub=str(user_id),
        iss=auth.issuer,
        jti=jti,
        extras={"ws": str(workspace_id), "typ": token_type, **({"sid": str(session_id)} if session_id else {})},
    )
    return IssuedAccessToken(
        token=token.encode(auth.secret_key, auth.algorithm),
        jti=jti,
        expires_at=expires_at,
    )


def session_of(token: Token) -> str | None:
    """The session (refresh-token family) a decoded token belongs to, if it names one."""
    sid = token.extras.get("sid")
    return sid if isinstance(sid, str) else None


def new_refresh_token() -> tuple[str, str]:
    """A fresh refresh token and the SHA-256 under which it is stored."""
    token = secrets.token_urlsafe(32)
    return token, hash_refresh_token(token)


def hash_refresh_token(token: str) -> str:
    # A fast hash is right here: the token is 256 random bits, not a password.
    return hashlib.sha256(token.encode()).hexdigest()


async def deny_access_token(redis: Redis, jti: str, expires_at: datetime) -> None:
    """Refuse this access token from now until it would have expired anyway."""
    remaining = int((expires_at - utcnow()).total_seconds()) + 1
    if remaining > 0:
        await redis.set(redis_key("auth", "denied-jti", jti), b"1", ex=remaining)


async def deny_session(redis: Redis, session_id: uuid.UUID | str) -> None:
    """Refuse every access token of this session (refresh-token family) issued so far.

    Kept until the last of them would have expired anyway.
    """
    ttl = get_settings().auth.access_token_ttl_seconds + SESSION_DENY_MARGIN_SECONDS
    await redis.set(redis_key("auth", "denied-sid", str(session_id)), b"1", ex=ttl)


async def is_access_token_denied(redis: Redis, jti: str, session_id: str | None) -> bool:
    """Whether this token, or the session it belongs to, was revoked (one round trip)."""
    keys = [redis_key("auth", "denied-jti", jti)]
    if session_id:
        keys.append(redis_key("auth", "denied-sid", session_id))
    return bool(await redis.exists(*keys))
