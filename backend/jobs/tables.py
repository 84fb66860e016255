"""Job records (the source of truth for every long operation) and the items they produce."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import JSON, UUID, ForeignKey, Integer, OnDelete, Real, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from backend.auth.tables import Workspace


class JobStatus(StrEnum):
    pending = "pending"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    cancelled = "cancelled"
    retrying = "retrying"
    # Waiting for a person (e.g. its platform account hit a challenge); resumed, not failed.
    paused = "paused"


TERMINAL = frozenset({JobStatus.succeeded, JobStatus.failed, JobStatus.cancelled})


class Job(Table, tablename="jobs"):
    id = UUID(primary_key=True)
    workspace = ForeignKey(Workspace, null=False, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=64, index=True)
    status = Varchar(length=16, choices=JobStatus, default=JobStatus.pending.value, index=True)
    payload = JSON(default="{}")
    total = Integer(default=0)
    done = Integer(default=0)
    failed = Integer(default=0)
    progress = Real(default=0.0)
    attempts = Integer(default=0)
    # Times this job was handed to arq; names the arq job (`<id>:<dispatches>`),
    # so a re-send of the same dispatch is de-duplicated by arq.
    dispatches = Integer(default=0)
    # When the current dispatch was sent; the sweeper re-sends a retry lost with Redis only after a grace.
    dispatched_at = Timestamptz(null=True, default=None)
    # The worker running it (its heartbeat id): a dead worker's jobs are sent to the others.
    worker_id = Varchar(length=200, null=True, default=None)
    max_attempts = Integer(default=3)
    error = Text(null=True, default=None)
    result = JSON(null=True, default=None)
    # Self-reference by name: fan-out parents and their children.
    parent: ForeignKey[Job] = ForeignKey("self", null=True, on_delete=OnDelete.cascade, index=True)
    idempotency_key = Varchar(length=200, null=True, default=None)
    # The platform account a job acts through: its work pauses and resumes with the account.
    account = UUID(null=True, default=None, index=True)
    created_by = UUID(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    started_at = Timestamptz(null=True, default=None)
    finished_at = Timestamptz(null=True, default=None)
    # Unique (workspace, idempotency_key): a unique index made by the migration.


class JobItem(Table, tablename="job_items"):
    """One unit of a job's work. Unique on (job, key), so a re-run never duplicates an item."""

    id = UUID(primary_key=True)
    job = ForeignKey(Job, null=False, on_delete=OnDelete.cascade, index=True)
    workspace = ForeignKey(Workspace, null=False, on_delete=OnDelete.cascade)
    key = Varchar(length=200)
    ok = Varchar(length=8)  # "ok" or "failed"
    result = JSON(null=True, default=None)
    error = Text(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
