"""Account jobs end to end: API → arq worker → Playwright → the sandbox marketplace.

Test-login, publishing a draft through the driver (one listing even when the
sandbox loses the response), and an account that hits a challenge: it needs
attention, its queued work pauses, and after the person fixes it and resumes
the account, the work completes.
"""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal
from typing import Any

import httpx
import pytest

from backend.jobs import events
from backend.jobs.limiter import Limit, slot
from backend.listings.tables import Listing
from backend.platforms import vault
from backend.platforms.tables import PlatformAccount
from tests.helpers import Account, register
from tests.images import photo
from tests.jobs.helpers import finished, wait_for
from tests.platforms.conftest import PASSWORD, Sandbox

JOB_WAIT = 90


@pytest.fixture
def worker(start_worker: Any, sandbox: Sandbox) -> None:
    # Browser jobs take seconds, not the jobs suite's 5 s arq timeout.
    start_worker(SANDBOX_URL=sandbox.url, WORKER_JOB_TIMEOUT_SECONDS="90", BROWSER_ACTION_TIMEOUT_SECONDS="3")


async def _account(client: httpx.AsyncClient, owner: Account, login: str = "alice", **extra: Any) -> str:
    body = {"platform": "sandbox", "login": login, "password": PASSWORD, **extra}
    response = await client.post("/api/v1/accounts", headers=owner.headers, json=body)
    assert response.status_code == 201, response.text
    account_id: str = response.json()["id"]
    return account_id


async def _draft(client: httpx.AsyncClient, owner: Account, title: str, photos: int = 2) -> str:
    files = [("files", (f"p{n}.jpg", photo(seed=hash(title) % 97 + n * 7), "image/jpeg")) for n in range(photos)]
    uploaded = await client.post("/api/v1/media", headers=owner.headers, files=files)
    assert uploaded.status_code == 201, uploaded.text
    listing_id = uuid.uuid4()
    await Listing.insert(
        Listing(
            id=listing_id,
            workspace=uuid.UUID(owner.workspace_id),
            title=title,
            description="Good condition, from a smoke-free home.",
            price=Decimal("18.00"),
            media_ids=[m["id"] for m in uploaded.json()["items"]],
        )
    )
    return str(listing_id)


async def _job(client: httpx.AsyncClient, owner: Account, response: httpx.Response) -> Any:
    assert response.status_code == 202, response.text
    job_id = uuid.UUID(response.json()["id"])
    return await wait_for(owner.workspace_id, job_id, finished, timeout=JOB_WAIT, what="the job to finish")


async def _publish(client: httpx.AsyncClient, owner: Account, listing: str, account: str) -> httpx.Response:
    return await client.post(f"/api/v1/listings/{listing}/publish", headers=owner.headers, json={"account_id": account})


async def test_test_login_stores_the_session_encrypted(client: httpx.AsyncClient, worker: None) -> None:
    owner = await register(client)
    account = await _account(client, owner)
    job = await _job(client, owner, await client.post(f"/api/v1/accounts/{account}/test-login", headers=owner.headers))
    assert job.status == "succeeded", job.error
    shown = (await client.get(f"/api/v1/accounts/{account}", headers=owner.headers)).json()
    assert shown["status"] == "active"
    assert shown["has_cookies"] is True
    assert shown["last_login_at"] is not None
    assert "password" not in shown
    assert "cookies" not in shown

    row = await PlatformAccount.select(PlatformAccount.password_secret, PlatformAccount.cookies_secret).first()
    assert row is not None
    assert PASSWORD not in row["password_secret"]
    assert "sandbox_session" not in row["cookies_secret"]
    assert "sandbox_session" in vault.decrypt(row["cookies_secret"], "account.cookies")


async def test_a_refused_login_fails_the_test_and_flags_the_account(client: httpx.AsyncClient, worker: None) -> None:
    owner = await register(client)
    response = await client.post(
        "/api/v1/accounts",
        headers=owner.headers,
        json={"platform": "sandbox", "login": "bob", "password": "wrong-password"},
    )
    account = response.json()["id"]
    job = await _job(client, owner, await client.post(f"/api/v1/accounts/{account}/test-login", headers=owner.headers))
    assert job.status == "failed"
    assert "Wrong username or password" in (job.error or "")
    shown = (await client.get(f"/api/v1/accounts/{account}", headers=owner.headers)).json()
    assert shown["status"] == "needs_attention"
    assert "Wrong username or password" in shown["status_reason"]


