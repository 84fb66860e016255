"""A collection's crawl: start, stop, retry the failed chunks, progress.

Start and retry have their own per-user limits (`RATE_LIMIT_COLLECT_START`,
`RATE_LIMIT_COLLECT_RETRY`): each starts browser work on a platform account.
"""

from __future__ import annotations

import uuid

from arq.connections import ArqRedis
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.status_codes import HTTP_200_OK

from backend.collect.crawl import service
from backend.collect.schemas import CollectionOut, ProgressOut
from backend.core import ratelimit
from backend.core.principal import AuthRequest
from backend.settings import RateLimit, get_settings

Redis = NamedDependency[ArqRedis]
CollectionId = FromPath[uuid.UUID]


async def _limit(request: AuthRequest, redis: ArqRedis, rule: RateLimit, bucket: str, what: str) -> None:
    if get_settings().rate_limits.enabled:
        await ratelimit.hit(redis, rule, bucket, str(request.user.user_id), f"Too many collection {what}; slow down")


class CrawlController(Controller):
    path = "/collections/{collection_id:uuid}"
    tags = ["collect"]

    @post("/start", status_code=HTTP_200_OK)
    async def start(self, request: AuthRequest, collection_id: CollectionId, redis: Redis) -> CollectionOut:
        """Start the crawl of a draft, or continue a stopped one where it stopped (409 otherwise; 429 when
        started too often)."""
        await _limit(request, redis, get_settings().rate_limits.collect_start_per_user, "collect-start", "starts")
        return await service.start(redis, request.user.workspace_id, collection_id, request.user.user_id)

    @post("/stop", status_code=HTTP_200_OK)
    async def stop(self, request: AuthRequest, collection_id: CollectionId, redis: Redis) -> CollectionOut:
        """Running chunks finish the image in hand, the rest wait until the collection is started again."""
        return await service.stop(redis, request.user.workspace_id, collection_id)

    @post("/retry", status_code=HTTP_200_OK)
    async def retry(self, request: AuthRequest, collection_id: CollectionId, redis: Redis) -> CollectionOut:
        """Run the failed chunks again, and only those (a failed collection only; 429 when retried too often)."""
        await _limit(request, redis, get_settings().rate_limits.collect_retry_per_user, "collect-retry", "retries")
        return await service.retry(redis, request.user.workspace_id, collection_id)

    @get("/progress")
    async def progress(self, request: AuthRequest, collection_id: CollectionId) -> ProgressOut:
        """Chunks done, failed, running and waiting; images found, kept, duplicates, approved, disqualified,
        pending and rejected; every chunk with its counts."""
        return await service.progress(request.user.workspace_id, collection_id)
