"""A collection crawled on the sandbox in real Chromium: the warm-up board, chunks of a stream, the
maximum kept exactly, duplicates flagged and not counted; stop holds the rest and start continues without
fetching an image twice; a failed chunk alone is run again by retry.

Jobs made through the API are run in this process by the jobs engine, as a worker would.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.automation.social_helpers import on_the_sandbox, sandbox_user  # noqa: F401 - a fixture
from tests.collect.helpers import act, children, collection, get, owner, platform_account, run
from tests.platforms.conftest import Sandbox

pytestmark = pytest.mark.timeout(600)


def _item_id(image: dict[str, Any]) -> int:
    return int(image["page_url"].rstrip("/").rsplit("/", 1)[1])


async def _images(client: httpx.AsyncClient, person: Any, cid: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    while True:
        page = await get(client, person, f"/collections/{cid}/images", limit=100, offset=len(found))
        found.extend(page["items"])
        if len(found) >= page["total"]:
            return found


@pytest.mark.usefixtures("on_the_sandbox")
async def test_a_warm_up_then_a_crawl_in_chunks_keeps_exactly_the_maximum(
    client: httpx.AsyncClient, app: Any, sandbox: Sandbox
) -> None:
    # 63 items: the warm-up saves 3 to the board, its ideas are the other 60 (some repeat earlier pictures).
    gallery = await sandbox.gallery("tabby", 63, exact_share=0.05, near_share=0.05, seed=7)
    repeats = {int(k): v for k, v in {**gallery["exact_duplicates"], **gallery["near_duplicates"]}.items()}
    person = await owner(client)
    login = await sandbox_user(sandbox, "col")
    account_id = await platform_account(client, person, login)
    made = await collection(
        client,
        person,
        account_id=account_id,
        name="Tabby cats",
        keywords=["tabby"],
        sources=["board_ideas"],
        max_images=50,
        chunk_size=20,
        warmup_pins=3,
    )
    started = (await act(client, person, made["id"], "start")).json()
    assert started["status"] == "running"
    parent = await run(app, person, started["job_id"])
    assert parent.status == "running", parent.error  # waiting for its chunks

    [board] = await sandbox.boards(login)
    assert board["name"] == "Tabby cats"
    assert len(board["item_ids"]) == 3
    chunk_jobs = await children(person, started["job_id"])
    assert len(chunk_jobs) == 4  # 50 x 1.5 over chunks of 20
    for job in chunk_jobs:
        finished = await run(app, person, job["id"])
        assert finished.status == "succeeded", finished.error

    progress = await get(client, person, f"/collections/{made['id']}/progress")
    assert progress["status"] == "completed"
    assert progress["images"]["kept"] == 50
    assert progress["images"]["approved"] == 50  # fast: every distinct picture passes
    assert progress["chunks"]["done"] == 4
    images = await _images(client, person, made["id"])
    kept = [i for i in images if i["status"] in ("approved", "disqualified", "pending")]
    duplicates = [i for i in images if i["status"] == "duplicate"]
    assert len(kept) == 50
    assert all(i["media_id"] for i in kept)
    assert duplicates, "the sandbox serves some pictures twice"
    for image in duplicates:  # each flagged one is a picture the sandbox repeats, pointing at a kept image
        assert _item_id(image) in repeats
        assert image["duplicate_of"] in {k["id"] for k in kept}
    assert len({i["sha256"] for i in kept}) == 50
    assert len({i["source_url"] for i in images}) == len(images)
    assert (await get(client, person, f"/collections/{made['id']}"))["kept"] == 50


@pytest.mark.usefixtures("on_the_sandbox")
async def test_stop_holds_the_chunks_start_continues_and_retry_runs_only_the_failed_one(
    client: httpx.AsyncClient, app: Any, sandbox: Sandbox, override_env: Any
) -> None:
    override_env(JOB_MAX_ATTEMPTS="1")
    await sandbox.gallery("ginger", 30, seed=11)
    person = await owner(client)
    account_id = await platform_account(client, person, await sandbox_user(sandbox, "col"))
    made = await collection(client, person, account_id=account_id, keywords=["ginger"], max_images=20, chunk_size=10)
    cid = made["id"]
    started = (await act(client, person, cid, "start")).json()
    await run(app, person, started["job_id"])
    first, second, third = (await children(person, started["job_id"]))[:3]
    assert (await run(app, person, first["id"])).status == "succeeded"

    stopped = (await act(client, person, cid, "stop")).json()
    assert stopped["status"] == "stopped"
    held = await run(app, person, second["id"])
    assert held.status == "paused"  # held: nothing read while stopped
    progress = await get(client, person, f"/collections/{cid}/progress")
    assert progress["images"]["found"] == 10
    assert progress["chunks"]["waiting"] >= 2

    assert (await act(client, person, cid, "start")).json()["status"] == "running"
    # The third chunk's page answers 500 for good: that chunk fails, the others finish.
    await sandbox.fail_path("/feed", count=50)
    assert (await run(app, person, third["id"])).status == "failed"
    await sandbox.fail_path("/feed", count=0)
    assert (await run(app, person, second["id"])).status == "succeeded"
    progress = await get(client, person, f"/collections/{cid}/progress")
    assert progress["status"] == "failed"
    assert progress["chunks"]["failed"] == 1
    assert progress["images"]["found"] == 20

    retried = (await act(client, person, cid, "retry")).json()
    assert retried["status"] == "running"
    after = {job["id"]: job["status"] for job in await children(person, started["job_id"])}
    assert after[first["id"]] == after[second["id"]] == "succeeded"  # only the failed chunk runs again
    assert after[third["id"]] == "pending"
    assert (await run(app, person, third["id"])).status == "succeeded"
    progress = await get(client, person, f"/collections/{cid}/progress")
    assert progress["status"] == "completed"
    assert progress["images"]["kept"] == 20
    images = await _images(client, person, cid)
    assert len(images) == 20  # 30 results, 20 kept: the third chunk stopped at the maximum
    assert len({i["source_url"] for i in images}) == 20  # no image fetched twice
