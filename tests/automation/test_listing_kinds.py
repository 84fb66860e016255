"""The listing kinds end to end in real Chromium on the sandbox: what changed there is what is asserted.

Bump order, a relisted item present once with a new id (the draft keeps its
history), price steps stopping at the floor, and drafts published in order
with the rule's spacing. Runs are claimed by the real tick and executed in this
process by the jobs engine, as a worker would.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from backend.core.clock import utcnow
from backend.core.scoped import scoped
from backend.jobs import service as jobs
from backend.listings.tables import PriceChange
from backend.platforms.runtime.browser import close_pool
from tests.automation.rules_helpers import RULES, create_rule, make_account, make_draft_with_photos, make_due, run_due
from tests.helpers import Account, grant_plan, register
from tests.platforms.conftest import Sandbox


@pytest.fixture(autouse=True)
async def on_the_sandbox(sandbox: Sandbox, override_env: Any) -> AsyncIterator[None]:
    override_env(SANDBOX_URL=sandbox.url)
    yield
    await close_pool(wait_seconds=5)


async def _owner(client: httpx.AsyncClient) -> tuple[Account, str]:
    owner = await register(client)
    await grant_plan(owner.workspace_id, "business")
    return owner, await make_account(client, owner)


async def _published_draft(
    client: httpx.AsyncClient, owner: Account, account: str, item_id: Any, title: str, price: str = "20.00"
) -> str:
    """A draft already on the platform as `item_id` (what a publish through Sellpilot leaves)."""
    return await make_draft_with_photos(
        client,
        owner,
        title,
        price,
        status="published",
        account_id=uuid.UUID(account),
        platform_item_id=str(item_id),
        platform_url=f"/items/{item_id}",
    )


async def _items(owner: Account, job_id: uuid.UUID) -> list[dict[str, Any]]:
    page = await jobs.list_items(uuid.UUID(owner.workspace_id), job_id, None, 100, 0)
    return [i.result for i in page.items]


async def test_bump_moves_the_oldest_items_first(client: httpx.AsyncClient, app: Any, sandbox: Sandbox) -> None:
    owner, account = await _owner(client)
    before = [i["id"] for i in await sandbox.items(seller="alice")]
    oldest_two = before[-2:]
    await create_rule(client, owner, account, params={"oldest": 2})

    job = await run_due(app, owner)

    assert job.status == "succeeded", job.error
    assert job.result["summary"]["bumped"] == 2
    after = [i["id"] for i in await sandbox.items(seller="alice")]
    assert set(after[:2]) == set(oldest_two)
    assert after[2:] == [i for i in before if i not in oldest_two]
    assert {r["action"] for r in await _items(owner, job.id)} == {"bumped"}


async def test_relist_publishes_an_old_unsold_item_again_once_with_a_new_id(
    client: httpx.AsyncClient,
    app: Any,
    sandbox: Sandbox,
) -> None:
    owner, account = await _owner(client)
    seeded = await sandbox.items(seller="alice")
    old, sold_one, fresh = seeded[-1], seeded[-2], seeded[0]
    await sandbox.age_item(old["id"], 40)
    await sandbox.age_item(sold_one["id"], 40)
    await sandbox.mark_sold(sold_one["id"])
    draft = await _published_draft(client, owner, account, old["id"], "Relisted corduroy jacket", "30.00")
    await _published_draft(client, owner, account, sold_one["id"], "Sold tea set")
    await _published_draft(client, owner, account, fresh["id"], "Fresh listing")
    await client.patch(f"/api/v1/listings/{draft}", headers=owner.headers, json={"price": 28})  # history to keep
    await create_rule(client, owner, account, kind="relist", params={"older_than_days": 30})

    job = await run_due(app, owner)

    assert job.status == "succeeded", job.error
    assert job.result["summary"]["relisted"] == 1
    now = await sandbox.items(seller="alice")
    copies = [i for i in now if i["title"] == "Relisted corduroy jacket"]
    assert len(copies) == 1
    assert copies[0]["id"] != old["id"]
    assert old["id"] not in [i["id"] for i in now]
    assert sold_one["id"] in [i["id"] for i in now]  # sold: left alone
    shown = (await client.get(f"/api/v1/listings/{draft}", headers=owner.headers)).json()
    assert shown["platform_item_id"] == str(copies[0]["id"])
    history = (await client.get(f"/api/v1/listings/{draft}/price-history", headers=owner.headers)).json()
    assert [h["new_price"] for h in history] == [28.0]
    (item,) = await _items(owner, job.id)
    assert item == {
        "target": "Relisted corduroy jacket",
        "action": "relisted",
        "from": str(old["id"]),
        "to": str(copies[0]["id"]),
    }


async def test_price_drops_step_down_and_stop_at_the_floor(
    client: httpx.AsyncClient,
    app: Any,
    sandbox: Sandbox,
) -> None:
    owner, account = await _owner(client)
    item = (await sandbox.items(seller="alice"))[0]
    draft = await _published_draft(client, owner, account, item["id"], "Leather boots", "20.00")
    params = {"listing_ids": [draft], "percent": 25, "every_days": 2, "floors": {draft: 12}}
    rule = await create_rule(client, owner, account, kind="price_drop", params=params)
    workspace = uuid.UUID(owner.workspace_id)

    async def sandbox_price() -> Decimal:
        return Decimal(next(i for i in await sandbox.items(seller="alice") if i["id"] == item["id"])["price"])

    async def days_pass(days: int) -> None:
        changes = scoped(PriceChange, workspace)
        await changes.update({PriceChange.changed_at: PriceChange.changed_at - timedelta(days=days)})
        await make_due(owner)

    first = await run_due(app, owner)
    assert first.status == "succeeded", first.error
    assert await sandbox_price() == Decimal("15.00")
    (step,) = await _items(owner, first.id)
    assert (step["from"], step["to"]) == ("20.00", "15.00")

    await days_pass(1)  # not yet every_days
    assert (await run_due(app, owner)).result["summary"]["not_due"] == 1
    assert await sandbox_price() == Decimal("15.00")

    await days_pass(2)
    second = await run_due(app, owner)
    assert second.result["summary"]["lowered"] == 1
    assert await sandbox_price() == Decimal("12.00")  # 11.25 would be below the floor

    await days_pass(2)
    third = await run_due(app, owner)
    assert third.result["summary"] == {"lowered": 0, "at_floor": 1, "not_due": 0, "skipped": 0}
    assert await sandbox_price() == Decimal("12.00")
    history = (await client.get(f"/api/v1/listings/{draft}/price-history", headers=owner.headers)).json()
    assert [(h["old_price"], h["new_price"]) for h in history] == [(20.0, 15.0), (15.0, 12.0)]
    assert (await client.get(f"{RULES}/{rule['id']}", headers=owner.headers)).json()["last_summary"]["at_floor"] == 1


async def test_scheduled_publish_publishes_the_queue_in_order_with_the_spacing(
    client: httpx.AsyncClient,
    app: Any,
    sandbox: Sandbox,
) -> None:
    owner, account = await _owner(client)
    titles = ["Queued lamp one", "Queued lamp two", "Queued lamp three"]
    drafts = [await make_draft_with_photos(client, owner, title) for title in titles]
    start = (utcnow() + timedelta(minutes=2)).replace(microsecond=0)
    rule = await create_rule(
        client,
        owner,
        account,
        kind="scheduled_publish",
        params={"listing_ids": drafts},
        starts_at=start.isoformat(),
        interval_minutes=30,
    )
    assert rule["next_run_at"].replace("Z", "+00:00") == start.isoformat()

    for n in range(3):
        slot = start + timedelta(minutes=30 * n)
        job = await run_due(app, owner, now=slot)  # the tick at that slot's time
        assert job.status == "succeeded", job.error
        shown = (await client.get(f"{RULES}/{rule['id']}", headers=owner.headers)).json()
        if n < 2:
            assert shown["next_run_at"].replace("Z", "+00:00") == (slot + timedelta(minutes=30)).isoformat()
            assert shown["status"] == "active"
    assert shown["status"] == "completed"
    assert shown["next_run_at"] is None

    mine = [i for i in await sandbox.items(seller="alice") if i["title"] in titles]
    assert [i["title"] for i in sorted(mine, key=lambda i: i["id"])] == titles
    for draft, item in zip(drafts, sorted(mine, key=lambda i: i["id"]), strict=True):
        listing = (await client.get(f"/api/v1/listings/{draft}", headers=owner.headers)).json()
        assert listing["status"] == "published"
        assert listing["platform_item_id"] == str(item["id"])
    runs = (await client.get("/api/v1/automation/runs", headers=owner.headers, params={"rule_id": rule["id"]})).json()
    slots = sorted(r["slot"].replace("Z", "+00:00") for r in runs["items"])
    assert slots == [(start + timedelta(minutes=30 * n)).isoformat() for n in range(3)]