async def test_publish_a_draft_through_the_driver(
    app: Any, client: httpx.AsyncClient, sandbox: Sandbox, worker: None
) -> None:
    owner = await register(client)
    account = await _account(client, owner)
    listing = await _draft(client, owner, "Vintage leather satchel")
    stream_start = await events.latest_id(app.state.redis, uuid.UUID(owner.workspace_id))
    job = await _job(client, owner, await _publish(client, owner, listing, account))
    assert job.status == "succeeded", job.error
    assert job.account_id == uuid.UUID(account)

    published = (await client.get(f"/api/v1/listings/{listing}", headers=owner.headers)).json()
    on_sandbox = [i for i in await sandbox.items(seller="alice") if i["title"] == "Vintage leather satchel"]
    assert len(on_sandbox) == 1
    assert on_sandbox[0]["photos"] == 2
    assert published["status"] == "published"
    assert published["platform_item_id"] == str(on_sandbox[0]["id"])
    assert published["platform_url"] == f"{sandbox.url}/items/{on_sandbox[0]['id']}"
    assert published["account_id"] == account

    # Progress went out on the workspace's event stream (what SSE clients read).
    streamed = await events.read_after(app.state.redis, uuid.UUID(owner.workspace_id), stream_start, block_ms=None)
    mine = [e for _, e in streamed if e.job_id == job.id]
    assert mine[0].type == "job.created"
    assert mine[-1].type == "job.succeeded"
    item = next(e for e in mine if e.type == "job.item")
    assert item.payload["result"]["url"] == published["platform_url"]

    again = await _publish(client, owner, listing, account)
    assert again.status_code == 409
    assert "already published" in again.json()["detail"]


async def test_a_lost_publish_response_still_makes_one_listing(
    client: httpx.AsyncClient, sandbox: Sandbox, worker: None
) -> None:
    owner = await register(client)
    account = await _account(client, owner)
    listing = await _draft(client, owner, "Brass desk lamp")
    await sandbox.drop_next_publish(hang_seconds=20)
    job = await _job(client, owner, await _publish(client, owner, listing, account))
    assert job.status == "succeeded", job.error
    copies = [i for i in await sandbox.items(seller="alice") if i["title"] == "Brass desk lamp"]
    assert len(copies) == 1
    shown = (await client.get(f"/api/v1/listings/{listing}", headers=owner.headers)).json()
    assert shown["platform_item_id"] == str(copies[0]["id"])


async def test_a_challenge_pauses_the_accounts_work_until_it_is_resumed(
    client: httpx.AsyncClient, sandbox: Sandbox, worker: None
) -> None:
    owner = await register(client)
    account = await _account(client, owner)
    first, second = await _draft(client, owner, "Red raincoat"), await _draft(client, owner, "Striped scarf")
    await sandbox.set_challenge("alice")

    paused_jobs = []
    for listing in (first, second):
        response = await _publish(client, owner, listing, account)
        assert response.status_code == 202, response.text
        paused_jobs.append(
            await wait_for(
                owner.workspace_id,
                uuid.UUID(response.json()["id"]),
                lambda j: j.status == "paused",
                timeout=JOB_WAIT,
                what="the publish to pause",
            )
        )
    assert all("captcha" in (j.error or "") for j in paused_jobs)
    shown = (await client.get(f"/api/v1/accounts/{account}", headers=owner.headers)).json()
    assert shown["status"] == "needs_attention"
    assert "captcha" in shown["status_reason"]
    assert not [i for i in await sandbox.items(seller="alice") if i["title"] in ("Red raincoat", "Striped scarf")]

    # Resuming before the person solved it: the check fails, and nothing runs.
    still = await _job(client, owner, await client.post(f"/api/v1/accounts/{account}/resume", headers=owner.headers))
    assert still.status == "failed"
    assert "captcha" in (still.error or "")
    for job in paused_jobs:
        assert (await wait_for(owner.workspace_id, job.id, lambda j: True)).status == "paused"

    await sandbox.set_challenge("alice", enabled=False)  # the person solved it in their browser
    resumed = await _job(client, owner, await client.post(f"/api/v1/accounts/{account}/resume", headers=owner.headers))
    assert resumed.status == "succeeded", resumed.error
    # Both publishes were held; the analytics sync cron may also have tried the account during the
    # challenge, and its paused sync is the account's work too, so it resumes with them.
    syncs = await client.get("/api/v1/jobs", params={"kind": "analytics.sync"}, headers=owner.headers)
    assert 2 <= resumed.result["resumed_jobs"] <= 2 + syncs.json()["total"]
    for job in paused_jobs:
        done = await wait_for(owner.workspace_id, job.id, finished, timeout=JOB_WAIT, what="the resumed publish")
        assert done.status == "succeeded", done.error
    titles = [i["title"] for i in await sandbox.items(seller="alice")]
    assert titles.count("Red raincoat") == 1
    assert titles.count("Striped scarf") == 1
    assert (await client.get(f"/api/v1/accounts/{account}", headers=owner.headers)).json()["status"] == "active"


