"""Register, log in, refresh and log out, as a client would."""

from __future__ import annotations

import asyncio

import httpx

from tests.helpers import PASSWORD, bearer, register


async def test_register_login_me_refresh_logout(client: httpx.AsyncClient) -> None:
    registered = await client.post(
        "/api/v1/auth/register",
        json={
            "email": "Jane.Doe@Example.COM",
            "password": PASSWORD,
            "full_name": "Jane Doe",
        },
    )
    assert registered.status_code == 201, registered.text
    assert registered.json()["token_type"] == "bearer"

    login = await client.post(
        "/api/v1/auth/login",
        json={"email": "jane.doe@example.com", "password": PASSWORD},
    )
    assert login.status_code == 200, login.text
    tokens = login.json()
    assert tokens["expires_in"] > 0

    me = await client.get("/api/v1/auth/me", headers=bearer(tokens["access_token"]))
    assert me.status_code == 200
    body = me.json()
    assert body["user"]["email"] == "jane.doe@example.com"
    assert body["user"]["full_name"] == "Jane Doe"
    assert body["workspace"]["role"] == "owner"
    assert body["workspace"]["is_personal"] is True
    assert body["workspace"]["id"] == tokens["workspace_id"]
    assert "password" not in me.text
    assert "hash" not in me.text

    refreshed = await client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 200, refreshed.text
    new = refreshed.json()
    assert new["refresh_token"] != tokens["refresh_token"]
    assert (await client.get("/api/v1/auth/me", headers=bearer(new["access_token"]))).status_code == 200

    logout = await client.post(
        "/api/v1/auth/logout",
        headers=bearer(new["access_token"]),
        json={"refresh_token": new["refresh_token"]},
    )
    assert logout.status_code == 204

    after = await client.get("/api/v1/auth/me", headers=bearer(new["access_token"]))
    assert after.status_code == 401
    assert after.json()["status_code"] == 401
    # The session's refresh token died with it.
    again = await client.post("/api/v1/auth/refresh", json={"refresh_token": new["refresh_token"]})
    assert again.status_code == 401
    # The access token that session had before the refresh died with it too.
    assert (await client.get("/api/v1/auth/me", headers=bearer(tokens["access_token"]))).status_code == 401
    # Another session of the same user (the one sign-up opened) is untouched.
    assert (await client.get("/api/v1/auth/me", headers=bearer(registered.json()["access_token"]))).status_code == 200


async def test_logout_without_refresh_token_refuses_the_access_token(
    client: httpx.AsyncClient,
) -> None:
    account = await register(client)
    assert (await client.post("/api/v1/auth/logout", headers=account.headers)).status_code == 204
    assert (await client.get("/api/v1/auth/me", headers=account.headers)).status_code == 401


async def test_reused_refresh_token_is_refused_and_revokes_its_family(
    client: httpx.AsyncClient,
) -> None:
    account = await register(client)
    first = await client.post("/api/v1/auth/refresh", json={"refresh_token": account.refresh_token})
    assert first.status_code == 200
    rotated_child = first.json()["refresh_token"]

    # The original token was rotated; presenting it again is reuse.
    reuse = await client.post("/api/v1/auth/refresh", json={"refresh_token": account.refresh_token})
    assert reuse.status_code == 401
    assert "already used" in reuse.json()["detail"]

    # The whole family is revoked, including the legitimate newest token.
    child = await client.post("/api/v1/auth/refresh", json={"refresh_token": rotated_child})
    assert child.status_code == 401


async def test_reused_refresh_token_signs_out_the_sessions_access_tokens_at_once(
    client: httpx.AsyncClient,
) -> None:
    account = await register(client)
    other_session = await client.post("/api/v1/auth/login", json={"email": account.email, "password": PASSWORD})
    rotated = await client.post("/api/v1/auth/refresh", json={"refresh_token": account.refresh_token})
    assert rotated.status_code == 200
    fresh_access = rotated.json()["access_token"]
    assert (await client.get("/api/v1/auth/me", headers=bearer(fresh_access))).status_code == 200

    reuse = await client.post("/api/v1/auth/refresh", json={"refresh_token": account.refresh_token})
    assert reuse.status_code == 401

    # Not in 15 minutes: now. Both the rotated pair's and the original access token.
    assert (await client.get("/api/v1/auth/me", headers=bearer(fresh_access))).status_code == 401
    assert (await client.get("/api/v1/auth/me", headers=account.headers)).status_code == 401
    # Another login of the same user goes on working.
    assert (
        await client.get("/api/v1/auth/me", headers=bearer(other_session.json()["access_token"]))
    ).status_code == 200


