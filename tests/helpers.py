"""Small helpers the tests share: accounts and auth headers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx

PASSWORD = "correct horse battery"


@dataclass
class Account:
    email: str
    access_token: str
    refresh_token: str
    workspace_id: str
    user_id: str

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.access_token)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def register(client: httpx.AsyncClient, email: str | None = None, **extra: Any) -> Account:
    email = email or f"user-{uuid.uuid4().hex[:8]}@example.com"
    response = await client.post(
        "/api/v1/auth/register",
        json={"email": email, "password": PASSWORD, "full_name": "Test User", **extra},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    me = await client.get("/api/v1/auth/me", headers=bearer(body["access_token"]))
    assert me.status_code == 200, me.text
    return Account(
        email=email.lower(),
        access_token=body["access_token"],
        refresh_token=body["refresh_token"],
        workspace_id=body["workspace_id"],
        user_id=me.json()["user"]["id"],
    )


async def grant_plan(workspace_id: str, plan: str = "business") -> None:
    """Put a workspace on a paid plan directly (as an applied Stripe subscription would)."""
    import uuid as _uuid

    from backend.billing.tables import Subscription

    await Subscription.insert(Subscription(workspace=_uuid.UUID(workspace_id), plan=plan, status="active"))


def names_field(error: dict[str, Any], field: str) -> bool:
    """Whether an error response names `field` (`full_name`, `cookies[0].domain`): a validation problem in
    `extra` about it, or the detail naming it, as is or as its label ("Full name")."""
    keys = [str(item.get("key", "")) for item in error.get("extra") or [] if isinstance(item, dict)]
    if any(key == field or key.startswith((f"{field}.", f"{field}[")) for key in keys):
        return True
    detail = str(error.get("detail", ""))
    return field in detail or field.replace("_", " ").lower() in detail.lower()
