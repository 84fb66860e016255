"""The plan's concurrent jobs count only the jobs holding a slot, however long the workspace's history."""

from __future__ import annotations

import importlib.util
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from backend.core.errors import PaymentRequired
from backend.core.scoped import scoped
from backend.jobs import capacity, store
from backend.jobs.tables import Job, JobStatus
from tests.helpers import register
from tests.jobs.helpers import enqueue

MIGRATION = Path(__file__).resolve().parents[2] / "migrations/jobs/jobs_2026_12_01t21_30_00_000000_unfinished.py"


async def _set_status(workspace: uuid.UUID, job_id: uuid.UUID, status: JobStatus) -> None:
    await scoped(Job, workspace).update({Job.status: status.value}).where(Job.id == job_id)


async def test_finished_paused_and_child_jobs_leave_the_plans_slots_free(app: Any, client: httpx.AsyncClient) -> None:
    account = await register(client)  # the free plan: 2 jobs at once
    workspace = uuid.UUID(account.workspace_id)
    # A history: a job of every status that holds no slot, and a pending child of a finished parent.
    for status in (JobStatus.succeeded, JobStatus.failed, JobStatus.cancelled, JobStatus.paused):
        row, _ = await store.create_job(workspace, "test.count", {})
        await _set_status(workspace, row["id"], status)
    parent, _ = await store.create_job(workspace, "test.count", {})
    await _set_status(workspace, parent["id"], JobStatus.succeeded)
    await store.create_job(workspace, "test.count", {}, parent_id=parent["id"])
    assert await capacity.count_unfinished(workspace) == 0

    running = await enqueue(app, account.workspace_id, "test.count", {})
    retrying = await enqueue(app, account.workspace_id, "test.count", {})
    await _set_status(workspace, running.id, JobStatus.running)
    await _set_status(workspace, retrying.id, JobStatus.retrying)
    with pytest.raises(PaymentRequired, match="concurrent jobs: 2 of 2"):
        await enqueue(app, account.workspace_id, "test.count", {})

    await _set_status(workspace, running.id, JobStatus.cancelled)  # one slot comes free
    await enqueue(app, account.workspace_id, "test.count", {})  # pending: it holds the slot again
    with pytest.raises(PaymentRequired):
        await enqueue(app, account.workspace_id, "test.count", {})
    assert await capacity.count_unfinished(workspace) == 2


def test_postgresqls_count_names_the_same_statuses_as_the_python_count() -> None:
    # The partial index and the SQL function list the statuses as literals (an index can only match those).
    spec = importlib.util.spec_from_file_location("unfinished_migration", MIGRATION)
    assert spec is not None
    assert spec.loader is not None
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    named = {status.strip(" '") for status in migration.HOLDING_A_SLOT.strip("()").split(",")}
    assert named == set(capacity.HOLDING_A_SLOT) == {"pending", "running", "retrying"}
