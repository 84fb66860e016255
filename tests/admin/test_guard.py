"""Every /api/v1/admin route is for superusers only: walked from the app's route table, so a new route
cannot be forgotten."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx

from tests.admin.helpers import superuser
from tests.helpers import register

PARAM = re.compile(r"\{[^}]+\}")


def _admin_routes(app: Any) -> list[tuple[str, str]]:
    found = []
    for route in app.routes:
        if not route.path.startswith("/api/v1/admin"):
            continue
        path = PARAM.sub(str(uuid.uuid4()), route.path)
        found.extend((method, path) for method in sorted(route.methods) if method not in {"HEAD", "OPTIONS"})
    return found


async def test_a_non_superuser_gets_403_on_every_admin_route(app: Any, client: httpx.AsyncClient) -> None:
    routes = _admin_routes(app)
    assert len(routes) >= 15, routes  # the walk found the console (users, workspaces, overrides, jobs, …)
    person = await register(client)  # the owner of their own workspace, not a superuser
    for method, path in routes:
        response = await client.request(method, path, headers=person.headers, json={})
        assert response.status_code == 403, (method, path, response.status_code, response.text)
        anonymous = await client.request(method, path, json={})
        assert anonymous.status_code == 401, (method, path, anonymous.status_code)


async def test_a_superuser_passes_the_guard(client: httpx.AsyncClient) -> None:
    root = await superuser(client)
    response = await client.get("/api/v1/admin/users", headers=root.headers)
    assert response.status_code == 200, response.text
    assert root.email in [u["email"] for u in response.json()["items"]]
