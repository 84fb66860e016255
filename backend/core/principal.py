"""Who is calling: the authenticated principal every route sees, the roles, and the guards on them.

The auth domain builds a `Principal` from a verified token; every other domain's
routes only read it, so it lives here rather than in auth.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.security.jwt import Token
from litestar.types import Guard


class Role(StrEnum):
    owner = "owner"
    admin = "admin"
    member = "member"


@dataclass(frozen=True)
class Principal:
    """Who is calling, and in which workspace with which role."""

    user_id: uuid.UUID
    email: str
    is_superuser: bool
    workspace_id: uuid.UUID
    role: Role


# The request type of every authenticated route handler.
AuthRequest = Request[Principal, Token, Any]


def requires_role(*roles: Role) -> Guard:
    """A guard: the caller's role in the active workspace (the token's) must be one of `roles`.

    Routes on a workspace named in the path check the role in that workspace
    inside the service instead, since the token's workspace may be another.
    """
    allowed = frozenset(roles)

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        user = connection.scope.get("user")
        if not isinstance(user, Principal):
            raise NotAuthorizedException("Not authenticated")
        if user.role not in allowed:
            names = " or ".join(sorted(role.value for role in allowed))
            raise PermissionDeniedException(f"This needs the {names} role in this workspace")

    return guard


def requires_superuser(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    user = connection.scope.get("user")
    if not isinstance(user, Principal):
        raise NotAuthorizedException("Not authenticated")
    if not user.is_superuser:
        raise PermissionDeniedException("Superuser access required")
