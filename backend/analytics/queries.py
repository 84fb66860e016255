"""The dashboard's reads of the rollups (and the sales, for days to sell): never of the raw events.

The SQL is the same on both databases but for a UUID read as text (`sql.text_of`); rows come
back normalised (numbers as int/Decimal, times as UTC datetimes, ids as UUIDs).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from backend import db
from backend.analytics import sql
from backend.analytics.tables import AccountRollup, HourlyRollup, Sale
from backend.core.scoped import across_workspaces, scoped

# Counts summed from INTEGER: PostgreSQL sums a BIGINT column as NUMERIC, several times slower to add up
# and to decode, and one rollup (a listing or an account in one hour) never counts near 2^31.
_SUMS = ", ".join(f"SUM(CAST({c} AS INTEGER)) AS {c}" if c != "revenue" else f"SUM({c}) AS {c}" for c in sql.COUNTERS)
_COUNTER_LIST = ", ".join(sql.COUNTERS)
_R_COUNTERS = ", ".join(f"r.{c}" for c in sql.COUNTERS)
_PER_COUNTERS = ", ".join(f"sums.{c}" for c in sql.COUNTERS)
# The same over sums already made (`per`'s): few rows, cast back to BIGINT.
_RESUMS = ", ".join(
    f"CAST(SUM(per.{c}) AS BIGINT) AS {c}" if c != "revenue" else f"SUM(per.{c}) AS {c}" for c in sql.COUNTERS
)


@dataclass(frozen=True)
class Filters:
    account_id: uuid.UUID | None = None
    platform: str | None = None

    def sql(self, args: list[Any], table: str = "") -> str:
        """Extra conditions for a rollups/sales/items query (their values appended to `args`); `table`
        qualifies the columns (`"r."`) where a join makes them ambiguous."""
        where = ""
        if self.account_id is not None:
            where += f" AND {table}account_id = {{}}"
            args.append(self.account_id)
        if self.platform:
            where += f" AND {table}platform = {{}}"
            args.append(self.platform)
        return where


@dataclass
class Counts:
    views: int = 0
    likes: int = 0
    messages: int = 0
    follows: int = 0
    sales: int = 0
    revenue: Decimal = Decimal("0")

    def add(self, other: Counts) -> None:
        for name in sql.COUNTERS:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _counts(row: dict[str, Any]) -> Counts:
    return Counts(
        views=int(row["views"] or 0),
        likes=int(row["likes"] or 0),
        messages=int(row["messages"] or 0),
        follows=int(row["follows"] or 0),
        sales=int(row["sales"] or 0),
        revenue=sql.as_number(row["revenue"]),
    )


async def hourly(
    workspace_id: uuid.UUID, before: datetime, start: datetime, end: datetime, filters: Filters
) -> tuple[dict[datetime, Counts], Counts]:
    """The workspace's counters per UTC hour in [start, end), all listings together (per-account rollups),
    and the period before's [before, start) as one total, in one statement."""
    args: list[Any] = [start, end]
    where = f"AND hour >= {{}} AND hour < {{}}{filters.sql(args)}"
    args += [before, start]
    where_before = f"AND hour >= {{}} AND hour < {{}}{filters.sql(args)}"
    query = (
        f"SELECT hour, {_SUMS} FROM analytics_account_rollups WHERE workspace = {{workspace}} {where} "  # noqa: S608 - our own SQL
        f"GROUP BY hour UNION ALL SELECT NULL, {_SUMS} FROM analytics_account_rollups "
        f"WHERE workspace = {{workspace}} {where_before}"
    )
    hours: dict[datetime, Counts] = {}
    previous = Counts()
    for row in await scoped(AccountRollup, workspace_id).raw(query, *args):
        if row["hour"] is None:
            previous = _counts(row)
        else:
            hours[sql.as_datetime(row["hour"])] = _counts(row)
    return hours, previous


@dataclass
class ItemCounts:
    account_id: uuid.UUID
    platform: str
    platform_item_id: str
    listing_id: uuid.UUID | None
    counts: Counts


