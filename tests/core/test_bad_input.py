"""Bad input gets a clear 4xx naming the problem, never a 500, and stores nothing."""

from __future__ import annotations

import httpx
import pytest

from backend.auth.tables import User
from tests.helpers import PASSWORD, register

REGISTER = "/api/v1/auth/register"


async def _post_raw(client: httpx.AsyncClient, url: str, body: bytes, **headers: str) -> httpx.Response:
    return await client.post(url, content=body, headers={"Content-Type": "application/json", **headers})


@pytest.mark.parametrize(
    "body",
    [b"{", b'{"email": "a@example.com",', b"not json", b'{"email": "a@example.com"} trailing', b"\xff\xfe"],
    ids=["open-brace", "truncated", "words", "trailing", "bad-bytes"],
)
async def test_malformed_json_is_a_400_that_says_so(client: httpx.AsyncClient, body: bytes) -> None:
    response = await _post_raw(client, REGISTER, body)
    assert response.status_code == 400, response.text
    assert response.json()["status_code"] == 400
    assert "JSON" in response.json()["detail"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"email": 5, "password": PASSWORD}, "email"),
        ({"email": "a@example.com", "password": ["x"]}, "password"),
        ({"email": "a@example.com", "password": PASSWORD, "workspace_name": {"x": 1}}, "workspace_name"),
        ({"email": None, "password": PASSWORD}, "email"),
        ({"password": PASSWORD}, "email"),
        ({"email": "a@example.com"}, "password"),
        ({"email": "a@example.com", "password": "short"}, "password"),
        ({"email": "a@example.com", "password": "x" * 129}, "password"),
        ({"email": "a" * 310 + "@example.com", "password": PASSWORD}, "email"),
        ({"email": "a@example.com", "password": PASSWORD, "full_name": "n" * 201}, "full_name"),
        ({"email": "a@example.com", "password": PASSWORD, "workspace_name": "w" * 101}, "workspace_name"),
        ({"email": "", "password": PASSWORD}, "email"),
        ({"email": "a@example.com", "password": ""}, "password"),
        ({"email": "a@example.com", "password": PASSWORD, "workspace_name": ""}, "workspace_name"),
        ({"email": "a@example.com", "password": PASSWORD, "workspace_name": "   "}, "workspace_name"),
        ({"email": "not-an-email", "password": PASSWORD}, "email"),
        ({"email": "a@example.com", "password": PASSWORD, "full_name": "nul\x00byte"}, "full_name"),
        ({"email": "a@exa\x00mple.com", "password": PASSWORD}, "email"),
        ({"email": "a@example.com", "password": PASSWORD, "is_superuser": True}, "is_superuser"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
async def test_bad_fields_are_a_400_naming_the_field(
    client: httpx.AsyncClient, payload: dict[str, object], field: str
) -> None:
    response = await client.post(REGISTER, json=payload)
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["status_code"] == 400
    assert field in body["detail"], body
    assert await User.count() == 0


async def test_a_json_array_or_scalar_body_is_a_400(client: httpx.AsyncClient) -> None:
    for body in (b"[]", b"42", b'"text"', b"null"):
        response = await _post_raw(client, REGISTER, body)
        assert response.status_code == 400, (body, response.text)
        assert response.json()["detail"]


async def test_unicode_is_accepted_and_kept(client: httpx.AsyncClient) -> None:
    response = await client.post(
        REGISTER,
        json={
            "email": "zoë@exämple.com",
            "password": "pässwörd 🔑 ünïcode",
            "full_name": "Zoë Łódź 🚀",
            "workspace_name": "Boutique 東京 ✨",
        },
    )
    assert response.status_code == 201, response.text
    token = response.json()["access_token"]
    me = (await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})).json()
    assert me["user"]["full_name"] == "Zoë Łódź 🚀"
    assert me["workspace"]["name"] == "Boutique 東京 ✨"
    login = await client.post(
        "/api/v1/auth/login", json={"email": "ZOË@exämple.com", "password": "pässwörd 🔑 ünïcode"}
    )
    assert login.status_code == 200, login.text


async def test_lone_surrogates_are_refused_not_crashing(client: httpx.AsyncClient) -> None:
    body = b'{"email": "a@example.com", "password": "correct horse", "full_name": "\\ud800"}'
    response = await _post_raw(client, REGISTER, body)
    assert 400 <= response.status_code < 500, response.text


async def test_bad_input_on_authenticated_routes(client: httpx.AsyncClient) -> None:
    account = await register(client)
    ws = account.workspace_id
    cases = [
        ("POST", "/api/v1/workspaces", {"name": ""}, "name"),
        ("POST", "/api/v1/workspaces", {"name": "x" * 101}, "name"),
        ("POST", "/api/v1/workspaces", {}, "name"),
        ("PATCH", f"/api/v1/workspaces/{ws}", {"name": 12}, "name"),
        ("POST", f"/api/v1/workspaces/{ws}/members", {"email": "someone@example.com", "role": "king"}, "role"),
        ("POST", f"/api/v1/workspaces/{ws}/members", {"email": "nope"}, "email"),
        ("PATCH", f"/api/v1/workspaces/{ws}/members/{account.user_id}", {"role": None}, "role"),
        ("GET", "/api/v1/workspaces/not-a-uuid", None, "workspace_id"),
    ]
    for method, url, body, field in cases:
        response = await client.request(method, url, headers=account.headers, json=body)
        assert 400 <= response.status_code < 500, (method, url, response.text)
        if response.status_code == 400:
            assert field in response.json()["detail"], (method, url, response.text)
    workspaces = (await client.get("/api/v1/workspaces", headers=account.headers)).json()
    assert workspaces["total"] == 1


async def test_unknown_route_and_wrong_method_are_json(client: httpx.AsyncClient) -> None:
    unknown = await client.get("/api/v1/no-such-thing")
    assert unknown.status_code == 404
    assert unknown.json() == {"status_code": 404, "detail": unknown.json()["detail"]}
    unknown_post = await client.post("/api/v1/no/such/thing", json={})
    assert unknown_post.status_code == 404
    assert unknown_post.json()["status_code"] == 404
    wrong_method = await client.put("/api/v1/auth/login", json={})
    assert wrong_method.status_code == 405
    assert wrong_method.json()["status_code"] == 405


async def test_a_server_error_is_json_without_internals() -> None:
    from litestar import Litestar, get

    from backend.core.errors import EXCEPTION_HANDLERS

    @get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret internal detail at /srv/app.py line 42")

    app = Litestar([boom], exception_handlers=EXCEPTION_HANDLERS, logging_config=None)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        response = await http.get("/boom")
    assert response.status_code == 500
    assert response.json() == {"status_code": 500, "detail": "Internal server error"}
    assert "secret" not in response.text
    assert "Traceback" not in response.text
