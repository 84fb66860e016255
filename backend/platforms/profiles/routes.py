"""Browser profiles: CRUD and templates."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from backend.core.params import Limit, Offset
from backend.core.principal import AuthRequest
from backend.core.schemas import DEFAULT_PAGE_SIZE, Page
from backend.platforms.profiles import service
from backend.platforms.profiles.schemas import FromTemplate, ProfileCreate, ProfileUpdate
from backend.platforms.schemas import ProfileOut, ProfileTemplateOut


class ProfileController(Controller):
    path = "/profiles"
    tags = ["platforms"]

    @get("/templates")
    async def templates(self) -> list[ProfileTemplateOut]:
        """Ready-made browser looks: chrome_windows, chrome_mac, mobile_android."""
        return service.list_templates()

    @post("/from-template/{name:str}", status_code=HTTP_201_CREATED)
    async def from_template(
        self, request: AuthRequest, name: FromPath[str], data: JSONBody[FromTemplate | None] = None
    ) -> ProfileOut:
        """Make a profile from a template; optionally override name, locale and timezone. The name defaults
        to the template's title, with a number added if taken."""
        return await service.create_from_template(request.user.workspace_id, name, data or FromTemplate())

    @post("/", status_code=HTTP_201_CREATED)
    async def create_profile(self, request: AuthRequest, data: JSONBody[ProfileCreate]) -> ProfileOut:
        return await service.create_profile(request.user.workspace_id, data)

    @get("/")
    async def list_profiles(
        self,
        request: AuthRequest,
        q: Annotated[str | None, QueryParameter(max_length=200, description="Text in the name")] = None,
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> Page[ProfileOut]:
        return await service.list_profiles(request.user.workspace_id, search=q, limit=limit, offset=offset)

    @get("/{profile_id:uuid}")
    async def get_profile(self, request: AuthRequest, profile_id: FromPath[uuid.UUID]) -> ProfileOut:
        return await service.get_profile(request.user.workspace_id, profile_id)

    @patch("/{profile_id:uuid}")
    async def update_profile(
        self, request: AuthRequest, profile_id: FromPath[uuid.UUID], data: JSONBody[ProfileUpdate]
    ) -> ProfileOut:
        return await service.update_profile(request.user.workspace_id, profile_id, data)

    @delete("/{profile_id:uuid}", status_code=HTTP_204_NO_CONTENT)
    async def delete_profile(self, request: AuthRequest, profile_id: FromPath[uuid.UUID]) -> None:
        """Delete a profile; accounts that used it fall back to the default browser look."""
        await service.delete_profile(request.user.workspace_id, profile_id)
