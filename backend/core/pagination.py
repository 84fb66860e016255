"""Paginated lists: fetching one page. The HTTP query parameters are in `backend.core.params`."""

import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from piccolo.query import Count, Select
from piccolo.querystring import QueryString

from backend.core.errors import InvalidInput
from backend.core.schemas import MAX_PAGE_SIZE, Page
from backend.core.scoped import Prepared

T = TypeVar("T")

# Far beyond any list here, and far below what the database's BIGINT takes (an offset
# of 2**63 made PostgreSQL's driver fail with a 500).
MAX_OFFSET = 1_000_000_000


async def fetch_page(
    query: Select[Any],
    count: Count,
    convert: Callable[[dict[str, Any]], T],
    limit: int,
    offset: int,
    where: Iterable[Any] = (),
) -> Page[T]:
    """One page of an ordered `query`; `count` (the same base filter) gives the total. Both get `where`."""
    check_page(limit, offset)
    for condition in where:
        query = query.where(condition)
        count = count.where(condition)
    rows = await query.limit(limit).offset(offset)
    return Page(items=[convert(row) for row in rows], total=int(await count), limit=limit, offset=offset)


def check_page(limit: int, offset: int) -> None:
    # The query parameters are bounded already; this keeps a caller outside a route honest too.
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise InvalidInput("limit", f"use a number from 1 to {MAX_PAGE_SIZE}")
    if not 0 <= offset <= MAX_OFFSET:
        raise InvalidInput("offset", f"use a number from 0 to {MAX_OFFSET}")


# The column a prepared page query adds to carry the number of all its matches (`COUNT(*) OVER ()`).
TOTAL_COLUMN = "total"


def total_column() -> QueryString:
    """Select this in a prepared page query: each row then carries the total, and no count query is needed."""
    return QueryString("COUNT(*) OVER ()", alias=TOTAL_COLUMN)


async def fetch_prepared_page(
    page: Prepared[Any],
    count: Prepared[Any],
    workspace_id: uuid.UUID,
    values: Sequence[Any],
    convert: Callable[[list[dict[str, Any]]], list[T]],
    limit: int,
    offset: int,
) -> Page[T]:
    """One page from a prepared `page` query (paged, selecting `total_column()`) in one round trip.

    `count` (the same values, selecting `count`) runs only for a page past the end, which has no row to
    carry the total.
    """
    check_page(limit, offset)
    rows = await page.rows(workspace_id, *values, limit=limit, offset=offset)
    if rows:
        total = int(rows[0][TOTAL_COLUMN])
    elif offset == 0:
        total = 0
    else:
        counted = await count.first(workspace_id, *values)
        total = int(counted["count"]) if counted else 0
    for row in rows:
        del row[TOTAL_COLUMN]
    return Page(items=convert(rows), total=total, limit=limit, offset=offset)
