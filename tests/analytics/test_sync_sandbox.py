"""The analytics sync end to end in real Chromium on the sandbox: views, likes and a buy made there become
exactly those events once, and the draft behind the bought item is marked sold with its price and buyer.

Sync jobs are sent by the real tick and run in this process by the jobs engine, as a worker would
(tests.automation.rules_helpers.run_job); what the sandbox shows is changed through its control API.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from backend.analytics import service
from backend.analytics.tables import AnalyticsEvent
from backend.core.clock import utcnow
from backend.core.scoped import scoped
from backend.jobs import service as jobs
from backend.platforms.runtime.browser import close_pool
from tests.automation.rules_helpers import make_account, make_draft, run_job
from tests.helpers import Account, grant_plan, register
from tests.platforms.conftest import Sandbox

# A few browser reads on a machine that may be busy: generous, but bounded.
pytestmark = pytest.mark.timeout(300)


@pytest.fixture(autouse=True)
async def on_the_sandbox(sandbox: Sandbox, override_env: Any) -> AsyncIterator[None]:
    override_env(SANDBOX_URL=sandbox.url)
    yield
    await close_pool(wait_seconds=5)


async def _sync(app: Any, owner: Account, now: datetime) -> dict[str, Any]:
    """One analytics tick at `now`, then the one sync job it sent this workspace, run here as a worker would;
    the job's report (items, events, sales, first)."""
    workspace = uuid.UUID(owner.workspace_id)

    async def syncs() -> set[uuid.UUID]:
        page = await jobs.list_jobs(workspace, kind=service.SYNC_KIND, status=None, parent_id=None, limit=100, offset=0)
        return {j.id for j in page.items}

    before = await syncs()
    await service.tick(app.state.redis, now)
    (job_id,) = await syncs() - before
    job = await run_job(app, owner, job_id)
    assert job.status == "succeeded", job.error
    report: dict[str, Any] = job.result
    return report


async def _events(owner: Account) -> list[tuple[str, str, Decimal, uuid.UUID | None]]:
    rows = await scoped(AnalyticsEvent, uuid.UUID(owner.workspace_id)).select()
    return sorted((r["platform_item_id"], r["kind"], Decimal(r["value"]), r["listing_id"]) for r in rows)


async def test_views_likes_and_a_buy_become_events_once(client: httpx.AsyncClient, app: Any, sandbox: Sandbox) -> None:
    owner = await register(client)
    await grant_plan(owner.workspace_id, "business")  # a sync slot every 15 minutes
    account = await make_account(client, owner, "alice")
    jacket = (await sandbox.items(seller="alice"))[0]
    item = str(jacket["id"])
    draft = await make_draft(
        owner,
        jacket["title"],
        str(jacket["price"]),
        status="published",
        account_id=uuid.UUID(account),
        platform_item_id=item,
        platform_url=f"/items/{item}",
    )
    now = utcnow()

    first = await _sync(app, owner, now)
    assert first["first"] is True
    assert await _events(owner) == []  # the first sync is the base: when those views happened is unknown

    await sandbox.add_item_stats(item, views=7, likes=2)
    await sandbox.buy("bob", item, price="31.50")
    second = await _sync(app, owner, now + timedelta(minutes=15))
    assert second["sales"] == 1
    listing = uuid.UUID(draft)
    assert await _events(owner) == [
        (item, "like", Decimal(2), listing),
        (item, "sale", Decimal("31.50"), listing),
        (item, "view", Decimal(7), listing),
    ]
    shown = (await client.get(f"/api/v1/listings/{draft}", headers=owner.headers)).json()
    assert (shown["status"], shown["sold_price"], shown["buyer"]) == ("sold", 31.5, "bob")
    sales = (await client.get("/api/v1/sales", headers=owner.headers)).json()
    assert [(s["platform_item_id"], s["price"], s["buyer"], s["listing_id"]) for s in sales["items"]] == [
        (item, 31.5, "bob", draft)
    ]

    third = await _sync(app, owner, now + timedelta(minutes=30))
    assert (third["first"], third["events"], third["sales"]) == (False, 0, 0)
    assert len(await _events(owner)) == 3
    assert (await client.get("/api/v1/sales", headers=owner.headers)).json()["total"] == 1
