"""Job records, events and statistics as the API shows them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

import msgspec

JobStatusName = Literal["pending", "running", "succeeded", "failed", "cancelled", "retrying", "paused"]
EventType = Literal[
    "job.snapshot",
    "job.created",
    "job.started",
    "job.progress",
    "job.item",
    "job.note",
    "job.retrying",
    "job.succeeded",
    "job.failed",
    "job.cancelled",
    "job.paused",
    "job.resumed",
]
TERMINAL_EVENTS = frozenset({"job.succeeded", "job.failed", "job.cancelled"})


class JobOut(msgspec.Struct):
    id: uuid.UUID
    workspace_id: uuid.UUID
    kind: str
    status: JobStatusName
    total: int
    done: int
    failed: int
    progress: float
    """0–1: share of items finished (done or failed), or of child jobs for a fan-out parent."""
    attempts: int
    max_attempts: int
    error: str | None
    result: Any
    parent_id: uuid.UUID | None
    idempotency_key: str | None
    account_id: uuid.UUID | None
    """The platform account the job acts through, if any."""
    listing_id: uuid.UUID | None
    """The listing the job acts on (a publish), if any."""
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class JobItemOut(msgspec.Struct):
    """One unit of a job's work and how it ended."""

    key: str
    """The handler's name for the item (a proxy id, `item-0003`…), unique in the job."""
    label: str
    """What a person recognises it by (a proxy's host:port, a photo's file name); the key when nothing better."""
    status: Literal["done", "failed"]
    error: str | None
    """Why it failed, for a person (one line, capped); None when done."""
    result: Any
    """What it produced, as the job kind stores it (an analyze item: `listing_id` and `title` of its draft)."""
    created_at: datetime


class JobEvent(msgspec.Struct, omit_defaults=True):
    """One line of a workspace's progress stream (the SSE `data:`).

    The SSE endpoints document their 200 as this type, so `type` and `status`
    reach the OpenAPI schema as enums and the SPA's generated types follow them.
    """

    type: EventType
    """Also the SSE `event:` name. `job.paused` means waiting for a person (the account needs attention);
    `job.resumed` sends it back to the workers (status pending)."""
    job_id: uuid.UUID
    kind: str
    status: JobStatusName
    total: int
    done: int
    failed: int
    progress: float
    at: datetime
    parent_id: uuid.UUID | None = None
    payload: dict[str, Any] = msgspec.field(default_factory=dict)
    """Small, event-specific: `key`, `ok` and `result` or `error` for job.item; for job.note, what the job
    kind reports between items (its `type` names it, e.g. collect's `image_found`); `attempt` for job.started;
    `error` (and `in_seconds`) for job.retrying; `error` for job.failed; `reason` for
    job.paused; `retry` for job.created by a retry; empty otherwise."""


class RetryFailedRequest(msgspec.Struct, forbid_unknown_fields=True):
    kind: str = msgspec.field()
    """Retry every failed job of this kind in the workspace."""


class RetryFailedResponse(msgspec.Struct):
    retried: list[uuid.UUID]


class KindStatistics(msgspec.Struct):
    kind: str
    counts: dict[str, int]
    mean_duration_seconds: float | None
    success_rate: float | None


class JobStatistics(msgspec.Struct):
    counts: dict[str, int]
    """Jobs by status."""
    total: int
    mean_duration_seconds: float | None
    """Mean of finished jobs' run time (started → finished)."""
    success_rate: float | None
    """succeeded / (succeeded + failed); cancelled jobs are left out."""
    by_kind: list[KindStatistics]


class JobFailureGroupOut(msgspec.Struct):
    """Failed jobs of one kind whose errors start alike (the first characters of the error)."""

    kind: str
    reason: str
    count: int
    last_failed_at: datetime | None


class WorkerHeartbeatOut(msgspec.Struct):
    worker_id: str
    last_beat_at: datetime
    alive: bool
    """A beat within the last three heartbeat intervals."""
    running_jobs: int


class PendingKindOut(msgspec.Struct):
    kind: str
    pending: int
    """Jobs waiting to run (pending or retrying) over every workspace."""


class JobQueueOut(msgspec.Struct):
    queue_depth: int
    """Jobs waiting in arq's queue in Redis (dispatched, not yet taken by a worker)."""
    pending_by_kind: list[PendingKindOut]
    workers: list[WorkerHeartbeatOut]
