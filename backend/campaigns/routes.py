"""Campaigns: create, list, read, edit, soft delete and restore; a campaign's posts.

`CAMPAIGN_CONTROLLERS` is what the app wires: this module's controller and those of
the content and posting parts.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT
from litestar.types import ControllerRouterHandler

from backend.campaigns import service
from backend.campaigns.schemas import (
    CampaignIn,
    CampaignOut,
    CampaignStatusName,
    CampaignUpdate,
    ContentStateName,
    PostOut,
    PostStatusName,
)
from backend.core.errors import Forbidden
from backend.core.params import Limit, Offset
from backend.core.principal import AuthRequest, Role
from backend.core.schemas import DEFAULT_PAGE_SIZE, Page

IncludeDeleted = Annotated[
    bool, QueryParameter(description="Also deleted campaigns (workspace owners and admins only)")
]


def _may_see_deleted(request: AuthRequest, include_deleted: bool) -> bool:
    if include_deleted and request.user.role not in (Role.owner, Role.admin):
        raise Forbidden("Only the workspace's owners and admins can see deleted campaigns")
    return include_deleted


class CampaignController(Controller):
    path = "/campaigns"
    tags = ["campaigns"]

    @post("/", status_code=HTTP_201_CREATED)
    async def create_campaign(self, request: AuthRequest, data: JSONBody[CampaignIn]) -> CampaignOut:
        """A draft campaign: the brief, and who posts when (changeable until it starts)."""
        return await service.create_campaign(request.user.workspace_id, data, request.user.user_id)

    @get("/")
    async def list_campaigns(
        self,
        request: AuthRequest,
        status: Annotated[CampaignStatusName | None, QueryParameter()] = None,
        include_deleted: IncludeDeleted = False,
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> Page[CampaignOut]:
        """Newest first, with each campaign's post counts and progress."""
        return await service.list_campaigns(
            request.user.workspace_id,
            status=status,
            include_deleted=_may_see_deleted(request, include_deleted),
            limit=limit,
            offset=offset,
        )

    @get("/{campaign_id:uuid}")
    async def get_campaign(
        self, request: AuthRequest, campaign_id: FromPath[uuid.UUID], include_deleted: IncludeDeleted = False
    ) -> CampaignOut:
        return await service.get_campaign(
            request.user.workspace_id, campaign_id, include_deleted=_may_see_deleted(request, include_deleted)
        )

    @patch("/{campaign_id:uuid}")
    async def update_campaign(
        self, request: AuthRequest, campaign_id: FromPath[uuid.UUID], data: JSONBody[CampaignUpdate]
    ) -> CampaignOut:
        """Only the fields sent change; targeting, strategy and schedule only while it is a draft (409 after)."""
        return await service.update_campaign(request.user.workspace_id, campaign_id, data)

    @delete("/{campaign_id:uuid}", status_code=HTTP_204_NO_CONTENT)
    async def delete_campaign(self, request: AuthRequest, campaign_id: FromPath[uuid.UUID]) -> None:
        """Hide the campaign (its posts and jobs are kept); a campaign still posting must be cancelled first."""
        await service.delete_campaign(request.user.workspace_id, campaign_id)

    @post("/{campaign_id:uuid}/restore", status_code=HTTP_200_OK)
    async def restore_campaign(self, request: AuthRequest, campaign_id: FromPath[uuid.UUID]) -> CampaignOut:
        _may_see_deleted(request, True)
        return await service.restore_campaign(request.user.workspace_id, campaign_id)

    @get("/{campaign_id:uuid}/posts")
    async def list_posts(
        self,
        request: AuthRequest,
        campaign_id: FromPath[uuid.UUID],
        status: Annotated[PostStatusName | None, QueryParameter()] = None,
        content_state: Annotated[ContentStateName | None, QueryParameter()] = None,
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> Page[PostOut]:
        """The campaign's posts in order, with where each is: written or not, scheduled, posted (with its link)."""
        return await service.list_posts(
            request.user.workspace_id,
            campaign_id,
            status=status,
            content_state=content_state,
            limit=limit,
            offset=offset,
        )


CAMPAIGN_CONTROLLERS: list[ControllerRouterHandler] = [CampaignController]
