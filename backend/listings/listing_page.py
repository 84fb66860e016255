"""The drafts list: one prepared page query and count per shape of request, rows converted by msgspec.

The list is the API's busiest read, so its SQL is built once per shape (filters
used, sort, order) rather than on every request, and it selects only the
columns a `ListingOut` shows.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import msgspec

from backend.core.fields import like_pattern
from backend.core.pagination import fetch_prepared_page, total_column
from backend.core.schemas import Page
from backend.core.scoped import Prepared, Scoped, prepared
from backend.listings.schemas import ListingOut
from backend.listings.tables import Listing

# A page selects the columns a ListingOut shows, in its order, and nothing else.
_PAGE_COLUMNS = [
    Listing.source_job.as_alias("source_job_id") if name == "source_job_id" else getattr(Listing, name)
    for name in ListingOut.__struct_fields__
]
_JSON_FIELDS = tuple(column._meta.name for column in Listing._meta.json_columns)
_SORT_COLUMNS = {
    "created_at": Listing.created_at,
    "updated_at": Listing.updated_at,
    "price": Listing.price,
    "title": Listing.title,
}
_FILTERS: dict[str, Callable[[Any], Any]] = {
    "status": lambda value: Listing.status == value,
    "account_id": lambda value: Listing.account_id == value,
    "category": lambda value: Listing.category == value,
    "search": lambda pattern: (
        Listing.title.ilike(pattern) | Listing.description.ilike(pattern) | Listing.brand.ilike(pattern)
    ),
}
# One prepared page and count per shape of request (filters used, sort, order): 128 at most.
_PAGE_QUERIES: dict[tuple[tuple[str, ...], str, bool], tuple[Prepared[Listing], Prepared[Listing]]] = {}


def _page_queries(filters: tuple[str, ...], sort: str, descending: bool) -> tuple[Prepared[Listing], Prepared[Listing]]:
    key = (filters, sort, descending)
    if (found := _PAGE_QUERIES.get(key)) is None:

        def page(listings: Scoped[Listing], *values: Any) -> Any:
            query = listings.select(*_PAGE_COLUMNS, total_column()).order_by(
                _SORT_COLUMNS[sort], ascending=not descending
            )
            query = query.order_by(Listing.id)
            for name, value in zip(filters, values, strict=True):
                query = query.where(_FILTERS[name](value))
            return query

        def count(listings: Scoped[Listing], *values: Any) -> Any:
            query = listings.count()
            for name, value in zip(filters, values, strict=True):
                query = query.where(_FILTERS[name](value))
            return query

        arity = len(filters)
        found = _PAGE_QUERIES[key] = (
            prepared(Listing, page, arity=arity, paged=True),
            prepared(Listing, count, arity=arity),
        )
    return found


def _page_items(rows: list[dict[str, Any]]) -> list[ListingOut]:
    for row in rows:
        for name in _JSON_FIELDS:
            if isinstance(value := row[name], str):
                row[name] = msgspec.json.decode(value)
    return msgspec.convert(rows, list[ListingOut], strict=False)


async def list_listings(
    workspace_id: uuid.UUID,
    *,
    status: str | None,
    account_id: uuid.UUID | None,
    category: str | None,
    search: str | None,
    sort: str,
    descending: bool,
    limit: int,
    offset: int,
) -> Page[ListingOut]:
    given = {
        "status": status or None,
        "account_id": account_id or None,
        "category": category or None,
        "search": like_pattern(search) if search else None,
    }
    used = {name: value for name, value in given.items() if value is not None}
    page, count = _page_queries(tuple(used), sort, descending)
    return await fetch_prepared_page(page, count, workspace_id, list(used.values()), _page_items, limit, offset)
