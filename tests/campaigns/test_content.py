"""Content batches written by a worker: the real openai client against a local server, the offline
provider, failures isolated per post, the concurrency cap, AI quota, cancel, regenerate."""

from __future__ import annotations

import io
import uuid
from typing import Any

import httpx
from PIL import Image

from backend.billing import service as billing
from backend.campaigns.tables import CampaignPost
from backend.core.quotas import Resource
from backend.jobs.tables import JobItem
from tests.campaigns.conftest import CAMPAIGNS, FakeAI, create_campaign, worker_env
from tests.helpers import Account, grant_plan, register
from tests.jobs.conftest import kill_hard
from tests.jobs.helpers import finished, wait_for


async def _generate(
    client: httpx.AsyncClient, account: Account, campaign_id: str, body: dict[str, Any]
) -> dict[str, Any]:
    response = await client.post(f"{CAMPAIGNS}/{campaign_id}/generate", headers=account.headers, json=body)
    assert response.status_code == 202, response.text
    batch: dict[str, Any] = response.json()
    return batch


async def _batch_when_done(client: httpx.AsyncClient, account: Account, batch: dict[str, Any]) -> dict[str, Any]:
    job = await wait_for(account.workspace_id, uuid.UUID(batch["job_id"]), finished, timeout=120)
    assert job.status == "succeeded", job.error
    response = await client.get(f"/api/v1/batches/{batch['id']}", headers=account.headers)
    assert response.status_code == 200, response.text
    detail: dict[str, Any] = response.json()
    return detail


async def test_twenty_posts_three_provider_failures_never_more_than_five_calls_at_once(
    client: httpx.AsyncClient, start_worker: Any, fake_ai: FakeAI
) -> None:
    account = await register(client)
    await grant_plan(account.workspace_id, "pro")
    campaign = await create_campaign(client, account)
    fake_ai.fail_when = {"BROKEN"}
    failing = {3, 9, 16}
    briefs = [
        {
            "topic": f"Shirt {i}" + (" BROKEN" if i in failing else ""),
            "with_image": i % 5 == 0,
            **({"tone": "playful", "audience": "surfers"} if i == 1 else {}),
        }
        for i in range(20)
    ]
    batch = await _generate(client, account, campaign["id"], {"posts": briefs})
    assert (batch["status"], batch["requested"], batch["pending"]) == ("running", 20, 20)
    start_worker(**worker_env(fake_ai, concurrency=5))
    detail = await _batch_when_done(client, account, batch)

    assert detail["batch"]["status"] == "completed"
    assert detail["batch"]["finished_at"] is not None
    assert (detail["batch"]["done"], detail["batch"]["failed"], detail["batch"]["pending"]) == (17, 3, 0)
    posts = detail["posts"]
    assert [p["position"] for p in posts] == list(range(20))
    for i, post in enumerate(posts):
        if i in failing:
            assert post["content_state"] == "failed"
            assert "The AI provider did not answer" in post["content_error"]
            assert post["caption"] == ""
        else:
            assert post["content_state"] == "ready", post
            assert post["caption"] == f"Fresh caption about Shirt {i} #loom"
            assert post["source"] == "generated"
    # Briefs without their own tone or audience take the campaign's.
    assert (posts[0]["tone"], posts[0]["audience"]) == ("warm", "women 25-40 who like slow fashion")
    assert (posts[1]["tone"], posts[1]["audience"]) == ("playful", "surfers")
    # Posts with an image: a generated PNG stored as the workspace's media.
    for post in (posts[0], posts[5], posts[10], posts[15]):
        assert post["media_source"] == "generated"
        [media_id] = post["media_ids"]
        image = await client.get(f"/api/v1/media/{media_id}/file", headers=account.headers)
        assert image.status_code == 200
        assert Image.open(io.BytesIO(image.content)).format == "PNG"
    assert posts[1]["media_ids"] == []

    assert fake_ai.peak <= 5
    assert fake_ai.peak >= 2
    assert fake_ai.images == 4
    # What the AI was told: the campaign's brand, the post's topic, tone and audience.
    [surfers] = [p for p in fake_ai.prompts if "Topic: Shirt 1\n" in p]
    assert "Brand: Loom & Co" in surfers
    assert "Tone: playful" in surfers
    assert "Audience: surfers" in surfers
    # Each written post took one generation; the failed ones gave theirs back.
    assert await billing.usage_this_month(uuid.UUID(account.workspace_id), Resource.ai_generations) == 17
    items = await JobItem.select(JobItem.ok, JobItem.key).where(JobItem.job == uuid.UUID(batch["job_id"]))
    assert sorted(i["ok"] for i in items).count("failed") == 3
    assert {i["key"] for i in items} == {p["id"] for p in posts}

    listed = (await client.get(f"{CAMPAIGNS}/{campaign['id']}/batches", headers=account.headers)).json()
    assert listed["total"] == 1
    assert (listed["items"][0]["done"], listed["items"][0]["failed"]) == (17, 3)
    counts = (await client.get(f"{CAMPAIGNS}/{campaign['id']}", headers=account.headers)).json()["posts"]
    assert (counts["total"], counts["ready"], counts["draft"]) == (20, 17, 20)


