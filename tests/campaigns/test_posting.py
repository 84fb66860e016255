"""Posting a campaign through the API (no browser): the plan, the strategies, start, pause, cancel, moving a
post, bad input naming the field, another workspace's campaign. Publishing itself: test_posting_sandbox.py."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import timedelta
from typing import Any

import httpx

from backend.campaigns.posting.plan import PlanAccount, PlanPost, assign
from backend.campaigns.tables import CampaignPost
from backend.core.clock import utcnow
from backend.core.redis import arq_queue_name
from tests.campaigns.posting_helpers import (
    BASE,
    act,
    campaign,
    move,
    owner,
    posts_of,
    ready_posts,
    run,
    sandbox_account,
    upload_photo,
)
from tests.helpers import names_field

TOMORROW = (utcnow() + timedelta(days=1)).replace(microsecond=0)
LATER = {"starts_at": TOMORROW.isoformat(), "spacing_minutes": 30, "posts_per_account_per_day": 10}


async def _plan(client: httpx.AsyncClient, person: Any, campaign_id: str) -> dict[str, Any]:
    response = await client.get(f"{BASE}/{campaign_id}/plan", headers=person.headers)
    assert response.status_code == 200, response.text
    plan: dict[str, Any] = response.json()
    return plan


async def test_round_robin_and_least_used_as_the_plan_shows_them(client: httpx.AsyncClient) -> None:
    person = await owner(client)
    accounts = [await sandbox_account(client, person, f"user{i}") for i in range(3)]
    rr = await campaign(client, person, strategy="round_robin", schedule=LATER)
    await ready_posts(person, rr["id"], [f"Post {i}" for i in range(9)])
    plan = await _plan(client, person, rr["id"])
    assert plan["accounts_matched"] == 3
    assert plan["per_account"] == {a: 3 for a in accounts}
    assert [a["account_id"] for a in plan["assignments"]] == accounts * 3
    assert [a["caption"] for a in plan["assignments"]] == [f"Post {i}" for i in range(9)]
    # Each account posts from the start time, 30 minutes apart.
    first_account = [a["scheduled_at"] for a in plan["assignments"] if a["account_id"] == accounts[0]]
    assert [t[:16] for t in first_account] == [
        (TOMORROW + timedelta(minutes=30 * i)).isoformat()[:16] for i in range(3)
    ]
    assert all(p["status"] == "draft" for p in await posts_of(client, person, rr["id"]))  # a preview changes nothing

    # user0 and user1 posted in the last 24 hours (another campaign); user2 did not: it is preferred.
    other = await campaign(client, person, name="Earlier")
    for account_id, count in ((accounts[0], 3), (accounts[1], 2)):
        for _ in range(count):
            await CampaignPost.insert(
                CampaignPost(
                    workspace=uuid.UUID(person.workspace_id),
                    campaign=uuid.UUID(other["id"]),
                    caption="earlier",
                    status="posted",
                    account_id=uuid.UUID(account_id),
                    posted_at=utcnow() - timedelta(hours=3),
                )
            )
    lu = await campaign(client, person, name="Least used", strategy="least_used", schedule=LATER)
    await ready_posts(person, lu["id"], [f"Post {i}" for i in range(9)])
    chosen = [a["account_id"] for a in (await _plan(client, person, lu["id"]))["assignments"]]
    assert chosen[:2] == [accounts[2], accounts[2]]
    assert Counter(chosen) == {accounts[2]: 4, accounts[1]: 3, accounts[0]: 2}


async def test_random_is_reproducible_from_the_seed_recorded_at_start(client: httpx.AsyncClient) -> None:
    person = await owner(client)
    accounts = [await sandbox_account(client, person, f"user{i}") for i in range(3)]
    created = await campaign(client, person, strategy="random", schedule=LATER)
    photo = await upload_photo(client, person, 1)
    post_ids = await ready_posts(person, created["id"], [f"Post {i}" for i in range(9)], photo)
    started = await act(client, person, created["id"], "start")
    assert started["status"] == "scheduled"  # its first post is tomorrow
    seed = started["strategy_seed"]
    assert isinstance(seed, int)
    by_post = {p["id"]: p["account_id"] for p in await posts_of(client, person, created["id"])}
    replayed = assign(
        [PlanPost(post_id, i) for i, post_id in enumerate(post_ids)],
        [PlanAccount(uuid.UUID(a), "", "sandbox") for a in accounts],
        "random",
        seed=seed,
    )
    assert {str(post.id): str(account.id) for post, account in replayed} == by_post


async def test_start_pause_and_cancel_keep_every_post(client: httpx.AsyncClient, app: Any) -> None:
    person = await owner(client)
    for i in range(3):
        await sandbox_account(client, person, f"user{i}")
    created = await campaign(client, person, schedule=LATER)
    cid = created["id"]
    await ready_posts(person, cid, [f"Post {i}" for i in range(6)], await upload_photo(client, person, 1))
    dropped = await ready_posts(person, cid, ["Dropped in review"])
    await CampaignPost.update({CampaignPost.status: "dropped", CampaignPost.position: 9}).where(
        CampaignPost.id == dropped[0]
    )

    refused = await client.post(f"{BASE}/{cid}/pause", headers=person.headers)
    assert refused.status_code == 409
    assert "only a running or scheduled campaign can be paused" in refused.json()["detail"].lower()

    started = await act(client, person, cid, "start")
    assert (started["status"], started["posts"]["scheduled"], started["posts"]["dropped"]) == ("scheduled", 6, 1)
    assert started["started_at"] is not None
    assert (await client.post(f"{BASE}/{cid}/start", headers=person.headers)).status_code == 409
    assert (await client.post(f"{BASE}/{cid}/resume", headers=person.headers)).status_code == 409

    # The run job makes one job per scheduled post; each waits for its time (tomorrow).
    parent = await run(app, person, started["job_id"])
    assert parent.status == "running"
    posts = await posts_of(client, person, cid)
    children = [p["job_id"] for p in posts if p["status"] == "scheduled"]
    assert len(children) == 6
    assert None not in children
    waiting = await run(app, person, children[0])
    assert waiting.status == "retrying"
    assert "waiting for its time" in (waiting.error or "").lower()

    paused = await act(client, person, cid, "pause")
    assert paused["status"] == "paused"
    listed = await client.get("/api/v1/jobs", headers=person.headers, params={"parent_id": started["job_id"]})
    assert {j["status"] for j in listed.json()["items"]} == {"paused"}

    cancelled = await act(client, person, cid, "cancel")
    assert cancelled["status"] == "cancelled"
    assert (cancelled["posts"]["cancelled"], cancelled["posts"]["total"]) == (6, 7)
    run_job = await client.get(f"/api/v1/jobs/{started['job_id']}", headers=person.headers)
    assert run_job.json()["status"] == "cancelled"
    assert (await client.post(f"{BASE}/{cid}/cancel", headers=person.headers)).status_code == 409
    assert len(await posts_of(client, person, cid)) == 7  # nothing deleted


async def test_moving_a_post_sends_its_job_for_the_new_time(client: httpx.AsyncClient, app: Any) -> None:
    person = await owner(client)
    await sandbox_account(client, person, "mover")
    cid = (await campaign(client, person, schedule=LATER))["id"]
    await ready_posts(person, cid, ["Move me"], await upload_photo(client, person, 1))
    started = await act(client, person, cid, "start")
    await run(app, person, started["job_id"])
    [post] = await posts_of(client, person, cid)
    deferred = await run(app, person, post["job_id"])
    assert deferred.status == "retrying"

    soon = (utcnow() + timedelta(hours=2)).replace(microsecond=0)
    moved = await move(client, person, cid, post["id"], soon.isoformat())
    assert moved["scheduled_at"][:19] == soon.isoformat()[:19]
    # The job's newest dispatch is queued for the new time; the one queued for tomorrow is stale.
    redis = app.state.redis
    queued = {
        (k.decode() if isinstance(k, bytes) else k): score
        for k, score in await redis.zrange(arq_queue_name(), 0, -1, withscores=True)
    }
    mine = {key: score for key, score in queued.items() if key.startswith(post["job_id"])}
    newest = max(mine, key=lambda key: int(key.rsplit(":", 1)[1]))
    assert abs(mine[newest] / 1000 - soon.timestamp()) < 5
    assert any(abs(score / 1000 - TOMORROW.timestamp()) < 5 for key, score in mine.items() if key != newest)

    past = (utcnow() - timedelta(days=1)).isoformat()
    refused = await client.post(
        f"{BASE}/{cid}/posts/{post['id']}/move", headers=person.headers, json={"scheduled_at": past}
    )
    assert refused.status_code == 400
    assert names_field(refused.json(), "scheduled_at")


async def test_bad_input_names_the_field(client: httpx.AsyncClient) -> None:
    person = await owner(client)
    await sandbox_account(client, person, "solo")
    nobody = await campaign(client, person, targeting={"tags": ["nobody-has-this"]})
    await ready_posts(person, nobody["id"], ["A post"])
    empty = await campaign(client, person, name="Empty")
    cases = [
        (f"{BASE}/{nobody['id']}/start", "targeting"),
        (f"{BASE}/{nobody['id']}/plan", "targeting"),
        (f"{BASE}/{empty['id']}/start", "posts"),
    ]
    for path, field in cases:
        method = "GET" if path.endswith("/plan") else "POST"
        response = await client.request(method, path, headers=person.headers)
        assert response.status_code == 400, (path, response.text)
        assert names_field(response.json(), field), (field, response.json())
    for body, field in (
        ({"name": "x", "strategy": "most_liked"}, "strategy"),
        ({"name": "x", "schedule": {"active_from": "18:00", "active_to": "09:00"}}, "schedule.active_to"),
    ):
        response = await client.post(BASE, headers=person.headers, json=body)
        assert response.status_code == 400, response.text
        assert names_field(response.json(), field)
    assert (await client.get(f"{BASE}/{nobody['id']}", headers=person.headers)).json()["status"] == "draft"


async def test_another_workspaces_campaign_and_posts_are_not_found(client: httpx.AsyncClient) -> None:
    person = await owner(client)
    stranger = await owner(client)
    await sandbox_account(client, person, "mine")
    cid = (await campaign(client, person, schedule=LATER))["id"]
    [post_id] = await ready_posts(person, cid, ["Mine"])
    for method, path, body in (
        ("GET", f"{BASE}/{cid}/plan", None),
        ("POST", f"{BASE}/{cid}/start", None),
        ("POST", f"{BASE}/{cid}/pause", None),
        ("POST", f"{BASE}/{cid}/resume", None),
        ("POST", f"{BASE}/{cid}/cancel", None),
        ("POST", f"{BASE}/{cid}/retry-failed", None),
        ("POST", f"{BASE}/{cid}/posts/{post_id}/retry", None),
        ("POST", f"{BASE}/{cid}/posts/{post_id}/move", {"scheduled_at": TOMORROW.isoformat()}),
        ("POST", f"{BASE}/{cid}/import", [{"caption": "theirs"}]),
        ("GET", f"{BASE}/{cid}/export", None),
        ("GET", f"{BASE}/{cid}/statistics", None),
    ):
        response = await client.request(method, path, headers=stranger.headers, json=body)
        assert response.status_code == 404, (method, path, response.text)
    assert (await client.get(f"{BASE}/{cid}", headers=person.headers)).json()["status"] == "draft"
