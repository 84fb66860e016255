"""Plan overrides: a superuser's plan or limit for a workspace changes what the API enforces, at once, and
stops applying by itself when it expires."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx

from backend.core.clock import utcnow
from tests.admin.helpers import call, superuser
from tests.audit.helpers import rows
from tests.helpers import Account, names_field, register

ACCOUNTS = "/api/v1/accounts"


async def _add_account(client: httpx.AsyncClient, person: Account, login: str) -> int:
    body = {"platform": "sandbox", "login": login, "password": "pw-123456"}
    response = await client.post(ACCOUNTS, headers=person.headers, json=body)
    return response.status_code


async def test_a_limit_override_raises_the_enforced_limit_until_it_expires(client: httpx.AsyncClient) -> None:
    root = await superuser(client)
    person = await register(client)  # the free plan: 2 platform accounts
    assert [await _add_account(client, person, name) for name in ("a", "b", "c")] == [201, 201, 402]

    expires_at = utcnow() + timedelta(seconds=3)
    override = await call(
        client,
        root,
        "POST",
        f"/workspaces/{person.workspace_id}/overrides",
        expect=201,
        json={
            "resource": "platform_accounts",
            "limit": 3,
            "expires_at": expires_at.isoformat(),
            "reason": "support ticket 42: a third shop",
        },
    )
    assert (override["resource"], override["limit"], override["active"]) == ("platform_accounts", 3, True)
    assert await _add_account(client, person, "c") == 201
    assert await _add_account(client, person, "d") == 402  # the override's limit is enforced too

    billing = (await client.get("/api/v1/billing", headers=person.headers)).json()
    assert next(x for x in billing["limits"] if x["resource"] == "platform_accounts")["limit"] == 3

    await asyncio.sleep(max(0.0, (expires_at - utcnow()).total_seconds()) + 0.3)
    # Expired: the plan's own limit again, with nothing having run in between.
    billing = (await client.get("/api/v1/billing", headers=person.headers)).json()
    assert next(x for x in billing["limits"] if x["resource"] == "platform_accounts")["limit"] == 2
    assert await _add_account(client, person, "d") == 402
    listed = await call(client, root, "GET", f"/workspaces/{person.workspace_id}/overrides")
    assert [(o["id"], o["active"]) for o in listed] == [(override["id"], False)]

    [row] = await rows("admin.override_set")
    assert str(row["workspace"]) == person.workspace_id  # the workspace's owners see it in their audit log
    assert (str(row["actor_id"]), row["target"]) == (root.user_id, f"override:{override['id']}")
    assert row["details"]["reason"] == "support ticket 42: a third shop"


async def test_a_plan_override_applies_and_is_removed(client: httpx.AsyncClient) -> None:
    root = await superuser(client)
    person = await register(client)
    override = await call(
        client,
        root,
        "POST",
        f"/workspaces/{person.workspace_id}/overrides",
        expect=201,
        json={"plan": "business", "expires_at": (utcnow() + timedelta(days=30)).isoformat(), "reason": "partner"},
    )
    assert [await _add_account(client, person, name) for name in ("a", "b", "c")] == [201, 201, 201]
    workspace = await call(client, root, "GET", f"/workspaces/{person.workspace_id}")
    assert workspace["billing"]["plan"] == "business"
    assert [m["email"] for m in workspace["members"]["items"]] == [person.email]
    assert workspace["overrides"][0]["id"] == override["id"]
    used = next(x for x in workspace["billing"]["limits"] if x["resource"] == "platform_accounts")
    assert (used["used"], used["limit"]) == (3, 50)

    await call(client, root, "DELETE", f"/workspaces/{person.workspace_id}/overrides/{override['id']}", expect=204)
    assert await _add_account(client, person, "d") == 402
    workspace = await call(client, root, "GET", f"/workspaces/{person.workspace_id}")
    assert (workspace["billing"]["plan"], workspace["overrides"]) == ("free", [])
    assert len(await rows("admin.override_removed")) == 1
    assert len(await rows("admin.workspace_viewed")) == 2


async def test_a_bad_override_is_400_naming_the_field(client: httpx.AsyncClient) -> None:
    root = await superuser(client)
    person = await register(client)
    path = f"/workspaces/{person.workspace_id}/overrides"
    later = (utcnow() + timedelta(days=1)).isoformat()
    past = await call(
        client,
        root,
        "POST",
        path,
        expect=400,
        json={"plan": "pro", "expires_at": (utcnow() - timedelta(seconds=1)).isoformat(), "reason": "x-test"},
    )
    assert names_field(past, "expires_at")
    both = await call(
        client,
        root,
        "POST",
        path,
        expect=400,
        json={"plan": "pro", "resource": "seats", "limit": 3, "expires_at": later, "reason": "both"},
    )
    assert names_field(both, "plan")
    no_limit = await call(
        client, root, "POST", path, expect=400, json={"resource": "seats", "expires_at": later, "reason": "none"}
    )
    assert names_field(no_limit, "limit")
    unknown = await call(
        client, root, "POST", path, expect=400, json={"plan": "gold", "expires_at": later, "reason": "x"}
    )
    assert names_field(unknown, "plan")
    await call(
        client,
        root,
        "POST",
        "/workspaces/00000000-0000-4000-8000-000000000000/overrides",
        expect=404,
        json={"plan": "pro", "expires_at": later, "reason": "ghost"},
    )
    assert await rows("admin.override_set") == []
