"""Crosslisting end to end in real Chromium on both sandbox flavours: one draft on three accounts over two
platforms (alice and bob on the sandbox marketplace, alice on Sandbox Bazaar), each platform receiving its own
category and condition words and its own price. Jobs run in this process as a worker would run them
(tests.automation.rules_helpers.run_job); what the sandboxes hold is read through their control APIs."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from backend.jobs import service as jobs
from backend.platforms.runtime.browser import close_pool
from tests.automation.rules_helpers import run_job
from tests.helpers import grant_plan, names_field, register
from tests.listings.crosslist_helpers import by_account, children, item, make_account, make_draft
from tests.platforms.conftest import Sandbox

pytestmark = pytest.mark.timeout(300)

DRESS = "Green silk midi dress"


@pytest.fixture(autouse=True)
async def on_both_sandboxes(sandbox: Sandbox, sandbox_b: Sandbox, override_env: Any) -> AsyncIterator[None]:
    override_env(SANDBOX_URL=sandbox.url, SANDBOX_B_URL=sandbox_b.url)
    yield
    await close_pool(wait_seconds=5)


async def _copies(shop: Sandbox, seller: str) -> list[dict[str, Any]]:
    """The seller's items on that sandbox that are the dress (each shop seeds items of its own)."""
    return [i for i in await shop.items(seller=seller) if i["title"] == DRESS]


async def test_one_draft_on_three_accounts_over_two_platforms(
    app: Any, client: httpx.AsyncClient, sandbox: Sandbox, sandbox_b: Sandbox
) -> None:
    owner = await register(client)
    await grant_plan(owner.workspace_id, "business")
    alice = await make_account(client, owner, "sandbox", "alice")
    bob = await make_account(client, owner, "sandbox", "bob")
    bazaar = await make_account(client, owner, "sandbox_b", "alice", label="Alice at the Bazaar")
    listing = await make_draft(client, owner, DRESS, price="30.00", size=None)

    # Before anything is published, the preview says the Bazaar needs a size; crosslisting is refused.
    preview = await client.get(
        f"/api/v1/listings/{listing}/crosslist/preview",
        headers=owner.headers,
        params=[("account_id", a) for a in (alice, bob, bazaar)],
    )
    assert preview.status_code == 200, preview.text
    targets = {t["account_id"]: t for t in preview.json()["targets"]}
    assert [p["field"] for p in targets[bazaar]["problems"]] == ["size"]
    assert (targets[alice]["ready"], targets[bob]["ready"]) == (True, True)
    assert targets[bazaar]["fields"]["category"] == "Clothing / Women / Dresses"
    assert targets[bazaar]["fields"]["price"] == 32.99  # the Bazaar's default rule: +10 %, ending .99
    body = {"accounts": [{"account_id": alice}, {"account_id": bob, "price": 28}, {"account_id": bazaar}]}
    refused = await client.post(f"/api/v1/listings/{listing}/crosslist", headers=owner.headers, json=body)
    assert refused.status_code == 400, refused.text
    assert "Alice at the Bazaar (Sandbox Bazaar)" in refused.json()["detail"]
    assert names_field(refused.json(), "size")
    assert await _copies(sandbox_b, "alice") == []

    edited = await client.patch(f"/api/v1/listings/{listing}", headers=owner.headers, json={"size": "M"})
    assert edited.status_code == 200, edited.text
    started = await client.post(f"/api/v1/listings/{listing}/crosslist", headers=owner.headers, json=body)
    assert started.status_code == 202, started.text
    parent_id = uuid.UUID(started.json()["id"])
    await run_job(app, owner, parent_id)
    for child in await children(owner, parent_id):
        ran = await run_job(app, owner, child.id)
        assert ran.status == "succeeded", (ran.account_id, ran.error)
        (done,) = (await jobs.list_items(uuid.UUID(owner.workspace_id), child.id, None, 10, 0)).items
        assert done.result["listing_id"] == listing
        assert done.result["status"] == "live"
    assert (await jobs.get_job(uuid.UUID(owner.workspace_id), parent_id)).status == "succeeded"

    shown = await item(client, owner, listing)
    assert shown["status"] == "published"
    on = by_account(shown)
    assert {entry["status"] for entry in on.values()} == {"live"}
    assert (on[alice]["price"], on[bob]["price"], on[bazaar]["price"]) == (30.0, 28.0, 32.99)
    assert on[bazaar]["fields"]["condition"] == "Very good"

    # The sandboxes hold exactly these items, each with its platform's category and price.
    (on_alice,) = await _copies(sandbox, "alice")
    (on_bob,) = await _copies(sandbox, "bob")
    (on_bazaar,) = await _copies(sandbox_b, "alice")
    assert (Decimal(str(on_alice["price"])), on_alice["category"]) == (Decimal("30"), "Women > Dresses")
    assert Decimal(str(on_bob["price"])) == Decimal("28")
    assert Decimal(str(on_bazaar["price"])) == Decimal("32.99")
    assert on_bazaar["category"] == "Clothing / Women / Dresses"
    assert on_bazaar.get("condition") == "Very good"
    assert on_bazaar.get("size") == "M"
    assert on[alice]["platform_item_id"] == str(on_alice["id"])
    assert on[bazaar]["platform_item_id"] == str(on_bazaar["id"])
    assert on[bazaar]["url"].startswith(sandbox_b.url)

    # Crosslisting it again publishes nothing twice: every account is live already.
    again = await client.post(f"/api/v1/listings/{listing}/crosslist", headers=owner.headers, json=body)
    assert again.status_code == 202, again.text
    skipped = await run_job(app, owner, uuid.UUID(again.json()["id"]))
    assert (skipped.status, skipped.result) == ("succeeded", {"published": 0, "skipped": 3})
    assert [
        len(await _copies(shop, seller))
        for shop, seller in ((sandbox, "alice"), (sandbox, "bob"), (sandbox_b, "alice"))
    ] == [1, 1, 1]
