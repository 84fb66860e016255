"""Server-Sent Events over the workspace's progress stream."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import AsyncIterator

from litestar.response import ServerSentEventMessage
from prometheus_client import Gauge
from redis.asyncio import Redis

from backend.core.errors import InvalidInput
from backend.jobs import events, store
from backend.jobs.schemas import TERMINAL_EVENTS
from backend.settings import get_settings

OPEN_STREAMS = Gauge("sellpilot_sse_open_streams", "Server-Sent Event connections open now")
STREAM_ID = re.compile(r"^\d{1,20}-\d{1,20}$")
RECONNECT_AFTER_MS = 1000


def check_last_event_id(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    if not STREAM_ID.match(value):
        raise InvalidInput("Last-Event-ID", "must be an event id this server sent, like 1700000000000-0")
    return value


async def event_stream(
    redis: Redis, workspace_id: uuid.UUID, last_event_id: str | None, job_id: uuid.UUID | None = None
) -> AsyncIterator[ServerSentEventMessage]:
    """Events of the workspace (or of one job and its children), resuming after `last_event_id`.

    A job's stream starts with a `job.snapshot` of its current state when no
    `Last-Event-ID` is given, and ends after the job's final event.
    """
    settings = get_settings().jobs
    OPEN_STREAMS.inc()
    try:
        cursor = last_event_id
        if job_id is not None:
            row = await store.get_row(workspace_id, job_id)
            finished = row["status"] in store.TERMINAL_VALUES
            if cursor is None:
                cursor = await events.latest_id(redis, workspace_id)
                # Read after the cursor was taken: whatever follows it is sent too.
                row = await store.get_row(workspace_id, job_id)
                snapshot = events.event_from_job("job.snapshot", row)
                yield ServerSentEventMessage(data=events.encode(snapshot), event="job.snapshot", id=cursor)
                if row["status"] in store.TERMINAL_VALUES:
                    return
            elif finished:
                # Catch up on what was missed, without waiting for more.
                while batch := await events.read_after(redis, workspace_id, cursor, block_ms=None):
                    for event_id, event in batch:
                        cursor = event_id
                        if job_id in (event.job_id, event.parent_id):
                            yield ServerSentEventMessage(data=events.encode(event), event=event.type, id=event_id)
                return
        elif cursor is None:
            cursor = await events.latest_id(redis, workspace_id)

        deadline = time.monotonic() + settings.sse_max_connection_seconds
        last_sent = time.monotonic()
        async for item in events.follow(redis, workspace_id, cursor):
            if item is not None:
                event_id, event = item
                if job_id is None or job_id in (event.job_id, event.parent_id):
                    yield ServerSentEventMessage(data=events.encode(event), event=event.type, id=event_id)
                    last_sent = time.monotonic()
                    if job_id is not None and event.job_id == job_id and event.type in TERMINAL_EVENTS:
                        return
            if time.monotonic() - last_sent >= settings.sse_heartbeat_seconds:
                yield ServerSentEventMessage(comment="ping")
                last_sent = time.monotonic()
            if time.monotonic() >= deadline:
                # Capped lifetime: the client reconnects with Last-Event-ID and misses nothing.
                yield ServerSentEventMessage(event="reconnect", data="", retry=RECONNECT_AFTER_MS)
                return
    finally:
        OPEN_STREAMS.dec()
