"""Shared steps of the inventory and crosslisting tests: accounts, drafts with photos, jobs run in this process."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import httpx

from backend.jobs import service as jobs
from backend.jobs.schemas import JobOut
from backend.listings.tables import Listing
from tests.helpers import Account
from tests.images import photo

SANDBOX_PASSWORD = "sandbox-pass-1"


async def make_account(
    client: httpx.AsyncClient, owner: Account, platform: str = "sandbox", login: str = "alice", **extra: Any
) -> str:
    body = {"platform": platform, "login": login, "password": SANDBOX_PASSWORD, **extra}
    response = await client.post("/api/v1/accounts", headers=owner.headers, json=body)
    assert response.status_code == 201, response.text
    account_id: str = response.json()["id"]
    return account_id


async def upload_photos(client: httpx.AsyncClient, owner: Account, *images: bytes) -> list[str]:
    files = [("files", (f"p{n}.jpg", data, "image/jpeg")) for n, data in enumerate(images)]
    uploaded = await client.post("/api/v1/media", headers=owner.headers, files=files)
    assert uploaded.status_code == 201, uploaded.text
    return [m["id"] for m in uploaded.json()["items"]]


async def make_draft(
    client: httpx.AsyncClient,
    owner: Account,
    title: str = "Green silk dress",
    *,
    price: str = "30.00",
    photos: list[str] | None = None,
    **fields: Any,
) -> str:
    """A draft with one photo (made from its title unless `photos` are given) and the fields a dress has."""
    if photos is None:
        photos = await upload_photos(client, owner, photo(seed=sum(map(ord, title)) % 97))
    values: dict[str, Any] = {
        "title": title,
        "description": "Worn twice, no marks.",
        "price": Decimal(price),
        "category": "Women > Dresses",
        "condition": "very_good",
        "brand": "Zara",
        "size": "M",
        "media_ids": photos,
        **fields,
    }
    listing_id = uuid.uuid4()
    await Listing.insert(Listing(id=listing_id, workspace=uuid.UUID(owner.workspace_id), **values))
    return str(listing_id)


async def children(owner: Account, parent_id: uuid.UUID | str) -> list[JobOut]:
    page = await jobs.list_jobs(
        uuid.UUID(owner.workspace_id), kind=None, status=None, parent_id=uuid.UUID(str(parent_id)), limit=100, offset=0
    )
    return sorted(page.items, key=lambda job: job.created_at)


async def item(client: httpx.AsyncClient, owner: Account, listing_id: str) -> dict[str, Any]:
    response = await client.get(f"/api/v1/inventory/{listing_id}", headers=owner.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def by_account(shown: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {listing["account_id"]: listing for listing in shown["listings"]}
