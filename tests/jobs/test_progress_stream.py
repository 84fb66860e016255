"""Progress over SSE: in order, resumable with Last-Event-ID, private to the workspace."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx

from backend.jobs import events
from tests.helpers import grant_plan, register
from tests.jobs.helpers import enqueue, finished, wait_for
from tests.jobs.sse_client import Message, messages


async def _read_until(
    api_url: str, path: str, stop: Any, headers: dict[str, str] | None = None, timeout: float = 30
) -> list[Message]:
    received: list[Message] = []
    async with (
        httpx.AsyncClient(base_url=api_url, timeout=timeout) as http,
        http.stream("GET", path, headers=headers or {}) as response,
    ):
        assert response.status_code == 200, await response.aread()
        assert response.headers["content-type"].startswith("text/event-stream")
        async with asyncio.timeout(timeout):
            async for message in messages(response):
                received.append(message)
                if stop(message):
                    break
    return received


async def test_twenty_items_stream_in_order_and_resume_exactly(
    app: Any, client: httpx.AsyncClient, api_url: str, start_worker: Any
) -> None:
    account = await register(client)
    start_worker()
    # Read from the stream's current end, however long the connection takes to open.
    start = await events.latest_id(app.state.redis, uuid.UUID(account.workspace_id))
    watcher = asyncio.create_task(
        _read_until(
            api_url,
            "/api/v1/events",
            lambda m: m.event == "job.succeeded",
            {**account.headers, "Last-Event-ID": start},
        )
    )
    job = await enqueue(app, account.workspace_id, "test.count", {"items": 20, "delay": 0.05})
    received = [m for m in await watcher if m.comment is None]

    assert [m.event for m in received][:2] == ["job.created", "job.started"]
    assert received[-1].event == "job.succeeded"
    assert all(m.json["job_id"] == str(job.id) for m in received)
    items = [m.json["payload"]["key"] for m in received if m.event == "job.item"]
    assert items == [f"item-{i:03d}" for i in range(20)]
    progress = [m.json["progress"] for m in received if m.event == "job.progress"]
    assert progress == sorted(progress)
    assert progress[0] == 0.05
    assert progress[-1] == 1.0
    ids = [tuple(map(int, m.id.split("-"))) for m in received if m.id]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)

    # A client that dropped after the 9th event and reconnects with its id
    # gets exactly the rest, then the stream ends.
    cut = 8
    resumed = await _read_until(
        api_url,
        f"/api/v1/jobs/{job.id}/events",
        lambda m: m.event == "job.succeeded",
        {**account.headers, "Last-Event-ID": received[cut].id or ""},
    )
    assert [(m.id, m.event, m.data) for m in resumed] == [(m.id, m.event, m.data) for m in received[cut + 1 :]]


async def test_reconnecting_mid_job_misses_nothing_and_repeats_nothing(
    app: Any, client: httpx.AsyncClient, api_url: str, start_worker: Any
) -> None:
    account = await register(client)
    start_worker()
    job = await enqueue(app, account.workspace_id, "test.count", {"items": 20, "delay": 0.15})
    path = f"/api/v1/jobs/{job.id}/events"
    first = await _read_until(api_url, path, lambda m: m.event == "job.item", account.headers)
    assert first[0].event == "job.snapshot"
    await asyncio.sleep(1.0)  # events keep coming while we are away
    rest = await _read_until(
        api_url, path, lambda m: m.event == "job.succeeded", {**account.headers, "Last-Event-ID": first[-1].id or ""}
    )
    stitched = [m for m in first[1:] + rest if m.comment is None]
    items = [m.json["payload"]["key"] for m in stitched if m.event == "job.item"]
    # The snapshot may already count items done before we connected.
    already = first[0].json["done"]
    assert items == [f"item-{i:03d}" for i in range(already, 20)]
    assert stitched[-1].event == "job.succeeded"


async def test_a_finished_job_stream_sends_a_snapshot_and_ends(
    app: Any, client: httpx.AsyncClient, api_url: str, start_worker: Any
) -> None:
    account = await register(client)
    start_worker()
    job = await enqueue(app, account.workspace_id, "test.count", {"items": 2})
    await wait_for(account.workspace_id, job.id, finished)
    received = await _read_until(api_url, f"/api/v1/jobs/{job.id}/events", lambda m: False, account.headers)
    assert [m.event for m in received] == ["job.snapshot"]
    assert received[0].json["status"] == "succeeded"


async def test_quiet_streams_get_heartbeats(client: httpx.AsyncClient, api_url: str) -> None:
    account = await register(client)
    received = await _read_until(api_url, "/api/v1/events", lambda m: m.comment == "ping", account.headers, timeout=10)
    assert received[-1].comment == "ping"


async def test_stream_token_opens_streams_and_nothing_else(client: httpx.AsyncClient, api_url: str) -> None:
    account = await register(client)
    issued = await client.post("/api/v1/events/token", headers=account.headers)
    assert issued.status_code == 201
    token = issued.json()["token"]
    assert 0 < issued.json()["expires_in"] <= 300
    received = await _read_until(api_url, f"/api/v1/events?token={token}", lambda m: m.comment == "ping", timeout=10)
    assert received
    # It is not an access token...
    assert (await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})).status_code == 401
    # ...and an access token is not accepted in the URL.
    async with httpx.AsyncClient(base_url=api_url) as http:
        in_url = await http.get(f"/api/v1/events?token={account.access_token}")
        assert in_url.status_code == 401
        assert (await http.get("/api/v1/events")).status_code == 401
        bad_resume = await http.get("/api/v1/events", headers={**account.headers, "Last-Event-ID": "yesterday"})
        assert bad_resume.status_code == 400
        assert "Last-Event-ID" in bad_resume.json()["detail"]


async def test_other_workspaces_jobs_are_404_and_their_events_never_reach_me(
    app: Any, client: httpx.AsyncClient, api_url: str, start_worker: Any
) -> None:
    mine = await register(client)
    theirs = await register(client)
    await grant_plan(theirs.workspace_id, "pro")  # more jobs at once than the free plan's 2
    start_worker()
    their_job = await enqueue(app, theirs.workspace_id, "test.count", {"items": 3})
    for method, path, body in [
        ("GET", f"/api/v1/jobs/{their_job.id}", None),
        ("POST", f"/api/v1/jobs/{their_job.id}/cancel", None),
        ("POST", f"/api/v1/jobs/{their_job.id}/retry", None),
        ("GET", f"/api/v1/jobs/{their_job.id}/events", None),
    ]:
        response = await client.request(method, path, headers=mine.headers, json=body)
        assert response.status_code == 404, (method, path, response.text)
    assert (await client.get("/api/v1/jobs", headers=mine.headers)).json()["total"] == 0

    start = await events.latest_id(app.state.redis, uuid.UUID(mine.workspace_id))
    watcher = asyncio.create_task(
        _read_until(
            api_url, "/api/v1/events", lambda m: m.event == "job.succeeded", {**mine.headers, "Last-Event-ID": start}
        )
    )
    noisy = [await enqueue(app, theirs.workspace_id, "test.count", {"items": 5}) for _ in range(3)]
    my_job = await enqueue(app, mine.workspace_id, "test.count", {"items": 8, "delay": 0.05})
    received = [m for m in await watcher if m.comment is None]
    assert received
    assert {m.json["job_id"] for m in received} == {str(my_job.id)}
    for job in noisy:
        await wait_for(theirs.workspace_id, job.id, finished)


async def test_a_job_says_it_started_before_it_ends_quick_or_slow(
    app: Any, client: httpx.AsyncClient, api_url: str, start_worker: Any
) -> None:
    """`job.started` waits a moment to share a round trip with the job's next event, but never reorders the
    stream, and a job that is still busy says it started without waiting for its end."""
    account = await register(client)
    start_worker()
    headers = {
        **account.headers,
        "Last-Event-ID": await events.latest_id(app.state.redis, uuid.UUID(account.workspace_id)),
    }
    quick_watch = asyncio.create_task(
        _read_until(api_url, "/api/v1/events", lambda m: m.event == "job.succeeded", headers)
    )
    quick = await enqueue(app, account.workspace_id, "test.count", {"items": 0})
    assert [m.event for m in await quick_watch if m.comment is None] == ["job.created", "job.started", "job.succeeded"]

    headers["Last-Event-ID"] = await events.latest_id(app.state.redis, uuid.UUID(account.workspace_id))
    slow_watch = asyncio.create_task(
        _read_until(api_url, "/api/v1/events", lambda m: m.event == "job.started", headers)
    )
    slow = await enqueue(app, account.workspace_id, "test.count", {"items": 1, "delay": 3})
    await slow_watch
    # Told while the job still works on its only item.
    busy = await wait_for(account.workspace_id, slow.id, lambda job: True)
    assert (busy.status, busy.done) == ("running", 0)
    assert (await wait_for(account.workspace_id, slow.id, finished)).status == "succeeded"
    assert quick.id != slow.id
