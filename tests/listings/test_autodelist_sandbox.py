"""Auto-delist end to end in real Chromium on both sandbox shops (Sandbox marketplace, platform `sandbox`, and
Sandbox Bazaar, `sandbox_b`): a draft crosslisted to three accounts sells on one, the next sync of that
account sees the sale, and the delist jobs take its other listings down; a delist whose answer is lost is
done once; an account needing attention holds its delist as a conflict until it is resumed; two sales at
once make one sale and one oversell; a delist by hand leaves the item a draft.

The first test crosslists for real; the others link the item to items each shop seeds for the seller (what
crosslisting leaves, without spending browser time on publishing). Syncs are sent by the real tick; jobs run
in this process by the jobs engine, as a worker would.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
import pytest

from backend.core.clock import utcnow
from backend.listings.tables import PlatformListing
from backend.platforms.runtime.browser import close_pool
from tests.automation.rules_helpers import run_job
from tests.helpers import grant_plan, register
from tests.listings.crosslist_helpers import children, item, make_draft
from tests.listings.delist_helpers import (
    DELIST,
    DELIST_ONE,
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


@dataclass
class Shops:
    """Both sandbox shops by platform, and where each test's seller sells."""

    by_platform: dict[str, Sandbox]
    seller_platform: dict[str, str] = field(default_factory=dict)

    def of(self, seller: str) -> Sandbox:
        return self.by_platform[self.seller_platform[seller]]

    async def items_of(self, seller: str) -> set[str]:
        return {str(item["id"]) for item in await self.of(seller).items(seller=seller)}


@pytest.fixture
async def shops(sandbox: Sandbox, sandbox_b: Sandbox, override_env: Any) -> AsyncIterator[Shops]:
    override_env(SANDBOX_URL=sandbox.url, SANDBOX_B_URL=sandbox_b.url)
    yield Shops({"sandbox": sandbox, "sandbox_b": sandbox_b})
    await close_pool(wait_seconds=5)


async def _listed_on(client: httpx.AsyncClient, shops: Shops, sellers: dict[str, str]) -> Listed:
    """A workspace's item live on each seller's account, on the platform given (seller → platform); the
    seller's first item on that shop stands for what crosslisting published. The first seller's is the item's
    first listing."""
    owner = await register(client)
    await grant_plan(owner.workspace_id)  # room for several accounts, a sync every 15 minutes
    listed = await new_item(owner, "Vintage denim jacket", "45.00")
    for seller, platform in sellers.items():
        shops.seller_platform[seller] = platform
        account = await add_account(client, owner, platform, seller)
        item = (await shops.of(seller).items(seller=seller))[0]
        await add_listing(listed, seller, account, platform, str(item["id"]), price=str(item["price"]))
    await name_first_listing(listed, next(iter(sellers)))
    return listed


async def _crosslisted(client: httpx.AsyncClient, app: Any, shops: Shops, sellers: dict[str, str]) -> Listed:
    """A draft crosslisted for real (POST /listings/{id}/crosslist, the publish jobs run here) to each seller's
    account on the platform given."""
    owner = await register(client)
    await grant_plan(owner.workspace_id)
    listed = Listed(owner=owner, item=uuid.UUID(await make_draft(client, owner, "Green silk midi dress")))
    names = {}
    for seller, platform in sellers.items():
        shops.seller_platform[seller] = platform
        names[await add_account(client, owner, platform, seller)] = seller
    body = {"accounts": [{"account_id": str(account)} for account in names]}
    started = await client.post(f"/api/v1/listings/{listed.item}/crosslist", headers=owner.headers, json=body)
    assert started.status_code == 202, started.text
    await run_job(app, owner, uuid.UUID(started.json()["id"]))
    for child in await children(owner, started.json()["id"]):
        assert (await run_job(app, owner, child.id)).status == "succeeded"
    for row in await PlatformListing.select().where(PlatformListing.listing == listed.item):
        assert row["status"] == "live", row
        name = names[row["account_id"]]
        listed.accounts[name] = row["account_id"]
        listed.platform_items[name] = row["platform_item_id"]
        listed.listings[name] = row["id"]
    return listed


