"""No Chromium on the machine: browser jobs fail with one line saying how to get it, and work once it is there.

The worker keeps running throughout: Chromium installed while it runs is
found on the next job, with no restart.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from backend.platforms.runtime.chromium import find_chromium
from tests.helpers import register
from tests.jobs.helpers import finished, wait_for
from tests.platforms.conftest import PASSWORD, Sandbox
from tests.platforms.test_account_jobs import _draft

JOB_WAIT = 90


@pytest.fixture
def chromium_path(tmp_path: Path) -> Path:
    """Where CHROMIUM_PATH points; nothing is there until a test puts Chromium there."""
    return tmp_path / "bin" / "chromium"


@pytest.fixture
def worker(start_worker: Any, sandbox: Sandbox, chromium_path: Path) -> None:
    start_worker(
        SANDBOX_URL=sandbox.url,
        WORKER_JOB_TIMEOUT_SECONDS="90",
        BROWSER_ACTION_TIMEOUT_SECONDS="3",
        CHROMIUM_PATH=str(chromium_path),
    )


async def _test_login(client: httpx.AsyncClient, headers: dict[str, str], workspace_id: str, account: str) -> Any:
    response = await client.post(f"/api/v1/accounts/{account}/test-login", headers=headers)
    assert response.status_code == 202, response.text
    job_id = uuid.UUID(response.json()["id"])
    return await wait_for(workspace_id, job_id, finished, timeout=JOB_WAIT, what="the login test to finish")


def _install(chromium: str, at: Path) -> None:
    """Put Chromium where CHROMIUM_PATH points, as installing it would."""
    at.parent.mkdir(parents=True)
    at.symlink_to(chromium)


@pytest.mark.timeout(240)
async def test_a_browser_job_without_chromium_fails_in_one_line_then_works_once_installed(
    client: httpx.AsyncClient, worker: None, chromium_path: Path
) -> None:
    real = find_chromium(None).path
    if real is None:
        pytest.skip("needs a Chromium on this machine (apt install chromium)")
    owner = await register(client)
    created = await client.post(
        "/api/v1/accounts",
        headers=owner.headers,
        json={"platform": "sandbox", "login": "alice", "password": PASSWORD},
    )
    assert created.status_code == 201, created.text
    account = created.json()["id"]

    failed = await _test_login(client, owner.headers, owner.workspace_id, account)
    assert failed.status == "failed"
    assert failed.error is not None
    hint = "apt install chromium, or set CHROMIUM_PATH"
    assert failed.error == f"Chromium not found at CHROMIUM_PATH={chromium_path}: {hint}"
    assert "playwright install" not in failed.error.lower()

    # A job that would be retried after a transient error is not retried for this.
    listing = await _draft(client, owner, "Denim jacket")
    response = await client.post(
        f"/api/v1/listings/{listing}/publish", headers=owner.headers, json={"account_id": account}
    )
    assert response.status_code == 202, response.text
    job_id = uuid.UUID(response.json()["id"])
    publish = await wait_for(owner.workspace_id, job_id, finished, timeout=JOB_WAIT, what="the publish job to finish")
    assert publish.status == "failed"
    assert publish.error == failed.error
    assert publish.attempts == 1 < publish.max_attempts

    _install(real, at=chromium_path)  # while the worker keeps running
    worked = await _test_login(client, owner.headers, owner.workspace_id, account)
    assert worked.status == "succeeded", worked.error
