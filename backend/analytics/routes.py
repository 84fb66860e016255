"""Analytics endpoints: the dashboard, events from outside, the sales list and its CSV download."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from litestar import Controller, Response, get, post
from litestar.params import JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK

from backend.analytics import service
from backend.analytics.schemas import DashboardOut, EventBatchIn, IngestReport, SaleOut
from backend.core.actor import actor_of
from backend.core.params import Limit, Offset
from backend.core.principal import AuthRequest
from backend.core.schemas import DEFAULT_PAGE_SIZE, Page

AccountFilter = Annotated[uuid.UUID | None, QueryParameter(description="Only this account")]
PlatformFilter = Annotated[str | None, QueryParameter(max_length=32, description="Only this platform (e.g. vinted)")]
SoldFrom = Annotated[datetime | None, QueryParameter(name="from", description="Sold at or after (with a time zone)")]
SoldTo = Annotated[datetime | None, QueryParameter(name="to", description="Sold before (with a time zone)")]


class AnalyticsController(Controller):
    path = "/analytics"
    tags = ["analytics"]

    @get("/dashboard")
    async def dashboard(
        self,
        request: AuthRequest,
        date_from: Annotated[
            date | None, QueryParameter(name="from", description="First day (default: 29 days before `to`)")
        ] = None,
        date_to: Annotated[
            date | None, QueryParameter(name="to", description="Last day, included (default: today)")
        ] = None,
        tz: Annotated[
            str, QueryParameter(max_length=64, description="IANA time zone of the days and the heatmap's hours")
        ] = "UTC",
        account: AccountFilter = None,
        platform: PlatformFilter = None,
    ) -> DashboardOut:
        """Totals with the change against the previous period of equal length, views/likes/messages/sales/revenue
        per day, the weekday-by-hour heatmap, top and bottom listings, category, brand and account breakdowns,
        and listings to reprice; read from hourly rollups."""
        return await service.dashboard(
            request.user.workspace_id,
            date_from=date_from,
            date_to=date_to,
            tz=tz,
            account_id=account,
            platform=platform,
        )

    @post("/events", status_code=HTTP_200_OK)
    async def ingest(self, request: AuthRequest, data: JSONBody[EventBatchIn]) -> IngestReport:
        """Up to 1,000 events (views, likes, messages, sales…) from outside. All are checked first: a wrong one is
        refused naming it (`events[3].occurred_at: is in the future`) and none is recorded. An event whose
        `client_event_id` was seen before is ignored and counted in `duplicates`."""
        return await service.ingest(request.user.workspace_id, data)


class SalesController(Controller):
    path = "/sales"
    tags = ["analytics"]

    @get("/")
    async def list_sales(
        self,
        request: AuthRequest,
        account: AccountFilter = None,
        platform: PlatformFilter = None,
        start: SoldFrom = None,
        end: SoldTo = None,
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> Page[SaleOut]:
        """The sales synced from the accounts, newest first, with price, buyer and the draft sold."""
        return await service.list_sales(
            request.user.workspace_id,
            account_id=account,
            platform=platform,
            start=start,
            end=end,
            limit=limit,
            offset=offset,
        )


class SalesExportController(Controller):
    path = "/sales.csv"
    tags = ["analytics"]

    @get("/")
    async def export_sales(
        self,
        request: AuthRequest,
        account: AccountFilter = None,
        platform: PlatformFilter = None,
        start: SoldFrom = None,
        end: SoldTo = None,
    ) -> Response[bytes]:
        """The same sales as a CSV download (header row, times in UTC)."""
        content = await service.export_sales(
            request.user.workspace_id,
            account_id=account,
            platform=platform,
            start=start,
            end=end,
            actor=actor_of(request),
        )
        headers = {"Content-Disposition": 'attachment; filename="sales.csv"'}
        return Response(content, media_type="text/csv; charset=utf-8", headers=headers)


ANALYTICS_CONTROLLERS = [AnalyticsController, SalesController, SalesExportController]
