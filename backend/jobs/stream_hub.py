"""One Redis reader per API process for every open event stream.

Each workspace that has at least one listener is a channel. A single task
holds one blocking `XREAD` over all channels' streams (plus this hub's wake-up
stream, so a channel that joins is read at once), decodes each event once,
encodes its SSE frame once, and hands the same frame to every subscriber of
the channel through a small bounded buffer. A subscriber whose buffer is full
(it stopped reading) is dropped: its buffer is emptied and it is told to
reconnect, which it does with `Last-Event-ID` and misses nothing. The hub
never waits for a subscriber, so one slow client cannot delay the others.

Joining without gaps or repeats: a subscription records the channel's cursor
at the moment it registers (`start_after`). Every event after that id reaches
its buffer; events up to it are read by the subscriber itself from the stream
(`events.read_range`), and anything it has already sent is skipped by id.

The reader starts with the first subscriber and stops (closing its Redis
connection) when the last one leaves, so nothing has to start or stop it with
the application.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import msgspec
from prometheus_client import Counter, Gauge
from redis.asyncio import Redis
from redis.exceptions import RedisError

from backend.core.redis import redis_key
from backend.jobs import events
from backend.jobs.schemas import JobEvent
from backend.settings import get_settings

log = logging.getLogger(__name__)

HUB_READERS = Gauge(
    "sellpilot_sse_hub_readers", "Shared Redis readers running (one per API process)", multiprocess_mode="livesum"
)
HUB_CHANNELS = Gauge(
    "sellpilot_sse_hub_channels", "Workspace streams the shared readers follow now", multiprocess_mode="livesum"
)
DROPPED = Counter("sellpilot_sse_dropped_subscribers", "Event-stream subscribers dropped because they stopped reading")
# Frames a subscriber may fall behind before it is dropped (told to reconnect and resume).
SUBSCRIBER_BUFFER = 1_000
READ_COUNT = 500
RETRY_PAUSE_SECONDS = 0.5


def client_name() -> str:
    """How the reader's Redis connection names itself (CLIENT LIST), per deployment."""
    return "sse-hub:" + "".join(
        c if c.isprintable() and not c.isspace() else "_" for c in get_settings().redis.key_prefix
    )


def order(event_id: str) -> tuple[int, int]:
    """A stream id as a comparable pair ("1700000000000-3" → (1700000000000, 3))."""
    ms, _, seq = event_id.partition("-")
    return int(ms), int(seq or 0)


@dataclass(frozen=True, slots=True)
class Frame:
    """One event, decoded once and encoded as an SSE message once, shared by every subscriber."""

    id: str
    order: tuple[int, int]
    event: JobEvent
    data: bytes


def make_frame(event_id: str, event: JobEvent) -> Frame:
    body = events.encode_bytes(event)
    message = b"id: %s\r\nevent: %s\r\ndata: %s\r\n\r\n" % (event_id.encode(), event.type.encode(), body)
    return Frame(event_id, order(event_id), event, message)


class Subscription:
    """A subscriber's bounded buffer of frames, filled by the hub and drained by its stream.

    Its stream waits for frames with no timer per wait (one per delivery cost as
    much CPU as writing the frame): an alarm it sets now and then (heartbeat,
    lifetime) wakes it instead.
    """

    __slots__ = ("alarm", "channel", "dropped", "frames", "limit", "rang", "start_after", "waiter")

    def __init__(self, channel: Channel, limit: int) -> None:
        self.channel = channel
        self.limit = limit
        self.start_after = channel.cursor
        self.frames: deque[Frame] = deque()
        self.waiter: asyncio.Future[None] | None = None
        self.dropped = False
        self.alarm: asyncio.TimerHandle | None = None
        self.rang = False

    def push(self, frame: Frame) -> bool:
        """Add a frame without waiting; False when the buffer is full."""
        if len(self.frames) >= self.limit:
            return False
        self.frames.append(frame)
        self._wake()
        return True

    def drop(self) -> None:
        self.dropped = True
        self.frames.clear()
        self._wake()

    def _wake(self) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)

    def set_alarm(self, when: float) -> None:
        """Wake the stream at `when` (event loop time), frames or not; replaces an alarm set before."""
        self.cancel_alarm()
        self.alarm = asyncio.get_running_loop().call_at(when, self._ring)

    def cancel_alarm(self) -> None:
        if self.alarm is not None:
            self.alarm.cancel()
            self.alarm = None

    def _ring(self) -> None:
        self.alarm = None
        self.rang = True
        self._wake()

    async def next_batch(self) -> list[Frame]:
        """Every frame buffered now, waiting for one unless the alarm rang; empty after the alarm or once dropped."""
        if not self.frames and not self.dropped and not self.rang:
            self.waiter = asyncio.get_running_loop().create_future()
            try:
                await self.waiter
            finally:
                self.waiter = None
        self.rang = False
        if self.dropped or not self.frames:
            return []
        batch = list(self.frames)
        self.frames.clear()
        return batch


@dataclass(eq=False)
class Channel:
    """A workspace's stream as the hub follows it: its cursor and its subscribers."""

    workspace_id: uuid.UUID
    key: str
    cursor: str
    subscribers: set[Subscription] = field(default_factory=set)


