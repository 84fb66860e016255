"""Jobs REST endpoints and the live progress streams."""

from __future__ import annotations

import uuid
from typing import Annotated

from arq.connections import ArqRedis
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, FromQuery, HeaderParameter, JSONBody, QueryParameter
from litestar.response import ServerSentEvent
from litestar.status_codes import HTTP_200_OK

from backend.core import ratelimit
from backend.core.params import Limit, Offset
from backend.core.principal import AuthRequest, Principal
from backend.core.schemas import DEFAULT_PAGE_SIZE, Page
from backend.jobs import service, sse
from backend.jobs.items import ItemStatusFilter
from backend.jobs.schemas import (
    JobEvent,
    JobItemOut,
    JobOut,
    JobStatistics,
    JobStatusName,
    RetryFailedRequest,
    RetryFailedResponse,
)

SSE_MEDIA_TYPE = "text/event-stream"
SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
LAST_EVENT_ID_DOC = "Resume after this event id (EventSource sends it by itself on reconnect)."
StreamTokenParam = Annotated[str | None, QueryParameter(description="A stream token from POST /events/token")]
LastEventId = Annotated[str | None, HeaderParameter(name="Last-Event-ID", description=LAST_EVENT_ID_DOC)]
# OpenAPI cannot describe a stream, so the 200 names what each event carries: that puts JobEvent
# (its `type` and `status` as enums) into the schema the SPA's types are generated from.
# No generated examples: they are random, and the SPA's check:api compares the schema byte for byte.
EVENT_STREAM_DOC = {
    HTTP_200_OK: ResponseSpec(
        data_container=JobEvent,
        media_type=SSE_MEDIA_TYPE,
        generate_examples=False,
        description=(
            "A text/event-stream. Each event's `event:` is the JobEvent's `type`, its `id:` the stream id "
            "(send it back as Last-Event-ID), and its `data:` one JobEvent as JSON. Comments (`: ping`) "
            "keep the connection open; a `reconnect` event with empty data ends a long-lived stream, "
            "after which the client reconnects with Last-Event-ID and misses nothing."
        ),
    )
}


async def _open_stream(
    principal: Principal, redis: ArqRedis, last_event_id: str | None, job_id: uuid.UUID | None = None
) -> ServerSentEvent:
    """Check the resume point and the job, then stream (`stream_principal` has authenticated the caller)."""
    cursor = sse.check_last_event_id(last_event_id)
    if job_id is not None:
        await service.get_job(principal.workspace_id, job_id)  # 404 before the stream starts
    return sse.EventStream(sse.event_stream(redis, principal.workspace_id, cursor, job_id=job_id), headers=SSE_HEADERS)


class JobController(Controller):
    path = "/jobs"
    tags = ["jobs"]

    @get("/")
    async def list_jobs(
        self,
        request: AuthRequest,
        kind: Annotated[str | None, QueryParameter(max_length=64)] = None,
        status: FromQuery[JobStatusName | None] = None,
        parent_id: FromQuery[uuid.UUID | None] = None,
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> Page[JobOut]:
        """Jobs of the current workspace, newest first."""
        return await service.list_jobs(
            request.user.workspace_id,
            kind=kind,
            status=status,
            parent_id=parent_id,
            limit=limit,
            offset=offset,
        )

    @get("/statistics")
    async def statistics(self, request: AuthRequest) -> JobStatistics:
        """Counts by status and kind, mean run time and success rate."""
        return await service.statistics(request.user.workspace_id)

    @get("/{job_id:uuid}")
    async def get_job(self, request: AuthRequest, job_id: FromPath[uuid.UUID]) -> JobOut:
        return await service.get_job(request.user.workspace_id, job_id)

    @get("/{job_id:uuid}/items")
    async def list_items(
        self,
        request: AuthRequest,
        job_id: FromPath[uuid.UUID],
        status: FromQuery[ItemStatusFilter | None] = None,
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> Page[JobItemOut]:
        """What each item of a job did: failed items first (with their reason), then done ones, each in key order.

        `status=failed` or `status=done` (`ok` is the same) keeps one kind.
        """
        return await service.list_items(request.user.workspace_id, job_id, status, limit, offset)

    @post("/{job_id:uuid}/cancel", status_code=HTTP_200_OK)
    async def cancel(
        self, request: AuthRequest, job_id: FromPath[uuid.UUID], redis: NamedDependency[ArqRedis]
    ) -> JobOut:
        """Cancel an unfinished job (and its children). A cancelled job is never retried."""
        return await service.cancel_job(redis, request.user.workspace_id, job_id)

    @post("/{job_id:uuid}/retry", status_code=HTTP_200_OK)
    async def retry(
        self, request: AuthRequest, job_id: FromPath[uuid.UUID], redis: NamedDependency[ArqRedis]
    ) -> JobOut:
        """Run a failed job again; items it already produced are kept, not redone."""
        await ratelimit.limit_job_retries(redis, request.user.user_id)
        return await service.retry_job(redis, request.user.workspace_id, job_id)

    @post("/retry-failed", status_code=HTTP_200_OK)
    async def retry_failed(
        self, request: AuthRequest, data: JSONBody[RetryFailedRequest], redis: NamedDependency[ArqRedis]
    ) -> RetryFailedResponse:
        """Retry every failed job of one kind."""
        await ratelimit.limit_job_retries(redis, request.user.user_id)
        return RetryFailedResponse(retried=await service.retry_failed(redis, request.user.workspace_id, data.kind))

    @get("/{job_id:uuid}/events", exclude_from_auth=True, media_type=SSE_MEDIA_TYPE, responses=EVENT_STREAM_DOC)
    async def job_events(
        self,
        stream_principal: NamedDependency[Principal],
        job_id: FromPath[uuid.UUID],
        redis: NamedDependency[ArqRedis],
        token: StreamTokenParam = None,
        last_event_id: LastEventId = None,
    ) -> ServerSentEvent:
        """Live progress of one job and its children (text/event-stream); ends after the job's final event.

        Authenticate with `Authorization: Bearer <access token>`, or `?token=` from POST /events/token.
        """
        return await _open_stream(stream_principal, redis, last_event_id, job_id=job_id)


class EventController(Controller):
    path = "/events"
    tags = ["jobs"]

    @get("/", exclude_from_auth=True, media_type=SSE_MEDIA_TYPE, responses=EVENT_STREAM_DOC)
    async def workspace_events(
        self,
        stream_principal: NamedDependency[Principal],
        redis: NamedDependency[ArqRedis],
        token: StreamTokenParam = None,
        last_event_id: LastEventId = None,
    ) -> ServerSentEvent:
        """Live progress of every job in the current workspace (text/event-stream)."""
        return await _open_stream(stream_principal, redis, last_event_id)
