"""The inventory: every item with all its listings, filtered by status, platform, account, text and conflicts;
a one-account publish makes the item's listing there; automation sees an item through any live listing."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from backend.listings import inventory
from backend.listings import service as listings
from tests.helpers import Account, grant_plan, names_field, register
from tests.listings.crosslist_helpers import by_account, item, make_account, make_draft

BASE = "/api/v1/inventory"


async def _live(owner: Account, listing: str, account: str, platform: str, item_id: str) -> dict[str, Any]:
    workspace = uuid.UUID(owner.workspace_id)
    queued = await inventory.ensure_queued(
        workspace, uuid.UUID(listing), uuid.UUID(account), platform, None, "EUR", {"title": "x"}
    )
    return await inventory.mark_live(workspace, queued["id"], item_id, f"http://{platform}.test/items/{item_id}")


async def _titles(client: httpx.AsyncClient, owner: Account, **params: Any) -> list[str]:
    response = await client.get(BASE, headers=owner.headers, params=params)
    assert response.status_code == 200, response.text
    return [i["title"] for i in response.json()["items"]]


async def test_every_item_with_its_listings_newest_first_and_filtered(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    await grant_plan(owner.workspace_id, "business")
    alice = await make_account(client, owner, "sandbox", "alice")
    bob = await make_account(client, owner, "sandbox", "bob")
    vera = await make_account(client, owner, "vinted", "vera", label="Vera's shop")
    draft = await make_draft(client, owner, "Plain draft")
    on_two = await make_draft(client, owner, "Leather boots", brand="Dr. Martens", category="Women > Shoes")
    on_vinted = await make_draft(client, owner, "Wool scarf", brand=None)
    await _live(owner, on_two, alice, "sandbox", "11")
    second = await _live(owner, on_two, vera, "vinted", "v-12")
    await _live(owner, on_vinted, vera, "vinted", "v-13")
    await inventory.set_conflict(uuid.UUID(owner.workspace_id), second["id"], "delist_failed", "captcha")
    neighbour = await register(client)
    await make_draft(client, neighbour, "Leather boots")

    page = (await client.get(BASE, headers=owner.headers)).json()
    assert page["total"] == 3
    assert [i["title"] for i in page["items"]] == ["Wool scarf", "Leather boots", "Plain draft"]
    boots = page["items"][1]
    assert boots["status"] == "published"
    assert boots["conflicts"] == 1
    shown = by_account(boots)
    assert set(shown) == {alice, vera}
    assert shown[vera]["account_label"] == "Vera's shop"
    assert shown[alice]["account_label"] == "alice"
    assert shown[vera]["url"] == "http://vinted.test/items/v-12"
    assert (shown[vera]["conflict"], shown[vera]["conflict_reason"]) == ("delist_failed", "captcha")
    assert page["items"][2]["listings"] == []
    assert await item(client, owner, on_two) == boots

    assert await _titles(client, owner, platform="vinted") == ["Wool scarf", "Leather boots"]
    assert await _titles(client, owner, account_id=alice) == ["Leather boots"]
    assert await _titles(client, owner, account_id=bob) == []
    assert await _titles(client, owner, q="martens") == ["Leather boots"]
    assert await _titles(client, owner, q="SCARF") == ["Wool scarf"]
    assert await _titles(client, owner, conflicts_only="true") == ["Leather boots"]
    assert await _titles(client, owner, status="draft") == ["Plain draft"]
    assert await _titles(client, owner, status="published", platform="sandbox") == ["Leather boots"]
    second_page = (await client.get(BASE, headers=owner.headers, params={"limit": 2, "offset": 2})).json()
    assert (second_page["total"], [i["title"] for i in second_page["items"]]) == (3, ["Plain draft"])
    past_the_end = (await client.get(BASE, headers=owner.headers, params={"limit": 2, "offset": 10})).json()
    assert (past_the_end["total"], past_the_end["items"]) == (3, [])
    assert (await client.get(BASE, headers=neighbour.headers)).json()["total"] == 1

    for params, field in [
        ({"status": "lost"}, "status"),
        ({"limit": 0}, "limit"),
        ({"offset": -1}, "offset"),
        ({"account_id": "x"}, "account_id"),
        ({"conflicts_only": "maybe"}, "conflicts_only"),
    ]:
        response = await client.get(BASE, headers=owner.headers, params=params)
        assert response.status_code == 400, (params, response.text)
        assert names_field(response.json(), field), (params, response.text)
    assert (await client.get(f"{BASE}/{uuid.uuid4()}", headers=owner.headers)).status_code == 404
    assert draft


async def test_a_one_account_publish_makes_the_items_listing_there(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    await grant_plan(owner.workspace_id, "business")
    alice = await make_account(client, owner, "sandbox", "alice")
    bob = await make_account(client, owner, "sandbox", "bob")
    listing = await make_draft(client, owner)
    started = await client.post(f"/api/v1/listings/{listing}/publish", headers=owner.headers, json={"account_id": bob})
    assert started.status_code == 202, started.text
    job = started.json()
    assert (job["kind"], job["account_id"], job["listing_id"]) == ("listings.publish", bob, listing)
    again = await client.post(f"/api/v1/listings/{listing}/publish", headers=owner.headers, json={"account_id": bob})
    assert again.json()["id"] == job["id"]  # a double click: one publish
    shown = by_account(await item(client, owner, listing))
    assert (shown[bob]["status"], shown[bob]["job_id"], shown[bob]["price"]) == ("queued", job["id"], 30.0)

    # Live on alice already: publishing there again is a conflict; on bob it is what was asked.
    await _live(owner, listing, alice, "sandbox", "77")
    refused = await client.post(
        f"/api/v1/listings/{listing}/publish", headers=owner.headers, json={"account_id": alice}
    )
    assert refused.status_code == 409
    assert "already published" in refused.json()["detail"]


async def test_automation_sees_an_item_through_any_of_its_live_listings(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    await grant_plan(owner.workspace_id, "business")
    alice = await make_account(client, owner, "sandbox", "alice")
    bob = await make_account(client, owner, "sandbox", "bob")
    listing = await make_draft(client, owner, "Corduroy jacket")
    await _live(owner, listing, alice, "sandbox", "101")  # its first listing: the item's columns name it
    await _live(owner, listing, bob, "sandbox", "202")
    workspace = uuid.UUID(owner.workspace_id)
    on_alice = await listings.published_on_account(workspace, uuid.UUID(alice))
    on_bob = await listings.published_on_account(workspace, uuid.UUID(bob))
    assert [(str(d.id), d.platform_item_id) for d in on_alice] == [(listing, "101")]
    assert [(str(d.id), d.platform_item_id, str(d.account_id)) for d in on_bob] == [(listing, "202", bob)]

    # A relist on bob records bob's new item; the item's first listing (alice's) stays.
    await listings.mark_published(workspace, uuid.UUID(listing), uuid.UUID(bob), "203", "http://sandbox.test/items/203")
    shown = by_account(await item(client, owner, listing))
    assert (shown[bob]["platform_item_id"], shown[bob]["status"]) == ("203", "live")
    draft = (await client.get(f"/api/v1/listings/{listing}", headers=owner.headers)).json()
    assert (draft["platform_item_id"], draft["account_id"]) == ("101", alice)
