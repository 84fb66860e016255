"""`GET /audit`: the workspace's audit log, for its owners and admins."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from litestar import Controller, get
from litestar.params import QueryParameter

from backend.audit import service
from backend.audit.schemas import AuditEntryOut
from backend.core.params import Limit, Offset
from backend.core.principal import AuthRequest, Role, requires_role
from backend.core.schemas import DEFAULT_PAGE_SIZE, Page

ActionFilter = Annotated[
    str | None,
    QueryParameter(max_length=64, description="An action (`auth.sign_in`) or a prefix (`auth.` or `auth`)"),
]
ActorFilter = Annotated[uuid.UUID | None, QueryParameter(description="Only this user's actions")]
Since = Annotated[datetime | None, QueryParameter(description="From this time (inclusive, with a time zone)")]
Until = Annotated[datetime | None, QueryParameter(description="Before this time (with a time zone)")]


class AuditController(Controller):
    path = "/audit"
    tags = ["audit"]
    guards = [requires_role(Role.owner, Role.admin)]

    @get("/")
    async def list_audit_entries(
        self,
        request: AuthRequest,
        action: ActionFilter = None,
        actor: ActorFilter = None,
        since: Since = None,
        until: Until = None,
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> Page[AuditEntryOut]:
        """Who did what and when in this workspace (sign-ins, member and plan changes, credentials, exports,
        superuser actions), newest first (owner or admin)."""
        return await service.list_entries(
            request.user.workspace_id,
            action=action,
            actor_id=actor,
            since=since,
            until=until,
            limit=limit,
            offset=offset,
        )
