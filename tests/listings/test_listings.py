"""Drafts: browse, edit with validation, price history, duplicate, delete, publish, tenancy."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import httpx

from backend.listings.tables import Listing
from backend.platforms.drivers.registry import PLATFORMS
from backend.platforms.drivers.requirements import REQUIREMENTS
from tests.helpers import Account, grant_plan, names_field, register
from tests.images import photo


async def _draft(account: Account, **fields: Any) -> str:
    listing_id = uuid.uuid4()
    values = {
        "title": "Blue denim jacket",
        "description": "Barely worn.",
        "price": Decimal("30.00"),
        "category": "Women > Coats & Jackets",
        "brand": "Levi's",
        "condition": "very_good",
        "colours": ["blue"],
        "keywords": ["denim"],
        **fields,
    }
    await Listing.insert(Listing(id=listing_id, workspace=uuid.UUID(account.workspace_id), **values))
    return str(listing_id)


async def test_edit_validates_and_keeps_price_history(client: httpx.AsyncClient) -> None:
    account = await register(client)
    listing = await _draft(account)
    path = f"/api/v1/listings/{listing}"
    edited = await client.patch(path, headers=account.headers, json={"price": 25, "title": "  Denim   jacket "})
    assert edited.status_code == 200, edited.text
    assert edited.json()["price"] == 25.0
    assert edited.json()["title"] == "Denim jacket"
    assert edited.json()["brand"] == "Levi's"  # untouched field stays
    cleared = await client.patch(path, headers=account.headers, json={"brand": None, "price": 20})
    assert cleared.json()["brand"] is None
    history = (await client.get(f"{path}/price-history", headers=account.headers)).json()
    assert [(h["old_price"], h["new_price"]) for h in history] == [(30.0, 25.0), (25.0, 20.0)]

    for body, field in [
        ({"title": "x" * 101}, "title"),
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"price": -1}, "price"),
        ({"currency": "euro"}, "currency"),
        ({"category": "Spaceships"}, "category"),
        ({"condition": "like new-ish"}, "condition"),
        ({"colours": "blue"}, "colours"),
        ({"media_ids": [str(uuid.uuid4())]}, "Media"),
        ({"owner": "me"}, "owner"),
    ]:
        response = await client.patch(path, headers=account.headers, json=body)
        assert response.status_code in (400, 404), (body, response.text)
        assert names_field(response.json(), field), (body, response.text)
    assert (await client.get(path, headers=account.headers)).json()["price"] == 20.0


async def test_filter_search_sort_and_paginate(client: httpx.AsyncClient) -> None:
    account = await register(client)
    await _draft(account, title="Red summer dress", category="Women > Dresses", price=Decimal("15"))
    await _draft(account, title="Nike running shoes", category="Men > Shoes", price=Decimal("45"), brand="Nike")
    await _draft(
        account, title="Wool jumper", category="Women > Jumpers & Cardigans", price=Decimal("22"), status="published"
    )
    base = "/api/v1/listings"
    by_price = (await client.get(f"{base}?sort=price&order=asc", headers=account.headers)).json()
    assert [i["price"] for i in by_price["items"]] == [15.0, 22.0, 45.0]
    assert (await client.get(f"{base}?status=draft", headers=account.headers)).json()["total"] == 2
    assert (await client.get(f"{base}?category=Men%20%3E%20Shoes", headers=account.headers)).json()["total"] == 1
    found = (await client.get(f"{base}?q=NIKE", headers=account.headers)).json()
    assert [i["title"] for i in found["items"]] == ["Nike running shoes"]
    page = (await client.get(f"{base}?limit=2&offset=2&sort=title&order=asc", headers=account.headers)).json()
    assert (page["total"], [i["title"] for i in page["items"]]) == (3, ["Wool jumper"])
    assert (await client.get(f"{base}?sort=colour", headers=account.headers)).status_code == 400
    categories = (await client.get(f"{base}/categories", headers=account.headers)).json()
    assert "Women > Dresses" in categories


async def test_duplicate_and_delete(client: httpx.AsyncClient) -> None:
    account = await register(client)
    listing = await _draft(account)
    copy = await client.post(f"/api/v1/listings/{listing}/duplicate", headers=account.headers)
    assert copy.status_code == 201
    assert copy.json()["title"] == "Blue denim jacket (copy)"
    assert copy.json()["id"] != listing
    assert copy.json()["status"] == "draft"
    publish = await client.post(f"/api/v1/listings/{listing}/publish", headers=account.headers, json={})
    assert publish.status_code == 400
    assert names_field(publish.json(), "account_id")
    assert (await client.delete(f"/api/v1/listings/{listing}", headers=account.headers)).status_code == 204
    assert (await client.get(f"/api/v1/listings/{listing}", headers=account.headers)).status_code == 404
    assert (await client.get("/api/v1/listings", headers=account.headers)).json()["total"] == 1


async def test_another_workspaces_drafts_are_404(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    other = await register(client)
    listing = await _draft(owner)
    for method, suffix, body in [
        ("GET", "", None),
        ("PATCH", "", {"price": 1}),
        ("DELETE", "", None),
        ("POST", "/duplicate", None),
        ("GET", "/price-history", None),
        ("POST", "/publish", {"account_id": str(uuid.uuid4())}),
    ]:
        response = await client.request(method, f"/api/v1/listings/{listing}{suffix}", headers=other.headers, json=body)
        assert response.status_code == 404, (method, suffix, response.text)
    assert (await client.get("/api/v1/listings", headers=other.headers)).json()["total"] == 0
    still = (await client.get(f"/api/v1/listings/{listing}", headers=owner.headers)).json()
    assert still["price"] == 30.0


async def _platform_account(client: httpx.AsyncClient, owner: Account, platform: str) -> str:
    body = {"platform": platform, "login": f"seller-{platform}", "password": "pass-word-1"}
    response = await client.post("/api/v1/accounts", headers=owner.headers, json=body)
    assert response.status_code == 201, response.text
    account_id: str = response.json()["id"]
    return account_id


async def test_a_draft_the_platform_would_refuse_is_a_400_before_any_job(client: httpx.AsyncClient) -> None:
    """Price 0, no photos, no category: refused at once with what to fix; no job, no daily action used."""
    owner = await register(client)
    await grant_plan(owner.workspace_id, "business")
    sandbox = await _platform_account(client, owner, "sandbox")
    vinted = await _platform_account(client, owner, "vinted")
    uploaded = await client.post(
        "/api/v1/media", headers=owner.headers, files=[("files", ("shoe.jpg", photo(seed=3), "image/jpeg"))]
    )
    assert uploaded.status_code == 201, uploaded.text
    photos = [uploaded.json()["items"][0]["id"]]

    async def publish(listing: str, account: str) -> httpx.Response:
        path = f"/api/v1/listings/{listing}/publish"
        return await client.post(path, headers=owner.headers, json={"account_id": account})

    free = await _draft(owner, price=Decimal("0"), media_ids=photos)
    refused = await publish(free, sandbox)
    assert refused.status_code == 400, refused.text
    assert refused.json() == {"status_code": 400, "detail": "Price: set a price above 0"}

    bare = await _draft(owner, price=Decimal("0"), media_ids=[])
    refused = await publish(bare, sandbox)
    assert refused.status_code == 400
    assert refused.json()["detail"] == "Price: set a price above 0; Photos: add at least one photo"

    # Vinted asks for more than the sandbox: a description and a real category.
    vague = await _draft(owner, description="", category="Other", media_ids=photos)
    refused = await publish(vague, vinted)
    assert refused.status_code == 400
    assert refused.json()["detail"].startswith("Description: Vinted needs a description; Category: choose a category")

    assert (await client.get("/api/v1/jobs", headers=owner.headers)).json()["total"] == 0
    for account in (sandbox, vinted):
        shown = (await client.get(f"/api/v1/accounts/{account}", headers=owner.headers)).json()
        assert shown["actions_today"] == 0
        assert shown["status"] == "active"


def test_every_platform_says_what_publishing_needs() -> None:
    assert set(REQUIREMENTS) == set(PLATFORMS)


async def test_the_list_shows_each_draft_as_its_own_page_does(client: httpx.AsyncClient) -> None:
    # The list is built by a prepared query that selects only ListingOut's columns; the single
    # draft's route is not: both must show the same draft the same way, JSON columns included.
    account = await register(client)
    job = uuid.uuid4()
    await _draft(account, source_job=job, source_key="item-0001", media_ids=[str(uuid.uuid4())], brand=None)
    await _draft(account, title="Wool jumper", materials=["wool", "silk"], price=Decimal("12.34"), size="M")
    listed = (await client.get("/api/v1/listings", headers=account.headers)).json()
    assert listed["total"] == 2
    for item in listed["items"]:
        single = (await client.get(f"/api/v1/listings/{item['id']}", headers=account.headers)).json()
        assert item == single
    assert {item["source_job_id"] for item in listed["items"]} == {str(job), None}


async def test_totals_and_tenancy_hold_on_every_page_and_filter(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    neighbour = await register(client)
    for i in range(5):
        await _draft(owner, title=f"Denim jacket {i}", status="published" if i % 2 else "draft")
        await _draft(neighbour, title=f"Denim jacket {i}", status="draft")
    base = "/api/v1/listings"
    pages = [
        (await client.get(f"{base}?limit=2&offset={offset}&sort=title&order=asc", headers=owner.headers)).json()
        for offset in (0, 2, 4, 6)
    ]
    assert [page["total"] for page in pages] == [5, 5, 5, 5]
    titles = [item["title"] for page in pages for item in page["items"]]
    assert titles == [f"Denim jacket {i}" for i in range(5)]
    drafts = (await client.get(f"{base}?status=draft&q=denim&limit=1", headers=owner.headers)).json()
    assert drafts["total"] == 3
    assert len(drafts["items"]) == 1
    assert (await client.get(f"{base}?status=archived", headers=owner.headers)).json()["total"] == 0
    theirs = (await client.get(f"{base}?q=denim", headers=neighbour.headers)).json()
    assert theirs["total"] == 5
    assert {item["status"] for item in theirs["items"]} == {"draft"}