async def test_another_workspaces_account_is_404_for_jobs(client: httpx.AsyncClient) -> None:
    owner, other = await register(client), await register(client)
    account = await _account(client, owner)
    listing = await _draft(client, other, "Someone else's shoes")
    for path in (f"/api/v1/accounts/{account}/test-login", f"/api/v1/accounts/{account}/resume"):
        assert (await client.post(path, headers=other.headers)).status_code == 404
    assert (await _publish(client, other, listing, account)).status_code == 404


async def test_every_kind_of_job_counts_against_the_plans_concurrent_jobs(client: httpx.AsyncClient) -> None:
    owner = await register(client)  # the free plan: 2 jobs at once; no worker runs, so they stay pending
    account = await _account(client, owner)
    responses = await asyncio.gather(
        *(client.post(f"/api/v1/accounts/{account}/test-login", headers=owner.headers) for _ in range(10))
    )
    assert sorted(r.status_code for r in responses) == [202] * 2 + [402] * 8, [r.text for r in responses]
    refused = next(r for r in responses if r.status_code == 402)
    assert "concurrent jobs: 2 of 2" in refused.json()["detail"]
    # Every other kind meets the same limit.
    listing = await _draft(client, owner, "Blue jeans")
    for response in (
        await client.post(f"/api/v1/accounts/{account}/resume", headers=owner.headers),
        await _publish(client, owner, listing, account),
    ):
        assert response.status_code == 402, response.text
        assert "concurrent jobs: 2 of 2" in response.json()["detail"]
    assert (await client.get("/api/v1/jobs", headers=owner.headers)).json()["total"] == 2


async def test_the_daily_action_cap_cools_the_account_down(client: httpx.AsyncClient, worker: None) -> None:
    owner = await register(client)
    account = await _account(client, owner, daily_action_cap=1)
    first, second = await _draft(client, owner, "Wicker basket"), await _draft(client, owner, "Linen shirt")
    assert (await _job(client, owner, await _publish(client, owner, first, account))).status == "succeeded"
    capped = await _job(client, owner, await _publish(client, owner, second, account))
    assert capped.status == "failed"
    assert "daily cap" in (capped.error or "")
    shown = (await client.get(f"/api/v1/accounts/{account}", headers=owner.headers)).json()
    assert shown["status"] == "cooldown"
    assert shown["actions_today"] == 1
    assert shown["cooldown_until"] is not None


async def test_only_the_sandbox_drivers_are_verified(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    platforms = (await client.get("/api/v1/accounts/platforms", headers=owner.headers)).json()
    verified = {p["name"]: p["driver_verified"] for p in platforms}
    assert verified == {"sandbox": True, "sandbox_b": True, "vinted": False, "pinterest": False, "tiktok": False}
    assert {p["name"]: p["title"] for p in platforms}["sandbox_b"] == "Sandbox Bazaar"


async def test_a_busy_account_defers_its_job_without_using_an_attempt(
    app: Any, client: httpx.AsyncClient, sandbox: Sandbox, start_worker: Any, override_env: Any
) -> None:
    override_env(LIMITER_LEASE_SECONDS="30")  # our hold must not lapse on a busy machine
    # A 20 s job limit lets a job wait 5 s for its account before it steps aside.
    start_worker(SANDBOX_URL=sandbox.url, WORKER_JOB_TIMEOUT_SECONDS="20", BROWSER_ACTION_TIMEOUT_SECONDS="3")
    owner = await register(client)
    account = await _account(client, owner)
    listing = await _draft(client, owner, "Cotton tote bag")
    async with slot(app.state.redis, f"account:{account}", Limit(1)):  # another job holds the account
        response = await _publish(client, owner, listing, account)
        assert response.status_code == 202
        waiting = await wait_for(
            owner.workspace_id,
            uuid.UUID(response.json()["id"]),
            lambda j: j.status == "retrying",
            timeout=JOB_WAIT,
            what="the job to step aside",
        )
        assert "busy" in (waiting.error or "")
        assert waiting.attempts == 0
    done = await wait_for(owner.workspace_id, waiting.id, finished, timeout=JOB_WAIT, what="the publish")
    assert done.status == "succeeded", done.error
    assert done.attempts == 1
    assert [i["title"] for i in await sandbox.items(seller="alice")].count("Cotton tote bag") == 1