class StreamHub:
    """The process's shared reader and its channels (one hub per event loop)."""

    def __init__(self, buffer_limit: int = SUBSCRIBER_BUFFER) -> None:
        self.buffer_limit = buffer_limit
        self.channels: dict[uuid.UUID, Channel] = {}
        self.reader: asyncio.Task[None] | None = None
        self.wake_key = redis_key("events-hub", uuid.uuid4().hex)
        self._wake_cursor = "0-0"
        self._decoder = msgspec.json.Decoder(JobEvent)

    @property
    def running(self) -> bool:
        return self.reader is not None and not self.reader.done()

    @contextlib.asynccontextmanager
    async def subscribe(self, redis: Redis, workspace_id: uuid.UUID) -> AsyncIterator[Subscription]:
        """Follow a workspace's events from now on (`start_after` says where "now" is)."""
        channel = self.channels.get(workspace_id)
        joined = False
        if channel is None:
            newest = await events.latest_id(redis, workspace_id)
            channel = self.channels.get(workspace_id)  # another subscriber may have joined meanwhile
            if channel is None:
                channel = self.channels[workspace_id] = Channel(workspace_id, events.stream_key(workspace_id), newest)
                HUB_CHANNELS.set(len(self.channels))
                joined = True
        # No await between reading the cursor and joining: the hub hands over everything after it.
        subscription = Subscription(channel, self.buffer_limit)
        channel.subscribers.add(subscription)
        try:
            if joined and self.running:
                await self._wake(redis)
            self._ensure_reader()
            yield subscription
        finally:
            self._leave(subscription)

    def _leave(self, subscription: Subscription) -> None:
        subscription.cancel_alarm()
        channel = subscription.channel
        channel.subscribers.discard(subscription)
        if not channel.subscribers and self.channels.get(channel.workspace_id) is channel:
            del self.channels[channel.workspace_id]
            HUB_CHANNELS.set(len(self.channels))
        if not self.channels and self.reader is not None:
            self.reader.cancel()
            self.reader = None

    def _ensure_reader(self) -> None:
        if not self.running:
            self.reader = asyncio.create_task(self._read_loop(), name="sse-stream-hub")

    async def _wake(self, redis: Redis) -> None:
        """Make a blocked XREAD return, so the reader follows a channel that just joined."""
        async with redis.pipeline(transaction=False) as pipe:
            pipe.xadd(self.wake_key, {"w": "1"}, maxlen=1)
            pipe.expire(self.wake_key, 3600)
            await pipe.execute()

    async def _read_loop(self) -> None:
        settings = get_settings().redis
        client = Redis.from_url(
            settings.url, socket_connect_timeout=5, socket_timeout=10, client_name=client_name(), max_connections=1
        )
        HUB_READERS.inc()
        try:
            while self.channels:
                following = {channel.key: channel for channel in self.channels.values()}
                streams = {key: channel.cursor for key, channel in following.items()}
                streams[self.wake_key] = self._wake_cursor
                try:
                    response = await client.xread(streams, count=READ_COUNT, block=events.READ_BLOCK_MS)
                except (RedisError, OSError) as error:
                    log.warning("event stream reader: %s; retrying", error)
                    await asyncio.sleep(RETRY_PAUSE_SECONDS)
                    continue
                for raw_key, entries in response or []:
                    key = raw_key.decode() if isinstance(raw_key, bytes) else str(raw_key)
                    if key == self.wake_key:
                        self._wake_cursor = _text(entries[-1][0])
                    elif (channel := following.get(key)) is not None:
                        self._fan_out(channel, entries)
        finally:
            HUB_READERS.dec()
            await client.aclose()  # the wake-up stream expires by itself

    def _fan_out(self, channel: Channel, entries: list[tuple[bytes, dict[bytes, bytes]]]) -> None:
        if self.channels.get(channel.workspace_id) is not channel:
            return  # everyone left while the read was in flight
        after = order(channel.cursor)
        for raw_id, fields in entries:
            event_id = _text(raw_id)
            frame_order = order(event_id)
            if frame_order <= after:
                continue
            try:
                frame = make_frame(event_id, self._decoder.decode(fields[b"data"]))
            except (KeyError, msgspec.DecodeError):
                log.warning("event %s in %s is not a job event; skipped", event_id, channel.key)
                channel.cursor, after = event_id, frame_order
                continue
            for subscription in list(channel.subscribers):
                if not subscription.push(frame):
                    subscription.drop()
                    channel.subscribers.discard(subscription)
                    DROPPED.inc()
            channel.cursor, after = event_id, frame_order
        if not channel.subscribers:
            del self.channels[channel.workspace_id]
            HUB_CHANNELS.set(len(self.channels))


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


_hubs: dict[asyncio.AbstractEventLoop, StreamHub] = {}


def get_hub() -> StreamHub:
    """This event loop's hub (one per process in production; tests may run several loops)."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        for other in [other for other in _hubs if other.is_closed()]:
            del _hubs[other]
        hub = _hubs[loop] = StreamHub()
    return hub