async def test_a_sale_on_one_platform_takes_the_other_listings_down_after_the_next_sync(
    client: httpx.AsyncClient,
    app: Any,
    shops: Shops,
) -> None:
    listed = await _crosslisted(client, app, shops, {"alice": "sandbox", "bob": "sandbox", "carol": "sandbox_b"})
    owner = listed.owner
    # Another item of the workspace, live on Bob's account: nothing may happen to it.
    other = await new_item(owner, "Leather wallet", "20.00")
    bobs_first = sorted(await shops.items_of("bob"), key=int)[0]
    await add_listing(other, "bob", listed.accounts["bob"], "sandbox", bobs_first)
    await name_first_listing(other, "bob")
    before = {seller: await shops.items_of(seller) for seller in ("alice", "bob", "carol")}
    now = utcnow()
    for job_id in (await sync_jobs(app, owner, now)).values():
        assert (await run_sync(app, owner, job_id))["first"] is True  # each account's base

    await shops.of("alice").buy("dave", listed.platform_items["alice"], price="41.00")
    syncs = await sync_jobs(app, owner, now + timedelta(minutes=15))
    report = await run_sync(app, owner, syncs[listed.accounts["alice"]])

    assert report["sales"] == 1
    assert await statuses(listed) == {"alice": "sold", "bob": "delisting", "carol": "delisting"}
    (parent,) = await run_delists(app, owner)
    assert parent.status == "succeeded", parent.error
    rows = await listing_rows(listed)
    assert {name: (row["status"], row["conflict"]) for name, row in rows.items()} == {
        "alice": ("sold", None),
        "bob": ("delisted", None),
        "carol": ("delisted", None),
    }
    assert rows["bob"]["last_checked_at"] is not None
    # Gone from their marketplaces; the sold one and everything else is as it was.
    assert await shops.items_of("bob") == before["bob"] - {listed.platform_items["bob"]}
    assert await shops.items_of("carol") == before["carol"] - {listed.platform_items["carol"]}
    assert await shops.items_of("alice") == before["alice"]
    shown = await item(client, owner, str(listed.item))
    assert (shown["status"], shown["sold_price"], shown["buyer"]) == ("sold", 41.0, "dave")
    assert shown["sold_via"] == str(listed.listings["alice"])
    assert shown["conflicts"] == 0
    untouched = (await client.get(f"/api/v1/listings/{other.item}", headers=owner.headers)).json()
    assert (untouched["status"], untouched["platform_item_id"]) == ("published", bobs_first)
    assert await statuses(other) == {"bob": "live"}
    assert (await conflicts(client, owner))["total"] == 0
    delists = await jobs_of(owner, DELIST_ONE)
    assert sorted(child.result["status"] for child in delists) == ["delisted", "delisted"]
    assert {child.result["platform_listing_id"] for child in delists} == {
        str(listed.listings["bob"]),
        str(listed.listings["carol"]),
    }


async def test_a_delist_whose_answer_is_lost_is_done_once(
    client: httpx.AsyncClient,
    app: Any,
    shops: Shops,
) -> None:
    listed = await _listed_on(client, shops, {"alice": "sandbox", "bob": "sandbox_b"})
    owner = listed.owner
    before = await shops.items_of("bob")
    sold = await client.post(
        f"/api/v1/listings/{listed.item}/mark-sold",
        json={"platform_listing_id": str(listed.listings["alice"])},
        headers=owner.headers,
    )
    assert sold.status_code == 200, sold.text
    # The Bazaar deletes the listing but its answer never arrives (a gateway timeout after the browser gave up).
    await shops.of("bob").drop_next_delete(hang_seconds=8)

    (parent,) = await run_delists(app, owner)

    assert parent.status == "succeeded", parent.error
    assert await statuses(listed) == {"alice": "sold", "bob": "delisted"}
    assert await shops.items_of("bob") == before - {listed.platform_items["bob"]}
    assert (await conflicts(client, owner))["total"] == 0


async def test_an_account_needing_attention_holds_its_delist_as_a_conflict_until_resumed(
    client: httpx.AsyncClient,
    app: Any,
    shops: Shops,
) -> None:
    listed = await _listed_on(client, shops, {"alice": "sandbox_b", "bob": "sandbox"})
    owner = listed.owner
    await shops.of("bob").set_challenge("bob")
    sold = await client.post(
        f"/api/v1/listings/{listed.item}/mark-sold",
        json={"platform_listing_id": str(listed.listings["alice"]), "buyer": "dave"},
        headers=owner.headers,
    )
    assert sold.status_code == 200, sold.text

    (parent,) = await run_delists(app, owner)

    assert parent.status == "running"  # waiting for its child, which waits for a person
    (child,) = await jobs_of(owner, DELIST_ONE)
    assert child.status == "paused"
    shown = await conflicts(client, owner)
    assert shown["total"] == 1
    (conflict,) = shown["items"]
    assert (conflict["item_id"], conflict["item_status"]) == (str(listed.item), "sold")
    assert conflict["listing"]["id"] == str(listed.listings["bob"])
    assert (conflict["listing"]["status"], conflict["listing"]["conflict"]) == ("delisting", "delist_failed")
    assert "captcha" in conflict["listing"]["conflict_reason"]
    assert listed.platform_items["bob"] in await shops.items_of("bob")

    await shops.of("bob").set_challenge("bob", enabled=False)  # the person solved it
    resume = await client.post(f"/api/v1/accounts/{listed.accounts['bob']}/resume", headers=owner.headers)
    assert resume.status_code == 202, resume.text
    resumed = await run_job(app, owner, uuid.UUID(resume.json()["id"]))
    assert resumed.status == "succeeded", resumed.error
    done = await run_job(app, owner, child.id)

    assert done.status == "succeeded", done.error
    assert (await conflicts(client, owner))["total"] == 0
    assert await statuses(listed) == {"alice": "sold", "bob": "delisted"}
    assert listed.platform_items["bob"] not in await shops.items_of("bob")
    (parent,) = await jobs_of(owner, DELIST)
    assert parent.status == "succeeded", parent.error