async def test_logout_signs_out_every_access_token_of_that_session(client: httpx.AsyncClient) -> None:
    account = await register(client)
    rotated = await client.post("/api/v1/auth/refresh", json={"refresh_token": account.refresh_token})
    assert rotated.status_code == 200
    pair = rotated.json()

    # No refresh token in the body: the access token names its session.
    assert (await client.post("/api/v1/auth/logout", headers=bearer(pair["access_token"]))).status_code == 204

    # The session's earlier access token (still unexpired) and its refresh token are refused at once.
    assert (await client.get("/api/v1/auth/me", headers=account.headers)).status_code == 401
    again = await client.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert again.status_code == 401


async def test_concurrent_refresh_with_one_token_succeeds_at_most_once(
    client: httpx.AsyncClient,
) -> None:
    account = await register(client)
    responses = await asyncio.gather(
        *(client.post("/api/v1/auth/refresh", json={"refresh_token": account.refresh_token}) for _ in range(5))
    )
    assert sum(r.status_code == 200 for r in responses) <= 1
    assert all(r.status_code in (200, 401) for r in responses)


async def test_login_with_wrong_password_or_unknown_email_gives_the_same_answer(
    client: httpx.AsyncClient,
) -> None:
    account = await register(client)
    wrong = await client.post(
        "/api/v1/auth/login",
        json={"email": account.email, "password": "not the password"},
    )
    unknown = await client.post("/api/v1/auth/login", json={"email": "nobody@example.com", "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"] == "Incorrect email or password"


async def test_email_is_unique_regardless_of_case(client: httpx.AsyncClient) -> None:
    await register(client, email="Sam@Example.com")
    duplicate = await client.post("/api/v1/auth/register", json={"email": "sam@EXAMPLE.com", "password": PASSWORD})
    assert duplicate.status_code == 409
    assert "already exists" in duplicate.json()["detail"]
    login = await client.post("/api/v1/auth/login", json={"email": "SAM@example.COM", "password": PASSWORD})
    assert login.status_code == 200


async def test_racing_registrations_of_one_email_create_one_account(
    client: httpx.AsyncClient,
) -> None:
    responses = await asyncio.gather(
        *(
            client.post(
                "/api/v1/auth/register",
                json={"email": "race@example.com", "password": PASSWORD},
            )
            for _ in range(4)
        )
    )
    codes = sorted(r.status_code for r in responses)
    assert codes == [201, 409, 409, 409], [r.text for r in responses]


async def test_refresh_token_garbage_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v1/auth/refresh", json={"refresh_token": "not-a-token"})
    assert response.status_code == 401
    assert response.json()["detail"]


async def test_an_email_only_sign_up_gets_a_sensible_workspace_name(client: httpx.AsyncClient) -> None:
    """No name given: the personal workspace is named from the email's first name-like part, never "you's"."""
    expected = {
        "ana.lopez@example.com": "Ana's workspace",
        "JOHN_smith+shop@example.com": "John's workspace",
        "you@example.com": "My workspace",
        "info@example.com": "My workspace",
        "12345@example.com": "My workspace",
        "x@example.com": "My workspace",
    }
    for email, name in expected.items():
        registered = await client.post("/api/v1/auth/register", json={"email": email, "password": PASSWORD})
        assert registered.status_code == 201, registered.text
        workspaces = await client.get("/api/v1/workspaces", headers=bearer(registered.json()["access_token"]))
        assert [w["name"] for w in workspaces.json()["items"]] == [name], email

    named = await client.post(
        "/api/v1/auth/register", json={"email": "you2@example.com", "password": PASSWORD, "full_name": "Zoé Martin"}
    )
    workspaces = await client.get("/api/v1/workspaces", headers=bearer(named.json()["access_token"]))
    assert [w["name"] for w in workspaces.json()["items"]] == ["Zoé Martin's workspace"]
