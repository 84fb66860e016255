"""A collection's images: as responses, listed with filters, and a person's override; the typed events
the crawl and validation jobs publish about them."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec
from piccolo.query.functions.aggregate import Count

from backend.collect import service as core
from backend.collect.schemas import CollectEvent, CollectEventType, ImageCounts, ImageOut, ImageStatusName
from backend.collect.tables import KEPT, CollectedImage, ImageStatus
from backend.core.clock import utcnow
from backend.core.convert import to_schema
from backend.core.errors import Conflict, NotFound
from backend.core.pagination import fetch_page
from backend.core.schemas import Page
from backend.core.scoped import scoped
from backend.jobs.service import JobRun

IMAGE_NOT_FOUND = "Image not found"
KEPT_VALUES = [s.value for s in KEPT]


def event(kind: CollectEventType, collection_id: uuid.UUID, **fields: Any) -> dict[str, Any]:
    """A typed collect event as a job item's result or a note's payload (see `CollectEvent`)."""
    built: dict[str, Any] = msgspec.to_builtins(CollectEvent(type=kind, collection_id=collection_id, **fields))
    return built


async def note(run: JobRun, payload: dict[str, Any]) -> None:
    await run.note(payload)


async def update_image(workspace_id: uuid.UUID, image_id: uuid.UUID, *condition: Any, **values: Any) -> bool:
    columns: dict[Any, Any] = {getattr(CollectedImage, name): value for name, value in values.items()}
    columns[CollectedImage.updated_at] = utcnow()
    where = CollectedImage.id == image_id
    for extra in condition:
        where &= extra
    rows = await scoped(CollectedImage, workspace_id).update(columns).where(where).returning(CollectedImage.id)
    return bool(rows)


def image_out(row: dict[str, Any]) -> ImageOut:
    media_id = row["media_id"]
    return to_schema(
        row,
        ImageOut,
        collection_id=row["collection"],
        problems=row["problems"] or [],
        file_url=f"/api/v1/media/{media_id}/file" if media_id else None,
        thumbnail_url=f"/api/v1/media/{media_id}/thumbnail" if media_id else None,
    )


async def list_images(
    workspace_id: uuid.UUID,
    collection_id: uuid.UUID,
    *,
    status: ImageStatusName | None = None,
    duplicate: bool | None = None,
    limit: int,
    offset: int,
) -> Page[ImageOut]:
    """The collection's images in the order found; of one status, or only duplicates (or none)."""
    await core.collection_row(workspace_id, collection_id)
    images = scoped(CollectedImage, workspace_id)
    filters = [
        condition
        for condition in (
            CollectedImage.collection == collection_id,
            CollectedImage.fetched == True,  # noqa: E712 - a claim still being fetched is not shown yet
            CollectedImage.status == status if status else None,
            None
            if duplicate is None
            else (CollectedImage.status == "duplicate" if duplicate else CollectedImage.status != "duplicate"),
        )
        if condition is not None
    ]
    query = images.select().order_by(CollectedImage.created_at).order_by(CollectedImage.id).output(load_json=True)
    return await fetch_page(query, images.count(), image_out, limit, offset, filters)


async def image_row(workspace_id: uuid.UUID, collection_id: uuid.UUID, image_id: uuid.UUID) -> dict[str, Any]:
    await core.collection_row(workspace_id, collection_id)
    row: dict[str, Any] | None = await (
        scoped(CollectedImage, workspace_id)
        .select()
        .where((CollectedImage.id == image_id) & (CollectedImage.collection == collection_id))
        .output(load_json=True)
        .first()
    )
    if row is None:
        raise NotFound(IMAGE_NOT_FOUND)
    return row


async def override(
    workspace_id: uuid.UUID, collection_id: uuid.UUID, image_id: uuid.UUID, status: str, reason: str
) -> ImageOut:
    """A person approves or disqualifies a kept image; re-validation leaves their choice alone."""
    row = await image_row(workspace_id, collection_id, image_id)
    if row["status"] not in KEPT_VALUES:
        raise Conflict(f"A {row['status']} image is not kept; only approved, disqualified or pending ones can change")
    default = "Approved by a person" if status == ImageStatus.approved.value else "Disqualified by a person"
    await update_image(workspace_id, image_id, status=status, reason=reason.strip() or default, overridden=True)
    return image_out(await image_row(workspace_id, collection_id, image_id))


async def image_counts(workspace_id: uuid.UUID, collection_id: uuid.UUID) -> ImageCounts:
    rows = await (
        scoped(CollectedImage, workspace_id)
        .select(CollectedImage.status, Count(alias="n"))
        .where((CollectedImage.collection == collection_id) & (CollectedImage.fetched == True))  # noqa: E712
        .group_by(CollectedImage.status)
    )
    by_status = {row["status"]: int(row["n"]) for row in rows}
    return ImageCounts(
        found=sum(by_status.values()),
        kept=sum(by_status.get(s, 0) for s in KEPT_VALUES),
        duplicates=by_status.get("duplicate", 0),
        approved=by_status.get("approved", 0),
        disqualified=by_status.get("disqualified", 0),
        pending=by_status.get("pending", 0),
        rejected=by_status.get("rejected", 0),
    )
