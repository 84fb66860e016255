"""Shared steps of the rules tests: a platform account, drafts, rules made through the API."""

from __future__ import annotations

import itertools
import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx

from backend.automation.rules import runner
from backend.automation.tables import AutomationRule
from backend.core.clock import utcnow
from backend.core.schemas import Page
from backend.core.scoped import scoped
from backend.jobs import runner as engine
from backend.jobs import service as jobs
from backend.jobs.schemas import JobOut
from backend.listings.tables import Listing
from backend.worker import JOB_HANDLERS
from tests.helpers import Account
from tests.images import photo

RULES = "/api/v1/automation/rules"
SANDBOX_PASSWORD = "sandbox-pass-1"


async def make_account(client: httpx.AsyncClient, owner: Account, login: str = "alice", **extra: Any) -> str:
    body = {"platform": "sandbox", "login": login, "password": SANDBOX_PASSWORD, **extra}
    response = await client.post("/api/v1/accounts", headers=owner.headers, json=body)
    assert response.status_code == 201, response.text
    account_id: str = response.json()["id"]
    return account_id


async def make_draft(owner: Account, title: str = "Blue denim jacket", price: str = "20.00", **extra: Any) -> str:
    listing_id = uuid.uuid4()
    await Listing.insert(
        Listing(
            id=listing_id,
            workspace=uuid.UUID(owner.workspace_id),
            title=title,
            description="Good condition, from a smoke-free home.",
            price=Decimal(price),
            **extra,
        )
    )
    return str(listing_id)


def rule_body(account_id: str, kind: str = "bump", **extra: Any) -> dict[str, Any]:
    params = extra.pop("params", {"oldest": 3} if kind == "bump" else {})
    return {"account_id": account_id, "name": f"My {kind} rule", "kind": kind, "params": params, **extra}


async def create_rule(client: httpx.AsyncClient, owner: Account, account_id: str, **extra: Any) -> dict[str, Any]:
    response = await client.post(RULES, headers=owner.headers, json=rule_body(account_id, **extra))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def make_draft_with_photos(
    client: httpx.AsyncClient, owner: Account, title: str, price: str = "20.00", photos: int = 1, **extra: Any
) -> str:
    seed = sum(map(ord, title)) % 97
    files = [("files", (f"p{n}.jpg", photo(seed=seed + n * 7), "image/jpeg")) for n in range(photos)]
    uploaded = await client.post("/api/v1/media", headers=owner.headers, files=files)
    assert uploaded.status_code == 201, uploaded.text
    return await make_draft(owner, title, price, media_ids=[m["id"] for m in uploaded.json()["items"]], **extra)


# Each made-due slot is a distinct second in the past: a run's idempotency key is its
# rule and slot to the second, so two slots made "now" within one second would be one run.
_PAST = utcnow().replace(microsecond=0) - timedelta(hours=1)
_SLOTS = itertools.count(1)


async def make_due(owner: Account, rule_id: str | None = None) -> None:
    """Make the owner's rule (or all their rules) due at a slot no earlier run has used."""
    rules = scoped(AutomationRule, uuid.UUID(owner.workspace_id))
    query = rules.update({AutomationRule.next_run_at: _PAST + timedelta(seconds=next(_SLOTS))})
    await (query.where(AutomationRule.id == uuid.UUID(rule_id)) if rule_id else query)


async def run_due(app: Any, owner: Account, now: datetime | None = None) -> JobOut:
    """One scheduler tick (at `now`), then the one job it sent, run here as a worker would."""
    workspace = uuid.UUID(owner.workspace_id)
    before = {j.id for j in (await _runs(workspace)).items}
    await runner.tick(app.state.redis, now)
    (job,) = [j for j in (await _runs(workspace)).items if j.id not in before]
    return await run_job(app, owner, job.id)


async def _runs(workspace: uuid.UUID) -> Page[JobOut]:
    return await jobs.list_jobs(workspace, kind="automation.run", status=None, parent_id=None, limit=100, offset=0)


async def run_job(app: Any, owner: Account, job_id: uuid.UUID) -> JobOut:
    """Run a job to its next resting point in this process (the engine's own `run_job`, as a worker calls it)."""
    await engine.run_job(app.state.redis, job_id, JOB_HANDLERS, 0.1)
    return await jobs.get_job(uuid.UUID(owner.workspace_id), job_id)
