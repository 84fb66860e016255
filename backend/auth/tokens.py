"""Access tokens (short-lived JWTs) and refresh tokens (opaque, stored hashed)."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from litestar.security.jwt import Token
from redis.asyncio import Redis

from backend.core.redis import redis_key
from backend.settings import get_settings

ACCESS = "access"
STREAM = "stream"


@dataclass(frozen=True)
class IssuedAccessToken:
    token: str
    jti: str
    expires_at: datetime


def issue_access_token(user_id: uuid.UUID, workspace_id: uuid.UUID) -> IssuedAccessToken:
    return _issue(user_id, workspace_id, ACCESS, get_settings().auth.access_token_ttl_seconds)


def issue_stream_token(user_id: uuid.UUID, workspace_id: uuid.UUID) -> IssuedAccessToken:
    """A short-lived token that only opens event streams (EventSource cannot send headers)."""
    return _issue(user_id, workspace_id, STREAM, get_settings().jobs.stream_token_ttl_seconds)


def _issue(user_id: uuid.UUID, workspace_id: uuid.UUID, token_type: str, ttl_seconds: int) -> IssuedAccessToken:
    auth = get_settings().auth
    now = datetime.now(UTC).replace(microsecond=0)
    jti = uuid.uuid4().hex
    expires_at = now + timedelta(seconds=ttl_seconds)
    token = Token(
        exp=expires_at,
        iat=now,
        sub=str(user_id),
        iss=auth.issuer,
        jti=jti,
        extras={"ws": str(workspace_id), "typ": token_type},
    )
    return IssuedAccessToken(
        token=token.encode(auth.secret_key, auth.algorithm),
        jti=jti,
        expires_at=expires_at,
    )


def new_refresh_token() -> tuple[str, str]:
    """A fresh refresh token and the SHA-256 under which it is stored."""
    token = secrets.token_urlsafe(32)
    return token, hash_refresh_token(token)


def hash_refresh_token(token: str) -> str:
    # A fast hash is right here: the token is 256 random bits, not a password.
    return hashlib.sha256(token.encode()).hexdigest()


async def deny_access_token(redis: Redis, jti: str, expires_at: datetime) -> None:
    """Refuse this access token from now until it would have expired anyway."""
    remaining = int((expires_at - datetime.now(UTC)).total_seconds()) + 1
    if remaining > 0:
        await redis.set(redis_key("auth", "denied-jti", jti), b"1", ex=remaining)


async def is_access_token_denied(redis: Redis, jti: str) -> bool:
    return bool(await redis.exists(redis_key("auth", "denied-jti", jti)))
