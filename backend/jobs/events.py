"""Progress events: a capped Redis Stream per workspace, read by the SSE endpoints.

The stream id is the SSE event id, so a client reconnecting with
`Last-Event-ID` continues exactly where it stopped.
"""

from __future__ import annotations

import uuid
from typing import Any

import msgspec
from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from backend.core.clock import utcnow
from backend.core.redis import redis_key
from backend.jobs.schemas import JobEvent
from backend.settings import get_settings

_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(JobEvent)
# Reads block at most this long, well inside the client's socket timeout.
READ_BLOCK_MS = 5_000


def stream_key(workspace_id: uuid.UUID) -> str:
    return redis_key("events", str(workspace_id))


def event_from_job(event_type: str, job: dict[str, Any], payload: dict[str, Any] | None = None) -> JobEvent:
    return JobEvent(
        type=event_type,  # type: ignore[arg-type]
        job_id=job["id"],
        kind=job["kind"],
        status=job["status"],
        total=job["total"],
        done=job["done"],
        failed=job["failed"],
        progress=round(float(job["progress"]), 4),
        at=utcnow(),
        parent_id=job.get("parent"),
        payload=payload or {},
    )


def add_to(pipe: Pipeline, workspace_id: uuid.UUID, *batch: JobEvent) -> None:
    """Queue the XADDs of `batch` on a pipeline, so they travel with the caller's other commands."""
    key, max_len = stream_key(workspace_id), get_settings().jobs.events_max_len
    for event in batch:
        pipe.xadd(key, {"data": _encoder.encode(event)}, maxlen=max_len, approximate=True)


async def publish(redis: Redis, workspace_id: uuid.UUID, *batch: JobEvent) -> str:
    """Append events in order (one round trip); returns the last one's stream id.

    Call after the change they report is committed.
    """
    async with redis.pipeline(transaction=False) as pipe:
        add_to(pipe, workspace_id, *batch)
        ids = await pipe.execute()
    last = ids[-1]
    return last.decode() if isinstance(last, bytes) else str(last)


async def latest_id(redis: Redis, workspace_id: uuid.UUID) -> str:
    """Id of the newest event, or "0-0" when the stream is empty."""
    newest = await redis.xrevrange(stream_key(workspace_id), count=1)
    if not newest:
        return "0-0"
    raw_id = newest[0][0]
    return raw_id.decode() if isinstance(raw_id, bytes) else str(raw_id)


async def read_after(
    redis: Redis, workspace_id: uuid.UUID, after_id: str, block_ms: int | None = READ_BLOCK_MS, count: int = 500
) -> list[tuple[str, JobEvent]]:
    """Events after `after_id`, waiting up to `block_ms` for the first one (None: do not wait)."""
    response = await redis.xread({stream_key(workspace_id): after_id}, count=count, block=block_ms)
    events = []
    for _, entries in response or []:
        for raw_id, fields in entries:
            event_id = raw_id.decode() if isinstance(raw_id, bytes) else str(raw_id)
            events.append((event_id, _decoder.decode(fields[b"data"] if b"data" in fields else fields["data"])))
    return events


def encode(event: JobEvent) -> str:
    return _encoder.encode(event).decode()


def encode_bytes(event: JobEvent) -> bytes:
    return _encoder.encode(event)


async def read_range(
    redis: Redis, workspace_id: uuid.UUID, after_id: str, until_id: str, count: int = 500
) -> list[tuple[str, JobEvent]]:
    """Up to `count` events with `after_id` < id <= `until_id`, oldest first (never waits)."""
    entries = await redis.xrange(stream_key(workspace_id), min=f"({after_id}", max=until_id, count=count)
    return [(_text(raw_id), _decoder.decode(fields[b"data"])) for raw_id, fields in entries]


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