def _per_item(start: datetime, end: datetime, filters: Filters, args: list[Any]) -> str:
    """A CTE `per`: each platform listing's counters summed over [start, end) (only those with any).

    The whole UTC days inside the period come from the daily rollups, the hours before the first and
    after the last of them from the hourly ones (a period's ends are hours: local midnights); the sums
    are grouped by the listing's analytics id, then joined to what it is (account, item id, draft)."""
    first_day = start.replace(hour=0) + (timedelta(days=1) if start.hour else timedelta(0))
    last_day = end.replace(hour=0)
    hourly = (
        f"SELECT i.id AS item, {_R_COUNTERS} FROM analytics_rollups r JOIN analytics_items i "  # noqa: S608
        "ON i.workspace = r.workspace AND i.account_id = r.account_id AND i.platform_item_id = r.platform_item_id "
        "WHERE r.workspace = {workspace} AND "
    )
    if first_day < last_day:
        args += [first_day, last_day]
        rows = f"SELECT item, {_COUNTER_LIST} FROM analytics_daily_rollups WHERE workspace = {{workspace}} "  # noqa: S608
        rows += "AND day >= {} AND day < {}"
        if filters.account_id is not None or filters.platform:
            items = f"SELECT id FROM analytics_items WHERE workspace = {{workspace}}{filters.sql(args)}"  # noqa: S608
            rows += f" AND item IN ({items})"
        args += [start, first_day, last_day, end]
        rows += f" UNION ALL {hourly}((r.hour >= {{}} AND r.hour < {{}}) OR (r.hour >= {{}} AND r.hour < {{}}))"
    else:
        args += [start, end]
        rows = f"{hourly}r.hour >= {{}} AND r.hour < {{}}"
    rows += filters.sql(args, "r.")
    return (
        "WITH per AS (SELECT i.account_id, i.platform, i.platform_item_id, i.listing_id, "  # noqa: S608 - our own SQL
        f"{_PER_COUNTERS} FROM (SELECT item, {_SUMS} FROM ({rows}) buckets GROUP BY item) sums "
        "JOIN analytics_items i ON i.id = sums.item)"
    )


def _conversion() -> str:
    """SQL for sales per view rounded to 4 places exactly as Python's `round(sales / views, 4)` does.

    Both databases round a half up; Python rounds it to even. A half at the fifth place happens
    only when sales * 20000 / views is an odd integer, so that case is taken one step down when
    the digit kept would be odd (the outer ROUND keeps SQLite's float on the same value)."""
    ratio = "CAST(sales AS NUMERIC) / views" if db.is_postgres() else "CAST(sales AS REAL) / views"
    n = "(sales * 20000 / views)"
    half_even = f"CASE WHEN (sales * 20000) % views = 0 AND {n} % 2 = 1 AND ({n} / 2) % 2 = 0 THEN 0.0001 ELSE 0 END"
    # No sales (most listings): 0 without the arithmetic.
    return f"CASE WHEN views > 0 AND sales = 0 THEN 0 WHEN views > 0 THEN ROUND(ROUND({ratio}, 4) - {half_even}, 4) END"


_WORK_MEM = "64MB"


@dataclass
class GroupCounts:
    """Counters summed over a group of platform listings (`listings` of them)."""

    platform: str
    listings: int
    counts: Counts


@dataclass
class AccountCounts(GroupCounts):
    account_id: uuid.UUID


@dataclass
class LabelCounts(GroupCounts):
    label: str | None  # the drafts' category or brand; None: no draft, or none given


@dataclass
class Figures:
    candidates: list[ItemCounts]  # the listings the top/bottom lists and reprice flags may show
    categories: list[LabelCounts]
    brands: list[LabelCounts]
    accounts: list[AccountCounts]


# Each ranking's edge: the row at place `top` from one end (none when there are fewer rows), and which
# rows are within `top` of that end, ties on the ranking's value and views kept: what `RANK() <= top`
# keeps, read with a top-N sort of a few rows instead of a full sort of every listing per ranking.
_RANKINGS = {
    "vt": ("", "views DESC", "vt.v IS NULL OR views >= vt.v"),
    "vb": ("", "views ASC", "vb.v IS NULL OR views <= vb.v"),
    "lt": ("", "likes DESC, views DESC", "lt.l IS NULL OR likes > lt.l OR (likes = lt.l AND views >= lt.v)"),
    "lb": ("", "likes ASC, views DESC", "lb.l IS NULL OR likes < lb.l OR (likes = lb.l AND views >= lb.v)"),
    "ct": (
        " WHERE conv IS NOT NULL",
        "conv DESC, views DESC",
        "conv IS NOT NULL AND (ct.c IS NULL OR conv > ct.c OR (conv = ct.c AND views >= ct.v))",
    ),
    "cb": (
        " WHERE conv IS NOT NULL",
        "conv ASC, views DESC",
        "conv IS NOT NULL AND (cb.c IS NULL OR conv < cb.c OR (conv = cb.c AND views >= cb.v))",
    ),
}
# The "reprice?" candidates: the `reprice` most viewed listings with no likes (ties kept).
_FLAGGED_EDGE = "fl AS (SELECT views AS v FROM keyed WHERE flagged = 1 ORDER BY views DESC LIMIT 1 OFFSET {})"


