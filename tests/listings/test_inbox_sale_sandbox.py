"""A sale seen in the inbox, end to end in real Chromium on both sandbox shops: the shop's order notice (from its
own account) read by the inbox sync makes the item sold and its other listing is delisted; the analytics sync
seeing the same sale later changes nothing; a person writing the same words sells nothing; the other shop's
notice of a second sale is an oversell, told on the job's stream.

The item is linked to items each shop seeds for the seller (what crosslisting leaves, as in
`test_autodelist_sandbox.py`). Jobs run in this process by the jobs engine, as a worker would.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from backend.analytics import service as analytics
from backend.core.clock import utcnow
from backend.jobs import events
from backend.jobs.schemas import JobOut
from backend.platforms.runtime.browser import close_pool
from backend.sandbox.store.sales import order_notice
from tests.automation.social_helpers import job_done
from tests.helpers import grant_plan, register
from tests.listings.crosslist_helpers import item
from tests.listings.delist_helpers import (
    DELIST,
    Listed,
    add_account,
    add_listing,
    conflicts,
    jobs_of,
    listing_rows,
    name_first_listing,
    new_item,
    run_delists,
    run_sync,
    statuses,
    sync_jobs,
)
from tests.platforms.conftest import Sandbox

# Several browser sessions on a machine that may be busy: generous, but bounded.
pytestmark = pytest.mark.timeout(300)

OTHER = {"sandbox": "sandbox_b", "sandbox_b": "sandbox"}


@pytest.fixture
async def shops(sandbox: Sandbox, sandbox_b: Sandbox, override_env: Any) -> AsyncIterator[dict[str, Sandbox]]:
    override_env(SANDBOX_URL=sandbox.url, SANDBOX_B_URL=sandbox_b.url)
    yield {"sandbox": sandbox, "sandbox_b": sandbox_b}
    await close_pool(wait_seconds=5)


async def _listed_on(client: httpx.AsyncClient, shops: dict[str, Sandbox], sellers: dict[str, str]) -> Listed:
    """A workspace's item live on each seller's account on the shop given (seller → platform); the seller's
    first item there stands for what crosslisting published. The first seller's is the item's first listing."""
    owner = await register(client)
    await grant_plan(owner.workspace_id)
    listed = await new_item(owner, "Vintage denim jacket", "45.00")
    for seller, platform in sellers.items():
        account = await add_account(client, owner, platform, seller)
        item = (await shops[platform].items(seller=seller))[0]
        await add_listing(listed, seller, account, platform, str(item["id"]), price=str(item["price"]))
    await name_first_listing(listed, next(iter(sellers)))
    return listed


async def _inbox_sync(client: httpx.AsyncClient, app: Any, listed: Listed, seller: str) -> JobOut:
    body = {"account_id": str(listed.accounts[seller])}
    started = await client.post("/api/v1/inbox/sync", headers=listed.owner.headers, json=body)
    job = await job_done(app, listed.owner, started)
    assert job.status == "succeeded", job.error
    return job


@pytest.mark.parametrize("sold_on", ["sandbox", "sandbox_b"])
async def test_the_shops_order_notice_in_the_inbox_sells_the_item_and_delists_the_rest(
    client: httpx.AsyncClient, app: Any, shops: dict[str, Sandbox], sold_on: str
) -> None:
    listed = await _listed_on(client, shops, {"alice": sold_on, "bob": OTHER[sold_on]})
    owner = listed.owner
    bobs_before = {str(i["id"]) for i in await shops[OTHER[sold_on]].items(seller="bob")}
    await shops[sold_on].buy("dave", listed.platform_items["alice"], price="41.00")

    sync = await _inbox_sync(client, app, listed, "alice")

    assert sync.result["sales"] == 1
    assert await jobs_of(owner, analytics.SYNC_KIND) == []  # the inbox saw it, not the analytics sync
    assert await statuses(listed) == {"alice": "sold", "bob": "delisting"}
    sold = await item(client, owner, str(listed.item))
    assert (sold["status"], sold["sold_price"], sold["buyer"]) == ("sold", 41.0, "dave")
    assert sold["sold_via"] == str(listed.listings["alice"])
    conversations = (await client.get("/api/v1/inbox", headers=owner.headers)).json()["items"]
    latest = conversations[0]  # the seed's chat with Bob comes after
    assert (latest["with_user"], latest["unread_count"]) == ("orders", 1)
    assert latest["last_message"].startswith("Order confirmed:")

    (parent,) = await run_delists(app, owner)

    assert parent.status == "succeeded", parent.error
    assert await statuses(listed) == {"alice": "sold", "bob": "delisted"}
    bobs_after = {str(i["id"]) for i in await shops[OTHER[sold_on]].items(seller="bob")}
    assert bobs_after == bobs_before - {listed.platform_items["bob"]}
    assert listed.platform_items["alice"] in {str(i["id"]) for i in await shops[sold_on].items(seller="alice")}

    # The notice read again is no news; a later analytics sync of the account finds the sale known already.
    assert (await _inbox_sync(client, app, listed, "alice")).result["sales"] == 0
    before = await item(client, owner, str(listed.item))
    analytics_syncs = await sync_jobs(app, owner, utcnow())
    report = await run_sync(app, owner, analytics_syncs[listed.accounts["alice"]])

    assert (report["sales"], report["oversells"]) == (1, 0)  # its Sale row, the one there is
    sales = (await client.get("/api/v1/sales", headers=owner.headers)).json()
    assert [(s["platform_item_id"], s["buyer"]) for s in sales["items"]] == [(listed.platform_items["alice"], "dave")]
    assert await item(client, owner, str(listed.item)) == before
    rows = await listing_rows(listed)
    assert {name: (row["status"], row["conflict"]) for name, row in rows.items()} == {
        "alice": ("sold", None),
        "bob": ("delisted", None),
    }
    assert (await conflicts(client, owner))["total"] == 0
    assert len(await jobs_of(owner, DELIST)) == 1


async def test_a_person_writing_the_shops_words_sells_nothing(
    client: httpx.AsyncClient, app: Any, shops: dict[str, Sandbox]
) -> None:
    listed = await _listed_on(client, shops, {"alice": "sandbox", "bob": "sandbox_b"})
    words = order_notice("Vintage denim jacket", int(listed.platform_items["alice"]), "carol", 4500, "Sandbox Market")
    sent = await shops["sandbox"].control.post(
        "/__control/messages", json={"sender": "carol", "recipient": "alice", "body": words}
    )
    assert sent.status_code == 201, sent.text

    sync = await _inbox_sync(client, app, listed, "alice")

    assert sync.result["sales"] == 0
    assert await statuses(listed) == {"alice": "live", "bob": "live"}
    assert (await item(client, listed.owner, str(listed.item)))["status"] == "published"
    assert await jobs_of(listed.owner, DELIST) == []
    conversations = (await client.get("/api/v1/inbox", headers=listed.owner.headers)).json()["items"]
    carol = next(c for c in conversations if c["with_user"] == "carol")
    assert carol["last_message"] == words  # stored as the message it is


async def test_a_second_shops_notice_for_the_sold_item_is_an_oversell_told_on_the_stream(
    client: httpx.AsyncClient, app: Any, shops: dict[str, Sandbox]
) -> None:
    listed = await _listed_on(client, shops, {"alice": "sandbox", "bob": "sandbox_b"})
    owner = listed.owner
    await shops["sandbox"].buy("dave", listed.platform_items["alice"])
    await shops["sandbox_b"].buy("erin", listed.platform_items["bob"])  # before Sellpilot could delist it

    first = await _inbox_sync(client, app, listed, "alice")
    second = await _inbox_sync(client, app, listed, "bob")

    assert (first.result["sales"], second.result["sales"]) == (1, 1)
    rows = await listing_rows(listed)
    assert {name: (row["status"], row["conflict"]) for name, row in rows.items()} == {
        "alice": ("sold", None),
        "bob": ("sold", "oversell"),
    }
    assert (await item(client, owner, str(listed.item)))["buyer"] == "dave"  # the first sale counts
    shown = await conflicts(client, owner)
    assert [c["listing"]["id"] for c in shown["items"]] == [str(listed.listings["bob"])]
    stream = await events.read_after(app.state.redis, listed.workspace_id, "0-0", count=500, block_ms=None)
    notes = [e.payload for _, e in stream if e.type == "job.note" and e.job_id == second.id]
    assert notes == [
        {
            "type": "conflict",
            "conflict": "oversell",
            "status": "sold",
            "listing_id": str(listed.item),
            "platform_listing_id": str(listed.listings["bob"]),
        }
    ]
    # Only the first sale started delists (of Bob's listing, which has sold since: the user sorts the orders out).
    assert len(await jobs_of(owner, DELIST)) == 1
