"""Photos in, drafts out: the real openai client against a local server, limits, quotas, tenancy."""

from __future__ import annotations

import asyncio
import io
import uuid
from typing import Any

import httpx
from PIL import Image, ImageDraw

from backend.ai.schemas import categories
from backend.billing import service as billing
from backend.core.quotas import Resource
from backend.jobs.tables import JobItem
from backend.listings.tables import Listing
from tests.helpers import Account, grant_plan, names_field, register
from tests.images import photo
from tests.jobs.conftest import kill_hard
from tests.jobs.helpers import finished, wait_for
from tests.listings.conftest import FakeOpenAI


def _solid(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), colour).save(out, format="PNG")
    return out.getvalue()


async def _upload(client: httpx.AsyncClient, account: Account, images: list[tuple[str, bytes]]) -> list[str]:
    files = [("files", (name, data, "image/jpeg")) for name, data in images]
    response = await client.post("/api/v1/media", headers=account.headers, files=files)
    assert response.status_code == 201, response.text
    return [item["id"] for item in response.json()["items"]]


async def test_thirty_photos_through_openai_under_the_limit(
    client: httpx.AsyncClient, start_worker: Any, fake_openai: FakeOpenAI
) -> None:
    account = await register(client)
    await grant_plan(account.workspace_id, "business")
    start_worker(
        OPENAI_API_KEY="sk-test-fake",
        OPENAI_BASE_URL=f"{fake_openai.url}/v1",
        AI_MAX_CONCURRENCY="4",
        OPENAI_MAX_RETRIES="2",
    )
    images = [(f"jeans-{i}.jpg", photo(colour=(60, 90, 140), seed=i)) for i in range(29)]
    images.append(("flaky.png", _solid((255, 0, 0))))  # answered with a 500 once
    images.append(("garbled.png", _solid((0, 0, 255))))  # answered with invalid JSON
    media_ids = await _upload(client, account, images)

    started = await client.post("/api/v1/listings/analyze", headers=account.headers, json={"media_ids": media_ids})
    assert started.status_code == 201, started.text
    job_id = uuid.UUID(started.json()["id"])
    job = await wait_for(account.workspace_id, job_id, finished, timeout=90)

    assert job.status == "succeeded", job.error
    assert (job.total, job.done, job.failed) == (31, 30, 1)
    assert fake_openai.peak <= 4
    assert fake_openai.peak >= 2
    assert fake_openai.red_seen == 2  # the 500, then the retry that succeeded
    assert await Listing.count().where(Listing.workspace == uuid.UUID(account.workspace_id)) == 30
    [failed] = await JobItem.select().where((JobItem.job == job_id) & (JobItem.ok == "failed"))
    assert "not a valid draft" in failed["error"]
    # The failed item gave its generation back.
    assert await billing.usage_this_month(uuid.UUID(account.workspace_id), Resource.ai_generations) == 30

    # What went to OpenAI: the model, the photo as a data URL, a strict JSON schema.
    sent = fake_openai.bodies[0]
    assert sent["model"] == "gpt-4o-mini"
    assert sent["response_format"]["type"] == "json_schema"
    assert sent["response_format"]["json_schema"]["strict"] is True
    image_part = next(p for p in sent["messages"][0]["content"] if p["type"] == "image_url")
    assert image_part["image_url"]["url"].startswith("data:image/")

    drafts = (await client.get("/api/v1/listings?limit=100", headers=account.headers)).json()
    assert drafts["total"] == 30
    assert {d["title"] for d in drafts["items"]} == {"Levi's 501 jeans, mid blue, W32 L32"}
    assert all(d["status"] == "draft" and d["ai_provider"] == "openai" for d in drafts["items"])


async def test_a_batch_larger_than_the_quota_left_is_refused_up_front(client: httpx.AsyncClient) -> None:
    account = await register(client)
    await billing.check_and_consume(uuid.UUID(account.workspace_id), Resource.ai_generations, 17)  # 3 of 20 left
    media_ids = await _upload(client, account, [(f"p{i}.jpg", photo(seed=i)) for i in range(5)])
    refused = await client.post("/api/v1/listings/analyze", headers=account.headers, json={"media_ids": media_ids})
    assert refused.status_code == 402
    assert "needs 5 AI generations and 3 are left" in refused.json()["detail"]
    assert (await client.get("/api/v1/jobs", headers=account.headers)).json()["total"] == 0


async def test_racing_batches_never_overspend(client: httpx.AsyncClient, start_worker: Any) -> None:
    account = await register(client)
    workspace = uuid.UUID(account.workspace_id)
    await billing.check_and_consume(workspace, Resource.ai_generations, 17)
    media_ids = await _upload(client, account, [(f"p{i}.jpg", photo(seed=i)) for i in range(6)])
    first, second = await asyncio.gather(
        client.post("/api/v1/listings/analyze", headers=account.headers, json={"media_ids": media_ids[:3]}),
        client.post("/api/v1/listings/analyze", headers=account.headers, json={"media_ids": media_ids[3:]}),
    )
    assert first.status_code == second.status_code == 201  # each fits what was left when checked
    start_worker()  # the local provider
    for started in (first, second):
        await wait_for(account.workspace_id, uuid.UUID(started.json()["id"]), finished, timeout=60)
    assert await Listing.count().where(Listing.workspace == workspace) == 3
    assert await billing.usage_this_month(workspace, Resource.ai_generations) == 20
    refused = await JobItem.select(JobItem.error).where((JobItem.workspace == workspace) & (JobItem.ok == "failed"))
    assert len(refused) == 3
    assert all("Plan limit reached" in r["error"] for r in refused)


