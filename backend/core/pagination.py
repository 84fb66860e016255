"""Paginated lists: the query parameters every list takes, and fetching one page."""

from collections.abc import Callable, Iterable
from typing import Annotated, Any, TypeVar

from litestar.params import QueryParameter
from piccolo.query import Count, Select

from backend.core.schemas import MAX_PAGE_SIZE, Page

T = TypeVar("T")

Limit = Annotated[int, QueryParameter(ge=1, le=MAX_PAGE_SIZE, description="Page size")]
Offset = Annotated[int, QueryParameter(ge=0, description="Items to skip")]


async def fetch_page(
    query: Select[Any],
    count: Count,
    convert: Callable[[dict[str, Any]], T],
    limit: int,
    offset: int,
    where: Iterable[Any] = (),
) -> Page[T]:
    """One page of an ordered `query`; `count` (the same base filter) gives the total. Both get `where`."""
    for condition in where:
        query = query.where(condition)
        count = count.where(condition)
    rows = await query.limit(limit).offset(offset)
    return Page(items=[convert(row) for row in rows], total=int(await count), limit=limit, offset=offset)