async def figures(
    workspace_id: uuid.UUID,
    start: datetime,
    end: datetime,
    filters: Filters,
    *,
    labels_sql: str,
    top: int,
    reprice: int,
    min_views: int,
) -> Figures:
    """The period's per-listing figures in one statement, so the per-listing sums are made once.

    Candidates are only the platform listings the dashboard may show, not every one with activity:
    those within `top` of either end of each ranking (views, likes, conversion; ties on the
    ranking's value and views kept, since titles break them), the `reprice` most viewed with no
    likes, and those sold in the period (days to sell). The dashboard orders them exactly in Python.
    The breakdowns join the drafts' labels (`labels_sql`: id, category, brand) and come back as a
    row per category, per brand and per account."""
    args: list[Any] = []
    per = _per_item(start, end, filters, args)
    args += [min_views, start, end, *[top - 1] * len(_RANKINGS), reprice - 1]
    labelled = (
        f"labelled AS (SELECT per.*, labels.category, labels.brand FROM per LEFT JOIN ({labels_sql}) labels "  # noqa: S608
        "ON labels.id = per.listing_id)"
    )
    edges = ", ".join(
        f"{name} AS (SELECT views AS v, likes AS l, conv AS c FROM keyed{where} ORDER BY {order} LIMIT 1 OFFSET {{}})"  # noqa: S608
        for name, (where, order, _) in _RANKINGS.items()
    )
    near_an_end = " OR ".join(f"({condition})" for _, _, condition in _RANKINGS.values())
    joined = " ".join(f"LEFT JOIN {name} ON 1 = 1" for name in (*_RANKINGS, "fl"))
    query = (
        f"{per}, keyed AS (SELECT per.*, {_conversion()} AS conv, "  # noqa: S608 - our own SQL
        "CASE WHEN likes = 0 AND views >= {} THEN 1 ELSE 0 END AS flagged, "
        "CASE WHEN EXISTS (SELECT 1 FROM analytics_sales s WHERE s.workspace = {workspace} "
        "AND s.account_id = per.account_id AND s.platform_item_id = per.platform_item_id "
        "AND s.sold_at >= {} AND s.sold_at < {}) THEN 1 ELSE 0 END AS sold FROM per), "
        f"{edges}, {_FLAGGED_EDGE}, {labelled} "
        "SELECT 'item' AS part, account_id, platform, platform_item_id, listing_id, "
        f"NULL AS label, 1 AS listings, views, likes, messages, follows, sales, revenue FROM keyed {joined} "
        f"WHERE sold = 1 OR {near_an_end} OR (flagged = 1 AND (fl.v IS NULL OR views >= fl.v)) "
        f"UNION ALL SELECT 'category', NULL, NULL, NULL, NULL, category, COUNT(*), {_RESUMS} "
        "FROM labelled per GROUP BY category "
        f"UNION ALL SELECT 'brand', NULL, NULL, NULL, NULL, brand, COUNT(*), {_RESUMS} "
        "FROM labelled per GROUP BY brand "
        f"UNION ALL SELECT 'account', account_id, MAX(platform), NULL, NULL, NULL, COUNT(*), {_RESUMS} FROM per "
        "GROUP BY account_id"
    )
    async with db.transaction():
        if db.is_postgres():
            # The per-listing sums of a big workspace sort ~10 MB: with the default 4 MB they spill to disk.
            # The planner's cost estimate for the window sorts turns on JIT compilation, which costs more
            # (~70 ms) than the whole aggregate it would speed up. Session settings of this transaction,
            # not queries of the table: no workspace to filter by.
            await across_workspaces(HourlyRollup).raw(f"SET LOCAL work_mem = '{_WORK_MEM}'")
            await across_workspaces(HourlyRollup).raw("SET LOCAL jit = off")
            # Parallel workers bought nothing here on the reference machine (2 cores: ~85 ms either way for
            # the per-listing sums) and cost a process each per request when several people look at once.
            await across_workspaces(HourlyRollup).raw("SET LOCAL max_parallel_workers_per_gather = 0")
            # The statement is prepared once per connection: after five runs PostgreSQL may switch to a
            # generic plan that cannot see the period's bounds, and pick scans for a whole table.
            await across_workspaces(HourlyRollup).raw("SET LOCAL plan_cache_mode = force_custom_plan")
        rows = await scoped(HourlyRollup, workspace_id).raw(query, *args)
    found = Figures([], [], [], [])
    for row in rows:
        part = row["part"]
        if part == "item":
            listing_id = sql.as_uuid(row["listing_id"]) if row["listing_id"] else None
            item = ItemCounts(
                sql.as_uuid(row["account_id"]), row["platform"], row["platform_item_id"], listing_id, _counts(row)
            )
            found.candidates.append(item)
        elif part == "account":
            account = AccountCounts(row["platform"], int(row["listings"]), _counts(row), sql.as_uuid(row["account_id"]))
            found.accounts.append(account)
        else:
            labelled_counts = LabelCounts("", int(row["listings"]), _counts(row), row["label"])
            (found.categories if part == "category" else found.brands).append(labelled_counts)
    return found


async def sold_in(
    workspace_id: uuid.UUID, start: datetime, end: datetime, filters: Filters
) -> dict[tuple[uuid.UUID, str], dict[str, Any]]:
    """The sales in [start, end) by (account, item): when sold, when listed, the draft."""
    query = scoped(Sale, workspace_id).select(
        Sale.account_id, Sale.platform_item_id, Sale.listing_id, Sale.sold_at, Sale.listed_at
    )
    query = query.where((Sale.sold_at >= start) & (Sale.sold_at < end))
    if filters.account_id is not None:
        query = query.where(Sale.account_id == filters.account_id)
    if filters.platform:
        query = query.where(Sale.platform == filters.platform)
    return {(row["account_id"], row["platform_item_id"]): row for row in await query}
