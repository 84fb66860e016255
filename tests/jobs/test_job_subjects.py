"""A job names what it acts on, so the web app can link a job to its account and listing."""

from __future__ import annotations

import uuid
from decimal import Decimal

import httpx

from backend.listings.tables import Listing
from tests.helpers import register
from tests.images import photo


async def test_a_publish_job_names_its_listing_and_account(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    created = await client.post(
        "/api/v1/accounts",
        headers=owner.headers,
        json={"platform": "sandbox", "login": "alice", "password": "sandbox-pass-1"},
    )
    assert created.status_code == 201, created.text
    account_id = created.json()["id"]
    uploaded = await client.post(
        "/api/v1/media", headers=owner.headers, files=[("files", ("p.jpg", photo(seed=11), "image/jpeg"))]
    )
    assert uploaded.status_code == 201, uploaded.text
    listing_id = uuid.uuid4()
    await Listing.insert(
        Listing(
            id=listing_id,
            workspace=uuid.UUID(owner.workspace_id),
            title="Brass desk lamp",
            description="Works well.",
            price=Decimal("18.00"),
            media_ids=[m["id"] for m in uploaded.json()["items"]],
        )
    )

    started = await client.post(
        f"/api/v1/listings/{listing_id}/publish", headers=owner.headers, json={"account_id": account_id}
    )
    assert started.status_code == 202, started.text
    for shown in (
        started.json(),
        (await client.get(f"/api/v1/jobs/{started.json()['id']}", headers=owner.headers)).json(),
    ):
        assert shown["listing_id"] == str(listing_id)
        assert shown["account_id"] == account_id

    test_login = await client.post(f"/api/v1/accounts/{account_id}/test-login", headers=owner.headers)
    assert test_login.status_code == 202, test_login.text
    assert test_login.json()["account_id"] == account_id
    assert test_login.json()["listing_id"] is None
