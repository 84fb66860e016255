"""Inventory endpoints for what comes after a sale: delist, mark sold, the "needs action" list.

Progress is the jobs' stream (GET /events): jobs `listings.delist` (one per item) and their children
`listings.delist_one` (one per listing); each child's `job.item` result carries `listing_id`,
`platform_listing_id`, `status` and `conflict`, and a delist that needs a person sends a `job.note` of type
`conflict` before the child pauses or fails.
"""

from __future__ import annotations

import uuid

from arq.connections import ArqRedis
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_202_ACCEPTED

from backend.core.params import Limit, Offset
from backend.core.principal import AuthRequest
from backend.core.schemas import DEFAULT_PAGE_SIZE, Page
from backend.jobs.schemas import JobOut
from backend.listings import service
from backend.listings.schemas import (
    ConflictOut,
    DelistRequest,
    InventoryItemOut,
    MarkSoldRequest,
    PlatformListingOut,
)


class DelistController(Controller):
    path = "/listings"
    tags = ["inventory"]

    @post("/{listing_id:uuid}/delist", status_code=HTTP_202_ACCEPTED)
    async def delist(
        self,
        request: AuthRequest,
        listing_id: FromPath[uuid.UUID],
        redis: NamedDependency[ArqRedis],
        data: JSONBody[DelistRequest | None] = None,
    ) -> JobOut:
        """End the item's listings (on `account_ids`, or every live or queued one): one job `listings.delist`
        with a child per listing. The item is a draft again once nothing of it is listed (unless sold).
        409 for a listing that sold, or when nothing is left to delist; asked again while it runs, the same job."""
        user = request.user
        account_ids = data.account_ids if data is not None else None
        return await service.request_delist(redis, user.workspace_id, user.user_id, listing_id, account_ids)

    @post("/{listing_id:uuid}/mark-sold", status_code=HTTP_200_OK)
    async def mark_sold(
        self,
        request: AuthRequest,
        listing_id: FromPath[uuid.UUID],
        redis: NamedDependency[ArqRedis],
        data: JSONBody[MarkSoldRequest | None] = None,
    ) -> InventoryItemOut:
        """The item sold (through `platform_listing_id`, or elsewhere): it is sold with the price (by default
        the listing's, else the item's) and buyer, and its other listings are delisted by a job. A sale named on
        another listing of an item sold already is flagged as an oversell, as when the sync sees one."""
        body = data or MarkSoldRequest()
        user = request.user
        return await service.mark_sold_by_hand(
            redis, user.workspace_id, user.user_id, listing_id, body.platform_listing_id, body.price, body.buyer
        )


class ConflictController(Controller):
    path = "/inventory"
    tags = ["inventory"]

    @get("/conflicts")
    async def conflicts(
        self, request: AuthRequest, limit: Limit = DEFAULT_PAGE_SIZE, offset: Offset = 0
    ) -> Page[ConflictOut]:
        """Listings that need a person, oldest first: delists that failed or wait on an account needing
        attention (`delist_failed`), and oversells (`oversell`: cancel one of the orders). `total` is the badge."""
        return await service.list_conflicts(request.user.workspace_id, limit, offset)

    @post("/platform-listings/{platform_listing_id:uuid}/resolve", status_code=HTTP_200_OK)
    async def resolve(self, request: AuthRequest, platform_listing_id: FromPath[uuid.UUID]) -> PlatformListingOut:
        """Clear the listing's conflict: an oversell stays sold; a listing that could not be delisted is marked
        delisted (taken down by hand) and not tried again. 409 when it has nothing to resolve."""
        return await service.resolve_conflict(request.user.workspace_id, platform_listing_id)

    @post("/platform-listings/{platform_listing_id:uuid}/retry-delist", status_code=HTTP_202_ACCEPTED)
    async def retry_delist(
        self, request: AuthRequest, platform_listing_id: FromPath[uuid.UUID], redis: NamedDependency[ArqRedis]
    ) -> JobOut:
        """Try a failed delist again (conflict `delist_failed` only, 409 otherwise): its paused job resumes,
        or a new delist job starts."""
        user = request.user
        return await service.retry_delist(redis, user.workspace_id, user.user_id, platform_listing_id)