async def test_two_sales_at_once_make_one_sale_and_one_oversell(
    client: httpx.AsyncClient,
    app: Any,
    shops: Shops,
) -> None:
    listed = await _listed_on(client, shops, {"alice": "sandbox", "bob": "sandbox_b", "carol": "sandbox"})
    owner = listed.owner
    now = utcnow()
    for job_id in (await sync_jobs(app, owner, now)).values():
        await run_sync(app, owner, job_id)
    await shops.of("alice").buy("dave", listed.platform_items["alice"])
    await shops.of("bob").buy("erin", listed.platform_items["bob"])
    syncs = await sync_jobs(app, owner, now + timedelta(minutes=15))

    reports = await asyncio.gather(
        run_sync(app, owner, syncs[listed.accounts["alice"]]), run_sync(app, owner, syncs[listed.accounts["bob"]])
    )

    assert [report["sales"] for report in reports] == [1, 1]
    assert sorted(report["oversells"] for report in reports) == [0, 1]
    rows = await listing_rows(listed)
    flagged = [name for name in ("alice", "bob") if rows[name]["conflict"] == "oversell"]
    assert len(flagged) == 1
    assert {rows[name]["status"] for name in ("alice", "bob")} == {"sold"}
    item = (await client.get(f"/api/v1/listings/{listed.item}", headers=owner.headers)).json()
    winner = "bob" if flagged == ["alice"] else "alice"
    assert item["status"] == "sold"
    assert item["buyer"] == ("dave" if winner == "alice" else "erin")
    shown = await conflicts(client, owner)
    assert [(c["listing"]["id"], c["listing"]["conflict"]) for c in shown["items"]] == [
        (str(listed.listings[flagged[0]]), "oversell")
    ]
    assert "cancel one of the orders" in shown["items"][0]["listing"]["conflict_reason"]
    carol_before = await shops.items_of("carol")
    await run_delists(app, owner)
    assert (await statuses(listed))["carol"] == "delisted"
    assert await shops.items_of("carol") == carol_before - {listed.platform_items["carol"]}
    # Both sold listings stay on their marketplaces: the orders are the user's to sort out.
    assert listed.platform_items["alice"] in await shops.items_of("alice")
    assert listed.platform_items["bob"] in await shops.items_of("bob")


async def test_delisting_by_hand_moves_the_first_listing_then_leaves_a_draft(
    client: httpx.AsyncClient,
    app: Any,
    shops: Shops,
) -> None:
    listed = await _listed_on(client, shops, {"alice": "sandbox", "bob": "sandbox_b"})
    owner = listed.owner
    url = f"/api/v1/listings/{listed.item}/delist"

    first = await client.post(url, json={"account_ids": [str(listed.accounts["alice"])]}, headers=owner.headers)
    assert first.status_code == 202, first.text
    await run_delists(app, owner)

    assert await statuses(listed) == {"alice": "delisted", "bob": "live"}
    assert listed.platform_items["alice"] not in await shops.items_of("alice")
    item = (await client.get(f"/api/v1/listings/{listed.item}", headers=owner.headers)).json()
    # What automation acts on is the listing still up.
    assert (item["status"], item["account_id"], item["platform_item_id"]) == (
        "published",
        str(listed.accounts["bob"]),
        listed.platform_items["bob"],
    )

    rest = await client.post(url, headers=owner.headers)
    assert rest.status_code == 202, rest.text
    await run_delists(app, owner)
    assert await statuses(listed) == {"alice": "delisted", "bob": "delisted"}
    assert listed.platform_items["bob"] not in await shops.items_of("bob")
    item = (await client.get(f"/api/v1/listings/{listed.item}", headers=owner.headers)).json()
    assert (item["status"], item["platform_item_id"]) == ("draft", None)
