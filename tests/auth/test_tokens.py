"""Every forged, stale or orphaned access token is refused with 401."""

from __future__ import annotations

import base64
import json
import os
import time
import uuid

import httpx
import jwt
import pytest

from backend.auth.tables import User
from tests.helpers import bearer, register


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _claims(account_user_id: str, workspace_id: str, **changes: object) -> dict[str, object]:
    now = int(time.time())
    claims: dict[str, object] = {
        "sub": account_user_id,
        "ws": workspace_id,
        "typ": "access",
        "iss": "sellpilot",
        "jti": uuid.uuid4().hex,
        "iat": now,
        "exp": now + 600,
    }
    claims.update(changes)
    return claims


async def _status(client: httpx.AsyncClient, token: str) -> int:
    response = await client.get("/api/v1/auth/me", headers=bearer(token))
    if response.status_code >= 400:
        assert response.json()["status_code"] == response.status_code
    return response.status_code


async def test_a_token_signed_with_the_server_key_is_accepted(client: httpx.AsyncClient) -> None:
    # The control: the forgeries below differ from this token in one way each.
    account = await register(client)
    token = jwt.encode(_claims(account.user_id, account.workspace_id), os.environ["SECRET_KEY"], algorithm="HS256")
    assert await _status(client, token) == 200


async def test_tampered_signature_is_refused(client: httpx.AsyncClient) -> None:
    account = await register(client)
    header, payload, signature = account.access_token.split(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    assert await _status(client, f"{header}.{payload}.{flipped}") == 401


async def test_tampered_payload_is_refused(client: httpx.AsyncClient) -> None:
    victim = await register(client)
    attacker = await register(client)
    header, _, signature = attacker.access_token.split(".")
    forged_payload = _b64(_claims(victim.user_id, victim.workspace_id))
    assert await _status(client, f"{header}.{forged_payload}.{signature}") == 401


async def test_token_signed_with_another_key_is_refused(client: httpx.AsyncClient) -> None:
    account = await register(client)
    token = jwt.encode(_claims(account.user_id, account.workspace_id), "some-other-secret-key-0123456789abcdef")
    assert await _status(client, token) == 401


async def test_alg_none_is_refused(client: httpx.AsyncClient) -> None:
    account = await register(client)
    unsigned = _b64({"alg": "none", "typ": "JWT"}) + "." + _b64(_claims(account.user_id, account.workspace_id)) + "."
    assert await _status(client, unsigned) == 401


async def test_expired_token_is_refused(client: httpx.AsyncClient) -> None:
    account = await register(client)
    now = int(time.time())
    token = jwt.encode(
        _claims(account.user_id, account.workspace_id, iat=now - 3600, exp=now - 60), os.environ["SECRET_KEY"]
    )
    assert await _status(client, token) == 401


async def test_token_of_a_deleted_user_is_refused(client: httpx.AsyncClient) -> None:
    account = await register(client)
    assert await _status(client, account.access_token) == 200
    await User.delete().where(User.id == uuid.UUID(account.user_id))
    assert await _status(client, account.access_token) == 401


async def test_token_of_a_disabled_user_is_refused(client: httpx.AsyncClient) -> None:
    account = await register(client)
    await User.update({User.is_active: False}).where(User.id == uuid.UUID(account.user_id))
    assert await _status(client, account.access_token) == 401
    login = await client.post("/api/v1/auth/login", json={"email": account.email, "password": "correct horse battery"})
    assert login.status_code == 401


@pytest.mark.parametrize(
    "change",
    [
        {"typ": "refresh"},
        {"iss": "someone-else"},
        {"ws": "not-a-uuid"},
        {"sub": "not-a-uuid"},
        {"jti": None},
    ],
    ids=["wrong-type", "wrong-issuer", "bad-workspace", "bad-subject", "no-jti"],
)
async def test_malformed_claims_are_refused(client: httpx.AsyncClient, change: dict[str, object]) -> None:
    account = await register(client)
    claims = {k: v for k, v in _claims(account.user_id, account.workspace_id, **change).items() if v is not None}
    assert await _status(client, jwt.encode(claims, os.environ["SECRET_KEY"], algorithm="HS256")) == 401


async def test_token_for_a_workspace_the_user_left_is_refused(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    other = await register(client)
    foreign = jwt.encode(_claims(other.user_id, owner.workspace_id), os.environ["SECRET_KEY"], algorithm="HS256")
    assert await _status(client, foreign) == 401


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer not.a.jwt"])
async def test_missing_or_garbage_authorization_is_refused(client: httpx.AsyncClient, header: str) -> None:
    response = await client.get("/api/v1/auth/me", headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert response.json()["detail"]
