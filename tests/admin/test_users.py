"""Users in the console: search, view (never a password), disable (every session ends at once) and enable."""

from __future__ import annotations

import httpx

from tests.admin.helpers import call, superuser
from tests.audit.helpers import assert_no_secret, rows
from tests.helpers import PASSWORD, register


async def test_disabling_ends_sessions_at_once_and_enabling_lets_them_sign_in(client: httpx.AsyncClient) -> None:
    root = await superuser(client)
    person = await register(client)
    assert (await client.get("/api/v1/auth/me", headers=person.headers)).status_code == 200

    detail = await call(client, root, "POST", f"/users/{person.user_id}/disable")
    assert detail["user"]["is_active"] is False

    # The very next request with their access token, and their refresh token, are refused.
    assert (await client.get("/api/v1/auth/me", headers=person.headers)).status_code == 401
    assert (await client.get("/api/v1/listings", headers=person.headers)).status_code == 401
    refreshed = await client.post("/api/v1/auth/refresh", json={"refresh_token": person.refresh_token})
    assert refreshed.status_code == 401
    login = await client.post("/api/v1/auth/login", json={"email": person.email, "password": PASSWORD})
    assert login.status_code == 401

    enabled = await call(client, root, "POST", f"/users/{person.user_id}/enable")
    assert enabled["user"]["is_active"] is True
    login = await client.post("/api/v1/auth/login", json={"email": person.email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    fresh = {"Authorization": f"Bearer {login.json()['access_token']}"}
    assert (await client.get("/api/v1/auth/me", headers=fresh)).status_code == 200
    # The sessions ended by the disabling stay ended.
    assert (await client.post("/api/v1/auth/refresh", json={"refresh_token": person.refresh_token})).status_code == 401

    disabled_row, enabled_row = (await rows("admin.user_disabled"))[0], (await rows("admin.user_enabled"))[0]
    for row in (disabled_row, enabled_row):
        assert (str(row["actor_id"]), row["actor_email"]) == (root.user_id, root.email)
        assert row["target"] == f"user:{person.user_id}"
        assert row["workspace"] is None  # a deployment-wide action
    assert len(await rows("admin.user_disabled")) == len(await rows("admin.user_enabled")) == 1
    await assert_no_secret(PASSWORD, person.access_token, person.refresh_token, root.access_token)


async def test_view_and_search_users_never_show_a_password(client: httpx.AsyncClient) -> None:
    root = await superuser(client)
    owner = await register(client)
    member = await register(client)
    invited = await client.post(
        f"/api/v1/workspaces/{owner.workspace_id}/members", headers=owner.headers, json={"email": member.email}
    )
    assert invited.status_code == 201

    response = await client.get(f"/api/v1/admin/users/{member.user_id}", headers=root.headers)
    assert response.status_code == 200
    assert "password" not in response.text
    assert "argon2" not in response.text
    detail = response.json()
    assert detail["user"]["email"] == member.email
    assert detail["user"]["last_login_at"] is None  # registered, never signed in since
    assert sorted((m["workspace_id"], m["role"]) for m in detail["memberships"]) == sorted(
        [(member.workspace_id, "owner"), (owner.workspace_id, "member")]
    )
    found = await call(client, root, "GET", "/users", params={"search": member.email[:10]})
    assert [u["email"] for u in found["items"]] == [member.email]
    assert (await rows("admin.user_viewed"))[0]["target"] == f"user:{member.user_id}"
    assert len(await rows("admin.users_searched")) == 1

    await call(client, root, "GET", "/users/00000000-0000-4000-8000-000000000000", expect=404)


async def test_a_superuser_cannot_disable_themselves(client: httpx.AsyncClient) -> None:
    root = await superuser(client)
    await call(client, root, "POST", f"/users/{root.user_id}/disable", expect=409)
    assert (await client.get("/api/v1/auth/me", headers=root.headers)).status_code == 200
