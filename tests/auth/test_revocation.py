"""Revocation on the hot path: whatever the API keeps between requests (prepared queries, a frozen
start-up heap, pooled connections), a revoked token or a removed, paused or disabled member is
refused on the very next request, right after a request that succeeded."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

import httpx
import pytest

from backend.auth.tables import Membership, User
from backend.core.scoped import scoped
from tests.helpers import Account, register

LIST = "/api/v1/listings"


async def _member_of(client: httpx.AsyncClient, owner: Account) -> Account:
    member = await register(client)
    added = await client.post(
        f"/api/v1/workspaces/{owner.workspace_id}/members",
        headers=owner.headers,
        json={"email": member.email, "role": "member"},
    )
    assert added.status_code == 201, added.text
    switched = await client.post(f"/api/v1/workspaces/{owner.workspace_id}/switch", headers=member.headers)
    assert switched.status_code == 200, switched.text
    body = switched.json()
    return Account(member.email, body["access_token"], body["refresh_token"], owner.workspace_id, member.user_id)


async def _logout(client: httpx.AsyncClient, owner: Account, member: Account) -> None:
    assert (await client.post("/api/v1/auth/logout", headers=member.headers)).status_code == 204


async def _remove(client: httpx.AsyncClient, owner: Account, member: Account) -> None:
    removed = await client.delete(
        f"/api/v1/workspaces/{owner.workspace_id}/members/{member.user_id}", headers=owner.headers
    )
    assert removed.status_code == 204


async def _pause(client: httpx.AsyncClient, owner: Account, member: Account) -> None:
    # What a downgrade below the seats in use does to the members over the plan.
    await (
        scoped(Membership, uuid.UUID(owner.workspace_id))
        .update({Membership.paused: True})
        .where(Membership.user == uuid.UUID(member.user_id))
    )


async def _disable(client: httpx.AsyncClient, owner: Account, member: Account) -> None:
    await User.update({User.is_active: False}).where(User.id == uuid.UUID(member.user_id))


Revoke = Callable[[httpx.AsyncClient, Account, Account], Awaitable[None]]


@pytest.mark.parametrize(
    "revoke", [_logout, _remove, _pause, _disable], ids=["logout", "removed", "paused", "disabled"]
)
async def test_the_next_request_is_refused(client: httpx.AsyncClient, revoke: Revoke) -> None:
    owner = await register(client)
    member = await _member_of(client, owner)
    for _ in range(3):  # warm: the prepared queries are compiled and pooled connections reused
        assert (await client.get(LIST, headers=member.headers)).status_code == 200
    await revoke(client, owner, member)
    refused = await client.get(LIST, headers=member.headers)
    assert refused.status_code == 401, refused.text
    assert (await client.get("/api/v1/auth/me", headers=member.headers)).status_code == 401
    # The owner, asking the same prepared queries just after, is served as before.
    assert (await client.get(LIST, headers=owner.headers)).status_code == 200


async def test_a_new_role_counts_from_the_next_request(client: httpx.AsyncClient) -> None:
    # GET /billing is guarded by the role the request's principal carries (loaded per request).
    owner = await register(client)
    member = await _member_of(client, owner)
    assert (await client.get("/api/v1/billing", headers=member.headers)).status_code == 403
    path = f"/api/v1/workspaces/{owner.workspace_id}/members/{member.user_id}"
    changed = await client.patch(path, headers=owner.headers, json={"role": "admin"})
    assert changed.status_code == 200, changed.text
    assert (await client.get("/api/v1/billing", headers=member.headers)).status_code == 200
    changed = await client.patch(path, headers=owner.headers, json={"role": "member"})
    assert changed.status_code == 200, changed.text
    assert (await client.get("/api/v1/billing", headers=member.headers)).status_code == 403
