"""The plan's concurrent jobs: how many a workspace has, the one check every new job passes, and its share of workers.

Every job a person starts passes the plan's limit under the workspace's lock:
`store.create_job` reads the limit and counts in its INSERT (PostgreSQL; the
lock is taken in that statement), `service.retry_job` calls `ensure_job_capacity` under
`lock_workspace_jobs`; a 402 names the limit, so no kind can slip past it.
The jobs count is registered in `core.quotas` for billing's usage page.
"""

from __future__ import annotations

import time
import uuid

from backend import db
from backend.billing import service as billing
from backend.core import quotas
from backend.core.quotas import Resource
from backend.core.scoped import across_workspaces, scoped
from backend.jobs.tables import TERMINAL, Job, JobStatus
from backend.settings import get_settings

WAITING_ASIDE = [*(s.value for s in TERMINAL), JobStatus.paused.value]
# The statuses that take one of the plan's concurrent jobs; PostgreSQL's partial index `jobs_unfinished`
# and `jobs_unfinished_locked` name the same ones (see their migration), so the count reads only these rows.
HOLDING_A_SLOT = [status.value for status in JobStatus if status.value not in WAITING_ASIDE]


async def count_unfinished(workspace_id: uuid.UUID) -> int:
    """Jobs the workspace started that are not finished (the plan's concurrent-jobs figure).

    Paused ones wait aside; a fan-out's children count as their parent. (A job
    start on PostgreSQL counts the same in `jobs_unfinished_locked`.)
    """
    return int(await scoped(Job, workspace_id).count().where(Job.parent.is_null() & Job.status.is_in(HOLDING_A_SLOT)))


quotas.register(Resource.concurrent_jobs, count_unfinished)


# The concurrent jobs the workspace's plan allows, as SQL (`{workspace}`, and `{}` for the time now): a job
# start's INSERT reads the plan itself, afresh, so a plan change applies to the next job.
JOB_LIMIT_SQL = billing.limit_sql(Resource.concurrent_jobs)


async def ensure_job_capacity(workspace_id: uuid.UUID) -> None:
    """402 naming the limit when the workspace's plan has no concurrent job left."""
    await billing.ensure_capacity(workspace_id, Resource.concurrent_jobs, await count_unfinished(workspace_id))


async def lock_workspace_jobs(workspace_id: uuid.UUID) -> None:
    """Serialise job starts of one workspace until the transaction ends, so racing requests cannot
    both take the last slot (SQLite's write lock already serialises)."""
    if db.is_postgres():
        # Locks a key, not rows: no table is read, so no workspace filter to apply.
        await across_workspaces(Job).raw("SELECT pg_advisory_xact_lock(hashtext({}))", f"jobs:{workspace_id}")


# A worker asks for the share of every job it runs: the answer is kept this long in the
# process, so a plan change reaches the workers' turns within it (the 402 at enqueue is exact).
SHARE_TTL_SECONDS = 5.0
_MAX_SHARES_KEPT = 10_000
_shares: dict[uuid.UUID, tuple[float, int]] = {}


async def running_share(workspace_id: uuid.UUID) -> int:
    """Jobs of the workspace that may run at once over all workers (see `fairness`)."""
    now = time.monotonic()
    kept = _shares.get(workspace_id)
    if kept is not None and kept[0] > now:
        return kept[1]
    plan = await billing.effective_plan(workspace_id)
    share = max(1, min(plan.limits[Resource.concurrent_jobs], get_settings().jobs.max_jobs_per_workspace))
    if len(_shares) >= _MAX_SHARES_KEPT:
        _shares.clear()
    _shares[workspace_id] = (now + SHARE_TTL_SECONDS, share)
    return share