async def test_bad_analyze_requests(client: httpx.AsyncClient) -> None:
    account = await register(client)
    other = await register(client)
    mine = await _upload(client, account, [("a.jpg", photo(seed=1)), ("b.jpg", photo(seed=2))])
    theirs = await _upload(client, other, [("c.jpg", photo(seed=3))])
    cases = [
        ({}, 400, "groups"),
        ({"media_ids": mine, "groups": [mine]}, 400, "groups"),
        ({"groups": [[mine[0]], [mine[0], mine[1]]]}, 400, "one group only"),
        ({"groups": [[]]}, 400, "groups"),
        ({"media_ids": [mine[0], theirs[0]]}, 404, theirs[0]),
        ({"media_ids": ["not-a-uuid"]}, 400, "media_ids"),
    ]
    for body, status, words in cases:
        response = await client.post("/api/v1/listings/analyze", headers=account.headers, json=body)
        assert response.status_code == status, (body, response.text)
        assert names_field(response.json(), words), (body, response.text)


async def test_the_plan_caps_jobs_running_at_once(app: Any, client: httpx.AsyncClient) -> None:
    from backend.jobs import service as jobs

    account = await register(client)
    media_ids = await _upload(client, account, [("p.jpg", photo(seed=1))])
    for _ in range(2):  # the free plan's two concurrent jobs, still pending (no worker runs)
        await jobs.enqueue(app.state.redis, uuid.UUID(account.workspace_id), "listings.analyze", {"groups": []})
    refused = await client.post("/api/v1/listings/analyze", headers=account.headers, json={"media_ids": media_ids})
    assert refused.status_code == 402
    assert "concurrent jobs: 2 of 2" in refused.json()["detail"]


def _object_photo(colour: tuple[int, int, int], background: tuple[int, int, int]) -> bytes:
    """An item in the middle of a plain background, as a product photo is usually taken."""
    image = Image.new("RGB", (640, 480), background)
    ImageDraw.Draw(image).ellipse([190, 120, 450, 380], fill=colour)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue()


async def test_the_offline_provider_makes_plausible_drafts(client: httpx.AsyncClient, start_worker: Any) -> None:
    """Offline drafts are usable: the object's colour (not the background's), a real category, a typical
    price, an honest description; and the same photos give the same draft."""
    account = await register(client)
    media_ids = await _upload(
        client,
        account,
        [
            ("red-sneakers.jpg", _object_photo((210, 30, 35), (255, 255, 255))),
            ("IMG_0042.jpg", _object_photo((25, 35, 85), (230, 215, 185))),  # navy on beige, name says nothing
        ],
    )
    start_worker()  # no OpenAI key: the local provider
    drafts = []
    for _ in range(2):
        started = await client.post("/api/v1/listings/analyze", headers=account.headers, json={"media_ids": media_ids})
        assert started.status_code == 201, started.text
        job = await wait_for(account.workspace_id, uuid.UUID(started.json()["id"]), finished, timeout=60)
        assert job.status == "succeeded", job.error
        items = (
            await JobItem.select(JobItem.result)
            .where(JobItem.job == job.id)
            .order_by(JobItem.key)
            .output(load_json=True)
        )
        ids = [item["result"]["listing_id"] for item in items]
        drafts.append([(await client.get(f"/api/v1/listings/{i}", headers=account.headers)).json() for i in ids])

    sneakers, unknown = drafts[0]
    assert sneakers["title"] == "Red sneakers"
    assert sneakers["colours"][0] == "red"
    assert "white" not in sneakers["title"].lower()
    assert sneakers["category"] == "Women > Shoes"
    assert sneakers["price"] > 0
    assert sneakers["brand"] is None
    assert sneakers["size"] is None
    assert "offline" in sneakers["description"]

    assert unknown["colours"][0] == "navy"
    assert "beige" not in unknown["title"].lower()
    assert unknown["category"] in categories()
    assert unknown["category"] != "Other"
    assert "guess" in unknown["description"]
    assert unknown["price"] > 0

    fields = ("title", "description", "price", "category", "condition", "colours", "keywords")
    assert [{f: d[f] for f in fields} for d in drafts[0]] == [{f: d[f] for f in fields} for d in drafts[1]]


async def test_a_worker_killed_mid_batch_charges_one_generation_per_item(
    client: httpx.AsyncClient, start_worker: Any, fake_openai: FakeOpenAI
) -> None:
    account = await register(client)
    workspace = uuid.UUID(account.workspace_id)
    await grant_plan(account.workspace_id, "pro")
    fake_openai.delay = 0.4  # slow answers: several items are charged and in flight at the kill
    worker_env = {
        "OPENAI_API_KEY": "sk-test-fake",
        "OPENAI_BASE_URL": f"{fake_openai.url}/v1",
        "AI_MAX_CONCURRENCY": "4",
    }
    doomed = start_worker(**worker_env)
    media_ids = await _upload(client, account, [(f"p{i}.jpg", photo(seed=i)) for i in range(16)])
    started = await client.post("/api/v1/listings/analyze", headers=account.headers, json={"media_ids": media_ids})
    assert started.status_code == 201, started.text
    job_id = uuid.UUID(started.json()["id"])
    await wait_for(account.workspace_id, job_id, lambda j: j.done >= 4, what="4 drafts")
    kill_hard(doomed)
    assert (await wait_for(account.workspace_id, job_id, lambda j: True)).done < 16

    start_worker(**worker_env)
    job = await wait_for(account.workspace_id, job_id, finished, timeout=90, what="the job after the restart")
    assert job.status == "succeeded", job.error
    assert (job.done, job.failed, job.attempts) == (16, 0, 2)
    assert await Listing.count().where(Listing.workspace == workspace) == 16
    # Items in flight at the kill ran twice, but each item is charged once.
    assert await billing.usage_this_month(workspace, Resource.ai_generations) == 16
