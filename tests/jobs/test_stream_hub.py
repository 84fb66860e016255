"""One Redis reader per process for every live stream: fan-out, slow subscribers, resume, shutdown.

The first test goes through a real API server process; the others drive the
hub and the SSE generator directly in this process, against real Redis, so a
subscriber that "stops reading" is simply a generator nobody advances.
"""

from __future__ import annotations

import asyncio
import datetime
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
from prometheus_client import REGISTRY

from backend.jobs import events, sse
from backend.jobs.schemas import JobEvent
from backend.jobs.stream_hub import StreamHub, client_name
from tests.helpers import register
from tests.jobs.sse_client import Message, messages

SUBSCRIBERS = 200


def progress_event(job_id: uuid.UUID, n: int, total: int = 100) -> JobEvent:
    return JobEvent(
        type="job.progress",
        job_id=job_id,
        kind="test.count",
        status="running",
        total=total,
        done=n,
        failed=0,
        progress=n / total,
        at=datetime.datetime.now(datetime.UTC),
        payload={"n": n},
    )


async def publish_many(redis: Any, workspace_id: uuid.UUID, job_id: uuid.UUID, numbers: range) -> list[str]:
    return [await events.publish(redis, workspace_id, progress_event(job_id, n)) for n in numbers]


async def hub_connections(redis: Any) -> int:
    """Redis connections the shared reader holds (it names itself per deployment)."""
    clients = await redis.client_list()
    return sum(1 for client in clients if client.get("name") == client_name())


def dropped_count() -> float:
    return REGISTRY.get_sample_value("sellpilot_sse_dropped_subscribers_total") or 0.0


async def metric(http: httpx.AsyncClient, name: str) -> float:
    text = (await http.get("/metrics")).text
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    raise AssertionError(f"{name} not in /metrics")


async def until(condition: Any, what: str, seconds: float = 20) -> None:
    """A bounded wait for something to become true (not a timing assertion)."""
    try:
        async with asyncio.timeout(seconds):
            while True:
                if await condition():
                    return
                await asyncio.sleep(0.05)
    except TimeoutError:
        raise AssertionError(f"gave up waiting: {what}") from None


async def test_two_hundred_subscribers_share_one_reader_and_all_get_every_event_in_order(
    app: Any, client: httpx.AsyncClient, api_url: str
) -> None:
    account = await register(client)
    workspace_id = uuid.UUID(account.workspace_id)
    job_id = uuid.uuid4()
    count = 30
    opened = 0
    received: list[list[int]] = [[] for _ in range(SUBSCRIBERS)]

    async def follow(http: httpx.AsyncClient, index: int) -> None:
        nonlocal opened
        async with http.stream("GET", "/api/v1/events", headers=account.headers) as response:
            assert response.status_code == 200
            opened += 1
            async for message in messages(response):
                if message.event == "job.progress":
                    received[index].append(message.json["payload"]["n"])
                    if len(received[index]) == count:
                        return

    limits = httpx.Limits(max_connections=SUBSCRIBERS + 10)
    async with httpx.AsyncClient(base_url=api_url, timeout=60, limits=limits) as http:
        readers = [asyncio.create_task(follow(http, i)) for i in range(SUBSCRIBERS)]

        async def all_open() -> bool:
            return opened == SUBSCRIBERS and await metric(http, "sellpilot_sse_open_streams") == SUBSCRIBERS

        await until(all_open, "every stream is open")
        assert await metric(http, "sellpilot_sse_hub_readers") == 1
        assert await hub_connections(app.state.redis) == 1  # one XREAD for all 200 streams
        await publish_many(app.state.redis, workspace_id, job_id, range(count))
        async with asyncio.timeout(60):
            await asyncio.gather(*readers)

        assert all(numbers == list(range(count)) for numbers in received)

        # Everyone has left: the reader stops and lets its connection go.
        async def reader_stopped() -> bool:
            return (
                await metric(http, "sellpilot_sse_open_streams") == 0
                and await metric(http, "sellpilot_sse_hub_readers") == 0
                and await hub_connections(app.state.redis) == 0
            )

        await until(reader_stopped, "the shared reader stops")


async def _collect(stream: AsyncIterator[bytes], until_n: int | None = None) -> list[Message]:
    """Parse an SSE generator's bytes into messages, up to the event numbered `until_n`."""
    collected: list[Message] = []
    async for chunk in stream:
        # One write may carry several messages (those that queued up meanwhile).
        for part in chunk.split(b"\r\n\r\n")[:-1]:
            message = _parse(part)
            collected.append(message)
            if message.event == "reconnect":
                return collected
            if until_n is not None and message.event == "job.progress" and message.json["payload"]["n"] == until_n:
                return collected
    return collected


