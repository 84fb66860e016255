"""Workspaces and members: tenancy (404 across workspaces) and roles (403)."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.helpers import Account, bearer, grant_plan, names_field, register


async def _add(
    client: httpx.AsyncClient, actor: Account, email: str, role: str = "member", workspace_id: str | None = None
) -> httpx.Response:
    return await client.post(
        f"/api/v1/workspaces/{workspace_id or actor.workspace_id}/members",
        headers=actor.headers,
        json={"email": email, "role": role},
    )


async def _session_in(client: httpx.AsyncClient, account: Account, workspace_id: str) -> Account:
    switched = await client.post(f"/api/v1/workspaces/{workspace_id}/switch", headers=account.headers)
    assert switched.status_code == 200, switched.text
    body = switched.json()
    return Account(account.email, body["access_token"], body["refresh_token"], workspace_id, account.user_id)


async def test_every_workspace_route_answers_404_for_another_workspace(client: httpx.AsyncClient) -> None:
    alice = await register(client)
    bob = await register(client)
    invited = await client.post(
        f"/api/v1/workspaces/{bob.workspace_id}/members", headers=bob.headers, json={"email": "later@example.com"}
    )
    bob_invitation = invited.json()["invitation"]["id"]
    theirs = bob.workspace_id
    requests = [
        ("GET", f"/api/v1/workspaces/{theirs}", None),
        ("PATCH", f"/api/v1/workspaces/{theirs}", {"name": "Mine now"}),
        ("POST", f"/api/v1/workspaces/{theirs}/switch", None),
        ("GET", f"/api/v1/workspaces/{theirs}/members", None),
        ("POST", f"/api/v1/workspaces/{theirs}/members", {"email": "x@example.com"}),
        ("PATCH", f"/api/v1/workspaces/{theirs}/members/{bob.user_id}", {"role": "member"}),
        ("DELETE", f"/api/v1/workspaces/{theirs}/members/{bob.user_id}", None),
        ("GET", f"/api/v1/workspaces/{theirs}/invitations", None),
        ("DELETE", f"/api/v1/workspaces/{theirs}/invitations/{bob_invitation}", None),
        # Bob's ids through Alice's own workspace are unknown there too.
        ("PATCH", f"/api/v1/workspaces/{alice.workspace_id}/members/{bob.user_id}", {"role": "admin"}),
        ("DELETE", f"/api/v1/workspaces/{alice.workspace_id}/members/{bob.user_id}", None),
        ("DELETE", f"/api/v1/workspaces/{alice.workspace_id}/invitations/{bob_invitation}", None),
        ("GET", f"/api/v1/workspaces/{uuid.uuid4()}", None),
    ]
    for method, url, body in requests:
        response = await client.request(method, url, headers=alice.headers, json=body)
        assert response.status_code == 404, (method, url, response.text)
        assert response.json()["status_code"] == 404
    # Nothing of Bob's changed.
    members = await client.get(f"/api/v1/workspaces/{theirs}/members", headers=bob.headers)
    assert [m["email"] for m in members.json()["items"]] == [bob.email]
    assert (await client.get(f"/api/v1/workspaces/{theirs}", headers=bob.headers)).json()["name"] != "Mine now"
    listed = await client.get("/api/v1/workspaces", headers=alice.headers)
    assert [w["id"] for w in listed.json()["items"]] == [alice.workspace_id]


async def test_a_member_cannot_do_owner_or_admin_things(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    await grant_plan(owner.workspace_id)
    member = await register(client)
    third = await register(client)
    assert (await _add(client, owner, member.email)).json()["status"] == "added"
    assert (await _add(client, owner, third.email)).status_code == 201
    invitation = (await _add(client, owner, "pending@example.com")).json()["invitation"]["id"]
    ws = owner.workspace_id
    forbidden = [
        ("PATCH", f"/api/v1/workspaces/{ws}", {"name": "Renamed"}),
        ("POST", f"/api/v1/workspaces/{ws}/members", {"email": "new@example.com"}),
        ("PATCH", f"/api/v1/workspaces/{ws}/members/{third.user_id}", {"role": "admin"}),
        ("PATCH", f"/api/v1/workspaces/{ws}/members/{member.user_id}", {"role": "owner"}),
        ("DELETE", f"/api/v1/workspaces/{ws}/members/{third.user_id}", None),
        ("DELETE", f"/api/v1/workspaces/{ws}/members/{owner.user_id}", None),
        ("DELETE", f"/api/v1/workspaces/{ws}/invitations/{invitation}", None),
    ]
    for method, url, body in forbidden:
        response = await client.request(method, url, headers=member.headers, json=body)
        assert response.status_code == 403, (method, url, response.text)
        assert response.json()["detail"]
    # What a member may do: see the team, and leave.
    assert (await client.get(f"/api/v1/workspaces/{ws}/members", headers=member.headers)).json()["total"] == 3
    leave = await client.delete(f"/api/v1/workspaces/{ws}/members/{member.user_id}", headers=member.headers)
    assert leave.status_code == 204
    assert (await client.get(f"/api/v1/workspaces/{ws}/members", headers=owner.headers)).json()["total"] == 2


async def test_admins_manage_members_but_not_owners(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    await grant_plan(owner.workspace_id)
    admin = await register(client)
    member = await register(client)
    await _add(client, owner, admin.email, role="admin")
    await _add(client, owner, member.email)
    ws = owner.workspace_id
    promote = await client.patch(
        f"/api/v1/workspaces/{ws}/members/{member.user_id}", headers=admin.headers, json={"role": "admin"}
    )
    assert promote.status_code == 200
    assert promote.json()["role"] == "admin"
    to_owner = await client.patch(
        f"/api/v1/workspaces/{ws}/members/{member.user_id}", headers=admin.headers, json={"role": "owner"}
    )
    assert to_owner.status_code == 403
    demote_owner = await client.patch(
        f"/api/v1/workspaces/{ws}/members/{owner.user_id}", headers=admin.headers, json={"role": "member"}
    )
    assert demote_owner.status_code == 403
    remove_owner = await client.delete(f"/api/v1/workspaces/{ws}/members/{owner.user_id}", headers=admin.headers)
    assert remove_owner.status_code == 403
    invite_owner = await _add(client, admin, "boss@example.com", role="owner", workspace_id=ws)
    assert invite_owner.status_code == 403
    remove_member = await client.delete(f"/api/v1/workspaces/{ws}/members/{member.user_id}", headers=admin.headers)
    assert remove_member.status_code == 204


async def test_the_last_owner_cannot_leave_or_be_demoted(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    await grant_plan(owner.workspace_id)
    ws = owner.workspace_id
    leave = await client.delete(f"/api/v1/workspaces/{ws}/members/{owner.user_id}", headers=owner.headers)
    assert leave.status_code == 409
    assert "last owner" in leave.json()["detail"]
    demote = await client.patch(
        f"/api/v1/workspaces/{ws}/members/{owner.user_id}", headers=owner.headers, json={"role": "admin"}
    )
    assert demote.status_code == 409

    # With a second owner, the first may step down.
    second = await register(client)
    assert (await _add(client, owner, second.email, role="owner")).status_code == 201
    leave = await client.delete(f"/api/v1/workspaces/{ws}/members/{owner.user_id}", headers=owner.headers)
    assert leave.status_code == 204
    members = await client.get(f"/api/v1/workspaces/{ws}/members", headers=second.headers)
    assert [(m["email"], m["role"]) for m in members.json()["items"]] == [(second.email, "owner")]


async def test_an_invitation_is_taken_up_at_sign_up(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    invite = await _add(client, owner, "Newcomer@Example.com", role="admin")
    assert invite.status_code == 201
    assert invite.json()["status"] == "invited"
    assert invite.json()["invitation"]["email"] == "newcomer@example.com"
    again = await _add(client, owner, "newcomer@example.com")
    assert again.status_code == 409

    newcomer = await register(client, email="newcomer@example.com")
    workspaces = (await client.get("/api/v1/workspaces", headers=newcomer.headers)).json()
    assert workspaces["total"] == 2
    roles = {w["id"]: w["role"] for w in workspaces["items"]}
    assert roles[owner.workspace_id] == "admin"
    assert roles[newcomer.workspace_id] == "owner"
    pending = await client.get(f"/api/v1/workspaces/{owner.workspace_id}/invitations", headers=owner.headers)
    assert pending.json()["total"] == 0

    in_team = await _session_in(client, newcomer, owner.workspace_id)
    me = (await client.get("/api/v1/auth/me", headers=in_team.headers)).json()
    assert me["workspace"]["id"] == owner.workspace_id
    assert me["workspace"]["role"] == "admin"
    # The refresh token keeps the session in the workspace it was switched to.
    refreshed = await client.post("/api/v1/auth/refresh", json={"refresh_token": in_team.refresh_token})
    assert refreshed.json()["workspace_id"] == owner.workspace_id


async def test_revoked_invitation_is_not_taken_up(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    invitation = (await _add(client, owner, "maybe@example.com")).json()["invitation"]["id"]
    revoke = await client.delete(
        f"/api/v1/workspaces/{owner.workspace_id}/invitations/{invitation}", headers=owner.headers
    )
    assert revoke.status_code == 204
    maybe = await register(client, email="maybe@example.com")
    assert (await client.get("/api/v1/workspaces", headers=maybe.headers)).json()["total"] == 1


async def test_a_removed_member_loses_access_at_once(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    member = await register(client)
    await _add(client, owner, member.email)
    in_team = await _session_in(client, member, owner.workspace_id)
    assert (await client.get("/api/v1/auth/me", headers=in_team.headers)).status_code == 200

    removed = await client.delete(
        f"/api/v1/workspaces/{owner.workspace_id}/members/{member.user_id}", headers=owner.headers
    )
    assert removed.status_code == 204
    assert (await client.get("/api/v1/auth/me", headers=in_team.headers)).status_code == 401
    assert (await client.post("/api/v1/auth/refresh", json={"refresh_token": in_team.refresh_token})).status_code == 401
    # Their own workspace is untouched.
    assert (await client.get("/api/v1/auth/me", headers=member.headers)).status_code == 200


async def test_create_rename_and_paginate_workspaces(client: httpx.AsyncClient) -> None:
    account = await register(client)
    created = await client.post("/api/v1/workspaces", headers=account.headers, json={"name": "  Vintage   Finds "})
    assert created.status_code == 201
    assert created.json()["name"] == "Vintage Finds"
    assert created.json()["role"] == "owner"
    renamed = await client.patch(
        f"/api/v1/workspaces/{created.json()['id']}", headers=account.headers, json={"name": "Vintage Finds Ltd"}
    )
    assert renamed.json()["name"] == "Vintage Finds Ltd"
    first = (await client.get("/api/v1/workspaces?limit=1", headers=account.headers)).json()
    second = (await client.get("/api/v1/workspaces?limit=1&offset=1", headers=account.headers)).json()
    assert first["total"] == second["total"] == 2
    assert {first["items"][0]["id"], second["items"][0]["id"]} == {account.workspace_id, created.json()["id"]}


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "offset=-1", "limit=abc"])
async def test_bad_pagination_is_a_400_naming_the_parameter(client: httpx.AsyncClient, query: str) -> None:
    account = await register(client)
    response = await client.get(f"/api/v1/workspaces?{query}", headers=account.headers)
    assert response.status_code == 400
    assert names_field(response.json(), query.split("=")[0])


async def test_superuser_routes_refuse_ordinary_users(client: httpx.AsyncClient) -> None:
    from backend.auth.tables import User

    ordinary = await register(client)
    admin = await register(client)
    assert (await client.get("/api/v1/admin/users", headers=ordinary.headers)).status_code == 403
    await User.update({User.is_superuser: True}).where(User.id == uuid.UUID(admin.user_id))
    listed = await client.get("/api/v1/admin/users?search=user-", headers=bearer(admin.access_token))
    assert listed.status_code == 200
    assert listed.json()["total"] == 2
