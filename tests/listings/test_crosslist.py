"""Crosslisting without a browser: the preview, what a crosslist refuses before starting anything, the one parent
job and its publish children, price rules, accounts skipped where the item is live, and the bulk crosslist's
spacing. The publishes themselves run in real Chromium in test_crosslist_sandbox.py."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from backend.jobs import service as jobs
from backend.listings import inventory
from tests.automation.rules_helpers import run_job
from tests.helpers import Account, grant_plan, names_field, register
from tests.listings.crosslist_helpers import by_account, children, item, make_account, make_draft


async def _seller(client: httpx.AsyncClient) -> tuple[Account, str, str]:
    owner = await register(client)
    await grant_plan(owner.workspace_id, "business")
    return (
        owner,
        await make_account(client, owner, "sandbox", "alice"),
        await make_account(client, owner, "vinted", "vera"),
    )


async def _preview(client: httpx.AsyncClient, owner: Account, listing: str, *accounts: str) -> httpx.Response:
    return await client.get(
        f"/api/v1/listings/{listing}/crosslist/preview",
        headers=owner.headers,
        params=[("account_id", account) for account in accounts],
    )


async def _crosslist(client: httpx.AsyncClient, owner: Account, listing: str, *targets: Any) -> httpx.Response:
    accounts = [t if isinstance(t, dict) else {"account_id": t} for t in targets]
    return await client.post(
        f"/api/v1/listings/{listing}/crosslist", headers=owner.headers, json={"accounts": accounts}
    )


async def test_the_preview_shows_each_platforms_words_and_what_is_missing(client: httpx.AsyncClient) -> None:
    owner, sandbox, vinted = await _seller(client)
    listing = await make_draft(client, owner, size=None)
    response = await _preview(client, owner, listing, sandbox, vinted)
    assert response.status_code == 200, response.text
    on = {target["platform"]: target for target in response.json()["targets"]}
    assert on["sandbox"]["ready"] is True
    assert on["sandbox"]["fields"]["category"] == "Women > Dresses"
    assert on["sandbox"]["fields"]["price"] == 30.0
    assert on["sandbox"]["existing"] is None
    assert on["vinted"]["ready"] is False
    assert on["vinted"]["verified"] is False
    assert [p["field"] for p in on["vinted"]["problems"]] == ["size"]
    assert on["vinted"]["fields"]["category"] == "Dresses"
    assert on["vinted"]["fields"]["condition"] == "Very good"
    assert on["vinted"]["fields"]["price"] == 32.0  # Vinted's default rule: +5 %, a whole price
    assert "price" in {w["field"] for w in on["vinted"]["warnings"]}

    # Nothing starts while one target has a problem: 400 naming the account and the field.
    refused = await _crosslist(client, owner, listing, sandbox, vinted)
    assert refused.status_code == 400, refused.text
    assert "vera (Vinted)" in refused.json()["detail"]
    assert names_field(refused.json(), "size")
    assert (await client.get("/api/v1/jobs", headers=owner.headers)).json()["total"] == 0
    assert (await item(client, owner, listing))["listings"] == []


async def test_a_crosslist_is_one_job_with_a_publish_child_per_account(app: Any, client: httpx.AsyncClient) -> None:
    owner, sandbox, vinted = await _seller(client)
    rule = await client.put(
        "/api/v1/inventory/price-rules/vinted",
        headers=owner.headers,
        json={"markup_percent": 20, "rounding": "ends_99"},
    )
    assert rule.status_code == 200, rule.text
    listing = await make_draft(client, owner)
    started = await _crosslist(client, owner, listing, {"account_id": sandbox, "price": 27.5}, vinted)
    assert started.status_code == 202, started.text
    parent = started.json()
    assert (parent["kind"], parent["listing_id"], parent["account_id"]) == ("listings.crosslist", listing, None)
    # Asked again while it is in flight: the same job.
    again = await _crosslist(client, owner, listing, vinted, {"account_id": sandbox, "price": 27.5})
    assert again.json()["id"] == parent["id"]

    shown = by_account(await item(client, owner, listing))
    assert {listing["status"] for listing in shown.values()} == {"queued"}
    assert shown[sandbox]["price"] == 27.5  # the seller's own price for this account
    assert shown[vinted]["price"] == 35.99  # +20 %, ending .99
    assert shown[vinted]["fields"]["category"] == "Dresses"
    assert shown[vinted]["platform_title"] == "Vinted"

    ran = await run_job(app, owner, uuid.UUID(parent["id"]))
    assert ran.status == "running"  # waiting for its children
    kids = await children(owner, parent["id"])
    assert sorted((kid.kind, str(kid.account_id)) for kid in kids) == sorted(
        [("listings.publish", sandbox), ("listings.publish", vinted)]
    )
    assert {str(kid.listing_id) for kid in kids} == {listing}
    shown = by_account(await item(client, owner, listing))
    assert {shown[str(kid.account_id)]["job_id"] for kid in kids} == {str(kid.id) for kid in kids}
    # A re-run of the parent (after a crash) makes no second child.
    await run_job(app, owner, uuid.UUID(parent["id"]))
    assert len(await children(owner, parent["id"])) == 2


async def test_accounts_where_the_item_is_live_are_skipped_and_said_so(app: Any, client: httpx.AsyncClient) -> None:
    owner, sandbox, vinted = await _seller(client)
    listing = await make_draft(client, owner)
    workspace = uuid.UUID(owner.workspace_id)
    queued = await inventory.ensure_queued(
        workspace, uuid.UUID(listing), uuid.UUID(sandbox), "sandbox", None, "EUR", {}
    )
    await inventory.mark_live(workspace, queued["id"], "41", "http://sandbox.test/items/41")
    preview = (await _preview(client, owner, listing, sandbox)).json()
    assert preview["targets"][0]["existing"] == "live"

    started = await _crosslist(client, owner, listing, sandbox, vinted)
    assert started.status_code == 202, started.text
    await run_job(app, owner, uuid.UUID(started.json()["id"]))
    kids = await children(owner, started.json()["id"])
    assert [str(kid.account_id) for kid in kids] == [vinted]
    items = await jobs.list_items(workspace, uuid.UUID(started.json()["id"]), None, 10, 0)
    (skipped,) = items.items
    assert skipped.result["skipped"] == "already live on alice (Sandbox marketplace)"
    assert skipped.label == "Green silk dress on alice (Sandbox marketplace)"
    assert skipped.result["platform_listing_id"] == str(queued["id"])

    # Live everywhere asked: a job that publishes nothing and says why.
    only_live = await _crosslist(client, owner, listing, sandbox)
    done = await run_job(app, owner, uuid.UUID(only_live.json()["id"]))
    assert (done.status, done.result) == ("succeeded", {"published": 0, "skipped": 1})


async def test_a_sold_item_is_not_crosslisted_and_bad_input_names_its_field(client: httpx.AsyncClient) -> None:
    owner, sandbox, _ = await _seller(client)
    pinterest = await make_account(client, owner, "pinterest", "pinny")
    listing = await make_draft(client, owner)
    sold = await make_draft(client, owner, "Sold lamp", status="sold")
    assert (await _crosslist(client, owner, sold, sandbox)).status_code == 409

    for body, field in [
        ({"accounts": []}, "accounts"),
        ({"accounts": [{"account_id": sandbox, "price": -1}]}, "price"),
        ({"accounts": [{"account_id": "not-a-uuid"}]}, "account_id"),
        ({"accounts": [{"account_id": sandbox}, {"account_id": sandbox}]}, "accounts"),
        ({"accounts": [{"account_id": pinterest}]}, "accounts"),
        ({"accounts": [{"account_id": sandbox}], "extra": 1}, "extra"),
    ]:
        response = await client.post(f"/api/v1/listings/{listing}/crosslist", headers=owner.headers, json=body)
        assert response.status_code == 400, (body, response.text)
        assert names_field(response.json(), field), (body, response.text)
    assert (await _preview(client, owner, listing)).status_code == 400
    assert names_field((await _preview(client, owner, listing)).json(), "account_id")
    assert (await _preview(client, owner, listing, "nope")).status_code == 400

    for body, field in [
        ({"markup_percent": 500}, "markup_percent"),
        ({"markup_percent": 10, "rounding": "ends_42"}, "rounding"),
        ({"markup_percent": 10.555}, "markup_percent"),
        ({}, "markup_percent"),
    ]:
        response = await client.put("/api/v1/inventory/price-rules/vinted", headers=owner.headers, json=body)
        assert response.status_code == 400, (body, response.text)
        assert names_field(response.json(), field), (body, response.text)
    unknown = await client.put(
        "/api/v1/inventory/price-rules/myspace", headers=owner.headers, json={"markup_percent": 1}
    )
    assert unknown.status_code == 404
    assert "myspace" in unknown.json()["detail"]
    assert (
        await client.put("/api/v1/inventory/price-rules/pinterest", headers=owner.headers, json={"markup_percent": 1})
    ).status_code == 404


async def _rules(client: httpx.AsyncClient, owner: Account) -> dict[str, dict[str, Any]]:
    response = await client.get("/api/v1/inventory/price-rules", headers=owner.headers)
    assert response.status_code == 200, response.text
    return {rule["platform"]: rule for rule in response.json()}


async def test_price_rules_list_every_platform_with_the_default_until_set(client: httpx.AsyncClient) -> None:
    owner, _, _ = await _seller(client)
    rules = {
        r["platform"]: r for r in (await client.get("/api/v1/inventory/price-rules", headers=owner.headers)).json()
    }
    assert {"sandbox", "vinted"} <= set(rules)
    assert "pinterest" not in rules
    assert (rules["vinted"]["markup_percent"], rules["vinted"]["rounding"], rules["vinted"]["custom"]) == (
        5.0,
        "whole",
        False,
    )
    assert rules["vinted"]["platform_title"] == "Vinted"
    for markup in (12.5, -10):
        saved = await client.put(
            "/api/v1/inventory/price-rules/sandbox", headers=owner.headers, json={"markup_percent": markup}
        )
        assert saved.status_code == 200, saved.text
    rules = {
        r["platform"]: r for r in (await client.get("/api/v1/inventory/price-rules", headers=owner.headers)).json()
    }
    assert (rules["sandbox"]["markup_percent"], rules["sandbox"]["rounding"], rules["sandbox"]["custom"]) == (
        -10.0,
        "none",
        True,
    )
    neighbour = await register(client)
    theirs = {
        r["platform"]: r for r in (await client.get("/api/v1/inventory/price-rules", headers=neighbour.headers)).json()
    }
    assert theirs["sandbox"]["custom"] is False


async def test_a_bulk_crosslist_spaces_the_publishes_on_each_account(app: Any, client: httpx.AsyncClient) -> None:
    owner, sandbox, vinted = await _seller(client)
    drafts = [await make_draft(client, owner, f"Linen dress no. {n}") for n in range(3)]
    no_size = await make_draft(client, owner, "Velvet dress", size=None)
    body = {"listing_ids": [*drafts, no_size], "account_ids": [sandbox, vinted], "spacing_seconds": 600}
    refused = await client.post("/api/v1/inventory/crosslist", headers=owner.headers, json=body)
    assert refused.status_code == 400, refused.text
    assert "'Velvet dress' on vera (Vinted): Size" in refused.json()["detail"]
    assert (await client.get("/api/v1/jobs", headers=owner.headers)).json()["total"] == 0

    body["listing_ids"] = drafts
    started = await client.post("/api/v1/inventory/crosslist", headers=owner.headers, json=body)
    assert started.status_code == 202, started.text
    assert started.json()["kind"] == "listings.crosslist"
    await run_job(app, owner, uuid.UUID(started.json()["id"]))
    kids = await children(owner, started.json()["id"])
    assert len(kids) == 6
    rows = [await jobs.get_job(uuid.UUID(owner.workspace_id), kid.id) for kid in kids]
    assert {str(row.listing_id) for row in rows} == set(drafts)

    # Each account's second and third publishes wait their turn (the first would go at once, through the
    # browser: not here), deferred without using an attempt; nothing sleeps in a worker.
    for kid in kids:
        if str(kid.listing_id) == drafts[0]:
            continue
        waiting = await run_job(app, owner, kid.id)
        assert waiting.status == "retrying", waiting
        assert "Waiting for its turn" in (waiting.error or "")
        assert waiting.attempts == 0
    shown = by_account(await item(client, owner, drafts[2]))
    assert {listing["status"] for listing in shown.values()} == {"queued"}

    for body, field in [
        ({"listing_ids": drafts, "account_ids": [sandbox], "spacing_seconds": -1}, "spacing_seconds"),
        ({"listing_ids": [], "account_ids": [sandbox]}, "listing_ids"),
        ({"listing_ids": [drafts[0], drafts[0]], "account_ids": [sandbox]}, "listing_ids"),
        ({"listing_ids": drafts, "account_ids": []}, "account_ids"),
    ]:
        response = await client.post("/api/v1/inventory/crosslist", headers=owner.headers, json=body)
        assert response.status_code == 400, (body, response.text)
        assert names_field(response.json(), field), (body, response.text)


async def test_another_workspaces_items_and_accounts_are_404(client: httpx.AsyncClient) -> None:
    owner, sandbox, _ = await _seller(client)
    other, their_account, _ = await _seller(client)
    mine = await make_draft(client, owner)
    theirs = await make_draft(client, other)
    for method, path, body in [
        ("GET", f"/api/v1/inventory/{theirs}", None),
        ("GET", f"/api/v1/listings/{theirs}/crosslist/preview?account_id={sandbox}", None),
        ("GET", f"/api/v1/listings/{mine}/crosslist/preview?account_id={their_account}", None),
        ("POST", f"/api/v1/listings/{theirs}/crosslist", {"accounts": [{"account_id": sandbox}]}),
        ("POST", f"/api/v1/listings/{mine}/crosslist", {"accounts": [{"account_id": their_account}]}),
        ("POST", "/api/v1/inventory/crosslist", {"listing_ids": [theirs], "account_ids": [sandbox]}),
        ("POST", "/api/v1/inventory/crosslist", {"listing_ids": [mine], "account_ids": [their_account]}),
        ("POST", "/api/v1/inventory/import", {"account_id": their_account}),
        ("POST", f"/api/v1/listings/{theirs}/publish", {"account_id": sandbox}),
        ("POST", f"/api/v1/listings/{mine}/publish", {"account_id": their_account}),
    ]:
        response = await client.request(method, path, headers=owner.headers, json=body)
        assert response.status_code == 404, (method, path, response.text)
    assert (await client.get("/api/v1/jobs", headers=owner.headers)).json()["total"] == 0
    assert (await item(client, other, theirs))["listings"] == []
