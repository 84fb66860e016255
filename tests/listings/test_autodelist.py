"""A sale of a crosslisted item: the first wins and the item's other listings go to `delisting` with one delist
job; a second sale at the same time is an oversell; the user marks sold and delists by hand; the sweep starts
what nobody started. Database only (both databases): the delists that need a browser are in
`test_autodelist_sandbox.py`; here the listings taken down are queued ones (nothing on a platform yet).
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx

from backend.analytics import service as analytics
from backend.analytics.tables import AnalyticsEvent
from backend.core.clock import utcnow
from backend.jobs import service as jobs
from backend.jobs.tables import Job
from backend.listings import inventory as listings_inventory
from backend.listings import service as listings
from backend.listings.tables import Listing, PlatformListing
from backend.platforms.service import OwnListing
from backend.platforms.tables import PlatformAccount
from tests.automation.rules_helpers import run_job
from tests.helpers import Account, grant_plan, register
from tests.listings.delist_helpers import (
    DELIST,
    DELIST_ONE,
    Listed,
    add_account,
    add_listing,
    jobs_of,
    listing_rows,
    new_item,
    run_delists,
    statuses,
)


@dataclass(frozen=True)
class SaleSeen:
    item_id: str
    title: str
    price: Decimal | None
    currency: str
    buyer: str
    sold_at: datetime | None


def own(item: str, sold: bool = False, views: int = 0) -> OwnListing:
    return OwnListing(item_id=item, title=f"Item {item}", price=Decimal("20"), url="", views=views, likes=0, sold=sold)


async def _shop(client: httpx.AsyncClient) -> tuple[Account, dict[str, uuid.UUID]]:
    owner = await register(client)
    await grant_plan(owner.workspace_id)
    accounts = {name: await add_account(client, owner, "sandbox", name) for name in ("alice", "bob", "carol")}
    return owner, accounts


async def _item_on_three(owner: Account, accounts: dict[str, uuid.UUID], tag: str = "1") -> Listed:
    listed = await new_item(owner, f"Denim jacket {tag}", status="published")
    for name, account_id in accounts.items():
        await add_listing(listed, name, account_id, "sandbox", f"{name[0]}{tag}")
    return listed


async def _item(client: httpx.AsyncClient, owner: Account, item: uuid.UUID) -> dict[str, Any]:
    response = await client.get(f"/api/v1/listings/{item}", headers=owner.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_two_sales_at_once_one_wins_the_other_is_an_oversell(client: httpx.AsyncClient) -> None:
    owner, accounts = await _shop(client)
    ws = uuid.UUID(owner.workspace_id)
    items = [await _item_on_three(owner, accounts, str(n)) for n in range(3)]
    when = utcnow() - timedelta(minutes=5)

    def sale(item: str, buyer: str, price: str) -> SaleSeen:
        return SaleSeen(item, f"Item {item}", Decimal(price), "EUR", buyer, when)

    # Alice's and Bob's accounts each sold all three items; their syncs record them at the same time, and in
    # opposite orders as their sales pages list them.
    alice = [sale(f"a{n}", "dave", "40.00") for n in range(3)]
    bob = [sale(f"b{n}", "erin", "42.00") for n in reversed(range(3))]
    reports = await asyncio.gather(
        analytics.apply_sync(ws, accounts["alice"], "sandbox", [own(s.item_id, sold=True) for s in alice], alice),
        analytics.apply_sync(ws, accounts["bob"], "sandbox", [own(s.item_id, sold=True) for s in bob], bob),
    )

    assert [report.sales for report in reports] == [3, 3]  # both sales pages' sales are recorded once each
    for listed in items:
        rows = await listing_rows(listed)
        item = await Listing.select().where(Listing.id == listed.item).first()
        winner = next(name for name in ("alice", "bob") if rows[name]["id"] == item["sold_via"])
        loser = "bob" if winner == "alice" else "alice"
        assert item["status"] == "sold"
        assert (item["buyer"], item["sold_price"]) == (
            ("dave", Decimal("40.00")) if winner == "alice" else ("erin", Decimal("42.00"))
        )
        assert (rows[winner]["status"], rows[winner]["conflict"]) == ("sold", None)
        assert (rows[loser]["status"], rows[loser]["conflict"]) == ("sold", "oversell")
        assert rows[loser]["conflict_reason"] == (
            f"Sold on Sandbox marketplace ({loser} on sandbox) after it sold on Sandbox marketplace "
            f"({winner} on sandbox) — cancel one of the orders"
        )
        assert rows["carol"]["status"] == "delisting"
    oversells = sum(len(report.oversells) for report in reports)
    assert oversells == 3
    shown = (await client.get("/api/v1/inventory/conflicts", headers=owner.headers)).json()
    assert shown["total"] == 3
    assert {c["listing"]["conflict"] for c in shown["items"]} == {"oversell"}
    assert {c["item_status"] for c in shown["items"]} == {"sold"}


async def test_a_sale_seen_on_any_account_sells_the_item_and_starts_one_delist_job(
    client: httpx.AsyncClient, app: Any
) -> None:
    owner, accounts = await _shop(client)
    ws = uuid.UUID(owner.workspace_id)
    listed = await _item_on_three(owner, accounts)
    # The item's first listing is Alice's; the sale comes from Carol's account, which only platform listings know.
    await Listing.update({Listing.account_id: accounts["alice"], Listing.platform_item_id: "a1"}).where(
        Listing.id == listed.item
    )
    await analytics.apply_sync(ws, accounts["carol"], "sandbox", [own("c1")], [])
    sale = SaleSeen("c1", "Item c1", Decimal("38.50"), "EUR", "dave", utcnow())
    report = await analytics.apply_sync(ws, accounts["carol"], "sandbox", [own("c1", sold=True, views=4)], [sale])

    assert report.sales == 1
    (outcome,) = report.outcomes
    assert (outcome.listing_id, outcome.won, outcome.delisting) == (listed.item, True, 2)
    events = await AnalyticsEvent.select(AnalyticsEvent.kind, AnalyticsEvent.listing_id)
    assert sorted((e["kind"], e["listing_id"]) for e in events) == [("sale", listed.item), ("view", listed.item)]
    item = await _item(client, owner, listed.item)
    assert (item["status"], item["sold_price"], item["buyer"]) == ("sold", 38.5, "dave")
    assert await statuses(listed) == {"alice": "delisting", "bob": "delisting", "carol": "sold"}

    job = await listings.start_delists(app.state.redis, ws, listed.item)
    again = await listings.start_delists(app.state.redis, ws, listed.item)
    assert job is not None
    assert again is not None
    assert again.id == job.id  # the same sale: one job
    await run_job(app, owner, job.id)
    children = await jobs.list_jobs(ws, kind=DELIST_ONE, status=None, parent_id=job.id, limit=10, offset=0)
    assert sorted(child.account_id for child in children.items if child.account_id) == sorted(
        [accounts["alice"], accounts["bob"]]
    )
    rows = await listing_rows(listed)
    assert {rows[name]["job_id"] for name in ("alice", "bob")} == {child.id for child in children.items}


async def test_marking_sold_by_hand_delists_the_others_and_a_second_sale_is_an_oversell(
    client: httpx.AsyncClient, app: Any
) -> None:
    owner, accounts = await _shop(client)
    listed = await new_item(owner, "Wool scarf", "15.50", status="published")
    await add_listing(listed, "alice", accounts["alice"], "sandbox", "a1", price="17.00")
    await add_listing(listed, "bob", accounts["bob"], "sandbox", None, status="queued")
    await add_listing(listed, "carol", accounts["carol"], "sandbox", None, status="queued")
    url = f"/api/v1/listings/{listed.item}/mark-sold"

    body = {"platform_listing_id": str(listed.listings["alice"]), "buyer": "zoe"}
    response = await client.post(url, json=body, headers=owner.headers)

    assert response.status_code == 200, response.text
    item = response.json()
    assert (item["status"], item["sold_price"], item["buyer"]) == ("sold", 17.0, "zoe")  # the listing's price
    assert item["sold_via"] == str(listed.listings["alice"])
    assert {entry["account_id"]: entry["status"] for entry in item["listings"]} == {
        str(accounts["alice"]): "sold",
        str(accounts["bob"]): "delisting",
        str(accounts["carol"]): "delisting",
    }
    (parent,) = await jobs_of(owner, DELIST)
    assert parent.total == 2
    (parent,) = await run_delists(app, owner)
    assert parent.status == "succeeded", parent.error
    assert await statuses(listed) == {"alice": "sold", "bob": "delisted", "carol": "delisted"}
    # Said again: nothing new.
    assert (await client.post(url, json=body, headers=owner.headers)).json()["conflicts"] == 0

    # The user says it also sold through Bob's listing: an oversell to sort out.
    bob = {"platform_listing_id": str(listed.listings["bob"]), "price": 16}
    flagged = (await client.post(url, json=bob, headers=owner.headers)).json()
    assert flagged["conflicts"] == 1
    assert (flagged["sold_price"], flagged["buyer"]) == (17.0, "zoe")  # the first sale stays the sale
    shown = (await client.get("/api/v1/inventory/conflicts", headers=owner.headers)).json()
    assert shown["total"] == 1
    (conflict,) = shown["items"]
    assert (conflict["item_id"], conflict["item_title"]) == (str(listed.item), "Wool scarf")
    assert conflict["listing"]["conflict"] == "oversell"
    assert conflict["listing"]["conflict_reason"].startswith("Sold on Sandbox marketplace (bob on sandbox) after")

    resolved = await client.post(
        f"/api/v1/inventory/platform-listings/{listed.listings['bob']}/resolve", headers=owner.headers
    )
    assert resolved.status_code == 200, resolved.text
    assert (resolved.json()["status"], resolved.json()["conflict"]) == ("sold", None)
    assert (await client.get("/api/v1/inventory/conflicts", headers=owner.headers)).json()["total"] == 0
    again = await client.post(
        f"/api/v1/inventory/platform-listings/{listed.listings['bob']}/resolve", headers=owner.headers
    )
    assert again.status_code == 409
    # Sold already, and no listing named: nothing to record.
    assert (await client.post(url, json={}, headers=owner.headers)).status_code == 409


async def test_an_item_sold_elsewhere_takes_its_own_price_and_starts_no_job(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    listed = await new_item(owner, "Table lamp", "26.00")
    response = await client.post(f"/api/v1/listings/{listed.item}/mark-sold", headers=owner.headers)
    assert response.status_code == 200, response.text
    item = response.json()
    assert (item["status"], item["sold_price"], item["buyer"], item["sold_via"]) == ("sold", 26.0, None, None)
    assert item["sold_at"] is not None
    assert await jobs_of(owner, DELIST) == []


async def test_delisting_by_hand_ends_the_chosen_listings_then_the_item_is_a_draft(
    client: httpx.AsyncClient, app: Any
) -> None:
    owner, accounts = await _shop(client)
    listed = await new_item(owner, "Canvas tote", "10.00", status="published")
    for name in ("alice", "bob"):
        await add_listing(listed, name, accounts[name], "sandbox", None, status="queued")
    url = f"/api/v1/listings/{listed.item}/delist"

    first = await client.post(url, json={"account_ids": [str(accounts["alice"])]}, headers=owner.headers)
    assert first.status_code == 202, first.text
    assert first.json()["kind"] == DELIST
    # Asked again while it waits: the same job.
    twice = await client.post(url, json={"account_ids": [str(accounts["alice"])]}, headers=owner.headers)
    assert twice.json()["id"] == first.json()["id"]
    await run_delists(app, owner)
    assert await statuses(listed) == {"alice": "delisted", "bob": "queued"}
    assert (await _item(client, owner, listed.item))["status"] == "published"  # still listed on Bob's account

    rest = await client.post(url, headers=owner.headers)  # no body: every listing still up
    assert rest.status_code == 202, rest.text
    assert rest.json()["id"] != first.json()["id"]
    await run_delists(app, owner)
    assert await statuses(listed) == {"alice": "delisted", "bob": "delisted"}
    assert (await _item(client, owner, listed.item))["status"] == "draft"
    nothing = await client.post(url, headers=owner.headers)
    assert nothing.status_code == 409
    assert "Nothing to delist" in nothing.json()["detail"]


async def test_bad_requests_are_refused_naming_the_field(client: httpx.AsyncClient) -> None:
    owner, accounts = await _shop(client)
    listed = await new_item(owner, "Leather belt", "16.00", status="published")
    await add_listing(listed, "alice", accounts["alice"], "sandbox", "a1")
    other = await new_item(owner, "Leather wallet", "20.00", status="published")
    await add_listing(other, "bob", accounts["bob"], "sandbox", "b1")
    delist = f"/api/v1/listings/{listed.item}/delist"
    sold = f"/api/v1/listings/{listed.item}/mark-sold"

    async def refused(path: str, body: dict[str, Any], field: str, status: int = 400) -> None:
        response = await client.post(path, json=body, headers=owner.headers)
        assert response.status_code == status, response.text
        assert field in response.text, response.text

    await refused(delist, {"account_ids": []}, "account_ids")
    await refused(delist, {"account_ids": ["not-a-uuid"]}, "account_ids")
    await refused(delist, {"account_ids": [str(accounts["carol"])]}, "account_ids")
    await refused(delist, {"accounts": [str(accounts["alice"])]}, "accounts")
    await refused(sold, {"price": -1}, "price")
    await refused(sold, {"buyer": "x" * 201}, "buyer")
    await refused(sold, {"platform_listing_id": str(other.listings["bob"])}, "platform_listing_id")
    assert await statuses(listed) == {"alice": "live"}  # nothing changed

    body = {"platform_listing_id": str(listed.listings["alice"])}
    assert (await client.post(sold, json=body, headers=owner.headers)).status_code == 200
    response = await client.post(delist, json={"account_ids": [str(accounts["alice"])]}, headers=owner.headers)
    assert response.status_code == 409
    assert "sold" in response.json()["detail"]


async def test_another_workspaces_items_and_listings_are_not_found(client: httpx.AsyncClient) -> None:
    owner, accounts = await _shop(client)
    listed = await _item_on_three(owner, accounts)
    await client.post(
        f"/api/v1/listings/{listed.item}/mark-sold",
        json={"platform_listing_id": str(listed.listings["alice"])},
        headers=owner.headers,
    )
    stranger = await register(client)
    pl = listed.listings["bob"]
    for path, body in (
        (f"/api/v1/listings/{listed.item}/delist", {}),
        (f"/api/v1/listings/{listed.item}/mark-sold", {}),
        (f"/api/v1/listings/{uuid.uuid4()}/mark-sold", {}),
        (f"/api/v1/inventory/platform-listings/{pl}/resolve", None),
        (f"/api/v1/inventory/platform-listings/{pl}/retry-delist", None),
    ):
        response = await client.post(path, json=body, headers=stranger.headers)
        assert response.status_code == 404, (path, response.text)
    assert (await client.get("/api/v1/inventory/conflicts", headers=stranger.headers)).json()["total"] == 0
    # Their own mark-sold naming this workspace's listing: not found either.
    theirs = await new_item(stranger, "Their scarf")
    response = await client.post(
        f"/api/v1/listings/{theirs.item}/mark-sold", json={"platform_listing_id": str(pl)}, headers=stranger.headers
    )
    assert response.status_code == 404
    assert await statuses(listed) == {"alice": "sold", "bob": "delisting", "carol": "delisting"}


async def test_a_failed_delist_is_retried_on_request_only(client: httpx.AsyncClient, app: Any) -> None:
    owner, accounts = await _shop(client)
    ws = uuid.UUID(owner.workspace_id)
    listed = await new_item(owner, "Glass vase", "13.00", status="published")
    await add_listing(listed, "alice", accounts["alice"], "sandbox", None, status="queued")
    retry = f"/api/v1/inventory/platform-listings/{listed.listings['alice']}/retry-delist"
    assert (await client.post(retry, headers=owner.headers)).status_code == 409  # nothing failed

    # A delist that the platform refused (its job failed) leaves the listing flagged, and nobody retries it…
    an_hour_ago = utcnow() - timedelta(hours=1)
    await PlatformListing.update({PlatformListing.status: "delisting", PlatformListing.updated_at: an_hour_ago}).where(
        PlatformListing.id == listed.listings["alice"]
    )
    await set_delist_failed(ws, listed.listings["alice"])
    assert (await listings.sweep_delists(app.state.redis))["started"] == 0
    assert (await client.get("/api/v1/inventory/conflicts", headers=owner.headers)).json()["total"] == 1

    # …until the user asks.
    response = await client.post(retry, headers=owner.headers)
    assert response.status_code == 202, response.text
    assert (await client.post(retry, headers=owner.headers)).json()["id"] == response.json()["id"]
    await run_delists(app, owner)
    row = (await listing_rows(listed))["alice"]
    assert (row["status"], row["conflict"], row["conflict_reason"]) == ("delisted", None, None)
    (child,) = await jobs_of(owner, DELIST_ONE)
    items = await jobs.list_items(ws, child.id, None, 10, 0)
    assert [(item.label, item.result["status"]) for item in items.items] == [
        ("Sandbox marketplace (alice on sandbox)", "delisted")
    ]
    assert (await client.get("/api/v1/inventory/conflicts", headers=owner.headers)).json()["total"] == 0


async def set_delist_failed(workspace_id: uuid.UUID, platform_listing_id: uuid.UUID) -> None:
    await PlatformListing.update(
        {
            PlatformListing.conflict: "delist_failed",
            PlatformListing.conflict_reason: "The platform refused",
            PlatformListing.conflict_at: utcnow(),
        }
    ).where((PlatformListing.id == platform_listing_id) & (PlatformListing.workspace == workspace_id))


async def test_the_sweep_starts_delists_left_behind_once(client: httpx.AsyncClient, app: Any) -> None:
    owner, accounts = await _shop(client)
    listed = await new_item(owner, "Hiking boots", "70.00", status="sold")
    await add_listing(listed, "alice", accounts["alice"], "sandbox", None, status="delisting")
    just_now = await new_item(owner, "Running shoes", "35.00", status="sold")
    await add_listing(just_now, "bob", accounts["bob"], "sandbox", None, status="delisting")
    # The sale committed five minutes ago, and the process died before it started the delists.
    await PlatformListing.update({PlatformListing.updated_at: utcnow() - timedelta(minutes=5)}).where(
        PlatformListing.id == listed.listings["alice"]
    )

    assert await listings.sweep_delists(app.state.redis) == {"items": 1, "started": 1}
    soon = utcnow() + timedelta(seconds=30)
    assert await listings.sweep_delists(app.state.redis, soon) == {"items": 1, "started": 0}
    (parent,) = await jobs_of(owner, DELIST)
    assert (parent.idempotency_key or "").startswith(f"delist:{listed.item}:sweep:")
    await run_delists(app, owner)
    assert await statuses(listed) == {"alice": "delisted"}
    # The other sale is a minute old at most: its own job is on its way, the sweep leaves it alone.
    assert await statuses(just_now) == {"bob": "delisting"}
    later = utcnow() + timedelta(minutes=5)
    assert await listings.sweep_delists(app.state.redis, later) == {"items": 1, "started": 1}
    assert await listings.sweep_delists(app.state.redis, later) == {"items": 1, "started": 0}


async def test_a_listing_waiting_on_an_account_needing_attention_is_a_conflict(
    client: httpx.AsyncClient, app: Any
) -> None:
    owner, accounts = await _shop(client)
    listed = await new_item(owner, "Wool beanie", "8.50", status="sold")
    await add_listing(listed, "alice", accounts["alice"], "sandbox", "a1", status="sold")
    await add_listing(listed, "bob", accounts["bob"], "sandbox", "b1", status="delisting")
    await set_attention(accounts["bob"], "The sandbox asks for a captcha")

    shown = (await client.get("/api/v1/inventory/conflicts", headers=owner.headers)).json()
    assert shown["total"] == 1
    (conflict,) = shown["items"]
    assert conflict["listing"]["id"] == str(listed.listings["bob"])
    assert conflict["listing"]["conflict"] == "delist_failed"
    assert "needs attention" in conflict["listing"]["conflict_reason"]
    assert "captcha" in conflict["listing"]["conflict_reason"]
    item = (await client.get(f"/api/v1/listings/{listed.item}", headers=owner.headers)).json()
    assert item["status"] == "sold"

    # The user took it down by hand: resolved, it is delisted and never tried again.
    resolved = await client.post(
        f"/api/v1/inventory/platform-listings/{listed.listings['bob']}/resolve", headers=owner.headers
    )
    assert resolved.status_code == 200, resolved.text
    assert (resolved.json()["status"], resolved.json()["conflict"]) == ("delisted", None)
    assert (await client.get("/api/v1/inventory/conflicts", headers=owner.headers)).json()["total"] == 0
    assert (await listings.sweep_delists(app.state.redis, utcnow() + timedelta(minutes=5)))["items"] == 0


async def set_attention(account_id: uuid.UUID, reason: str) -> None:
    await PlatformAccount.update(
        {PlatformAccount.status: "needs_attention", PlatformAccount.status_reason: reason}
    ).where(PlatformAccount.id == account_id)


async def test_a_listing_sold_while_its_publish_runs_is_taken_down_once_published(
    client: httpx.AsyncClient, app: Any
) -> None:
    owner, accounts = await _shop(client)
    ws = uuid.UUID(owner.workspace_id)
    listed = await new_item(owner, "Denim jeans", "30.00", status="published")
    await add_listing(listed, "alice", accounts["alice"], "sandbox", "a1")
    await add_listing(listed, "bob", accounts["bob"], "sandbox", None, status="queued")
    # Bob's publish is in the browser right now.
    publish = Job(workspace=ws, kind="listings.publish", status="running", account=accounts["bob"])
    await Job.insert(publish)
    await PlatformListing.update({PlatformListing.job_id: publish.id}).where(
        PlatformListing.id == listed.listings["bob"]
    )
    body = {"platform_listing_id": str(listed.listings["alice"])}
    assert (await client.post(f"/api/v1/listings/{listed.item}/mark-sold", json=body, headers=owner.headers)).is_success

    await run_delists(app, owner)
    (child,) = await jobs_of(owner, DELIST_ONE)
    # Its delist waits for the publish rather than calling a listing with nothing on the platform delisted.
    assert (child.status, child.error) == (
        "retrying",
        "Waiting for its publish under way to end, to take down what it published",
    )
    assert await statuses(listed) == {"alice": "sold", "bob": "delisting"}

    # The publish ends: what it published is to be taken down, not live.
    await listings_inventory.mark_live(ws, listed.listings["bob"], "b7", "/items/b7")
    row = (await listing_rows(listed))["bob"]
    assert (row["status"], row["platform_item_id"]) == ("delisting", "b7")
    # Had the delist been done already, the same: the published item comes down.
    await PlatformListing.update({PlatformListing.status: "delisted"}).where(
        PlatformListing.id == listed.listings["bob"]
    )
    await listings_inventory.mark_live(ws, listed.listings["bob"], "b7", "/items/b7")
    assert (await statuses(listed))["bob"] == "delisting"
