"""Shared steps of the social kinds and inbox tests: a sandbox account in Sellpilot, rules run now, jobs run.

The sandbox marketplace runs as a real process (tests.platforms.conftest, shared
through tests/automation/conftest.py); a job made through the API is run in this
process by the jobs engine, as a worker would, driving real Chromium through the
platforms facade.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from backend.jobs import runner as engine
from backend.jobs import service as jobs
from backend.jobs.schemas import JobOut
from backend.platforms.runtime.browser import close_pool
from backend.worker import JOB_HANDLERS
from tests.helpers import Account, grant_plan, register
from tests.platforms.conftest import PASSWORD, Sandbox


@pytest.fixture
async def on_the_sandbox(sandbox: Sandbox, override_env: Any) -> AsyncIterator[Sandbox]:
    """The sandbox, with this process's platforms pointed at it (its browser closed afterwards)."""
    override_env(SANDBOX_URL=sandbox.url, BROWSER_ACTION_TIMEOUT_SECONDS="10")
    yield sandbox
    await close_pool(wait_seconds=5)


async def owner(client: httpx.AsyncClient) -> Account:
    account = await register(client)
    await grant_plan(account.workspace_id, "business")
    return account


async def sandbox_user(sandbox: Sandbox, prefix: str) -> str:
    """A fresh sandbox user (names are unique per test, so the seed's people never get in the way)."""
    username = f"{prefix}{uuid.uuid4().hex[:6]}"
    (await sandbox.create_user(username)).raise_for_status()
    return username


async def platform_account(client: httpx.AsyncClient, owner: Account, login: str) -> str:
    body = {"platform": "sandbox", "login": login, "password": PASSWORD}
    response = await client.post("/api/v1/accounts", headers=owner.headers, json=body)
    assert response.status_code == 201, response.text
    account_id: str = response.json()["id"]
    return account_id


async def template(client: httpx.AsyncClient, owner: Account, body: str) -> str:
    response = await client.post(
        "/api/v1/automation/templates", headers=owner.headers, json={"name": "T", "body": body}
    )
    assert response.status_code == 201, response.text
    template_id: str = response.json()["id"]
    return template_id


async def rule(client: httpx.AsyncClient, owner: Account, account_id: str, kind: str, **params: Any) -> str:
    """A rule that runs only when asked (paused: the scheduler leaves it alone)."""
    body = {
        "account_id": account_id,
        "name": f"{kind} test",
        "kind": kind,
        "params": params,
        "interval_minutes": 60,
        "enabled": False,
    }
    response = await client.post("/api/v1/automation/rules", headers=owner.headers, json=body)
    assert response.status_code == 201, response.text
    rule_id: str = response.json()["id"]
    return rule_id


async def job_done(app: Any, owner: Account, response: httpx.Response) -> JobOut:
    """Run the job the request started, here, as a worker would; its record afterwards."""
    assert response.status_code == 202, response.text
    job_id = uuid.UUID(response.json()["id"])
    await engine.run_job(app.state.redis, job_id, JOB_HANDLERS, 0.1)
    return await jobs.get_job(uuid.UUID(owner.workspace_id), job_id)


async def run_now(app: Any, client: httpx.AsyncClient, owner: Account, rule_id: str) -> JobOut:
    """Run the rule once (POST …/run, its job run here); the job must succeed."""
    response = await client.post(f"/api/v1/automation/rules/{rule_id}/run", headers=owner.headers)
    job = await job_done(app, owner, response)
    assert job.status == "succeeded", job.error
    # A manual run's slot is the current second: the next run must be another second (another job).
    await asyncio.sleep(1.05)
    return job


def summary(job: JobOut) -> dict[str, int]:
    result = job.result if isinstance(job.result, dict) else {}
    return {str(k): int(v) for k, v in (result.get("summary") or {}).items()}


async def items(client: httpx.AsyncClient, owner: Account, job: JobOut) -> list[dict[str, Any]]:
    response = await client.get(f"/api/v1/jobs/{job.id}/items", headers=owner.headers, params={"limit": 100})
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["items"]
    return found


async def control(sandbox: Sandbox, method: str, path: str, **kwargs: Any) -> Any:
    response = await sandbox.control.request(method, path, **kwargs)
    assert response.status_code < 300, response.text
    return response.json()