def _parse(chunk: bytes) -> Message:
    message = Message()
    data: list[str] = []
    for line in chunk.decode().split("\r\n"):
        name, _, value = line.partition(": ")
        if name == "id":
            message.id = value
        elif name == "event":
            message.event = value
        elif name == "data":
            data.append(value)
        elif name == "retry":
            message.retry = int(value)
        elif line.startswith(":"):
            message.comment = line[1:].strip()
    message.data = "\n".join(data)
    return message


def _numbers(received: list[Message]) -> list[int]:
    return [m.json["payload"]["n"] for m in received if m.event == "job.progress"]


async def test_a_subscriber_that_stops_reading_is_dropped_without_holding_up_the_others(app: Any) -> None:
    redis = app.state.redis
    hub = StreamHub(buffer_limit=10)
    workspace_id, job_id = uuid.uuid4(), uuid.uuid4()
    dropped_before = dropped_count()

    healthy = sse.event_stream(redis, workspace_id, None, hub=hub)
    stalled = sse.event_stream(redis, workspace_id, None, hub=hub)
    # Both have joined once their first message is awaited; the stalled one then stops reading.
    first_healthy = asyncio.create_task(_collect(healthy, until_n=0))
    first_stalled = asyncio.create_task(_collect(stalled, until_n=0))
    await until(lambda: _ready(hub, workspace_id, 2), "both subscribers joined")
    ids = await publish_many(redis, workspace_id, job_id, range(1))
    assert _numbers(await first_healthy) == [0]
    got_before_stalling = await first_stalled
    assert _numbers(got_before_stalling) == [0]

    # 50 more events: far more than the stalled subscriber's buffer of 10.
    reading = asyncio.create_task(_collect(healthy, until_n=50))
    ids += await publish_many(redis, workspace_id, job_id, range(1, 51))
    async with asyncio.timeout(30):
        rest = await reading
    assert _numbers(rest) == list(range(1, 51))  # the healthy one got everything, in order
    assert dropped_count() == dropped_before + 1

    # When the stalled client reads again, it is told to reconnect (nothing queued up is kept for it)...
    hint = await _collect(stalled)
    assert [(m.event, m.retry) for m in hint] == [("reconnect", sse.RECONNECT_AFTER_MS)]
    await stalled.aclose()
    # ...and reconnecting with its Last-Event-ID misses nothing and repeats nothing.
    resumed = sse.event_stream(redis, workspace_id, got_before_stalling[-1].id, hub=hub)
    again = await _collect(resumed, until_n=50)
    assert _numbers(again) == list(range(1, 51))
    assert [m.id for m in again] == ids[1:]
    await resumed.aclose()
    await healthy.aclose()


async def _ready(hub: StreamHub, workspace_id: uuid.UUID, subscribers: int) -> bool:
    channel = hub.channels.get(workspace_id)
    return channel is not None and len(channel.subscribers) == subscribers and hub.running


async def test_resuming_while_events_keep_coming_joins_the_live_stream_without_gaps_or_repeats(app: Any) -> None:
    redis = app.state.redis
    hub = StreamHub()
    workspace_id, job_id = uuid.uuid4(), uuid.uuid4()
    live = sse.event_stream(redis, workspace_id, None, hub=hub)
    watching = asyncio.create_task(_collect(live, until_n=199))
    await until(lambda: _ready(hub, workspace_id, 1), "the first subscriber joined")
    ids = await publish_many(redis, workspace_id, job_id, range(20))

    # A client reconnects with the id of event 4 while 180 more are being appended.
    appending = asyncio.create_task(publish_many(redis, workspace_id, job_id, range(20, 200)))
    await asyncio.sleep(0)
    resumed = sse.event_stream(redis, workspace_id, ids[4], hub=hub)
    got = await _collect(resumed, until_n=199)
    ids += await appending
    assert _numbers(got) == list(range(5, 200))
    assert [m.id for m in got] == ids[5:]
    assert _numbers(await watching) == list(range(200))
    await resumed.aclose()
    await live.aclose()


async def test_the_reader_starts_with_the_first_subscriber_and_stops_with_the_last(app: Any) -> None:
    redis = app.state.redis
    hub = StreamHub()
    assert not hub.running
    first, second = uuid.uuid4(), uuid.uuid4()
    async with hub.subscribe(redis, first), hub.subscribe(redis, second), hub.subscribe(redis, second):
        assert hub.running
        assert set(hub.channels) == {first, second}
        await until(lambda: _count_is(redis, 1), "the reader connected")
    assert not hub.channels
    assert not hub.running
    await until(lambda: _count_is(redis, 0), "the reader's connection closed")
    # A later subscriber starts it again.
    async with hub.subscribe(redis, first):
        assert hub.running
    assert not hub.running


async def _count_is(redis: Any, expected: int) -> bool:
    return await hub_connections(redis) == expected
