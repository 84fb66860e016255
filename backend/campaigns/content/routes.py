"""Campaign content endpoints: generate a batch, a campaign's batches and one batch, posts by hand,
editing, dropping and regenerating a post in review."""

from __future__ import annotations

import uuid

from arq.connections import ArqRedis
from litestar import Controller, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_202_ACCEPTED
from litestar.types import ControllerRouterHandler

from backend.campaigns.content import service
from backend.campaigns.schemas import BatchDetailOut, BatchOut, GenerateIn, PostIn, PostOut, PostUpdate
from backend.core import ratelimit
from backend.core.params import Limit, Offset
from backend.core.principal import AuthRequest
from backend.core.schemas import DEFAULT_PAGE_SIZE, Page


class CampaignContentController(Controller):
    path = "/campaigns/{campaign_id:uuid}"
    tags = ["campaigns"]

    @post("/generate", status_code=HTTP_202_ACCEPTED)
    async def generate(
        self,
        request: AuthRequest,
        campaign_id: FromPath[uuid.UUID],
        data: JSONBody[GenerateIn],
        redis: NamedDependency[ArqRedis],
    ) -> BatchOut:
        """Write posts with AI: `posts` (one brief per post) or `count` posts from the campaign's brief.

        The posts are added at the end of the campaign, pending, and one job writes them (follow it at
        GET /jobs/{job_id}/events: a `job.item` event per post written, carrying its `post_id` and
        caption). Each post uses one AI generation of the plan; a batch larger than what is left this
        month is refused with 402 up front. A post that fails says why and the others go on. Not for a
        completed or cancelled campaign (409).
        """
        await ratelimit.limit_job_starts(redis, request.user.user_id)
        return await service.generate(redis, request.user.workspace_id, request.user.user_id, campaign_id, data)

    @get("/batches")
    async def list_batches(
        self,
        request: AuthRequest,
        campaign_id: FromPath[uuid.UUID],
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> Page[BatchOut]:
        """The campaign's content batches, newest first, with their posts counted (done, failed, pending)."""
        return await service.list_batches(request.user.workspace_id, campaign_id, limit, offset)

    @post("/posts", status_code=HTTP_201_CREATED)
    async def create_post(
        self, request: AuthRequest, campaign_id: FromPath[uuid.UUID], data: JSONBody[PostIn]
    ) -> PostOut:
        """A post written by hand, ready at once: a caption and, if any, the user's photos or one video."""
        return await service.create_post(request.user.workspace_id, campaign_id, data)

    @patch("/posts/{post_id:uuid}")
    async def update_post(
        self,
        request: AuthRequest,
        campaign_id: FromPath[uuid.UUID],
        post_id: FromPath[uuid.UUID],
        data: JSONBody[PostUpdate],
    ) -> PostOut:
        """Edit a post in review: its caption, the user's own media (photos or one video, replacing a generated
        image), or drop it (`dropped`: true) and put it back (false). 409 once it is being posted or posted."""
        return await service.update_post(request.user.workspace_id, campaign_id, post_id, data)

    @post("/posts/{post_id:uuid}/regenerate", status_code=HTTP_202_ACCEPTED)
    async def regenerate_post(
        self,
        request: AuthRequest,
        campaign_id: FromPath[uuid.UUID],
        post_id: FromPath[uuid.UUID],
        redis: NamedDependency[ArqRedis],
    ) -> BatchOut:
        """Write the post again from its brief: a one-post batch (one AI generation). Not for a posted post."""
        await ratelimit.limit_job_starts(redis, request.user.user_id)
        return await service.regenerate_post(
            redis, request.user.workspace_id, request.user.user_id, campaign_id, post_id
        )


class BatchController(Controller):
    path = "/batches"
    tags = ["campaigns"]

    @get("/{batch_id:uuid}")
    async def get_batch(self, request: AuthRequest, batch_id: FromPath[uuid.UUID]) -> BatchDetailOut:
        """A content batch with its posts in order: each pending, ready (with its caption) or failed with why."""
        return await service.get_batch(request.user.workspace_id, batch_id)


CONTENT_CONTROLLERS: list[ControllerRouterHandler] = [CampaignContentController, BatchController]
