"""Platforms owns the plan's account limit: it registers the count and the fit-to-a-smaller-plan step in core.quotas.

Billing reads both through `backend.core.quotas` only (it imports no domain), so
this is the contract billing relies on.
"""

from __future__ import annotations

import uuid

import httpx

from backend.core import quotas
from backend.core.quotas import Resource
from tests.helpers import register
from tests.platforms.helpers import business_account, create

BASE = "/api/v1/accounts"


async def test_accounts_are_counted_per_workspace(client: httpx.AsyncClient) -> None:
    # The app (the `client` fixture) imports the platforms domain, which registers at import.
    assert quotas.is_counted(Resource.platform_accounts)
    owner = await business_account(client)
    other = await register(client)
    for login in ("one", "two", "three"):
        await create(client, owner, "accounts", platform="sandbox", login=login)
    await create(client, other, "accounts", platform="sandbox", login="one")
    # Paused accounts still count: they exist and hold sessions.
    paused = (await client.get(BASE, headers=owner.headers, params={"q": "two"})).json()["items"][0]
    await client.patch(f"{BASE}/{paused['id']}", headers=owner.headers, json={"status": "inactive"})

    assert await quotas.count(Resource.platform_accounts, uuid.UUID(owner.workspace_id)) == 3
    assert await quotas.count(Resource.platform_accounts, uuid.UUID(other.workspace_id)) == 1


async def test_fitting_a_smaller_plan_deactivates_the_newest_usable_accounts_of_that_workspace_only(
    client: httpx.AsyncClient,
) -> None:
    owner = await business_account(client)
    other = await business_account(client)
    ids = [(await create(client, owner, "accounts", platform="sandbox", login=f"u{i}"))["id"] for i in range(3)]
    theirs = await create(client, other, "accounts", platform="sandbox", login="u0")

    fitted = await quotas.fit(Resource.platform_accounts, uuid.UUID(owner.workspace_id), 1, "Starter")

    assert fitted == 2
    statuses = [(await client.get(f"{BASE}/{i}", headers=owner.headers)).json() for i in ids]
    assert [a["status"] for a in statuses] == ["active", "inactive", "inactive"]
    assert "Starter plan allows 1" in statuses[2]["status_reason"]
    assert (await client.get(f"{BASE}/{theirs['id']}", headers=other.headers)).json()["status"] == "active"
    # Already within the limit: nothing more to do.
    assert await quotas.fit(Resource.platform_accounts, uuid.UUID(owner.workspace_id), 1, "Starter") == 0
