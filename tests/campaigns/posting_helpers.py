"""Shared steps of the posting tests: an owner with sandbox accounts, a campaign with ready posts, its jobs run here.

Jobs made through the API are run in this process by the jobs engine, as a worker
would (`run`); a post's job whose time has not come is deferred by the engine, so a
test makes a post due by moving it to now through the API.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from backend.campaigns.tables import CampaignPost
from backend.jobs import runner as engine
from backend.jobs import service as jobs
from backend.jobs.schemas import JobOut
from backend.worker import JOB_HANDLERS
from tests.helpers import Account, grant_plan, register
from tests.images import photo
from tests.platforms.conftest import PASSWORD

BASE = "/api/v1/campaigns"


async def owner(client: httpx.AsyncClient) -> Account:
    account = await register(client)
    await grant_plan(account.workspace_id, "business")
    return account


async def sandbox_account(client: httpx.AsyncClient, person: Account, login: str, **extra: Any) -> str:
    body = {"platform": "sandbox", "login": login, "password": PASSWORD, **extra}
    response = await client.post("/api/v1/accounts", headers=person.headers, json=body)
    assert response.status_code == 201, response.text
    account_id: str = response.json()["id"]
    return account_id


async def campaign(client: httpx.AsyncClient, person: Account, **body: Any) -> dict[str, Any]:
    response = await client.post(BASE, headers=person.headers, json={"name": "Launch", **body})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def upload_photo(client: httpx.AsyncClient, person: Account, seed: int) -> str:
    files = {"files": (f"p{seed}.jpg", photo(seed=seed), "image/jpeg")}
    response = await client.post("/api/v1/media", headers=person.headers, files=files)
    assert response.status_code == 201, response.text
    media_id: str = response.json()["items"][0]["id"]
    return media_id


async def ready_posts(
    person: Account, campaign_id: str, captions: list[str], media_id: str | None = None
) -> list[uuid.UUID]:
    """Written posts (content ready, drafts), as a batch or the user would leave them, in order."""
    ids = []
    for position, caption in enumerate(captions):
        post = CampaignPost(
            workspace=uuid.UUID(person.workspace_id),
            campaign=uuid.UUID(campaign_id),
            position=position,
            caption=caption,
            content_state="ready",
            source="manual",
            media_ids=[media_id] if media_id else [],
            media_source="uploaded" if media_id else "none",
        )
        await CampaignPost.insert(post)
        ids.append(post.id)
    return ids


async def act(client: httpx.AsyncClient, person: Account, campaign_id: str, action: str) -> dict[str, Any]:
    response = await client.post(f"{BASE}/{campaign_id}/{action}", headers=person.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def posts_of(client: httpx.AsyncClient, person: Account, campaign_id: str) -> list[dict[str, Any]]:
    response = await client.get(f"{BASE}/{campaign_id}/posts", headers=person.headers, params={"limit": 100})
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["items"]
    return found


async def run(app: Any, person: Account, job_id: str | uuid.UUID) -> JobOut:
    """Run a job here, as a worker would; its record afterwards."""
    await engine.run_job(app.state.redis, uuid.UUID(str(job_id)), JOB_HANDLERS, 0.1)
    return await jobs.get_job(uuid.UUID(person.workspace_id), uuid.UUID(str(job_id)))


async def move(client: httpx.AsyncClient, person: Account, campaign_id: str, post_id: str, at: str) -> dict[str, Any]:
    response = await client.post(
        f"{BASE}/{campaign_id}/posts/{post_id}/move", headers=person.headers, json={"scheduled_at": at}
    )
    assert response.status_code == 200, response.text
    moved: dict[str, Any] = response.json()
    return moved
