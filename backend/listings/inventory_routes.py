"""Inventory endpoints: items with their listings on every platform, bulk crosslisting, price rules, import."""

from __future__ import annotations

import uuid
from typing import Annotated

from arq.connections import ArqRedis
from litestar import Controller, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_202_ACCEPTED

from backend.core.params import Limit, Offset
from backend.core.principal import AuthRequest
from backend.core.schemas import DEFAULT_PAGE_SIZE, Page
from backend.jobs.schemas import JobOut
from backend.listings import crosslist, importing, inventory_page, price_rules
from backend.listings.schemas import (
    BulkCrosslistRequest,
    ImportListingsRequest,
    InventoryItemOut,
    ListingStatus,
    PriceRuleOut,
    PriceRuleUpdate,
)


class InventoryController(Controller):
    path = "/inventory"
    tags = ["inventory"]

    @get("/")
    async def list_inventory(
        self,
        request: AuthRequest,
        status: Annotated[ListingStatus | None, QueryParameter()] = None,
        platform: Annotated[
            str | None, QueryParameter(max_length=32, description="Items with a listing on this platform")
        ] = None,
        account_id: Annotated[
            uuid.UUID | None, QueryParameter(description="Items with a listing on this account")
        ] = None,
        q: Annotated[str | None, QueryParameter(max_length=200, description="Text in the title or brand")] = None,
        conflicts_only: Annotated[
            bool, QueryParameter(description="Only items with a listing that needs a person")
        ] = False,
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> Page[InventoryItemOut]:
        """Every item of the workspace, drafts included, newest first, each with all its listings on the
        platforms (status, price, URL, conflict)."""
        return await inventory_page.list_inventory(
            request.user.workspace_id,
            status=status,
            platform=platform,
            account_id=account_id,
            search=q,
            conflicts_only=conflicts_only,
            limit=limit,
            offset=offset,
        )

    @get("/{listing_id:uuid}")
    async def get_item(self, request: AuthRequest, listing_id: FromPath[uuid.UUID]) -> InventoryItemOut:
        return await inventory_page.get_item(request.user.workspace_id, listing_id)

    @post("/crosslist", status_code=HTTP_202_ACCEPTED)
    async def bulk_crosslist(
        self, request: AuthRequest, data: JSONBody[BulkCrosslistRequest], redis: NamedDependency[ArqRedis]
    ) -> JobOut:
        """Crosslist many drafts on the same accounts: one `listings.crosslist` job, a publish child per draft
        and account; on each account one publish every `spacing_seconds`. Nothing starts when any draft has a
        problem on any account (400 listing the first ten: which draft, which account, which field)."""
        user = request.user
        return await crosslist.start_bulk(redis, user.workspace_id, user.user_id, data)

    @get("/price-rules")
    async def list_price_rules(self, request: AuthRequest) -> list[PriceRuleOut]:
        """The price rule of every platform that takes listings: the workspace's, or the platform's default."""
        return await price_rules.list_rules(request.user.workspace_id)

    @put("/price-rules/{platform:str}")
    async def set_price_rule(
        self, request: AuthRequest, platform: FromPath[str], data: JSONBody[PriceRuleUpdate]
    ) -> PriceRuleOut:
        """Set the platform's price rule: the draft's price plus `markup_percent`, then rounded."""
        return await price_rules.set_rule(request.user.workspace_id, platform, data)

    @post("/import", status_code=HTTP_202_ACCEPTED)
    async def import_listings(
        self, request: AuthRequest, data: JSONBody[ImportListingsRequest], redis: NamedDependency[ArqRedis]
    ) -> JobOut:
        """Import the account's listings: a `listings.import` job links each to a draft (same title and photo)
        or a new one; run again, it links nothing twice."""
        user = request.user
        return await importing.start_import(redis, user.workspace_id, user.user_id, data.account_id)
