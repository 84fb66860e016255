"""Listing endpoints: analyze photos into drafts, browse, edit, duplicate, price history, publish, crosslist."""

from __future__ import annotations

import uuid
from typing import Annotated

from arq.connections import ArqRedis
from litestar import Controller, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from backend.ai.schemas import categories
from backend.core.errors import explain_pattern
from backend.core.params import Limit, Offset
from backend.core.principal import AuthRequest
from backend.core.schemas import DEFAULT_PAGE_SIZE, Page
from backend.jobs.schemas import JobOut
from backend.listings import crosslist, service
from backend.listings.schemas import (
    AnalyzeRequest,
    CrosslistPreviewOut,
    CrosslistRequest,
    ListingOut,
    ListingStatus,
    ListingUpdate,
    PriceChangeOut,
    PublishRequest,
    SortField,
)


class ListingController(Controller):
    path = "/listings"
    tags = ["listings"]

    @post("/analyze", status_code=HTTP_201_CREATED)
    async def analyze(
        self, request: AuthRequest, data: JSONBody[AnalyzeRequest], redis: NamedDependency[ArqRedis]
    ) -> JobOut:
        """Turn photos into listing drafts: a job (follow it at GET /jobs/{id}/events) with one item per group.

        Grouping: send `groups`, a list of lists of media ids, each list the photos of ONE item (first photo
        first); or `media_ids`, which makes one item per photo. Each item uses one AI generation of the plan:
        a batch larger than what is left this month is refused with 402 before anything starts. Every draft
        produced is a `job.item` event carrying its `listing_id`; an item that fails says why, and the rest go on.
        """
        return await service.start_analysis(
            redis, request.user.workspace_id, request.user.user_id, data.media_ids, data.groups
        )

    @get("/")
    async def list_listings(
        self,
        request: AuthRequest,
        status: Annotated[ListingStatus | None, QueryParameter()] = None,
        account_id: Annotated[uuid.UUID | None, QueryParameter()] = None,
        category: Annotated[str | None, QueryParameter(max_length=100)] = None,
        q: Annotated[
            str | None, QueryParameter(max_length=200, description="Text in title, description or brand")
        ] = None,
        sort: Annotated[SortField, QueryParameter()] = "created_at",
        order: Annotated[str, QueryParameter(pattern=explain_pattern("^(asc|desc)$", "use asc or desc"))] = "desc",
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> Page[ListingOut]:
        """Drafts and listings of the workspace: filter, search, sort, paginate."""
        return await service.list_listings(
            request.user.workspace_id,
            status=status,
            account_id=account_id,
            category=category,
            search=q,
            sort=sort,
            descending=order == "desc",
            limit=limit,
            offset=offset,
        )

    @get("/categories")
    async def list_categories(self) -> list[str]:
        """The category taxonomy drafts use."""
        return list(categories())

    @get("/{listing_id:uuid}")
    async def get_listing(self, request: AuthRequest, listing_id: FromPath[uuid.UUID]) -> ListingOut:
        return await service.get_listing(request.user.workspace_id, listing_id)

    @patch("/{listing_id:uuid}")
    async def update_listing(
        self, request: AuthRequest, listing_id: FromPath[uuid.UUID], data: JSONBody[ListingUpdate]
    ) -> ListingOut:
        """Edit a draft; a price change is kept in its price history."""
        return await service.update_listing(request.user.workspace_id, request.user.user_id, listing_id, data)

    @delete("/{listing_id:uuid}", status_code=HTTP_204_NO_CONTENT)
    async def delete_listing(self, request: AuthRequest, listing_id: FromPath[uuid.UUID]) -> None:
        await service.delete_listing(request.user.workspace_id, listing_id)

    @post("/{listing_id:uuid}/duplicate", status_code=HTTP_201_CREATED)
    async def duplicate(self, request: AuthRequest, listing_id: FromPath[uuid.UUID]) -> ListingOut:
        return await service.duplicate_listing(request.user.workspace_id, listing_id)

    @get("/{listing_id:uuid}/price-history")
    async def price_history(self, request: AuthRequest, listing_id: FromPath[uuid.UUID]) -> list[PriceChangeOut]:
        return await service.price_history(request.user.workspace_id, listing_id)

    @post("/{listing_id:uuid}/publish", status_code=HTTP_202_ACCEPTED)
    async def publish(
        self,
        request: AuthRequest,
        listing_id: FromPath[uuid.UUID],
        data: JSONBody[PublishRequest],
        redis: NamedDependency[ArqRedis],
    ) -> JobOut:
        """Publish through a platform account: a job (progress over SSE); the listing then has the item's id and URL."""
        user = request.user
        return await service.start_publish(redis, user.workspace_id, listing_id, data.account_id, user.user_id)

    @get("/{listing_id:uuid}/crosslist/preview")
    async def crosslist_preview(
        self,
        request: AuthRequest,
        listing_id: FromPath[uuid.UUID],
        account_id: Annotated[
            list[uuid.UUID], QueryParameter(description="An account to preview (repeat for more)", max_items=50)
        ],
    ) -> CrosslistPreviewOut:
        """What each account's platform will receive of the item, before anything is published: its category,
        condition and size words, title and description as cut to its limits, the price after the workspace's
        price rule; `problems` block the publish (a required field missing), `warnings` say what changes."""
        return await crosslist.preview(request.user.workspace_id, listing_id, account_id)

    @post("/{listing_id:uuid}/crosslist", status_code=HTTP_202_ACCEPTED)
    async def start_crosslist(
        self,
        request: AuthRequest,
        listing_id: FromPath[uuid.UUID],
        data: JSONBody[CrosslistRequest],
        redis: NamedDependency[ArqRedis],
    ) -> JobOut:
        """Publish the item on these accounts (any platforms): one `listings.crosslist` job whose children
        (`listings.publish`, one per account) publish through each account; progress over SSE.

        Nothing starts when a target has a problem (400 naming the account and the field); accounts where the
        item is live already are skipped, said in the job's items. 409 when the item is sold.
        """
        user = request.user
        return await crosslist.start_crosslist(redis, user.workspace_id, user.user_id, listing_id, data.accounts)
