"""Posting a campaign: plan preview, start/pause/resume/cancel, retries, moving a post, import,
export, statistics, and the workspace's calendar of posts."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from arq.connections import ArqRedis
from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK

from backend.campaigns.posting import imports, reports, service
from backend.campaigns.posting.reports import ExportFormat
from backend.campaigns.schemas import (
    CalendarPostOut,
    CampaignOut,
    CampaignPlanOut,
    CampaignStatistics,
    MoveIn,
    PostImportReport,
    PostOut,
    RetryOut,
)
from backend.core import imports as tabular
from backend.core import ratelimit
from backend.core.actor import actor_of
from backend.core.principal import AuthRequest

Redis = NamedDependency[ArqRedis]
CampaignId = FromPath[uuid.UUID]


class PostingController(Controller):
    path = "/campaigns/{campaign_id:uuid}"
    tags = ["campaigns"]

    @get("/plan")
    async def plan(self, request: AuthRequest, campaign_id: CampaignId) -> CampaignPlanOut:
        """Who would post what and when if the campaign started now (changes nothing); 400 naming the
        field when it cannot start (strategy, schedule, targeting matching no account, no ready post)."""
        return await service.preview(request.user.workspace_id, campaign_id)

    @post("/start", status_code=HTTP_200_OK)
    async def start(self, request: AuthRequest, campaign_id: CampaignId, redis: Redis) -> CampaignOut:
        """Assign and schedule the ready posts and start posting (a draft only; 409 otherwise)."""
        await ratelimit.limit_job_starts(redis, request.user.user_id)
        return await service.start(redis, request.user.workspace_id, campaign_id)

    @post("/pause", status_code=HTTP_200_OK)
    async def pause(self, request: AuthRequest, campaign_id: CampaignId, redis: Redis) -> CampaignOut:
        """Hold the posts not yet published; nothing is lost (a running or scheduled campaign only)."""
        return await service.pause(redis, request.user.workspace_id, campaign_id)

    @post("/resume", status_code=HTTP_200_OK)
    async def resume(self, request: AuthRequest, campaign_id: CampaignId, redis: Redis) -> CampaignOut:
        """Continue a paused campaign; posts whose time passed meanwhile get new times from now."""
        return await service.resume(redis, request.user.workspace_id, campaign_id)

    @post("/cancel", status_code=HTTP_200_OK)
    async def cancel(self, request: AuthRequest, campaign_id: CampaignId, redis: Redis) -> CampaignOut:
        """Stop posting: the posts not yet published are cancelled; posted ones are kept."""
        return await service.cancel(redis, request.user.workspace_id, campaign_id)

    @post("/retry-failed", status_code=HTTP_200_OK)
    async def retry_failed(self, request: AuthRequest, campaign_id: CampaignId, redis: Redis) -> RetryOut:
        """Schedule the failed posts again from now and retry their jobs (none failed: 0 retried)."""
        await ratelimit.limit_job_retries(redis, request.user.user_id)
        return await service.retry_failed(redis, request.user.workspace_id, campaign_id)

    @post("/posts/{post_id:uuid}/retry", status_code=HTTP_200_OK)
    async def retry_post(
        self, request: AuthRequest, campaign_id: CampaignId, post_id: FromPath[uuid.UUID], redis: Redis
    ) -> PostOut:
        """Retry one failed post (409 for a post that did not fail)."""
        await ratelimit.limit_job_retries(redis, request.user.user_id)
        return await service.retry_post(redis, request.user.workspace_id, campaign_id, post_id)

    @post("/posts/{post_id:uuid}/move", status_code=HTTP_200_OK)
    async def move_post(
        self,
        request: AuthRequest,
        campaign_id: CampaignId,
        post_id: FromPath[uuid.UUID],
        data: JSONBody[MoveIn],
        redis: Redis,
    ) -> PostOut:
        """Give a scheduled post another time (from now on); its job then runs at that time."""
        return await service.move_post(redis, request.user.workspace_id, campaign_id, post_id, data)

    @post(
        "/import",
        status_code=HTTP_200_OK,
        request_max_body_size=tabular.IMPORT_BODY_LIMIT,
        description="Columns: caption, media (a media id or an http(s) URL of an image), scheduled_at (ISO; "
        "without a time zone it is the campaign's), account (id, login or label), platform. A row with an "
        "account and a time is scheduled; otherwise it is a draft for the planner. Send a JSON array of rows, "
        "a CSV body (text/csv) or a multipart form with the file in field `file`; at most 1000 rows. The "
        "report lists each bad row with its number, field and reason; the good rows are created regardless.",
    )
    async def import_posts(self, request: AuthRequest, campaign_id: CampaignId, redis: Redis) -> PostImportReport:
        """Import posts from CSV or JSON."""
        rows = await tabular.read_rows(request, imports.COLUMNS)
        return await imports.import_posts(redis, request.user.workspace_id, campaign_id, rows)

    @get("/export")
    async def export(
        self,
        request: AuthRequest,
        campaign_id: CampaignId,
        format: Annotated[ExportFormat, QueryParameter(description="csv (with a header row) or json")] = "csv",
    ) -> Response[bytes]:
        """Every post with its status, account, platform, scheduled and posted times, link and error (a download)."""
        content, media_type, filename = await reports.export(
            request.user.workspace_id, campaign_id, format, actor_of(request)
        )
        disposition = f'attachment; filename="{filename}"'
        return Response(content, media_type=media_type, headers={"Content-Disposition": disposition})

    @get("/statistics")
    async def statistics(self, request: AuthRequest, campaign_id: CampaignId) -> CampaignStatistics:
        """Posts by status, account, platform and day; success rate; time per post; failure reasons."""
        return await reports.statistics(request.user.workspace_id, campaign_id)


class CalendarController(Controller):
    path = "/calendar"
    tags = ["campaigns"]

    @get("/")
    async def calendar(
        self,
        request: AuthRequest,
        start: Annotated[datetime, QueryParameter(name="from", description="Start of the period (with a time zone)")],
        end: Annotated[datetime, QueryParameter(name="to", description="End of the period; at most 62 days later")],
        campaign_id: Annotated[uuid.UUID | None, QueryParameter(description="Only this campaign's posts")] = None,
    ) -> list[CalendarPostOut]:
        """Scheduled and posted posts of the workspace's campaigns in the period, in time order."""
        return await reports.calendar(request.user.workspace_id, start, end, campaign_id)


POSTING_CONTROLLERS = [PostingController, CalendarController]
