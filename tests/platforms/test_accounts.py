"""Platform accounts: CRUD, validation naming fields, secrets encrypted at rest, tenancy, plan limits."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from backend.billing import service as billing
from backend.billing.tables import Subscription
from backend.core.errors import NotFound
from backend.platforms import vault
from backend.platforms.accounts import service
from backend.platforms.tables import PlatformAccount
from tests.helpers import grant_plan, names_field, register
from tests.platforms.helpers import EXTENSION_COOKIES, business_account, create, new_id

BASE = "/api/v1/accounts"


async def test_create_stores_secrets_encrypted_and_shows_none(client: httpx.AsyncClient) -> None:
    account = await register(client)
    proxy = await create(client, account, "proxies", host="10.0.0.7", port=3128)
    profile = await create(client, account, "profiles", name="Desk", user_agent="Mozilla/5.0 test")
    created = await create(
        client,
        account,
        "accounts",
        platform="vinted",
        login=" jane@example.com ",
        password="hunter2-pass",
        cookies=EXTENSION_COOKIES,
        label="Main shop",
        proxy_id=proxy["id"],
        profile_id=profile["id"],
    )
    assert created["platform"] == "vinted"
    assert created["platform_title"] == "Vinted"
    assert created["driver_verified"] is False  # real-platform drivers are not verified against the live site
    assert created["login"] == "jane@example.com"
    assert (created["status"], created["status_reason"]) == ("active", "")
    assert (created["proxy_id"], created["profile_id"]) == (proxy["id"], profile["id"])
    assert created["daily_action_cap"] == 200
    assert created["actions_today"] == 0
    assert created["has_password"] is True
    assert created["has_cookies"] is True
    for view in (json.dumps(created), (await client.get(f"{BASE}/{created['id']}", headers=account.headers)).text):
        assert "hunter2-pass" not in view
        assert "cookie-secret-value-123" not in view
        assert "password_secret" not in view
        assert "cookies_secret" not in view

    raw = await PlatformAccount.raw(
        "SELECT password_secret, cookies_secret FROM platform_accounts WHERE id = {}", uuid.UUID(created["id"])
    )
    password_token, cookies_token = raw[0]["password_secret"], raw[0]["cookies_secret"]
    assert "hunter2" not in password_token
    assert "cookie-secret" not in cookies_token
    assert vault.decrypt(password_token, "account.password") == "hunter2-pass"
    cookies = json.loads(vault.decrypt(cookies_token, "account.cookies"))
    assert cookies[0] == {
        "name": "_vinted_session",
        "value": "cookie-secret-value-123",
        "domain": ".vinted.fr",
        "path": "/",
        "expires": 1893456000.5,
        "httpOnly": True,
        "secure": True,
        "sameSite": "None",
    }
    assert (cookies[1]["sameSite"], cookies[1]["expires"], cookies[1]["path"]) == ("Lax", -1, "/")
    assert (cookies[2]["sameSite"], cookies[2]["path"]) == ("Strict", "/items")
    # What the automation side reads back.
    password, session = service.account_secrets(
        await service.account_row(uuid.UUID(account.workspace_id), uuid.UUID(created["id"]))
    )
    assert password == "hunter2-pass"
    assert session == cookies


async def test_validation_names_the_field(client: httpx.AsyncClient) -> None:
    account = await register(client)
    good = {"platform": "sandbox", "login": "a@example.com"}
    for body, status, field in [
        ({**good, "platform": "myspace"}, 400, "platform"),
        ({"platform": "sandbox"}, 400, "login"),
        ({**good, "login": ""}, 400, "login"),
        ({**good, "login": "   "}, 400, "login"),
        ({**good, "daily_action_cap": 0}, 400, "daily_action_cap"),
        ({**good, "cookies": [{"value": "x", "domain": ".a.com"}]}, 400, "cookies[0].name"),
        ({**good, "cookies": [{"name": "a", "value": "x"}]}, 400, "cookies[0].domain"),
        (
            {**good, "cookies": [{"name": "a", "value": "x", "domain": "a.com", "sameSite": "sometimes"}]},
            400,
            "sameSite",
        ),
        ({**good, "cookies": [{"name": "a", "value": "x", "domain": "a.com", "expires": "soon"}]}, 400, "expires"),
        ({**good, "cookies": "a=b"}, 400, "cookies"),
        ({**good, "proxy_id": new_id()}, 404, "proxy_id"),
        ({**good, "profile_id": new_id()}, 404, "profile_id"),
        ({**good, "owner": "me"}, 400, "owner"),
    ]:
        response = await client.post(BASE, headers=account.headers, json=body)
        assert response.status_code == status, (body, response.text)
        assert names_field(response.json(), field), (body, response.text)
    assert (await client.get(BASE, headers=account.headers)).json()["total"] == 0


async def test_duplicate_login_is_409_per_platform(client: httpx.AsyncClient) -> None:
    account = await register(client)
    await create(client, account, "accounts", platform="sandbox", login="jane")
    again = await client.post(BASE, headers=account.headers, json={"platform": "sandbox", "login": "jane"})
    assert again.status_code == 409, again.text
    assert "jane" in again.json()["detail"]
    await create(client, account, "accounts", platform="vinted", login="jane")  # another platform is fine


async def test_list_filter_search_paginate(client: httpx.AsyncClient) -> None:
    account = await business_account(client)
    await create(client, account, "accounts", platform="sandbox", login="alice", label="Spring stock")
    await create(client, account, "accounts", platform="vinted", login="bob", label="Vintage")
    await create(client, account, "accounts", platform="vinted", login="carol")
    assert (await client.get(f"{BASE}?platform=vinted", headers=account.headers)).json()["total"] == 2
    found = (await client.get(f"{BASE}?q=VINTAGE", headers=account.headers)).json()
    assert [a["login"] for a in found["items"]] == ["bob"]
    assert (await client.get(f"{BASE}?q=car", headers=account.headers)).json()["total"] == 1
    page = (await client.get(f"{BASE}?limit=2&offset=2", headers=account.headers)).json()
    assert (page["total"], len(page["items"])) == (3, 1)
    assert (await client.get(f"{BASE}?status=inactive", headers=account.headers)).json()["total"] == 0
    assert (await client.get(f"{BASE}?status=gone", headers=account.headers)).status_code == 400
    platforms = (await client.get(f"{BASE}/platforms", headers=account.headers)).json()
    assert {p["name"] for p in platforms} >= {"sandbox", "vinted", "pinterest", "tiktok"}


async def test_patch_and_delete(client: httpx.AsyncClient) -> None:
    account = await register(client)
    proxy = await create(client, account, "proxies", host="10.0.0.8", port=8080)
    created = await create(
        client, account, "accounts", platform="sandbox", login="jane", password="secret-1", proxy_id=proxy["id"]
    )
    path = f"{BASE}/{created['id']}"
    edited = await client.patch(
        path,
        headers=account.headers,
        json={
            "label": "Renamed",
            "password": None,
            "proxy_id": None,
            "daily_action_cap": 50,
            "cookies": EXTENSION_COOKIES,
        },
    )
    assert edited.status_code == 200, edited.text
    body = edited.json()
    assert (body["label"], body["has_password"], body["proxy_id"], body["daily_action_cap"], body["has_cookies"]) == (
        "Renamed",
        False,
        None,
        50,
        True,
    )
    paused = (await client.patch(path, headers=account.headers, json={"status": "inactive"})).json()
    assert paused["status"] == "inactive"
    assert paused["status_reason"]
    resumed = (await client.patch(path, headers=account.headers, json={"status": "active"})).json()
    assert (resumed["status"], resumed["status_reason"]) == ("active", "")
    for body_, field in [
        ({"status": "banned"}, "status"),
        ({"daily_action_cap": -3}, "daily_action_cap"),
        ({"login": "other"}, "login"),
        ({"cookies": [{"name": "x"}]}, "cookies[0].domain"),
    ]:
        response = await client.patch(path, headers=account.headers, json=body_)
        assert response.status_code == 400, (body_, response.text)
        assert names_field(response.json(), field), (body_, response.text)
    assert (await client.patch(path, headers=account.headers, json={"profile_id": new_id()})).status_code == 404
    assert (await client.delete(path, headers=account.headers)).status_code == 204
    assert (await client.get(path, headers=account.headers)).status_code == 404
    assert (await client.delete(path, headers=account.headers)).status_code == 404


async def test_actions_today_resets_with_the_utc_day(client: httpx.AsyncClient) -> None:
    account = await register(client)
    created = await create(client, account, "accounts", platform="sandbox", login="jane")
    account_id = uuid.UUID(created["id"])
    today = datetime.now(UTC).date()
    await PlatformAccount.update({PlatformAccount.actions_day: today, PlatformAccount.actions_today: 7}).where(
        PlatformAccount.id == account_id
    )
    assert (await client.get(f"{BASE}/{account_id}", headers=account.headers)).json()["actions_today"] == 7
    await PlatformAccount.update({PlatformAccount.actions_day: today - timedelta(days=1)}).where(
        PlatformAccount.id == account_id
    )
    assert (await client.get(f"{BASE}/{account_id}", headers=account.headers)).json()["actions_today"] == 0


async def test_another_workspace_sees_nothing(client: httpx.AsyncClient) -> None:
    owner, stranger = await register(client), await register(client)
    created = await create(client, owner, "accounts", platform="sandbox", login="jane")
    path = f"{BASE}/{created['id']}"
    assert (await client.get(path, headers=stranger.headers)).status_code == 404
    assert (await client.patch(path, headers=stranger.headers, json={"label": "mine"})).status_code == 404
    assert (await client.delete(path, headers=stranger.headers)).status_code == 404
    assert (await client.get(BASE, headers=stranger.headers)).json()["total"] == 0
    # The owner's proxy and profile cannot be attached by the stranger either.
    proxy = await create(client, owner, "proxies", host="10.0.0.9", port=1080)
    profile = await create(client, owner, "profiles", name="P", user_agent="UA")
    for field, value in (("proxy_id", proxy["id"]), ("profile_id", profile["id"])):
        response = await client.post(
            BASE, headers=stranger.headers, json={"platform": "sandbox", "login": "x", field: value}
        )
        assert response.status_code == 404, response.text
        assert names_field(response.json(), field), response.text
    mine = await create(client, stranger, "accounts", platform="sandbox", login="jane")  # same login, other workspace
    response = await client.patch(f"{BASE}/{mine['id']}", headers=stranger.headers, json={"proxy_id": proxy["id"]})
    assert response.status_code == 404
    assert (await client.get(path, headers=owner.headers)).json()["label"] == ""
    with pytest.raises(NotFound):
        await service.account_row(uuid.UUID(stranger.workspace_id), uuid.UUID(created["id"]))


async def test_free_plan_allows_two_accounts(client: httpx.AsyncClient) -> None:
    account = await register(client)
    await create(client, account, "accounts", platform="sandbox", login="one")
    await create(client, account, "accounts", platform="sandbox", login="two")
    third = await client.post(BASE, headers=account.headers, json={"platform": "sandbox", "login": "three"})
    assert third.status_code == 402, third.text
    assert "Plan limit reached: platform accounts: 2 of 2" in third.json()["detail"]
    limits = {x["resource"]: x for x in (await client.get("/api/v1/billing", headers=account.headers)).json()["limits"]}
    assert limits["platform_accounts"]["used"] == 2


async def test_downgrade_deactivates_the_newest_accounts_and_upgrade_does_not_reactivate(
    client: httpx.AsyncClient,
) -> None:
    account = await register(client)
    workspace_id = uuid.UUID(account.workspace_id)
    await grant_plan(account.workspace_id, "pro")
    ids = [(await create(client, account, "accounts", platform="sandbox", login=f"u{i}"))["id"] for i in range(4)]
    await PlatformAccount.update({PlatformAccount.status: "needs_attention"}).where(
        PlatformAccount.id == uuid.UUID(ids[1])
    )

    await Subscription.update({Subscription.status: "canceled", Subscription.plan: "free"}).where(
        Subscription.workspace == workspace_id
    )
    await billing.apply_plan_limits(workspace_id)
    listed = {a["id"]: a for a in (await client.get(BASE, headers=account.headers)).json()["items"]}
    assert len(listed) == 4  # nothing deleted
    assert [listed[i]["status"] for i in ids] == ["active", "needs_attention", "inactive", "inactive"]
    assert "Free plan allows 2" in listed[ids[3]]["status_reason"]
    # Still over the limit: neither a new account nor reactivating one.
    assert (
        await client.post(BASE, headers=account.headers, json={"platform": "sandbox", "login": "x"})
    ).status_code == 402
    response = await client.patch(f"{BASE}/{ids[3]}", headers=account.headers, json={"status": "active"})
    assert response.status_code == 402, response.text
    await billing.apply_plan_limits(workspace_id)  # applying again changes nothing
    assert (await client.get(f"{BASE}/{ids[2]}", headers=account.headers)).json()["status"] == "inactive"

    await Subscription.update({Subscription.status: "active", Subscription.plan: "pro"}).where(
        Subscription.workspace == workspace_id
    )
    await billing.apply_plan_limits(workspace_id)
    assert (await client.get(f"{BASE}/{ids[3]}", headers=account.headers)).json()["status"] == "inactive"
    response = await client.patch(f"{BASE}/{ids[3]}", headers=account.headers, json={"status": "active"})
    assert response.status_code == 200
    assert response.json()["status"] == "active"
