"""Fan-out jobs: a parent's counters are its children's, and it finishes when they all have."""

from __future__ import annotations

import uuid
from typing import Any

from arq.connections import ArqRedis

from backend import db
from backend.core.clock import utcnow
from backend.core.scoped import scoped
from backend.jobs import events, store
from backend.jobs.tables import Job, JobStatus


async def _row(workspace_id: uuid.UUID, job_id: uuid.UUID) -> dict[str, Any]:
    row: dict[str, Any] | None = await store.jobs_of(workspace_id).where(Job.id == job_id).first()
    if row is None:
        raise LookupError(f"job {job_id} vanished")
    return row


async def roll_up_parent(redis: ArqRedis, workspace_id: uuid.UUID, parent_id: uuid.UUID) -> None:
    """A fan-out parent's counters are its children's; it finishes when they all have.

    Roll-ups of one parent are serialised on its row, so two children finishing
    at once cannot both miss the other and leave the parent running.
    """
    async with db.transaction():
        await store.lock_job(workspace_id, parent_id)
        jobs = scoped(Job, workspace_id)
        children = await jobs.select(Job.status, Job.progress).where(Job.parent == parent_id)
        parent = await _row(workspace_id, parent_id)
        if not children or parent["status"] in store.TERMINAL_VALUES:
            return
        total = len(children)
        succeeded = sum(c["status"] == JobStatus.succeeded.value for c in children)
        failed = sum(c["status"] in (JobStatus.failed.value, JobStatus.cancelled.value) for c in children)
        progress = sum(1.0 if c["status"] in store.TERMINAL_VALUES else float(c["progress"]) for c in children)
        changes: dict[Any, Any] = {
            Job.total: total,
            Job.done: succeeded,
            Job.failed: failed,
            Job.progress: progress / total,
        }
        final: JobStatus | None = None
        if succeeded + failed == total and parent["status"] == JobStatus.running.value:
            final = JobStatus.failed if failed else JobStatus.succeeded
            changes.update(
                {
                    Job.status: final.value,
                    Job.finished_at: utcnow(),
                    Job.error: f"{failed} of {total} child jobs failed" if failed else None,
                    Job.result: {"children": total, "succeeded": succeeded, "failed": failed},
                }
            )
            if final is JobStatus.succeeded:
                changes[Job.progress] = 1.0
        await jobs.update(changes).where(Job.id == parent_id)
    parent = await _row(workspace_id, parent_id)
    await events.publish(redis, workspace_id, events.event_from_job("job.progress", parent))
    if final is not None:
        payload = {"error": parent["error"]} if parent["error"] else {}
        await events.publish(redis, workspace_id, events.event_from_job(f"job.{final.value}", parent, payload))
        if parent["parent"] is not None:
            await roll_up_parent(redis, workspace_id, parent["parent"])
