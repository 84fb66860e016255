"""Bad input gets a clear 4xx naming the problem, never a 500, and stores nothing."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from typing import Annotated, Literal

import httpx
import msgspec
import pytest
from litestar import Litestar, get, post
from litestar.params import FromQuery, HeaderParameter, JSONBody

from backend.auth.tables import User
from tests.helpers import PASSWORD, names_field, register

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
    assert names_field(body, field), body
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
            assert names_field(response.json(), field), (method, url, response.text)
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


def _nested(depth: int, inner: bytes = b"1") -> bytes:
    return b"[" * depth + inner + b"]" * depth


@pytest.mark.parametrize("depth", [65, 1_000, 100_000])
async def test_deeply_nested_json_is_a_400_on_every_json_route(client: httpx.AsyncClient, depth: int) -> None:
    account = await register(client)
    deep_value = _nested(depth)
    cases = [
        ("POST", "/api/v1/auth/login", b'{"email": "a@example.com", "password": ' + deep_value + b"}", {}),
        ("POST", REGISTER, b'{"email": ' + deep_value + b', "password": "correct horse"}', {}),
        ("POST", "/api/v1/auth/refresh", deep_value, {}),
        ("POST", "/api/v1/workspaces", b'{"name": ' + deep_value + b"}", account.headers),
        ("POST", "/api/v1/accounts/import", deep_value, account.headers),
        # Handlers decode JSON whatever the Content-Type says.
        ("POST", "/api/v1/auth/login", b"{" * depth, {"Content-Type": "text/plain"}),
    ]
    for method, url, body, headers in cases:
        response = await client.request(
            method, url, content=body, headers={"Content-Type": "application/json", **headers}
        )
        assert response.status_code == 400, (url, response.text[:300])
        assert "nested too deeply" in response.json()["detail"], (url, response.text[:300])
    assert await User.count() == 1


async def test_nesting_within_the_limit_and_brackets_in_strings_are_ordinary_input(
    client: httpx.AsyncClient,
) -> None:
    # 64 levels are allowed (the schema then refuses a list where a string belongs)...
    response = await _post_raw(client, REGISTER, b'{"email": ' + _nested(63) + b', "password": "correct horse"}')
    assert response.status_code == 400, response.text
    assert "nested" not in response.json()["detail"]
    # ...and brackets inside strings are text, however many.
    name = "[{" * 100  # 200 opening brackets, the most full_name takes
    response = await client.post(REGISTER, json={"email": "b@example.com", "password": PASSWORD, "full_name": name})
    assert response.status_code == 201, response.text[:300]


@pytest.mark.parametrize("log_json", [False, True], ids=["console", "json"])
async def test_a_server_error_is_logged_without_the_request_body(
    capsys: pytest.CaptureFixture[str], log_json: bool
) -> None:
    from litestar import Litestar, post

    from backend.core.errors import EXCEPTION_HANDLERS
    from backend.observability.logging import configure_logging
    from backend.settings import ObservabilitySettings

    @post("/boom")
    async def boom(data: JSONBody[dict[str, str]]) -> None:
        password = data["password"]
        raise RuntimeError(f"crashed after reading {len(password)} characters")

    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    try:
        configure_logging(
            ObservabilitySettings(log_level="INFO", log_json=log_json, sentry_dsn=None, sentry_traces_sample_rate=0.0)
        )
        app = Litestar([boom], exception_handlers=EXCEPTION_HANDLERS, logging_config=None)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
            response = await http.post("/boom", json={"password": "hunter2-in-the-body"})
    finally:
        root.handlers, root.level = saved_handlers, saved_level
    assert response.status_code == 500
    logged = capsys.readouterr().err
    assert "unhandled_error" in logged
    assert "RuntimeError" in logged
    assert "hunter2" not in logged


LIST_ROUTES = ["/api/v1/accounts", "/api/v1/proxies", "/api/v1/profiles", "/api/v1/listings", "/api/v1/jobs"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("offset=9223372036854775808", "offset"),
        ("offset=99999999999999999999999999", "offset"),
        ("offset=-1", "offset"),
        ("limit=9223372036854775808", "limit"),
        ("limit=0", "limit"),
        ("limit=abc", "limit"),
        ("offset=ten", "offset"),
    ],
)
async def test_out_of_range_paging_is_a_400_naming_the_parameter(
    client: httpx.AsyncClient, query: str, field: str
) -> None:
    account = await register(client)
    for route in [*LIST_ROUTES, "/api/v1/workspaces"]:
        response = await client.get(f"{route}?{query}", headers=account.headers)
        assert response.status_code == 400, (route, response.text)
        assert names_field(response.json(), field), (route, response.text)


async def test_the_largest_offset_allowed_is_an_empty_page(client: httpx.AsyncClient) -> None:
    from backend.core.pagination import MAX_OFFSET

    account = await register(client)
    for route in [*LIST_ROUTES, "/api/v1/workspaces"]:
        response = await client.get(f"{route}?offset={MAX_OFFSET}", headers=account.headers)
        assert response.status_code == 200, (route, response.text)
        assert response.json()["items"] == []
        assert response.json()["offset"] == MAX_OFFSET


@pytest.mark.parametrize(
    ("method", "url", "body", "detail"),
    [
        ("POST", REGISTER, {"email": "a@example.com", "password": "short"}, "Password: use at least 8 characters"),
        ("POST", REGISTER, {"email": "a@example.com", "password": "x" * 129}, "Password: use at most 128 characters"),
        ("POST", REGISTER, {"password": PASSWORD}, "Email: is required"),
        ("POST", REGISTER, {"email": 5, "password": PASSWORD}, "Email: expected text"),
        ("POST", REGISTER, {"email": "", "password": PASSWORD}, "Email: use at least 3 characters"),
        (
            "POST",
            REGISTER,
            {"email": "a@example.com", "password": PASSWORD, "is_superuser": True},
            "Is superuser: is not a field this accepts",
        ),
        (
            "POST",
            REGISTER,
            {"email": "a@example.com", "password": PASSWORD, "full_name": "nul\x00byte"},
            "Full name: use one line of text, without control characters",
        ),
        ("POST", REGISTER, [1], "Request body: expected an object"),
        ("PATCH", "/api/v1/listings/{listing}", {"currency": "eur"}, "Currency: use a 3-letter code like EUR"),
        ("PATCH", "/api/v1/listings/{listing}", {"price": -1}, "Price: must be at least 0"),
        ("PATCH", "/api/v1/listings/{listing}", {"price": 2_000_000}, "Price: must be at most 1,000,000"),
        ("PATCH", "/api/v1/listings/{listing}", {"price": "cheap"}, "Price: expected a number"),
        ("PATCH", "/api/v1/listings/{listing}", {"title": ""}, "Title: cannot be empty"),
        (
            "PATCH",
            "/api/v1/listings/{listing}",
            {"condition": "meh"},
            "Condition: must be one of good, new_with_tags, new_without_tags, satisfactory, very_good",
        ),
        (
            "POST",
            "/api/v1/workspaces/{workspace}/members",
            {"email": "b@example.com", "role": "king"},
            "Role: must be one of admin, member, owner",
        ),
        (
            "POST",
            "/api/v1/listings/analyze",
            {"media_ids": ["nope"]},
            "Media IDs 1: is not a valid ID (like 123e4567-e89b-12d3-a456-426614174000)",
        ),
        ("POST", "/api/v1/listings/analyze", {"groups": [[]]}, "Groups 1: use at least 1 item"),
        ("POST", "/api/v1/accounts", {"platform": "sandbox", "login": "x", "daily_action_cap": 0}, None),
        ("POST", "/api/v1/proxies", {"host": "bad host!", "port": 80}, None),
        ("GET", "/api/v1/jobs?limit=abc", None, "Limit: expected a whole number"),
        ("GET", "/api/v1/jobs?offset=-5", None, "Offset: must be at least 0"),
        ("GET", "/api/v1/listings?order=up", None, "Order: use asc or desc"),
    ],
)
async def test_validation_messages_are_meant_for_people(
    client: httpx.AsyncClient, method: str, url: str, body: object, detail: str | None
) -> None:
    account = await register(client)
    url = url.format(listing="00000000-0000-4000-8000-000000000000", workspace=account.workspace_id)
    response = await client.request(method, url, headers=account.headers, json=body)
    assert response.status_code == 400, response.text
    error = response.json()
    expected = (
        detail
        or {
            "/api/v1/accounts": "Daily action cap: must be at least 1",
            "/api/v1/proxies": "Host: use a host name or IP address, like proxy.example.com or 203.0.113.5",
        }[url]
    )
    assert error["detail"] == expected
    assert "`" not in error["detail"]
    # The SPA puts each problem next to its field: the path, the label and the message.
    [problem] = error["extra"]
    assert f"{problem['label']}: {problem['message']}" == expected


class _Item(msgspec.Struct, forbid_unknown_fields=True):
    price: Annotated[float, msgspec.Meta(gt=0, lt=100)]
    quantity: Annotated[int, msgspec.Meta(multiple_of=5)] = 5


class _Order(msgspec.Struct, forbid_unknown_fields=True):
    items: Annotated[list[_Item], msgspec.Meta(max_length=2)]
    when: Annotated[datetime, msgspec.Meta(tz=True)] | None = None
    ref: uuid.UUID | None = None
    tags: Annotated[dict[str, str], msgspec.Meta(min_length=1)] | None = None
    size: Literal["s", "m", "l"] = "m"
    gift: bool = False


@post("/orders")
async def _create_order(data: JSONBody[_Order]) -> None:
    return None


async def test_every_constraint_kind_reads_as_words() -> None:
    from backend.core.errors import EXCEPTION_HANDLERS

    app = Litestar([_create_order], exception_handlers=EXCEPTION_HANDLERS, logging_config=None)
    cases = [
        ({"items": [{"price": 0}]}, "Items 1 price: must be more than 0"),
        ({"items": [{"price": 5}, {"price": 100}]}, "Items 2 price: must be less than 100"),
        ({"items": [{"price": 5, "quantity": 3}]}, "Items 1 quantity: must be a multiple of 5"),
        ({"items": [{}]}, "Items 1 price: is required"),
        ({"items": [{"price": 1}, {"price": 1}, {"price": 1}]}, "Items: use at most 2 items"),
        ({"items": [], "when": "yesterday"}, "When: is not a valid date and time (like 2026-11-30T15:00:00Z)"),
        ({"items": [], "when": "2026-11-30T15:00:00"}, "When: add a time zone (like 2026-11-30T15:00:00Z)"),
        ({"items": [], "ref": "x"}, "Ref: is not a valid ID (like 123e4567-e89b-12d3-a456-426614174000)"),
        ({"items": [], "ref": 5}, "Ref: expected an ID"),
        ({"items": [], "tags": {}}, "Tags: use at least 1 entry"),
        ({"items": [], "size": "xl"}, "Size: must be one of l, m, s"),
        ({"items": [], "gift": "yes"}, "Gift: expected true or false"),
        ({"items": "all"}, "Items: expected a list"),
    ]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        for body, detail in cases:
            response = await http.post("/orders", json=body)
            assert response.status_code == 400, (body, response.text)
            assert response.json()["detail"] == detail, body


@get("/search")
async def _search(
    q: FromQuery[str], page_size: FromQuery[int], api_key: Annotated[str, HeaderParameter(name="X-Api-Key")]
) -> None:
    return None


async def test_missing_parameters_read_as_words() -> None:
    from backend.core.errors import EXCEPTION_HANDLERS

    app = Litestar([_search], exception_handlers=EXCEPTION_HANDLERS, logging_config=None)
    cases = [
        ("/search?q=x&page_size=5", {}, "X-Api-Key: is required"),
        ("/search?page_size=5", {"X-Api-Key": "k"}, "Q: is required"),
        ("/search?q=x&page_size=many", {"X-Api-Key": "k"}, "Page size: expected a whole number"),
    ]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        for url, headers, detail in cases:
            response = await http.get(url, headers=headers)
            assert response.status_code == 400, (url, response.text)
            assert response.json()["detail"] == detail, url


async def test_a_deeply_nested_json_file_upload_is_a_400(client: httpx.AsyncClient) -> None:
    account = await register(client)
    deep = _nested(5_000, b'{"platform": "sandbox", "login": "x"}')
    response = await client.post(
        "/api/v1/accounts/import",
        headers=account.headers,
        files={"file": ("accounts.json", deep, "application/json")},
    )
    assert response.status_code == 400, response.text[:300]
    assert "nested too deeply" in response.json()["detail"]
