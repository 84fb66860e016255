"""Retention of the engine's records: finished jobs (with their items and children) and old progress events.

Run daily by the maintenance cron (`backend/admin/maintenance.py`). A job is removed only
when it finished (succeeded, failed or cancelled) before the cutoff, and a fan-out parent
only together with its whole tree, once every descendant finished before the cutoff too:
a parent still waiting for a running child stays, and so does a child whose parent is
not done. Each run removes at most `limit` trees, so it is bounded and can be repeated.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from redis.asyncio import Redis

from backend import db
from backend.core.redis import redis_key
from backend.core.scoped import across_workspaces
from backend.jobs.tables import TERMINAL, Job, JobItem

TERMINAL_VALUES = [s.value for s in TERMINAL]
# Ids per IN (...) list: well under both databases' limits on bound values.
CHUNK = 500
# Candidate trees looked at per run, as a multiple of the limit: trees held back by an
# unfinished descendant are skipped, and the next run looks again.
SCAN_FACTOR = 4


@dataclass
class PrunedJobs:
    jobs: int = 0
    """Job rows deleted (the trees' parents and children)."""
    items: int = 0
    trees: int = 0
    """Top-level jobs deleted, each with its children."""
    held_back: int = 0
    """Old finished top-level jobs kept because a descendant is unfinished or too recent."""
    workspaces: set[uuid.UUID] = field(default_factory=set)


def _prunable(row: dict[str, Any], before: datetime) -> bool:
    return row["status"] in TERMINAL_VALUES and row["finished_at"] is not None and row["finished_at"] < before


async def prune_finished(before: datetime, limit: int) -> PrunedJobs:
    """Delete up to `limit` job trees whose every job finished before `before`, oldest first, with their items."""
    report = PrunedJobs()
    if limit < 1:
        return report
    # Retention is the deployment's, not one workspace's: old jobs of every workspace go.
    roots = (
        await across_workspaces(Job)
        .select(Job.id, Job.workspace)
        .where(Job.parent.is_null() & Job.status.is_in(TERMINAL_VALUES) & (Job.finished_at < before))
        .order_by(Job.finished_at)
        .order_by(Job.id)
        .limit(limit * SCAN_FACTOR)
    )
    root_of: dict[uuid.UUID, uuid.UUID] = {row["id"]: row["id"] for row in roots}
    workspace_of = {row["id"]: row["workspace"] for row in roots}
    blocked: set[uuid.UUID] = set()
    generations = [list(root_of)]
    while generations[-1]:  # the trees' descendants, one generation at a time
        level = []
        for child in await _children_of(generations[-1]):
            root = root_of[child["parent"]]
            root_of[child["id"]] = root
            if not _prunable(child, before):
                blocked.add(root)
            level.append(child["id"])
        generations.append(level)
    chosen = [row["id"] for row in roots if row["id"] not in blocked][:limit]
    report.held_back = len([root for root in blocked if root in workspace_of])
    chosen_set = set(chosen)
    # Youngest generation first: no delete cascades from a parent to a child (each row is counted).
    doomed = [[job for job in level if root_of[job] in chosen_set] for level in reversed(generations)]
    if not chosen:
        return report
    async with db.transaction():
        for ids in _chunks([job for level in doomed for job in level]):
            # The same sweep: the items of the jobs chosen above, whatever their workspace.
            deleted = await across_workspaces(JobItem).delete().where(JobItem.job.is_in(ids)).returning(JobItem.id)
            report.items += len(deleted)
        for level in doomed:
            for ids in _chunks(level):
                deleted = await across_workspaces(Job).delete().where(Job.id.is_in(ids)).returning(Job.id)
                report.jobs += len(deleted)
    report.trees = len(chosen)
    report.workspaces = {workspace_of[root] for root in chosen}
    return report


def _chunks(ids: list[uuid.UUID]) -> list[list[uuid.UUID]]:
    return [ids[start : start + CHUNK] for start in range(0, len(ids), CHUNK)]


async def _children_of(parents: list[uuid.UUID]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for start in range(0, len(parents), CHUNK):
        # The descendants of the trees the sweep above found, whatever their workspace.
        found += (
            await across_workspaces(Job)
            .select(Job.id, Job.parent, Job.status, Job.finished_at)
            .where(Job.parent.is_in(parents[start : start + CHUNK]))
        )
    return found


@dataclass
class TrimmedStreams:
    events: int = 0
    """Progress events older than the cutoff removed from the workspaces' streams."""
    streams_deleted: int = 0
    """Streams left empty (every event past retention, e.g. a deleted workspace's) and removed."""


async def trim_event_streams(redis: Redis, before: datetime, limit: int) -> TrimmedStreams:
    """Drop progress events older than `before` from every workspace's stream (a capped Redis Stream each).

    A stream left empty is deleted. At most `limit` streams are changed per run; one with
    nothing that old is not counted, so a repeat run changes nothing.
    """
    report = TrimmedStreams()
    min_id = f"{int(before.timestamp() * 1000)}-0"  # stream ids start with their time in ms
    changed = 0
    async for raw_key in redis.scan_iter(match=stream_key_pattern(), count=500, _type="stream"):
        if changed >= limit:
            break
        key = raw_key.decode() if isinstance(raw_key, bytes) else str(raw_key)
        removed = int(await redis.xtrim(key, minid=min_id, approximate=False))
        if removed:
            report.events += removed
        # Deleted only if empty, checked in Redis: an event added meanwhile keeps the stream.
        if await redis.eval(_DELETE_IF_EMPTY, 1, key):  # type: ignore[misc]
            report.streams_deleted += 1
            removed = removed or 1
        changed += bool(removed)
    return report


def stream_key_pattern() -> str:
    """Every workspace's stream (`events.stream_key`); the scan asks for streams only."""
    return redis_key("events", "*")


_DELETE_IF_EMPTY = """
if redis.call('XLEN', KEYS[1]) == 0 then return redis.call('DEL', KEYS[1]) end
return 0
"""
