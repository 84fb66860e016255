"""Every /api/v1/admin route is for superusers only: walked from the app's route table, so a new route
cannot be forgotten."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx

from tests.admin.helpers import superuser
from tests.audit.helpers import rows
from tests.helpers import register

PARAM = re.compile(r"\{[^}]+\}")
UUID_IN = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-")


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


async def test_each_console_read_without_parameters_leaves_one_audit_row(app: Any, client: httpx.AsyncClient) -> None:
    root = await superuser(client)
    reads = [path for method, path in _admin_routes(app) if method == "GET" and not UUID_IN.search(path)]
    assert "/api/v1/admin/system" in reads
    for path in reads:
        before = len(await rows())
        response = await client.get(path, headers=root.headers)
        assert response.status_code == 200, (path, response.text)
        new = (await rows())[before:]
        if path == "/api/v1/admin/system":
            assert new == [], "the system status is a health poll: not audited"
            continue
        assert len(new) == 1, (path, new)
        assert new[0]["action"].startswith("admin.")
        assert (str(new[0]["actor_id"]), new[0]["actor_email"]) == (root.user_id, root.email)
