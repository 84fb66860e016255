"""Each audited action leaves exactly one row naming its actor, workspace, target and time, and no secret."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta
from typing import Any

import httpx

from backend.billing import service as billing
from backend.billing.tables import BillingEvent
from backend.core.clock import utcnow
from tests.audit.helpers import assert_no_secret, one, rows
from tests.billing.conftest import checkout_completed
from tests.helpers import PASSWORD, Account, bearer, grant_plan, register
from tests.platforms.helpers import EXTENSION_COOKIES

API = "/api/v1"
WRONG_PASSWORD = "not-the-password-42"


def _fresh(row: dict[str, Any]) -> None:
    assert utcnow() - timedelta(minutes=1) < row["created_at"] <= utcnow()


async def test_sign_in_and_failed_sign_ins(client: httpx.AsyncClient) -> None:
    person = await register(client)
    bad = await client.post(f"{API}/auth/login", json={"email": person.email, "password": WRONG_PASSWORD})
    assert bad.status_code == 401
    unknown = await client.post(f"{API}/auth/login", json={"email": "nobody@example.com", "password": WRONG_PASSWORD})
    assert unknown.status_code == 401
    good = await client.post(f"{API}/auth/login", json={"email": person.email, "password": PASSWORD})
    assert good.status_code == 200

    signed_in = await one("auth.sign_in")
    assert str(signed_in["workspace"]) == person.workspace_id
    assert (str(signed_in["actor_id"]), signed_in["actor_email"]) == (person.user_id, person.email)
    assert signed_in["target"] == f"user:{person.user_id}"
    assert signed_in["ip"] == "203.0.113.10"  # the test client's address
    _fresh(signed_in)

    failed = await rows("auth.sign_in_failed")
    assert len(failed) == 2
    mine = next(r for r in failed if r["actor_email"] == person.email)
    assert str(mine["workspace"]) == person.workspace_id  # the workspace of the account tried
    assert mine["target"] == f"user:{person.user_id}"
    assert mine["details"] == {"reason": "wrong password"}
    stranger = next(r for r in failed if r["actor_email"] == "nobody@example.com")
    assert (stranger["workspace"], stranger["actor_id"]) == (None, None)
    assert stranger["target"] == "email:nobody@example.com"
    await assert_no_secret(
        PASSWORD, WRONG_PASSWORD, good.json()["access_token"], good.json()["refresh_token"], person.refresh_token
    )


async def test_a_reused_refresh_token_is_audited_once(client: httpx.AsyncClient) -> None:
    person = await register(client)
    first = await client.post(f"{API}/auth/refresh", json={"refresh_token": person.refresh_token})
    assert first.status_code == 200
    again = await client.post(f"{API}/auth/refresh", json={"refresh_token": person.refresh_token})
    assert again.status_code == 401

    row = await one("auth.refresh_reuse")
    assert str(row["workspace"]) == person.workspace_id
    assert (str(row["actor_id"]), row["actor_email"], row["target"]) == (
        person.user_id,
        person.email,
        f"user:{person.user_id}",
    )
    _fresh(row)
    await assert_no_secret(person.refresh_token, first.json()["refresh_token"], first.json()["access_token"])


async def test_member_invited_role_changed_and_removed(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    await grant_plan(owner.workspace_id, "business")
    colleague = await register(client)
    members = f"{API}/workspaces/{owner.workspace_id}/members"

    assert (await client.post(members, headers=owner.headers, json={"email": colleague.email})).status_code == 201
    pending = await client.post(members, headers=owner.headers, json={"email": "later@example.com"})
    assert pending.status_code == 201
    changed = await client.patch(f"{members}/{colleague.user_id}", headers=owner.headers, json={"role": "admin"})
    assert changed.status_code == 200
    assert (await client.delete(f"{members}/{colleague.user_id}", headers=owner.headers)).status_code == 204

    invited = await rows("members.invited")
    assert sorted((r["target"], r["details"]["status"]) for r in invited) == sorted(
        [(f"user:{colleague.user_id}", "added"), ("email:later@example.com", "invited")]
    )
    role = await one("members.role_changed")
    assert role["details"] == {"from": "member", "to": "admin"}
    removed = await one("members.removed")
    for row in [*invited, role, removed]:
        assert str(row["workspace"]) == owner.workspace_id
        assert (str(row["actor_id"]), row["actor_email"]) == (owner.user_id, owner.email)
        _fresh(row)
    assert removed["target"] == f"user:{colleague.user_id}"
    await assert_no_secret(PASSWORD, owner.access_token, colleague.access_token)


async def test_a_plan_change_from_stripe_is_audited_without_an_actor(client: httpx.AsyncClient) -> None:
    person = await register(client)
    event_id = f"evt_{uuid.uuid4().hex[:24]}"
    session = checkout_completed(person.workspace_id, "pro", "cus_A1", "sub_A1")
    payload = {"id": event_id, "type": "checkout.session.completed", "data": {"object": session}}
    created = int(time.time())
    await BillingEvent.insert(
        BillingEvent(id=event_id, type="checkout.session.completed", created=created, payload=payload)
    )
    await billing.process_event(event_id)
    await billing.process_event(event_id)  # handled already: nothing more

    row = await one("billing.plan_changed")
    assert (str(row["workspace"]), row["actor_id"]) == (person.workspace_id, None)
    assert row["details"] == {"from": "free", "to": "pro", "source": "stripe checkout"}
    assert row["target"] == f"workspace:{person.workspace_id}"
    _fresh(row)


async def test_changing_an_accounts_credentials_is_audited_without_them(client: httpx.AsyncClient) -> None:
    person = await register(client)
    created = await client.post(
        f"{API}/accounts",
        headers=person.headers,
        json={"platform": "sandbox", "login": "alice", "password": "first-secret-pw"},
    )
    assert created.status_code == 201, created.text
    account_id = created.json()["id"]
    label_only = await client.patch(f"{API}/accounts/{account_id}", headers=person.headers, json={"label": "Shop"})
    assert label_only.status_code == 200
    assert await rows("accounts.credentials_changed") == []

    changed = await client.patch(
        f"{API}/accounts/{account_id}",
        headers=person.headers,
        json={"password": "second-secret-pw", "cookies": EXTENSION_COOKIES},
    )
    assert changed.status_code == 200, changed.text
    row = await one("accounts.credentials_changed")
    assert str(row["workspace"]) == person.workspace_id
    assert (str(row["actor_id"]), row["actor_email"]) == (person.user_id, person.email)
    assert row["target"] == f"account:{account_id}"
    assert row["details"]["changed"] == "password,cookies"
    _fresh(row)
    cookie_values = [str(c["value"]) for c in EXTENSION_COOKIES if len(str(c["value"])) >= 8]
    await assert_no_secret("first-secret-pw", "second-secret-pw", *cookie_values)


async def _export_rows(person: Account) -> list[dict[str, Any]]:
    return [r for r in await rows() if r["action"].startswith("export.")]


async def test_each_export_is_audited(client: httpx.AsyncClient) -> None:
    person = await register(client)
    await grant_plan(person.workspace_id, "business")
    sales = await client.get(f"{API}/sales.csv", headers=person.headers)
    assert sales.status_code == 200

    campaign = await client.post(f"{API}/campaigns", headers=person.headers, json={"name": "Spring"})
    assert campaign.status_code == 201, campaign.text
    campaign_id = campaign.json()["id"]
    exported = await client.get(f"{API}/campaigns/{campaign_id}/export", headers=person.headers)
    assert exported.status_code == 200, exported.text

    account = await client.post(
        f"{API}/accounts", headers=person.headers, json={"platform": "sandbox", "login": "bob", "password": "pw-x1"}
    )
    project = await client.post(f"{API}/projects", headers=person.headers, json={"name": "Data"})
    collection = await client.post(
        f"{API}/collections",
        headers=person.headers,
        json={
            "project_id": project.json()["id"],
            "name": "Cats",
            "keywords": ["cats"],
            "account_id": account.json()["id"],
        },
    )
    assert collection.status_code == 201, collection.text
    collection_id = collection.json()["id"]
    dataset = await client.get(f"{API}/collections/{collection_id}/export", headers=person.headers)
    assert dataset.status_code == 200, dataset.text

    found = {r["action"]: r for r in await _export_rows(person)}
    assert sorted(found) == ["export.campaign_posts", "export.collection_dataset", "export.sales_csv"]
    assert found["export.campaign_posts"]["target"] == f"campaign:{campaign_id}"
    assert found["export.collection_dataset"]["target"] == f"collection:{collection_id}"
    assert found["export.sales_csv"]["target"] == "sales"
    for row in found.values():
        assert str(row["workspace"]) == person.workspace_id
        assert (str(row["actor_id"]), row["actor_email"], row["ip"]) == (person.user_id, person.email, "203.0.113.10")
        _fresh(row)
    await assert_no_secret(PASSWORD, "pw-x1", person.access_token)


async def test_register_is_not_a_sign_in_row(client: httpx.AsyncClient) -> None:
    person = await register(client)
    me = await client.get(f"{API}/auth/me", headers=bearer(person.access_token))
    assert me.status_code == 200
    assert await rows() == []
