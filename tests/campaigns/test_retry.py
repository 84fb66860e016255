"""Retrying failed posts: `POST /campaigns/{id}/retry-failed` and `POST /campaigns/{id}/posts/{post_id}/retry`.

A failure is induced cheaply: the post's account is made inactive (the platforms facade refuses it
before any browser work), then active again. Jobs run in this process as a worker would run them
(tests.campaigns.posting_helpers.run); the end to end case posts on the sandbox in real Chromium.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.automation.social_helpers import on_the_sandbox, sandbox_user  # noqa: F401 - a fixture
from tests.campaigns.posting_helpers import (
    BASE,
    act,
    campaign,
    owner,
    posts_of,
    ready_posts,
    run,
    sandbox_account,
    upload_photo,
)
from tests.helpers import Account
from tests.platforms.conftest import Sandbox

NOW_ON = {"spacing_minutes": 60, "posts_per_account_per_day": 10}


async def _set_status(client: httpx.AsyncClient, person: Account, account_id: str, status: str) -> None:
    response = await client.patch(f"/api/v1/accounts/{account_id}", headers=person.headers, json={"status": status})
    assert response.status_code == 200, response.text


async def _campaign_now(client: httpx.AsyncClient, person: Account, cid: str) -> dict[str, Any]:
    response = await client.get(f"{BASE}/{cid}", headers=person.headers)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


async def _job(client: httpx.AsyncClient, person: Account, job_id: str) -> dict[str, Any]:
    response = await client.get(f"/api/v1/jobs/{job_id}", headers=person.headers)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


async def test_failed_posts_are_retried_one_or_all(client: httpx.AsyncClient, app: Any) -> None:
    person = await owner(client)
    accounts = [await sandbox_account(client, person, f"retry{i}") for i in range(2)]
    cid = (await campaign(client, person, schedule=NOW_ON))["id"]
    none_yet = await client.post(f"{BASE}/{cid}/retry-failed", headers=person.headers)
    assert none_yet.status_code == 200, none_yet.text
    assert none_yet.json() == {"retried": 0, "job_ids": []}  # a draft has nothing to retry: not an error

    await ready_posts(person, cid, ["First", "Second"], await upload_photo(client, person, 3))
    started = await act(client, person, cid, "start")
    assert started["status"] == "running"
    await run(app, person, started["job_id"])
    for account_id in accounts:
        await _set_status(client, person, account_id, "inactive")
    posts = {p["caption"]: p for p in await posts_of(client, person, cid)}
    assert (await act(client, person, cid, "retry-failed")) == {"retried": 0, "job_ids": []}
    refused = await client.post(f"{BASE}/{cid}/posts/{posts['First']['id']}/retry", headers=person.headers)
    assert refused.status_code == 409  # scheduled, not failed
    assert "only a failed post" in refused.json()["detail"].lower()

    for post in posts.values():
        job = await run(app, person, post["job_id"])
        assert job.status == "failed"
        assert "inactive" in (job.error or "")
    failed = {p["caption"]: p for p in await posts_of(client, person, cid)}
    assert {p["status"] for p in failed.values()} == {"failed"}
    assert all("inactive" in p["error"] for p in failed.values())
    ended = await _campaign_now(client, person, cid)
    assert (ended["status"], ended["posts"]["failed"]) == ("completed", 2)
    assert (await _job(client, person, started["job_id"]))["status"] == "failed"

    # One post: scheduled again from now, its job waits to run again; the campaign is live again.
    await _set_status(client, person, accounts[0], "active")
    retried = await client.post(f"{BASE}/{cid}/posts/{posts['First']['id']}/retry", headers=person.headers)
    assert retried.status_code == 200, retried.text
    one = retried.json()
    assert (one["status"], one["error"], one["job_id"]) == ("scheduled", "", posts["First"]["job_id"])
    assert (await _job(client, person, one["job_id"]))["status"] == "pending"
    assert (await _campaign_now(client, person, cid))["status"] == "running"
    assert (await _job(client, person, started["job_id"]))["status"] in ("pending", "running")

    # Still failing (its account is still inactive): it fails again, with the reason, and can be retried again.
    again = await run(app, person, posts["Second"]["job_id"])
    assert again.status == "failed"
    everything = await act(client, person, cid, "retry-failed")
    assert everything["retried"] == 1
    assert everything["job_ids"] == [posts["Second"]["job_id"]]
    statuses = {p["caption"]: p["status"] for p in await posts_of(client, person, cid)}
    assert statuses == {"First": "scheduled", "Second": "scheduled"}
    # The run job waits for its children again rather than staying failed.
    await run(app, person, started["job_id"])
    assert (await _job(client, person, started["job_id"]))["status"] == "running"

    # A cancelled campaign's failures stay failed: 409 with the reason.
    await _set_status(client, person, accounts[1], "inactive")
    assert (await run(app, person, posts["Second"]["job_id"])).status == "failed"
    await act(client, person, cid, "cancel")
    refused = await client.post(f"{BASE}/{cid}/retry-failed", headers=person.headers)
    assert refused.status_code == 409
    assert "cancelled" in refused.json()["detail"]


@pytest.mark.timeout(480)
@pytest.mark.usefixtures("on_the_sandbox")
async def test_a_failed_post_retried_is_posted_and_a_posted_one_cannot_be(
    client: httpx.AsyncClient, app: Any, sandbox: Sandbox
) -> None:
    person = await owner(client)
    users = [await sandbox_user(sandbox, f"r{i}") for i in range(2)]
    accounts = [await sandbox_account(client, person, user) for user in users]
    cid = (await campaign(client, person, schedule=NOW_ON))["id"]
    await ready_posts(person, cid, ["Works", "Fails first"], await upload_photo(client, person, 4))
    started = await act(client, person, cid, "start")
    await run(app, person, started["job_id"])
    await _set_status(client, person, accounts[1], "inactive")
    posts = {p["caption"]: p for p in await posts_of(client, person, cid)}
    assert (await run(app, person, posts["Works"]["job_id"])).status == "succeeded"
    assert (await run(app, person, posts["Fails first"]["job_id"])).status == "failed"
    assert await sandbox.posts(users[1]) == []
    ended = await _campaign_now(client, person, cid)
    assert (ended["status"], ended["posts"]["posted"], ended["posts"]["failed"]) == ("completed", 1, 1)

    posted = await client.post(f"{BASE}/{cid}/posts/{posts['Works']['id']}/retry", headers=person.headers)
    assert posted.status_code == 409
    assert "this one is posted" in posted.json()["detail"]

    await _set_status(client, person, accounts[1], "active")
    assert (await act(client, person, cid, "retry-failed"))["retried"] == 1
    assert (await _campaign_now(client, person, cid))["status"] == "running"
    job = await run(app, person, posts["Fails first"]["job_id"])
    assert job.status == "succeeded", job.error
    [made] = await sandbox.posts(users[1])
    assert made["caption"].startswith("Fails first")
    done = {p["caption"]: p for p in await posts_of(client, person, cid)}
    assert (done["Fails first"]["status"], done["Fails first"]["error"]) == ("posted", "")
    assert done["Fails first"]["platform_post_id"] == str(made["id"])
    assert done["Fails first"]["attempts"] == 2
    assert len(await sandbox.posts(users[0])) == 1  # the posted one was not posted again
    final = await _campaign_now(client, person, cid)
    assert (final["status"], final["posts"]["posted"], final["posts"]["failed"]) == ("completed", 2, 0)
    # The run job, retried with its failed child, ends as its children did once a worker runs it.
    assert (await run(app, person, started["job_id"])).status == "succeeded"
    assert (await act(client, person, cid, "retry-failed")) == {"retried": 0, "job_ids": []}
