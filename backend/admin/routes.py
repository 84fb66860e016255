"""Superuser-only endpoints."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.params import QueryParameter

from backend.auth import service
from backend.auth.schemas import UserOut
from backend.core.params import Limit, Offset
from backend.core.principal import requires_superuser
from backend.core.schemas import DEFAULT_PAGE_SIZE, Page


class AdminController(Controller):
    path = "/admin"
    tags = ["admin"]
    guards = [requires_superuser]

    @get("/users")
    async def list_users(
        self,
        search: Annotated[str | None, QueryParameter(max_length=320, description="Part of the email")] = None,
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> Page[UserOut]:
        """Every account on this deployment."""
        return await service.list_users(search, limit, offset)
