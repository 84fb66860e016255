"""Server-Sent Events over the workspace's progress stream, fed by the process's shared reader."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterator

from litestar.response import ServerSentEvent
from litestar.response.streaming import Stream
from litestar.types import ResponseHeaders
from prometheus_client import Gauge
from redis.asyncio import Redis

from backend.core.errors import InvalidInput
from backend.jobs import events, store
from backend.jobs.schemas import TERMINAL_EVENTS, JobEvent
from backend.jobs.stream_hub import StreamHub, get_hub, make_frame, order
from backend.settings import get_settings

OPEN_STREAMS = Gauge(
    "sellpilot_sse_open_streams", "Server-Sent Event connections open now", multiprocess_mode="livesum"
)
STREAM_ID = re.compile(r"^\d{1,20}-\d{1,20}$")
RECONNECT_AFTER_MS = 1000
PING = b": ping\r\n\r\n"
# Ends a stream: the client reconnects after `retry` ms with Last-Event-ID and misses nothing.
RECONNECT = b"event: reconnect\r\ndata: \r\nretry: %d\r\n\r\n" % RECONNECT_AFTER_MS


class EventStream(ServerSentEvent):
    """A text/event-stream whose messages arrive encoded (each frame is encoded once for all subscribers)."""

    def __init__(self, content: AsyncIterator[bytes], *, headers: ResponseHeaders | None = None) -> None:
        Stream.__init__(self, content, media_type="text/event-stream", headers=headers)
        self.headers.setdefault("Cache-Control", "no-cache")
        self.headers["Connection"] = "keep-alive"
        self.headers["X-Accel-Buffering"] = "no"


def check_last_event_id(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    if not STREAM_ID.match(value):
        raise InvalidInput("Last-Event-ID", "must be an event id this server sent, like 1700000000000-0")
    return value


async def event_stream(
    redis: Redis,
    workspace_id: uuid.UUID,
    last_event_id: str | None,
    job_id: uuid.UUID | None = None,
    hub: StreamHub | None = None,
) -> AsyncIterator[bytes]:
    """Events of the workspace (or of one job and its children), resuming after `last_event_id`.

    A job's stream starts with a `job.snapshot` of its current state when no
    `Last-Event-ID` is given, and ends after the job's final event.
    """
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
                yield make_frame(cursor, events.event_from_job("job.snapshot", row)).data
                if row["status"] in store.TERMINAL_VALUES:
                    return
            elif finished:
                # Catch up on what was missed, without waiting for more.
                while batch := await events.read_after(redis, workspace_id, cursor, block_ms=None):
                    for event_id, event in batch:
                        cursor = event_id
                        if _wanted(event, job_id):
                            yield make_frame(event_id, event).data
                return
        async for message in _live(redis, hub or get_hub(), workspace_id, cursor, job_id):
            yield message
    finally:
        OPEN_STREAMS.dec()


def _wanted(event: JobEvent, job_id: uuid.UUID | None) -> bool:
    return job_id is None or job_id in (event.job_id, event.parent_id)


def _ends(event: JobEvent, job_id: uuid.UUID | None) -> bool:
    return job_id is not None and event.job_id == job_id and event.type in TERMINAL_EVENTS


async def _live(
    redis: Redis, hub: StreamHub, workspace_id: uuid.UUID, cursor: str | None, job_id: uuid.UUID | None
) -> AsyncIterator[bytes]:
    """Join the hub, send what lies between `cursor` and where the hub took over, then follow it."""
    settings = get_settings().jobs
    async with hub.subscribe(redis, workspace_id) as subscription:
        handover = subscription.start_after
        cursor = handover if cursor is None else cursor
        while order(cursor) < order(handover):
            batch = await events.read_range(redis, workspace_id, cursor, handover)
            if not batch:
                break
            for event_id, event in batch:
                cursor = event_id
                if _wanted(event, job_id):
                    yield make_frame(event_id, event).data
                    if _ends(event, job_id):
                        return
        sent = order(cursor)  # live frames up to here were sent from the backlog already
        # Checked every half heartbeat, so a stream is never quiet longer than a heartbeat:
        # a ping goes out at a check when nothing was written since the one before.
        loop = asyncio.get_running_loop()
        check_every = settings.sse_heartbeat_seconds / 2
        deadline = loop.time() + settings.sse_max_connection_seconds
        next_check, wrote = loop.time() + check_every, True
        subscription.set_alarm(min(next_check, deadline))
        while True:
            frames = await subscription.next_batch()
            if frames:
                # Whatever queued up while this client was being served goes out in one write.
                chunks, ended = [], False
                for frame in frames:
                    if frame.order <= sent:
                        continue
                    sent = frame.order
                    if _wanted(frame.event, job_id):
                        chunks.append(frame.data)
                        if ended := _ends(frame.event, job_id):
                            break
                if chunks:
                    yield chunks[0] if len(chunks) == 1 else b"".join(chunks)
                    wrote = True
                if ended:
                    return
            elif subscription.dropped:
                yield RECONNECT  # it fell too far behind; it resumes from its last id
                return
            now = loop.time()
            if now >= deadline:
                yield RECONNECT  # capped lifetime
                return
            if now >= next_check:
                if not wrote:
                    yield PING
                next_check, wrote = now + check_every, False
                subscription.cancel_alarm()
            if subscription.alarm is None:  # rang (the loop may run a timer a hair early), or cancelled above
                subscription.set_alarm(min(next_check, deadline))
