"""Rules through the API: create, read, change, pause, resume, delete; bad input named; tenancy; the plan limit."""

from __future__ import annotations

import uuid

import httpx

from backend.billing import service as billing
from backend.billing.tables import Subscription
from backend.core.scoped import scoped
from tests.automation.rules_helpers import RULES, create_rule, make_account, make_draft, rule_body
from tests.helpers import grant_plan, names_field, register


async def test_a_rule_is_created_listed_changed_paused_resumed_and_deleted(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    account = await make_account(client, owner)
    rule = await create_rule(
        client, owner, account, interval_minutes=30, active_from="08:00", active_to="20:00", timezone="Europe/Paris"
    )
    assert rule["status"] == "active"
    assert rule["kind"] == "bump"
    assert rule["params"] == {"oldest": 3}
    assert rule["account_label"] == "alice"
    assert rule["platform"] == "sandbox"
    assert rule["next_run_at"] is not None
    assert rule["actions_today"] == 0
    assert rule["timezone"] == "Europe/Paris"

    listed = (await client.get(RULES, headers=owner.headers, params={"kind": "bump"})).json()
    assert [r["id"] for r in listed["items"]] == [rule["id"]]
    assert (await client.get(RULES, headers=owner.headers, params={"status": "paused"})).json()["total"] == 0

    changed = await client.patch(
        f"{RULES}/{rule['id']}", headers=owner.headers, json={"name": "Bump the three oldest", "params": {"oldest": 5}}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["name"] == "Bump the three oldest"
    assert changed.json()["params"] == {"oldest": 5}

    paused = (await client.post(f"{RULES}/{rule['id']}/pause", headers=owner.headers)).json()
    assert paused["status"] == "paused"
    assert paused["pause_reason"]
    resumed = (await client.post(f"{RULES}/{rule['id']}/resume", headers=owner.headers)).json()
    assert resumed["status"] == "active"
    assert resumed["pause_reason"] == ""

    assert (await client.delete(f"{RULES}/{rule['id']}", headers=owner.headers)).status_code == 204
    assert (await client.get(f"{RULES}/{rule['id']}", headers=owner.headers)).status_code == 404


async def test_a_disabled_rule_starts_paused_and_the_time_zone_defaults_to_utc(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    account = await make_account(client, owner)
    rule = await create_rule(client, owner, account, enabled=False)
    assert rule["status"] == "paused"
    assert rule["timezone"] == "UTC"
    assert rule["active_from"] == "00:00"
    assert rule["active_to"] == "24:00"
    assert rule["daily_cap"] == 50


async def _bad(client: httpx.AsyncClient, owner: object, body: dict[str, object], field: str) -> None:
    response = await client.post(RULES, headers=owner.headers, json=body)  # type: ignore[attr-defined]
    assert response.status_code == 400, response.text
    assert names_field(response.json(), field), response.text


async def test_bad_input_is_a_400_naming_the_field(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    account = await make_account(client, owner)
    await _bad(client, owner, rule_body(account, kind="dance"), "kind")
    await _bad(client, owner, rule_body(account, active_from="25:00"), "active_from")
    await _bad(client, owner, rule_body(account, active_to="7pm"), "active_to")
    await _bad(client, owner, rule_body(account, interval_minutes=0), "interval_minutes")
    await _bad(client, owner, rule_body(account, timezone="Mars/Olympus"), "timezone")
    await _bad(client, owner, rule_body(account, active_from="10:00", active_to="10:00"), "active_to")
    await _bad(client, owner, rule_body(account, kind="relist", params={}), "params.older_than_days")
    await _bad(
        client, owner, rule_body(account, kind="relist", params={"older_than_days": 0}), "params.older_than_days"
    )
    await _bad(client, owner, rule_body(account, kind="bump", params={"oldest": 2, "listing_ids": []}), "params")
    await _bad(client, owner, rule_body(account, kind="follow", params={"source": "followers_of"}), "params.username")
    await _bad(client, owner, rule_body(account, kind="follow", params={"source": "moon"}), "params.source")
    await _bad(client, owner, rule_body(account, kind="bump", params={"oldest": 1, "colour": "red"}), "params.colour")
    delays = {"template_id": str(uuid.uuid4()), "delay_min_seconds": 60, "delay_max_seconds": 10}
    await _bad(
        client, owner, rule_body(account, kind="message_new_followers", params=delays), "params.delay_max_seconds"
    )
    # A kind the account's platform cannot run at all (no bumping on Pinterest).
    pins = await make_account(client, owner, login="pins", platform="pinterest")
    await _bad(client, owner, rule_body(pins, kind="bump"), "kind")
    missing = str(uuid.uuid4())
    await _bad(
        client,
        owner,
        rule_body(account, kind="scheduled_publish", params={"listing_ids": [missing]}),
        "params.listing_ids",
    )


async def test_a_price_floor_above_the_current_price_is_refused_naming_it(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    account = await make_account(client, owner)
    cheap = await make_draft(owner, "Cheap scarf", price="10.00")
    dear = await make_draft(owner, "Wool coat", price="80.00")
    base = {"listing_ids": [cheap, dear], "percent": 10, "every_days": 2}
    await _bad(client, owner, rule_body(account, kind="price_drop", params={**base, "floor": 15}), "params.floor")
    floors = {"floors": {dear: 50, cheap: 12}}
    await _bad(
        client, owner, rule_body(account, kind="price_drop", params={**base, **floors}), f"params.floors.{cheap}"
    )
    await _bad(client, owner, rule_body(account, kind="price_drop", params={**base, "amount": 2}), "params.percent")
    ok = await create_rule(client, owner, account, kind="price_drop", params={**base, "floors": {dear: 50}, "floor": 5})
    assert ok["params"]["floors"] == {dear: 50.0}
    patched = await client.patch(
        f"{RULES}/{ok['id']}", headers=owner.headers, json={"params": {**base, "floors": {dear: 90}}}
    )
    assert patched.status_code == 400
    assert names_field(patched.json(), f"params.floors.{dear}"), patched.text


async def test_another_workspaces_rules_and_runs_are_not_found(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    stranger = await register(client)
    account = await make_account(client, owner)
    rule = await create_rule(client, owner, account)
    for method, path in (
        ("GET", f"{RULES}/{rule['id']}"),
        ("PATCH", f"{RULES}/{rule['id']}"),
        ("DELETE", f"{RULES}/{rule['id']}"),
        ("POST", f"{RULES}/{rule['id']}/run"),
        ("POST", f"{RULES}/{rule['id']}/pause"),
        ("POST", f"{RULES}/{rule['id']}/resume"),
    ):
        response = await client.request(method, path, headers=stranger.headers, json={} if method == "PATCH" else None)
        assert response.status_code == 404, (method, path, response.text)
    runs = await client.get("/api/v1/automation/runs", headers=stranger.headers, params={"rule_id": rule["id"]})
    assert runs.status_code == 404
    assert (await client.get(RULES, headers=stranger.headers)).json()["total"] == 0
    # Nor may a rule act as another workspace's account.
    response = await client.post(RULES, headers=stranger.headers, json=rule_body(account))
    assert response.status_code == 404


async def test_active_rules_are_limited_by_the_plan(client: httpx.AsyncClient) -> None:
    owner = await register(client)  # free plan: 3 active rules
    account = await make_account(client, owner)
    rules = [await create_rule(client, owner, account) for _ in range(3)]
    refused = await client.post(RULES, headers=owner.headers, json=rule_body(account))
    assert refused.status_code == 402, refused.text
    assert "active automation rules" in refused.json()["detail"]
    # A paused rule does not count, and can be made; resuming it is what the plan refuses.
    paused = await create_rule(client, owner, account, enabled=False)
    assert (await client.post(f"{RULES}/{paused['id']}/resume", headers=owner.headers)).status_code == 402
    await client.post(f"{RULES}/{rules[0]['id']}/pause", headers=owner.headers)
    assert (await client.post(f"{RULES}/{paused['id']}/resume", headers=owner.headers)).json()["status"] == "active"


async def test_a_downgrade_pauses_the_newest_rules_beyond_the_limit_and_says_so(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    other = await register(client)
    await grant_plan(owner.workspace_id, "business")
    account = await make_account(client, owner)
    theirs = await create_rule(client, other, await make_account(client, other))
    rules = [await create_rule(client, owner, account, name=f"Rule {i}") for i in range(5)]

    workspace = uuid.UUID(owner.workspace_id)
    await scoped(Subscription, workspace).delete()  # back to the free plan
    await billing.apply_plan_limits(workspace)

    shown = [(await client.get(f"{RULES}/{r['id']}", headers=owner.headers)).json() for r in rules]
    assert [r["status"] for r in shown] == ["active", "active", "active", "paused", "paused"]
    assert "plan allows 3 active automation rules" in shown[4]["pause_reason"]
    assert (await client.get(f"{RULES}/{theirs['id']}", headers=other.headers)).json()["status"] == "active"
