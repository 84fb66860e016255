"""How a request proves who it is: bearer JWTs, the denylist, and guards."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.security.jwt import JWTAuth, Token

from backend.auth import service, tokens
from backend.core import ratelimit
from backend.core.actor import client_ip
from backend.core.principal import Principal
from backend.settings import Settings, get_settings

# Routes outside the handlers we write (plugin routes) that need no token.
PUBLIC_PATHS = ["^/schema", "^/metrics"]


async def retrieve_principal(token: Token, connection: ASGIConnection[Any, Any, Any, Any]) -> Principal | None:
    return await _principal_of(token, tokens.ACCESS)


async def _principal_of(token: Token, token_type: str) -> Principal | None:
    if token.extras.get("typ") != token_type:
        return None
    try:
        user_id = uuid.UUID(token.sub)
        workspace_id = uuid.UUID(str(token.extras.get("ws")))
    except ValueError:
        return None
    return await service.load_principal(user_id, workspace_id)


async def is_token_revoked(token: Token, connection: ASGIConnection[Any, Any, Any, Any]) -> bool:
    if not isinstance(token.jti, str):
        return True
    return await tokens.is_access_token_denied(connection.app.state.redis, token.jti, tokens.session_of(token))


async def provide_stream_principal(request: Request[Any, Any, Any]) -> Principal:
    """The `stream_principal` dependency of the event-stream routes (they are excluded from JWT auth)."""
    return await authenticate_stream(request)


def build_jwt_auth(settings: Settings) -> JWTAuth[Principal, Token]:
    return JWTAuth[Principal, Token](
        retrieve_user_handler=retrieve_principal,
        revoked_token_handler=is_token_revoked,
        token_secret=settings.auth.secret_key,
        algorithm=settings.auth.algorithm,
        accepted_issuers=[settings.auth.issuer],
        require_claims=["exp", "iat", "sub", "jti", "iss"],
        exclude=PUBLIC_PATHS,
        description="Access token from POST /api/v1/auth/login, sent as `Authorization: Bearer <token>`.",
    )


async def authenticate_stream(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    """Who opens an event stream: an access token in the header, or a stream token in `?token=`.

    Browsers' EventSource cannot send headers, and a long-lived access token
    must not sit in a URL (logs, history): hence the short-lived stream token.
    """
    settings = get_settings().auth
    header = connection.headers.get("authorization")
    if header:
        encoded, token_type = header.partition(" ")[2], tokens.ACCESS
    elif connection.query_params.get("token"):
        encoded, token_type = str(connection.query_params["token"]), tokens.STREAM
    else:
        raise NotAuthorizedException("Send an access token, or a stream token as ?token=")
    token = Token.decode(
        encoded,
        secret=settings.secret_key,
        algorithm=settings.algorithm,
        issuer=[settings.issuer],
        require_claims=["exp", "iat", "sub", "jti", "iss"],
    )
    principal = await _principal_of(token, token_type)
    if principal is None or await is_token_revoked(token, connection):
        raise NotAuthorizedException("Invalid token")
    return principal


async def limit_general_requests(request: Request[Any, Any, Any]) -> None:
    """The general per-user limit (per IP for anonymous calls) on every API route.

    Routes marked `skip_rate_limit` (Stripe's webhook: its bursts are not abuse) are exempt.
    """
    rules = get_settings().rate_limits
    if not rules.enabled or request.route_handler.opt.get("skip_rate_limit"):
        return
    user = request.scope.get("user")
    identity = f"user:{user.user_id}" if isinstance(user, Principal) else f"ip:{client_ip(request)}"
    await ratelimit.hit(
        request.app.state.redis,
        rules.general_per_user,
        "general",
        identity,
        "Too many requests; slow down",
    )
