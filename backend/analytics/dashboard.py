"""GET /analytics/dashboard: totals against the previous period, a series per day, the weekday-by-hour
heatmap, top and bottom listings, category/brand/account breakdowns and "reprice?" flags.

Everything comes from the hourly rollups (`queries`), two reads per request: the hours of the
period and the one before (all listings together), and the period's counters per listing.
Days are whole days in the time zone asked for (`tz`, an IANA name; UTC by default: workspaces
have no time zone of their own yet). The period's ends are midnights in that zone, taken to the
UTC hour they fall in (the rollups' grain), and each hour counts in the local day and hour it
starts in; in zones offset by a whole number of hours that is exact.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from backend.analytics import queries, sql
from backend.analytics.queries import AccountCounts, Counts, Filters, ItemCounts, LabelCounts
from backend.analytics.schemas import (
    AccountStat,
    Breakdown,
    Changes,
    DashboardOut,
    DayPoint,
    HeatCell,
    ListingStat,
    Period,
    Rankings,
    Totals,
)
from backend.analytics.tables import SyncState
from backend.billing import service as billing
from backend.core.clock import utcnow
from backend.core.errors import InvalidInput
from backend.core.hours import zone
from backend.core.scoped import scoped
from backend.listings import service as listings
from backend.platforms import service as platforms
from backend.settings import get_settings

DEFAULT_DAYS = 30
MAX_DAYS = 366
TOP = 10
MAX_REPRICE = 20
UNKNOWN = "Unknown"


def periods(date_from: date | None, date_to: date | None, tz: str) -> tuple[Period, Period]:
    """The period asked for (default: the last 30 days up to today in `tz`) and the one of equal length before."""
    try:
        zone(tz)
    except ValueError as exc:
        raise InvalidInput("tz", str(exc)) from None
    today = utcnow().astimezone(zone(tz)).date()
    end = date_to or today
    start = date_from or end - timedelta(days=DEFAULT_DAYS - 1)
    if end < start:
        raise InvalidInput("to", "must not be before `from`")
    days = (end - start).days + 1
    if days > MAX_DAYS:
        raise InvalidInput("from", f"a period is at most {MAX_DAYS} days")
    before = Period(date_from=start - timedelta(days=days), date_to=start - timedelta(days=1), days=days, tz=tz)
    return Period(date_from=start, date_to=end, days=days, tz=tz), before


def utc_bounds(period: Period) -> tuple[datetime, datetime]:
    """The period as [start, end) in UTC, each end taken to the start of its UTC hour."""
    local = zone(period.tz)

    def at(day: date) -> datetime:
        moment = datetime.combine(day, time(0), tzinfo=local).astimezone(UTC)
        return moment.replace(minute=0, second=0, microsecond=0)

    return at(period.date_from), at(period.date_to + timedelta(days=1))


async def dashboard(
    workspace_id: uuid.UUID,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    tz: str = "UTC",
    account_id: uuid.UUID | None = None,
    platform: str | None = None,
) -> DashboardOut:
    period, previous = periods(date_from, date_to, tz)
    start, end = utc_bounds(period)
    prev_start, _ = utc_bounds(previous)
    filters = Filters(account_id=account_id, platform=platform.strip().lower() if platform else None)
    hours, prev_totals = await queries.hourly(workspace_id, prev_start, start, end, filters)
    totals = Counts()
    for counts in hours.values():
        totals.add(counts)
    threshold = get_settings().analytics.reprice_min_views
    found = await queries.figures(
        workspace_id,
        start,
        end,
        filters,
        labels_sql=listings.labels_sql(),
        top=TOP,
        reprice=MAX_REPRICE,
        min_views=threshold,
    )
    sold = await queries.sold_in(workspace_id, start, end, filters)
    stats = await _listing_stats(workspace_id, found.candidates, sold)
    reprice = [s for s in stats if s.views >= threshold and s.likes == 0]
    return DashboardOut(
        period=period,
        previous_period=previous,
        totals=_totals(totals),
        previous_totals=_totals(prev_totals),
        change=Changes(**{name: _change(getattr(totals, name), getattr(prev_totals, name)) for name in _NAMES}),
        series=_series(hours, period),
        heatmap=_heatmap(hours, period.tz),
        top=_rankings(stats, top=True),
        bottom=_rankings(stats, top=False),
        categories=_breakdown(found.categories),
        brands=_breakdown(found.brands),
        accounts=await _accounts(workspace_id, found.accounts),
        reprice=sorted(reprice, key=lambda s: (-s.views, s.title, s.platform_item_id))[:MAX_REPRICE],
        reprice_min_views=threshold,
        sync_every_minutes=(await billing.effective_plan(workspace_id)).analytics_sync_minutes,
        last_synced_at=await _last_synced(workspace_id),
    )


_NAMES = ("views", "likes", "messages", "follows", "sales", "revenue")


def _money(value: Decimal) -> float:
    return float(round(value, 2))


def _totals(counts: Counts) -> Totals:
    return Totals(
        views=counts.views,
        likes=counts.likes,
        messages=counts.messages,
        follows=counts.follows,
        sales=counts.sales,
        revenue=_money(counts.revenue),
    )


def _change(now: int | Decimal, before: int | Decimal) -> float | None:
    """Percent change, one decimal; None when there was nothing before to compare with."""
    if not before:
        return None
    return round(float((Decimal(now) - Decimal(before)) * 100 / Decimal(before)), 1)


def _series(hours: dict[datetime, Counts], period: Period) -> list[DayPoint]:
    local = zone(period.tz)
    days = {period.date_from + timedelta(days=i): Counts() for i in range(period.days)}
    for hour, counts in hours.items():
        day = hour.astimezone(local).date()
        if day in days:
            days[day].add(counts)
    return [
        DayPoint(
            date=day,
            views=c.views,
            likes=c.likes,
            messages=c.messages,
            sales=c.sales,
            revenue=_money(c.revenue),
        )
        for day, c in days.items()
    ]


def _heatmap(hours: dict[datetime, Counts], tz: str) -> list[HeatCell]:
    local = zone(tz)
    cells = {(d, h): [0, 0] for d in range(7) for h in range(24)}
    for hour, counts in hours.items():
        moment = hour.astimezone(local)
        cell = cells[(moment.weekday(), moment.hour)]
        cell[0] += counts.views
        cell[1] += counts.sales
    return [HeatCell(weekday=d, hour=h, views=v, sales=s) for (d, h), (v, s) in cells.items()]


async def _listing_stats(
    workspace_id: uuid.UUID, items: Sequence[ItemCounts], sold: dict[tuple[uuid.UUID, str], dict[str, Any]]
) -> list[ListingStat]:
    drafts = await listings.facts_of(workspace_id, [i.listing_id for i in items if i.listing_id])
    titles = await _item_titles(workspace_id, [i for i in items if i.listing_id not in drafts])
    stats = []
    for item in items:
        draft = drafts.get(item.listing_id) if item.listing_id else None
        c = item.counts
        key = (item.account_id, item.platform_item_id)
        sale = sold.get(key)
        stats.append(
            ListingStat(
                account_id=item.account_id,
                platform=item.platform,
                platform_item_id=item.platform_item_id,
                listing_id=draft.id if draft else None,
                title=draft.title if draft else titles.get(key, item.platform_item_id),
                category=draft.category if draft else None,
                brand=draft.brand if draft else None,
                views=c.views,
                likes=c.likes,
                messages=c.messages,
                follows=c.follows,
                sales=c.sales,
                revenue=_money(c.revenue),
                conversion=round(c.sales / c.views, 4) if c.views else None,
                days_to_sell=_days_to_sell(sale, draft),
            )
        )
    return stats


def _days_to_sell(sale: dict[str, Any] | None, draft: listings.ListingFacts | None) -> float | None:
    if sale is None or sale["sold_at"] is None:
        return None
    listed = sale["listed_at"] or (draft.created_at if draft else None)
    if listed is None:
        return None
    seconds: float = max((sale["sold_at"] - listed).total_seconds(), 0.0)
    return round(seconds / 86400, 1)


async def _last_synced(workspace_id: uuid.UUID) -> datetime | None:
    rows = (
        await scoped(SyncState, workspace_id)
        .select(SyncState.last_synced_at)
        .where(SyncState.last_synced_at.is_not_null())
    )
    times = [sql.as_datetime(row["last_synced_at"]) for row in rows]
    return max(times) if times else None


async def _item_titles(workspace_id: uuid.UUID, items: Sequence[ItemCounts]) -> dict[tuple[uuid.UUID, str], str]:
    """Titles the sync saw for items with no draft here (read only when there are such items)."""
    accounts = {i.account_id for i in items}
    if not accounts:
        return {}
    rows = (
        await scoped(SyncState, workspace_id)
        .select(SyncState.account_id, SyncState.items)
        .where(SyncState.account_id.is_in(list(accounts)))
        .output(load_json=True)
    )
    return {
        (row["account_id"], item_id): str(entry.get("title") or item_id)
        for row in rows
        for item_id, entry in row["items"].items()
    }


def _ranked(
    stats: Sequence[ListingStat], key: Callable[[ListingStat], float | None], *, top: bool, smaller_is_better: bool
) -> list[ListingStat]:
    ranked = [s for s in stats if key(s) is not None]
    descending = top != smaller_is_better

    def order(s: ListingStat) -> tuple[float, int, str, str]:
        value = float(key(s) or 0)
        return (-value if descending else value, -s.views, s.title, s.platform_item_id)

    return sorted(ranked, key=order)[:TOP]


def _rankings(stats: Sequence[ListingStat], *, top: bool) -> Rankings:
    return Rankings(
        views=_ranked(stats, lambda s: s.views, top=top, smaller_is_better=False),
        likes=_ranked(stats, lambda s: s.likes, top=top, smaller_is_better=False),
        conversion=_ranked(stats, lambda s: s.conversion, top=top, smaller_is_better=False),
        days_to_sell=_ranked(stats, lambda s: s.days_to_sell, top=top, smaller_is_better=True),
    )


def _breakdown(groups: Sequence[LabelCounts]) -> list[Breakdown]:
    """Sums per label of the drafts, with shares (items with no draft, or no label, are "Unknown")."""
    named: dict[str, list[int]] = {}
    revenue: dict[str, Decimal] = {}
    for group in groups:
        name = group.label or UNKNOWN
        c = group.counts
        sums = named.setdefault(name, [0, 0, 0, 0])
        sums[0] += group.listings
        sums[1] += c.views
        sums[2] += c.likes
        sums[3] += c.sales
        revenue[name] = revenue.get(name, Decimal("0")) + c.revenue
    all_views = sum(sums[1] for sums in named.values())
    all_sales = sum(sums[3] for sums in named.values())
    rows = [
        Breakdown(
            name=name,
            listings=listings,
            views=views,
            likes=likes,
            sales=sales,
            revenue=_money(revenue[name]),
            views_share=round(views / all_views, 4) if all_views else 0.0,
            sales_share=round(sales / all_sales, 4) if all_sales else 0.0,
        )
        for name, (listings, views, likes, sales) in named.items()
    ]
    return sorted(rows, key=lambda b: (-b.views, -b.sales, b.name))


async def _accounts(workspace_id: uuid.UUID, groups: Sequence[AccountCounts]) -> list[AccountStat]:
    labels = {a.id: a.label or a.login for a in await platforms.accounts_matching(workspace_id)}
    rows = [
        AccountStat(
            account_id=g.account_id,
            platform=g.platform,
            label=labels.get(g.account_id, "(removed account)"),
            listings=g.listings,
            views=g.counts.views,
            likes=g.counts.likes,
            messages=g.counts.messages,
            follows=g.counts.follows,
            sales=g.counts.sales,
            revenue=_money(g.counts.revenue),
            conversion=round(g.counts.sales / g.counts.views, 4) if g.counts.views else None,
        )
        for g in groups
    ]
    return sorted(rows, key=lambda a: (-a.views, a.label, str(a.account_id)))
