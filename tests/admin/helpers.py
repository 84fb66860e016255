"""A superuser for the console tests (made as `sellpilot createsuperuser` makes one) and calls to the console."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from backend.auth import service as auth
from tests.helpers import PASSWORD, Account, bearer

ADMIN = "/api/v1/admin"


async def superuser(client: httpx.AsyncClient) -> Account:
    email = f"root-{uuid.uuid4().hex[:8]}@example.com"
    user_id = await auth.create_superuser(email, PASSWORD)
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    body = response.json()
    return Account(
        email=email,
        access_token=body["access_token"],
        refresh_token=body["refresh_token"],
        workspace_id=body["workspace_id"],
        user_id=str(user_id),
    )


async def call(
    client: httpx.AsyncClient, person: Account, method: str, path: str, expect: int = 200, **kwargs: Any
) -> Any:
    response = await client.request(method, f"{ADMIN}{path}", headers=bearer(person.access_token), **kwargs)
    assert response.status_code == expect, response.text
    return response.json() if response.content else None
