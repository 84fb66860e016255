"""GET /jobs/{id}/items: what each item of a job did, failures first with their reason."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.helpers import names_field, register
from tests.images import photo
from tests.jobs.helpers import enqueue, finished, wait_for
from tests.platforms.helpers import closed_port, create

PLATFORM_TRACE = 'the platform refused the title\nTraceback (most recent call last):\n  File "driver.py", line 3'


async def _finished_job(app: Any, workspace_id: str, items: int, failing: list[int], error: str) -> uuid.UUID:
    job = await enqueue(app, workspace_id, "test.some_fail", {"items": items, "failing": failing, "error": error})
    done = await wait_for(workspace_id, job.id, finished, timeout=60, what="the job to finish")
    assert (done.status, done.done, done.failed) == ("succeeded", items - len(failing), len(failing))
    return job.id


async def test_a_job_lists_its_failed_item_first_with_the_reason_then_the_done_ones(
    app: Any, client: httpx.AsyncClient, start_worker: Any
) -> None:
    account = await register(client)
    start_worker()
    job_id = await _finished_job(app, account.workspace_id, 4, [2], PLATFORM_TRACE)

    response = await client.get(f"/api/v1/jobs/{job_id}/items", headers=account.headers)
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["total"] == 4
    assert [(i["key"], i["status"]) for i in page["items"]] == [
        ("item-002", "failed"),
        ("item-000", "done"),
        ("item-001", "done"),
        ("item-003", "done"),
    ]
    failed, first_done = page["items"][0], page["items"][1]
    # The reason a person can act on; the stack trace behind it never reaches the page.
    assert failed["error"] == "the platform refused the title"
    assert failed["label"] == "item-002"  # a kind that cannot name its items shows their keys
    assert first_done["error"] is None
    assert first_done["result"] == {"i": 0}


async def test_items_page_and_filter_by_status(app: Any, client: httpx.AsyncClient, start_worker: Any) -> None:
    account = await register(client)
    start_worker()
    job_id = await _finished_job(app, account.workspace_id, 7, [1, 5], "x" * 5000)
    url = f"/api/v1/jobs/{job_id}/items"

    pages = [
        (await client.get(url, params={"limit": 3, "offset": o}, headers=account.headers)).json() for o in (0, 3, 6)
    ]
    assert [p["total"] for p in pages] == [7, 7, 7]
    keys = [item["key"] for p in pages for item in p["items"]]
    assert keys == ["item-001", "item-005", "item-000", "item-002", "item-003", "item-004", "item-006"]
    assert len(pages[0]["items"][0]["error"]) <= 300  # a whole page or log is cut, not shown in full

    failed = (await client.get(url, params={"status": "failed"}, headers=account.headers)).json()
    assert (failed["total"], [i["key"] for i in failed["items"]]) == (2, ["item-001", "item-005"])
    for done_name in ("done", "ok"):
        done = (await client.get(url, params={"status": done_name}, headers=account.headers)).json()
        assert done["total"] == 5
        assert {i["status"] for i in done["items"]} == {"done"}

    bad = await client.get(url, params={"status": "broken"}, headers=account.headers)
    assert bad.status_code == 400, bad.text
    assert names_field(bad.json(), "status")
    too_many = await client.get(url, params={"limit": 1000}, headers=account.headers)
    assert too_many.status_code == 400, too_many.text
    assert names_field(too_many.json(), "limit")


async def test_another_workspaces_job_items_are_not_found(
    app: Any, client: httpx.AsyncClient, start_worker: Any
) -> None:
    owner = await register(client)
    stranger = await register(client)
    start_worker()
    job_id = await _finished_job(app, owner.workspace_id, 2, [0], "no")

    theirs = await client.get(f"/api/v1/jobs/{job_id}/items", headers=stranger.headers)
    assert theirs.status_code == 404, theirs.text
    assert theirs.json() == (await client.get(f"/api/v1/jobs/{job_id}", headers=stranger.headers)).json()
    unknown = await client.get(f"/api/v1/jobs/{uuid.uuid4()}/items", headers=owner.headers)
    assert unknown.status_code == 404


async def test_items_are_named_by_their_photos_and_proxies(client: httpx.AsyncClient, start_worker: Any) -> None:
    """An analyze item shows its photo's file name and its draft; a proxy check's item, the proxy's host:port."""
    account = await register(client)
    files = [
        ("files", ("red-sneakers.jpg", photo((210, 30, 35), seed=1), "image/jpeg")),
        ("files", ("blue-coat.jpg", photo((20, 40, 200), seed=2), "image/jpeg")),
        ("files", ("blue-coat-back.jpg", photo((20, 60, 180), seed=3), "image/jpeg")),
    ]
    uploaded = await client.post("/api/v1/media", headers=account.headers, files=files)
    assert uploaded.status_code == 201, uploaded.text
    sneakers, coat, coat_back = [m["id"] for m in uploaded.json()["items"]]
    dead = await create(client, account, "proxies", host="127.0.0.1", port=closed_port())
    start_worker(PROXY_CHECK_TIMEOUT_SECONDS="3")  # no OpenAI key: the local provider

    body = {"groups": [[sneakers], [coat, coat_back]]}
    started = await client.post("/api/v1/listings/analyze", headers=account.headers, json=body)
    assert started.status_code == 201, started.text
    job = await wait_for(account.workspace_id, uuid.UUID(started.json()["id"]), finished, timeout=60)
    assert (job.status, job.done) == ("succeeded", 2), job
    items = (await client.get(f"/api/v1/jobs/{job.id}/items", headers=account.headers)).json()["items"]
    assert [i["label"] for i in items] == ["red-sneakers.jpg", "blue-coat.jpg + 1 more"]
    for item in items:
        draft = await client.get(f"/api/v1/listings/{item['result']['listing_id']}", headers=account.headers)
        assert draft.status_code == 200, draft.text

    checked = await client.post(f"/api/v1/proxies/{dead['id']}/health-check", headers=account.headers)
    assert checked.status_code == 202, checked.text
    job = await wait_for(account.workspace_id, uuid.UUID(checked.json()["id"]), finished, timeout=60)
    assert job.failed == 1, job
    [item] = (await client.get(f"/api/v1/jobs/{job.id}/items", headers=account.headers)).json()["items"]
    assert (item["status"], item["label"]) == ("failed", f"127.0.0.1:{dead['port']}")
    assert "unhealthy" in item["error"]
