"""Role and superuser guards, on a route mounted behind the real token check."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from litestar import Litestar, get

from backend.auth.security import build_jwt_auth
from backend.core.errors import EXCEPTION_HANDLERS
from backend.core.principal import Role, requires_role, requires_superuser
from backend.settings import get_settings
from tests.helpers import register


@get("/billing-like", guards=[requires_role(Role.owner, Role.admin)])
async def owners_and_admins_only() -> dict[str, str]:
    return {"ok": "yes"}


@get("/superuser-only", guards=[requires_superuser])
async def superusers_only() -> dict[str, str]:
    return {"ok": "yes"}


@pytest.fixture
async def guarded(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    guarded_app = Litestar(
        [owners_and_admins_only, superusers_only],
        on_app_init=[build_jwt_auth(get_settings()).on_app_init],
        exception_handlers=EXCEPTION_HANDLERS,
        logging_config=None,
    )
    guarded_app.state.redis = app.state.redis
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=guarded_app), base_url="http://t") as http:
        yield http


async def test_role_guard_follows_the_role_in_the_active_workspace(
    client: httpx.AsyncClient, guarded: httpx.AsyncClient
) -> None:
    owner = await register(client)
    member = await register(client)
    await client.post(
        f"/api/v1/workspaces/{owner.workspace_id}/members", headers=owner.headers, json={"email": member.email}
    )
    assert (await guarded.get("/billing-like", headers=owner.headers)).status_code == 200
    # The member owns their personal workspace...
    assert (await guarded.get("/billing-like", headers=member.headers)).status_code == 200
    # ...but is only a member in the owner's.
    switched = await client.post(f"/api/v1/workspaces/{owner.workspace_id}/switch", headers=member.headers)
    as_member = {"Authorization": f"Bearer {switched.json()['access_token']}"}
    refused = await guarded.get("/billing-like", headers=as_member)
    assert refused.status_code == 403
    assert refused.json() == {"status_code": 403, "detail": "This needs the admin or owner role in this workspace"}
    assert (await guarded.get("/billing-like")).status_code == 401
    assert (await guarded.get("/superuser-only", headers=owner.headers)).status_code == 403
