"""Shared steps of the rules tests: a platform account, drafts, rules made through the API."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import httpx

from backend.listings.tables import Listing
from tests.helpers import Account

RULES = "/api/v1/automation/rules"
SANDBOX_PASSWORD = "sandbox-pass-1"


async def make_account(client: httpx.AsyncClient, owner: Account, login: str = "alice", **extra: Any) -> str:
    body = {"platform": "sandbox", "login": login, "password": SANDBOX_PASSWORD, **extra}
    response = await client.post("/api/v1/accounts", headers=owner.headers, json=body)
    assert response.status_code == 201, response.text
    account_id: str = response.json()["id"]
    return account_id


async def make_draft(owner: Account, title: str = "Blue denim jacket", price: str = "20.00", **extra: Any) -> str:
    listing_id = uuid.uuid4()
    await Listing.insert(
        Listing(
            id=listing_id,
            workspace=uuid.UUID(owner.workspace_id),
            title=title,
            description="Good condition, from a smoke-free home.",
            price=Decimal(price),
            **extra,
        )
    )
    return str(listing_id)


def rule_body(account_id: str, kind: str = "bump", **extra: Any) -> dict[str, Any]:
    params = extra.pop("params", {"oldest": 3} if kind == "bump" else {})
    return {"account_id": account_id, "name": f"My {kind} rule", "kind": kind, "params": params, **extra}


async def create_rule(client: httpx.AsyncClient, owner: Account, account_id: str, **extra: Any) -> dict[str, Any]:
    response = await client.post(RULES, headers=owner.headers, json=rule_body(account_id, **extra))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body
