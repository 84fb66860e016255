"""Reading a job's items: what each one did, failures first, with a label a person recognises.

The job kind's own domain knows what an item's key means (a proxy id, the
index of a photo group…); it registers a labeller here, which the API asks
once per page. A kind without one shows its keys.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from backend.core.convert import to_schema
from backend.core.pagination import fetch_page
from backend.core.schemas import Page
from backend.core.scoped import scoped
from backend.jobs.errors import user_error
from backend.jobs.schemas import JobItemOut
from backend.jobs.tables import JobItem

# The API's filter: "done" (or "ok", as the items are stored) and "failed".
ItemStatusFilter = Literal["done", "ok", "failed"]
# (workspace id, the job's payload, the keys on the page) → labels by key; keys it cannot name are left out.
Labeller = Callable[[uuid.UUID, dict[str, Any], list[str]], Awaitable[dict[str, str]]]

_labellers: dict[str, Labeller] = {}


def register_labels(kind: str, labeller: Labeller) -> None:
    _labellers[kind] = labeller


def _item_out(row: dict[str, Any]) -> JobItemOut:
    failed = row["ok"] != "ok"
    return to_schema(
        row,
        JobItemOut,
        label=row["key"],
        status="failed" if failed else "done",
        error=user_error(row["error"]) if failed else None,
    )


async def page_of_items(
    job: dict[str, Any], status: ItemStatusFilter | None, limit: int, offset: int
) -> Page[JobItemOut]:
    """One page of the job's items (the job row is already scoped to its workspace): failures first, then by key."""
    items = scoped(JobItem, job["workspace"])
    query = (
        items.select(JobItem.key, JobItem.ok, JobItem.error, JobItem.result, JobItem.created_at)
        .where(JobItem.job == job["id"])
        # "failed" sorts before "ok"; the key then keeps the handler's order.
        .order_by(JobItem.ok, JobItem.key)
        .output(load_json=True)
    )
    where = [] if status is None else [JobItem.ok == ("failed" if status == "failed" else "ok")]
    page = await fetch_page(query, items.count().where(JobItem.job == job["id"]), _item_out, limit, offset, where)
    labeller = _labellers.get(job["kind"])
    if labeller is not None and page.items:
        labels = await labeller(job["workspace"], job["payload"] or {}, [item.key for item in page.items])
        for item in page.items:
            item.label = labels.get(item.key) or item.key
    return page
