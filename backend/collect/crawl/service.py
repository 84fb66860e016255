"""Crawl control: start (and start again after a stop), stop, retry the failed chunks; progress.

Status: draft → running ⇄ stopped → completed | failed (failed → running by retry).
Jobs are sent after the status change is written, so a worker never finds the
collection in its old state.
"""

from __future__ import annotations

import uuid
from typing import Any

from arq.connections import ArqRedis

from backend.collect import service as core
from backend.collect.crawl import chunks
from backend.collect.crawl.runner import CRAWL_KIND
from backend.collect.review.images import image_counts
from backend.collect.schemas import ChunkCounts, ChunkOut, CollectionOut, ProgressOut
from backend.collect.tables import ChunkStatus, Collection, CollectionStatus, CrawlChunk
from backend.core.clock import utcnow
from backend.core.convert import to_schema
from backend.core.errors import Conflict
from backend.jobs import service as jobs

S = CollectionStatus


async def start(
    redis: ArqRedis, workspace_id: uuid.UUID, collection_id: uuid.UUID, user_id: uuid.UUID | None
) -> CollectionOut:
    """A draft starts its crawl; a stopped collection continues where it stopped (nothing fetched twice)."""
    row = await core.collection_row(workspace_id, collection_id)
    status = row["status"]
    if status == S.running.value:
        return core.collection_out(row)
    if status not in (S.draft.value, S.stopped.value):
        hint = "retry its failed chunks" if status == S.failed.value else "raise its maximum and start a new one"
        raise Conflict(f"The collection is {status}; only a draft or a stopped one starts ({hint})")
    if row["account_id"] is None:
        raise Conflict("The collection has no platform account to crawl with: set account_id first")
    values: dict[str, Any] = {"status": S.running.value, "status_reason": "", "finished_at": None}
    if status == S.draft.value:
        values["started_at"] = utcnow()
    if not await core.update(workspace_id, collection_id, values, Collection.status == status):
        raise Conflict("The collection changed meanwhile; reload it")
    if status == S.stopped.value and row["job_id"] is not None:
        await jobs.resume_jobs(redis, workspace_id, await _job_ids(workspace_id, row))
        return await core.get_collection(workspace_id, collection_id)
    try:
        job = await jobs.enqueue(
            redis,
            workspace_id,
            CRAWL_KIND,
            {"collection_id": str(collection_id)},
            idempotency_key=f"collect:{collection_id}:crawl",
            created_by=user_id,
        )
    except Exception:
        # Not started after all (e.g. the plan's concurrent jobs are taken): back to where it was.
        await core.update(workspace_id, collection_id, {"status": status}, Collection.status == S.running.value)
        raise
    await core.update(workspace_id, collection_id, {"job_id": job.id})
    return await core.get_collection(workspace_id, collection_id)


async def stop(redis: ArqRedis, workspace_id: uuid.UUID, collection_id: uuid.UUID) -> CollectionOut:
    """Running chunks finish the image in hand and wait; waiting chunks are held until start."""
    row = await core.collection_row(workspace_id, collection_id)
    if row["status"] == S.stopped.value:
        return core.collection_out(row)
    if row["status"] != S.running.value:
        raise Conflict(f"The collection is {row['status']}; only a running one stops")
    values = {"status": S.stopped.value, "status_reason": "Stopped by a person"}
    if not await core.update(workspace_id, collection_id, values, Collection.status == S.running.value):
        raise Conflict("The collection changed meanwhile; reload it")
    await jobs.pause_jobs(redis, workspace_id, await _job_ids(workspace_id, row), "The collection is stopped")
    return await core.get_collection(workspace_id, collection_id)


async def retry(redis: ArqRedis, workspace_id: uuid.UUID, collection_id: uuid.UUID) -> CollectionOut:
    """Run the failed chunks again (only those); a crawl that failed before planning starts over."""
    row = await core.collection_row(workspace_id, collection_id)
    if row["status"] != S.failed.value:
        raise Conflict(f"The collection is {row['status']}; only a failed one is retried")
    failed = await chunks.chunks_of(workspace_id, collection_id, CrawlChunk.status == ChunkStatus.failed.value)
    values = {"status": S.running.value, "status_reason": "", "finished_at": None}
    if not await core.update(workspace_id, collection_id, values, Collection.status == S.failed.value):
        raise Conflict("The collection changed meanwhile; reload it")
    if not failed and row["job_id"] is not None:
        await jobs.retry_job(redis, workspace_id, row["job_id"])
        return await core.get_collection(workspace_id, collection_id)
    for chunk in failed:
        await chunks.update_chunk(workspace_id, chunk["id"], status=ChunkStatus.waiting.value, error="")
        if chunk["job_id"] is not None:
            try:
                await jobs.retry_job(redis, workspace_id, chunk["job_id"])
            except Conflict:
                continue  # its job is not failed (retried meanwhile): it runs anyway
    return await core.get_collection(workspace_id, collection_id)


async def _job_ids(workspace_id: uuid.UUID, row: dict[str, Any]) -> list[uuid.UUID]:
    """The crawl's parent job and every chunk's job."""
    ids = [c["job_id"] for c in await chunks.chunks_of(workspace_id, row["id"]) if c["job_id"] is not None]
    return ([row["job_id"]] if row["job_id"] is not None else []) + ids


async def progress(workspace_id: uuid.UUID, collection_id: uuid.UUID) -> ProgressOut:
    row = await core.collection_row(workspace_id, collection_id)
    chunk_rows = await chunks.chunks_of(workspace_id, collection_id)
    counts = ChunkCounts(total=len(chunk_rows))
    for chunk in chunk_rows:
        setattr(counts, chunk["status"], getattr(counts, chunk["status"]) + 1)
    return ProgressOut(
        collection_id=collection_id,
        status=row["status"],
        status_reason=row["status_reason"],
        max_images=row["max_images"],
        chunks=counts,
        images=await image_counts(workspace_id, collection_id),
        chunk_list=[to_schema(chunk, ChunkOut) for chunk in chunk_rows],
    )
