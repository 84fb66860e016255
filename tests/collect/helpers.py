"""Shared steps of the collect tests: an owner with a platform account, a project and a collection made
through the API, and the collection's jobs run in this process as a worker would run them."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from backend.core.scoped import scoped
from backend.jobs import runner as engine
from backend.jobs import service as jobs
from backend.jobs.schemas import JobOut
from backend.jobs.tables import Job
from backend.worker import JOB_HANDLERS
from tests.helpers import Account, grant_plan, register
from tests.platforms.conftest import PASSWORD

API = "/api/v1"


async def owner(client: httpx.AsyncClient) -> Account:
    account = await register(client)
    await grant_plan(account.workspace_id, "business")
    return account


async def platform_account(client: httpx.AsyncClient, person: Account, login: str = "alice") -> str:
    body = {"platform": "sandbox", "login": login, "password": PASSWORD}
    response = await client.post(f"{API}/accounts", headers=person.headers, json=body)
    assert response.status_code == 201, response.text
    account_id: str = response.json()["id"]
    return account_id


async def project(client: httpx.AsyncClient, person: Account, name: str = "Dataset") -> str:
    response = await client.post(f"{API}/projects", headers=person.headers, json={"name": name})
    assert response.status_code == 201, response.text
    project_id: str = response.json()["id"]
    return project_id


async def collection(
    client: httpx.AsyncClient, person: Account, account_id: str | None = None, **body: Any
) -> dict[str, Any]:
    """A draft collection (its own project, the given or a new platform account) made through the API."""
    account_id = account_id or await platform_account(client, person)
    payload = {
        "project_id": await project(client, person),
        "name": "Cats",
        "keywords": ["cats"],
        "account_id": account_id,
        **body,
    }
    response = await client.post(f"{API}/collections", headers=person.headers, json=payload)
    assert response.status_code == 201, response.text
    made: dict[str, Any] = response.json()
    return made


async def act(client: httpx.AsyncClient, person: Account, collection_id: str, action: str) -> httpx.Response:
    return await client.post(f"{API}/collections/{collection_id}/{action}", headers=person.headers)


async def get(client: httpx.AsyncClient, person: Account, path: str, **params: Any) -> Any:
    response = await client.get(f"{API}{path}", headers=person.headers, params=params)
    assert response.status_code == 200, response.text
    return response.json()


async def run(app: Any, person: Account, job_id: str | uuid.UUID) -> JobOut:
    """Run a job here, as a worker would; its record afterwards."""
    await engine.run_job(app.state.redis, uuid.UUID(str(job_id)), JOB_HANDLERS, 0.1)
    return await jobs.get_job(uuid.UUID(person.workspace_id), uuid.UUID(str(job_id)))


async def children(person: Account, parent_id: str | uuid.UUID) -> list[dict[str, Any]]:
    """The parent job's children in the order they were made."""
    rows: list[dict[str, Any]] = await (
        scoped(Job, uuid.UUID(person.workspace_id))
        .select(Job.id, Job.status, Job.idempotency_key)
        .where(Job.parent == uuid.UUID(str(parent_id)))
        .order_by(Job.created_at)
    )
    return rows