async def test_offline_batch_by_count_with_branded_images_then_regenerate_one(
    client: httpx.AsyncClient, start_worker: Any
) -> None:
    account = await register(client)
    campaign = await create_campaign(client, account)
    first = await _generate(client, account, campaign["id"], {"count": 3, "with_image": True})
    start_worker()  # no OpenAI key: the offline provider
    detail = await _batch_when_done(client, account, first)
    assert (detail["batch"]["done"], detail["batch"]["failed"]) == (3, 0)
    for post in detail["posts"]:
        assert "Linen shirts for warm days" in post["caption"]
        assert "#loomco" in post["caption"]
        [media_id] = post["media_ids"]
        card = await client.get(f"/api/v1/media/{media_id}/file", headers=account.headers)
        with Image.open(io.BytesIO(card.content)) as image:
            assert image.size == (1024, 1024)
    assert await billing.usage_this_month(uuid.UUID(account.workspace_id), Resource.ai_generations) == 3

    target = detail["posts"][1]
    await client.patch(
        f"{CAMPAIGNS}/{campaign['id']}/posts/{target['id']}", headers=account.headers, json={"caption": "Mine"}
    )
    again = await client.post(f"{CAMPAIGNS}/{campaign['id']}/posts/{target['id']}/regenerate", headers=account.headers)
    assert again.status_code == 202, again.text
    assert again.json()["requested"] == 1
    redone = await _batch_when_done(client, account, again.json())
    [post] = redone["posts"]
    assert post["id"] == target["id"]
    assert post["batch_id"] == again.json()["id"]
    assert post["position"] == 1
    assert post["caption"] != "Mine"
    assert post["content_state"] == "ready"
    assert await billing.usage_this_month(uuid.UUID(account.workspace_id), Resource.ai_generations) == 4
    batches = (await client.get(f"{CAMPAIGNS}/{campaign['id']}/batches", headers=account.headers)).json()
    assert [b["id"] for b in batches["items"]] == [again.json()["id"], first["id"]]  # newest first


async def test_posts_past_the_quota_fail_with_the_plan_limit(client: httpx.AsyncClient, start_worker: Any) -> None:
    account = await register(client)
    workspace = uuid.UUID(account.workspace_id)
    campaign = await create_campaign(client, account)
    await billing.check_and_consume(workspace, Resource.ai_generations, 16)  # free plan: 4 of 20 left
    refused = await client.post(f"{CAMPAIGNS}/{campaign['id']}/generate", headers=account.headers, json={"count": 5})
    assert refused.status_code == 402
    assert "5 AI generations and 4 are left" in refused.json()["detail"]
    assert await CampaignPost.count() == 0

    batch = await _generate(client, account, campaign["id"], {"count": 4})
    await billing.check_and_consume(workspace, Resource.ai_generations, 2)  # spent elsewhere meanwhile
    start_worker()
    detail = await _batch_when_done(client, account, batch)
    assert detail["batch"]["status"] == "completed"
    assert (detail["batch"]["done"], detail["batch"]["failed"]) == (2, 2)
    failed = [p for p in detail["posts"] if p["content_state"] == "failed"]
    assert all("Plan limit reached" in p["content_error"] for p in failed)
    assert await billing.usage_this_month(workspace, Resource.ai_generations) == 20


async def test_a_cancelled_batch_keeps_what_was_written_and_fails_the_rest(client: httpx.AsyncClient) -> None:
    account = await register(client)
    campaign = await create_campaign(client, account)
    batch = await _generate(client, account, campaign["id"], {"count": 3})
    # No worker runs: the job is cancelled while queued, so no handler sees it.
    cancelled = await client.post(f"/api/v1/jobs/{batch['job_id']}/cancel", headers=account.headers)
    assert cancelled.status_code == 200, cancelled.text
    detail = (await client.get(f"/api/v1/batches/{batch['id']}", headers=account.headers)).json()
    assert detail["batch"]["status"] == "cancelled"
    assert (detail["batch"]["failed"], detail["batch"]["pending"]) == (3, 0)
    assert {p["content_error"] for p in detail["posts"]} == {"Cancelled before it was written"}


async def test_a_worker_killed_mid_batch_writes_each_post_once(
    client: httpx.AsyncClient, start_worker: Any, fake_ai: FakeAI
) -> None:
    account = await register(client)
    workspace = uuid.UUID(account.workspace_id)
    await grant_plan(account.workspace_id, "pro")
    campaign = await create_campaign(client, account)
    fake_ai.delay = 0.4  # slow answers: several posts are charged and in flight at the kill
    doomed = start_worker(**worker_env(fake_ai, concurrency=4))
    batch = await _generate(client, account, campaign["id"], {"posts": [{"topic": f"Shirt {i}"} for i in range(16)]})
    job_id = uuid.UUID(batch["job_id"])
    await wait_for(account.workspace_id, job_id, lambda j: j.done >= 4, timeout=90, what="4 posts")
    kill_hard(doomed)
    assert (await wait_for(account.workspace_id, job_id, lambda j: True)).done < 16

    start_worker(**worker_env(fake_ai, concurrency=4))
    detail = await _batch_when_done(client, account, batch)
    assert (detail["batch"]["done"], detail["batch"]["failed"]) == (16, 0)
    assert [p["caption"] for p in detail["posts"]] == [f"Fresh caption about Shirt {i} #loom" for i in range(16)]
    assert await CampaignPost.count().where(CampaignPost.workspace == workspace) == 16
    # Posts in flight at the kill were asked for twice, but each post is charged once.
    assert await billing.usage_this_month(workspace, Resource.ai_generations) == 16
