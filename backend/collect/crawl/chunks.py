"""A crawl's chunks: planned once per stream, updated by their jobs, and how a collection ends.

A stream is what one source reads for one keyword (or the warm-up board): its results in
the platform's order. Chunk i of a stream covers its results [i * size, (i + 1) * size);
the chunks of a stream together cover a little more than the collection's maximum, since
duplicates and refused images are not kept. A chunk past the end of the results finds nothing.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from typing import Any

from piccolo.query.functions.aggregate import Count

from backend import db
from backend.collect import service as core
from backend.collect.tables import ChunkStatus, Collection, CollectionStatus, CrawlChunk
from backend.core.clock import utcnow
from backend.core.scoped import scoped

# Results read per image kept: room for duplicates and refused images.
OVERFETCH = 1.5
# Chunks planned per stream at most (a stream rarely has more pages than this).
MAX_CHUNKS_PER_STREAM = 200


@dataclass(frozen=True)
class Stream:
    source: str
    keyword: str
    seed: str
    """The keyword (search), an item id (more like this) or the board id (board ideas)."""
    page_size: int
    """Results on one of the platform's pages (learnt from its first page)."""
    known_total: int | None
    """How many results there are, when the first page was the last one."""


def chunk_key(stream: Stream, index: int) -> str:
    name = f"{stream.source}:{stream.keyword}" if stream.keyword else stream.source
    return f"{name}:{index}"[:200]


def plan(collection: dict[str, Any], streams: list[Stream]) -> list[tuple[Stream, int]]:
    """(stream, chunk index) for every chunk of the crawl, interleaved across streams (chunk 0 of each first)."""
    size = int(collection["chunk_size"])
    wanted = math.ceil(collection["max_images"] * OVERFETCH / max(1, len(streams)) / size)
    counts = []
    for stream in streams:
        n = wanted if stream.known_total is None else math.ceil(stream.known_total / size)
        counts.append(min(MAX_CHUNKS_PER_STREAM, n))
    longest = max(counts, default=0)
    return [
        (stream, index)
        for index in range(longest)
        for stream, count in zip(streams, counts, strict=True)
        if index < count
    ]


async def save_plan(
    workspace_id: uuid.UUID, collection: dict[str, Any], planned: list[tuple[Stream, int]]
) -> list[dict[str, Any]]:
    """Insert the planned chunks (a key already planned is kept as it is); every chunk of the collection."""
    size = int(collection["chunk_size"])
    rows = [
        CrawlChunk(
            workspace=workspace_id,
            collection=collection["id"],
            key=chunk_key(stream, index),
            source=stream.source,
            keyword=stream.keyword,
            seed=stream.seed,
            start=index * size,
            size=size,
            page_size=max(1, stream.page_size),
        )
        for stream, index in planned
    ]
    for at in range(0, len(rows), 500):
        await CrawlChunk.insert(*rows[at : at + 500]).on_conflict(action="DO NOTHING")
    return await chunks_of(workspace_id, collection["id"])


async def chunks_of(workspace_id: uuid.UUID, collection_id: uuid.UUID, *condition: Any) -> list[dict[str, Any]]:
    where = CrawlChunk.collection == collection_id
    for extra in condition:
        where &= extra
    rows: list[dict[str, Any]] = await (
        scoped(CrawlChunk, workspace_id).select().where(where).order_by(CrawlChunk.created_at, CrawlChunk.start)
    )
    return rows


async def chunk_row(workspace_id: uuid.UUID, chunk_id: uuid.UUID) -> dict[str, Any] | None:
    row: dict[str, Any] | None = (
        await scoped(CrawlChunk, workspace_id).select().where(CrawlChunk.id == chunk_id).first()
    )
    return row


async def update_chunk(workspace_id: uuid.UUID, chunk_id: uuid.UUID, **values: Any) -> None:
    columns: dict[Any, Any] = {getattr(CrawlChunk, name): value for name, value in values.items()}
    columns[CrawlChunk.updated_at] = utcnow()
    await scoped(CrawlChunk, workspace_id).update(columns).where(CrawlChunk.id == chunk_id)


async def count_outcome(workspace_id: uuid.UUID, chunk_id: uuid.UUID, outcome: str) -> None:
    """One more image found by the chunk, and `outcome` ("kept", "duplicates" or "" for neither)."""
    columns: dict[Any, Any] = {CrawlChunk.found: CrawlChunk.found + 1}
    if outcome:
        column = getattr(CrawlChunk, outcome)
        columns[column] = column + 1
    await scoped(CrawlChunk, workspace_id).update(columns).where(CrawlChunk.id == chunk_id)


async def chunk_counts(workspace_id: uuid.UUID, collection_id: uuid.UUID) -> dict[str, int]:
    rows = await (
        scoped(CrawlChunk, workspace_id)
        .select(CrawlChunk.status, Count(alias="n"))
        .where(CrawlChunk.collection == collection_id)
        .group_by(CrawlChunk.status)
    )
    return {row["status"]: int(row["n"]) for row in rows}


async def _lock_collection(workspace_id: uuid.UUID, collection_id: uuid.UUID) -> None:
    """Hold the collection's row until the transaction ends (SQLite's write lock already serialises)."""
    if db.is_postgres():
        sql = "SELECT id FROM collect_collections WHERE workspace = {workspace} AND id = {} FOR UPDATE"
        await scoped(Collection, workspace_id).raw(sql, collection_id)


async def finish_if_done(workspace_id: uuid.UUID, collection_id: uuid.UUID) -> str | None:
    """Once no chunk waits or runs, a running collection ends: completed, or failed when chunks failed.

    Serialised on the collection's row, so two chunks ending at once cannot both miss the other.
    Returns the new status, if it changed.
    """
    async with db.transaction():
        await _lock_collection(workspace_id, collection_id)
        row = await core.collection_row(workspace_id, collection_id)
        if row["status"] != CollectionStatus.running.value:
            return None
        counts = await chunk_counts(workspace_id, collection_id)
        if counts.get(ChunkStatus.waiting.value) or counts.get(ChunkStatus.running.value):
            return None
        failed = counts.get(ChunkStatus.failed.value, 0)
        if failed:
            status, reason = CollectionStatus.failed, f"{failed} chunk(s) failed: retry to run them again"
        elif row["kept"] >= row["max_images"]:
            status, reason = CollectionStatus.completed, f"Kept its {row['max_images']} images"
        else:
            status, reason = CollectionStatus.completed, f"Ran out of results with {row['kept']} images kept"
        values = {"status": status.value, "status_reason": reason, "finished_at": utcnow()}
        await core.update(workspace_id, collection_id, values)
        return status.value


async def reserve_slot(workspace_id: uuid.UUID, collection_id: uuid.UUID) -> bool:
    """Count one more kept image, unless the collection has its maximum: one conditional statement,
    so chunks running at once can never keep more than the maximum."""
    rows = await (
        scoped(Collection, workspace_id)
        .update({Collection.kept: Collection.kept + 1})
        .where((Collection.id == collection_id) & (Collection.kept < Collection.max_images))
        .returning(Collection.kept)
    )
    return bool(rows)


async def release_slot(workspace_id: uuid.UUID, collection_id: uuid.UUID) -> None:
    """Give back a slot reserved for an image that was not kept after all."""
    await (
        scoped(Collection, workspace_id)
        .update({Collection.kept: Collection.kept - 1})
        .where((Collection.id == collection_id) & (Collection.kept > 0))
    )
