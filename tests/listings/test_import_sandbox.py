"""Importing an account's listings in real Chromium on the sandbox: each live listing is linked to the draft
with the same title and photo (not to one with the same title and another photo), the others become new
drafts with their photo, a sold one is left out, and importing again links nothing twice."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from backend.platforms.runtime.browser import close_pool
from tests.automation.rules_helpers import run_job
from tests.helpers import Account, grant_plan, names_field, register
from tests.images import photo
from tests.listings.crosslist_helpers import item, make_account, make_draft, upload_photos
from tests.platforms.conftest import Sandbox

pytestmark = pytest.mark.timeout(300)

SHIRT = photo(seed=41)
OTHER_SHIRT = photo(colour=(30, 90, 200), seed=5)


@pytest.fixture(autouse=True)
async def on_the_sandbox(sandbox: Sandbox, override_env: Any) -> AsyncIterator[None]:
    override_env(SANDBOX_URL=sandbox.url)
    yield
    await close_pool(wait_seconds=5)


async def _sell(sandbox: Sandbox, seller: str, title: str, price: str, picture: bytes) -> int:
    """`seller` lists an item on the sandbox themselves (outside Sellpilot), through its sell form."""
    async with sandbox.browser() as browser:
        await sandbox.login(browser, seller)
        files = [("photos", ("photo.jpg", picture, "image/jpeg"))]
        sold = await browser.post("/sell", data={"title": title, "description": "", "price": price}, files=files)
        assert sold.status_code == 303, sold.text
        return int(sold.headers["location"].rsplit("/", 1)[1])


async def _import(app: Any, client: httpx.AsyncClient, owner: Account, account: str) -> Any:
    started = await client.post("/api/v1/inventory/import", headers=owner.headers, json={"account_id": account})
    assert started.status_code == 202, started.text
    assert (started.json()["kind"], started.json()["account_id"]) == ("listings.import", account)
    return await run_job(app, owner, uuid.UUID(started.json()["id"]))


async def test_import_links_by_title_and_photo_once(app: Any, client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    owner = await register(client)
    await grant_plan(owner.workspace_id, "business")
    (await sandbox.create_user("quinn")).raise_for_status()  # a seller with nothing listed yet
    quinn = await make_account(client, owner, "sandbox", "quinn")
    shirt_id = await _sell(sandbox, "quinn", "Striped linen shirt", "19.00", SHIRT)
    lamp_id = await _sell(sandbox, "quinn", "Brass desk lamp", "25.00", photo(colour=(220, 200, 40), seed=9))
    gone_id = await _sell(sandbox, "quinn", "Old radio", "12.00", photo(colour=(90, 200, 90), seed=13))
    await sandbox.mark_sold(gone_id)
    # Two drafts under the shirt's title: one with another photo (another shirt), one with the same photo.
    decoy = await make_draft(
        client, owner, "striped  LINEN shirt", photos=await upload_photos(client, owner, OTHER_SHIRT)
    )
    match = await make_draft(client, owner, "Striped linen shirt", photos=await upload_photos(client, owner, SHIRT))

    first = await _import(app, client, owner, quinn)
    assert first.status == "succeeded", first.error
    assert first.result == {"linked": 1, "created": 1, "skipped": 0}

    linked = await item(client, owner, match)
    assert linked["status"] == "published"
    (on_quinn,) = linked["listings"]
    assert (on_quinn["account_id"], on_quinn["status"]) == (quinn, "live")
    assert on_quinn["platform_item_id"] == str(shirt_id)
    assert (await item(client, owner, decoy))["listings"] == []

    page = (await client.get("/api/v1/inventory", headers=owner.headers, params={"q": "brass"})).json()
    (lamp,) = page["items"]
    assert (lamp["title"], lamp["status"], lamp["price"]) == ("Brass desk lamp", "published", 25.0)
    assert len(lamp["media_ids"]) == 1  # its photo, downloaded from the platform
    assert lamp["listings"][0]["platform_item_id"] == str(lamp_id)
    assert lamp["listings"][0]["url"] == f"{sandbox.url}/items/{lamp_id}"
    assert (await client.get("/api/v1/inventory", headers=owner.headers, params={"q": "radio"})).json()["total"] == 0

    # Again: everything is linked already; nothing is made or linked twice.
    second = await _import(app, client, owner, quinn)
    assert second.result == {"linked": 0, "created": 0, "skipped": 2}
    assert (await client.get("/api/v1/inventory", headers=owner.headers)).json()["total"] == 3
    assert len((await item(client, owner, match))["listings"]) == 1

    pinterest = await make_account(client, owner, "pinterest", "pinny")
    refused = await client.post("/api/v1/inventory/import", headers=owner.headers, json={"account_id": pinterest})
    assert refused.status_code == 400
    assert names_field(refused.json(), "account_id")
    missing = await client.post("/api/v1/inventory/import", headers=owner.headers, json={})
    assert missing.status_code == 400
    assert names_field(missing.json(), "account_id")
