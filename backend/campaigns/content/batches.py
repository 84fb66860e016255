"""Content batches as rows and responses: counts from their posts, and a batch's end.

A batch is `running` until its job has gone through every post, then `completed`
(each post ready or failed on its own: a failed post never fails the batch), or
`cancelled` when its job was cancelled. Posts a cancelled batch had not written yet
are marked failed ("Cancelled before it was written"), so nothing waits for them and
the review can regenerate them; what was written stays.

A batch whose job ended without the handler saying so (cancelled while queued, or
aborted mid-run) is settled the next time it is read (`settled`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from piccolo.query.functions.aggregate import Count

from backend.campaigns.schemas import BatchOut
from backend.campaigns.tables import CampaignPost, ContentBatch, ContentState
from backend.core.clock import utcnow
from backend.core.convert import to_schema
from backend.core.scoped import scoped
from backend.jobs import service as jobs

BATCH_NOT_FOUND = "Batch not found"
RUNNING, COMPLETED, CANCELLED = "running", "completed", "cancelled"
CANCELLED_REASON = "Cancelled before it was written"


async def batch_row(workspace_id: uuid.UUID, batch_id: uuid.UUID) -> dict[str, Any]:
    """The batch's row; 404 for another workspace's."""
    return await scoped(ContentBatch, workspace_id).get(batch_id, missing=BATCH_NOT_FOUND)


async def counts_by_batch(workspace_id: uuid.UUID, batch_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, dict[str, int]]:
    """Each batch's posts by content state (ready, failed, pending), in one query."""
    counts: dict[uuid.UUID, dict[str, int]] = {b: {s.value: 0 for s in ContentState} for b in batch_ids}
    if not batch_ids:
        return counts
    rows = await (
        scoped(CampaignPost, workspace_id)
        .select(CampaignPost.batch, CampaignPost.content_state, Count(alias="n"))
        .where(CampaignPost.batch.is_in(list(batch_ids)))
        .group_by(CampaignPost.batch, CampaignPost.content_state)
    )
    for row in rows:
        batch = row["batch"] if isinstance(row["batch"], uuid.UUID) else uuid.UUID(str(row["batch"]))
        counts[batch][row["content_state"]] += int(row["n"])
    return counts


def batch_out(row: dict[str, Any], counts: dict[str, int]) -> BatchOut:
    return to_schema(
        row,
        BatchOut,
        campaign_id=row["campaign"],
        done=counts[ContentState.ready.value],
        failed=counts[ContentState.failed.value],
        pending=counts[ContentState.pending.value],
    )


async def batch_outs(workspace_id: uuid.UUID, rows: Sequence[dict[str, Any]]) -> list[BatchOut]:
    rows = await settled(workspace_id, rows)
    counts = await counts_by_batch(workspace_id, [row["id"] for row in rows])
    return [batch_out(row, counts[row["id"]]) for row in rows]


async def settled(workspace_id: uuid.UUID, rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows, with any running batch whose job has ended brought to its end first."""
    fresh = []
    for row in rows:
        if row["status"] == RUNNING and row["job_id"] is not None:
            job = await jobs.get_job(workspace_id, row["job_id"])
            if job.status in ("succeeded", "failed", "cancelled"):
                await finish(workspace_id, row["id"], cancelled=job.status == "cancelled", reason=job.error or "")
                row = await batch_row(workspace_id, row["id"])
        fresh.append(row)
    return fresh


async def start(workspace_id: uuid.UUID, batch_id: uuid.UUID) -> None:
    """The batch's job runs (again, after a retry): the batch is running until it ends."""
    await (
        scoped(ContentBatch, workspace_id)
        .update({ContentBatch.status: RUNNING, ContentBatch.finished_at: None})
        .where(ContentBatch.id == batch_id)
    )


async def finish(workspace_id: uuid.UUID, batch_id: uuid.UUID, *, cancelled: bool = False, reason: str = "") -> None:
    """End the batch: completed, or cancelled. Posts it left unwritten are failed, with why."""
    why = CANCELLED_REASON if cancelled else (f"Not written: {reason}" if reason else "Not written")
    now = utcnow()
    await (
        scoped(CampaignPost, workspace_id)
        .update(
            {
                CampaignPost.content_state: ContentState.failed.value,
                CampaignPost.content_error: why,
                CampaignPost.updated_at: now,
            }
        )
        .where((CampaignPost.batch == batch_id) & (CampaignPost.content_state == ContentState.pending.value))
    )
    await (
        scoped(ContentBatch, workspace_id)
        .update({ContentBatch.status: CANCELLED if cancelled else COMPLETED, ContentBatch.finished_at: now})
        .where((ContentBatch.id == batch_id) & (ContentBatch.status == RUNNING))
    )
