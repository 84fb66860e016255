"""Message templates: CRUD, variables, preview, unknown variable → 400 naming it, the AI variant, tenancy."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.fake_openai import FakeServer, completion, serve
from tests.helpers import register

BASE = "/api/v1/automation/templates"


async def test_crud_lists_the_variables_a_body_uses(client: httpx.AsyncClient) -> None:
    account = await register(client)
    body = "Hi {username}! {item_title} is now {discount_price} instead of {price}. {{{my_name}}} — {username}"
    created = await client.post(BASE, headers=account.headers, json={"name": "  Likers   offer ", "body": body})
    assert created.status_code == 201, created.text
    template = created.json()
    assert template["name"] == "Likers offer"
    assert template["body"] == body
    assert template["ai_variant"] is False
    assert template["variables"] == ["username", "item_title", "discount_price", "price", "my_name"]

    other = await client.post(
        BASE, headers=account.headers, json={"name": "A welcome", "body": "Thanks for the follow!", "ai_variant": True}
    )
    assert other.status_code == 201, other.text
    assert other.json()["variables"] == []

    page = (await client.get(BASE, headers=account.headers)).json()
    assert page["total"] == 2
    assert [t["name"] for t in page["items"]] == ["A welcome", "Likers offer"]

    changed = await client.patch(
        f"{BASE}/{template['id']}", headers=account.headers, json={"body": "Hello {my_name}", "ai_variant": True}
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["body"], changed.json()["variables"], changed.json()["ai_variant"]) == (
        "Hello {my_name}",
        ["my_name"],
        True,
    )
    assert changed.json()["name"] == "Likers offer"
    fetched = await client.get(f"{BASE}/{template['id']}", headers=account.headers)
    assert fetched.json()["body"] == "Hello {my_name}"

    assert (await client.delete(f"{BASE}/{template['id']}", headers=account.headers)).status_code == 204
    assert (await client.get(f"{BASE}/{template['id']}", headers=account.headers)).status_code == 404
    assert (await client.get(BASE, headers=account.headers)).json()["total"] == 1


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ("Hi {name}", "{name}"),
        ("Hi {username} {Price}", "{Price}"),
        ("Only {} here", "{}"),
        ("Formatted {price:>10}", "{price:>10}"),
        ("Open { brace", "brace"),
        ("Stray } brace", "brace"),
    ],
)
async def test_unknown_variable_is_a_400_naming_it(client: httpx.AsyncClient, body: str, named: str) -> None:
    account = await register(client)
    for response in (
        await client.post(BASE, headers=account.headers, json={"name": "T", "body": body}),
        await client.post(f"{BASE}/preview", headers=account.headers, json={"body": body}),
    ):
        assert response.status_code == 400, response.text
        detail = response.json()["detail"]
        assert detail.startswith("body:")
        assert named in detail
        assert "{username}" in detail  # says what can be used
    created = (await client.post(BASE, headers=account.headers, json={"name": "T", "body": "ok"})).json()
    patched = await client.patch(f"{BASE}/{created['id']}", headers=account.headers, json={"body": body})
    assert patched.status_code == 400
    assert named in patched.json()["detail"]


async def test_bad_input_names_the_field(client: httpx.AsyncClient) -> None:
    account = await register(client)
    for payload, field in [
        ({"name": "", "body": "x"}, "name"),
        ({"name": "   ", "body": "x"}, "name"),
        ({"name": "T", "body": ""}, "body"),
        ({"name": "T", "body": "   "}, "body"),
        ({"name": "T", "body": "x" * 2001}, "body"),
        ({"name": "T"}, "body"),
        ({"name": "T", "body": "x", "colour": "red"}, "colour"),
    ]:
        response = await client.post(BASE, headers=account.headers, json=payload)
        assert response.status_code == 400, (payload, response.text)
        assert field in json.dumps(response.json()), (payload, response.json())


async def test_preview_fills_sample_defaults(client: httpx.AsyncClient) -> None:
    account = await register(client)
    body = "Hi {username}, {item_title} for {discount_price} (was {price}) — {my_name}. {{literal}}"
    default = await client.post(f"{BASE}/preview", headers=account.headers, json={"body": body})
    assert default.status_code == 200, default.text
    assert default.json() == {
        "text": "Hi jane_doe, Vintage denim jacket for 22.50 (was 25.00) — my_shop. {literal}",
        "variables": ["username", "item_title", "discount_price", "price", "my_name"],
    }
    sample = {"username": "bob", "price": "40.00"}
    custom = await client.post(f"{BASE}/preview", headers=account.headers, json={"body": body, "sample": sample})
    assert custom.json()["text"] == "Hi bob, Vintage denim jacket for 22.50 (was 40.00) — my_shop. {literal}"
    unknown_sample = await client.post(
        f"{BASE}/preview", headers=account.headers, json={"body": body, "sample": {"nickname": "x"}}
    )
    assert unknown_sample.status_code == 400
    assert "nickname" in unknown_sample.text


async def test_another_workspace_templates_are_not_found(client: httpx.AsyncClient) -> None:
    owner, stranger = await register(client), await register(client)
    template = (await client.post(BASE, headers=owner.headers, json={"name": "Mine", "body": "Hi {username}"})).json()
    url = f"{BASE}/{template['id']}"
    assert (await client.get(url, headers=stranger.headers)).status_code == 404
    assert (await client.patch(url, headers=stranger.headers, json={"name": "Theirs"})).status_code == 404
    assert (await client.delete(url, headers=stranger.headers)).status_code == 404
    assert (await client.get(BASE, headers=stranger.headers)).json()["total"] == 0
    assert (await client.get(f"{BASE}/{uuid.uuid4()}", headers=owner.headers)).status_code == 404
    assert (await client.get(url, headers=owner.headers)).json()["name"] == "Mine"
    assert (await client.get(BASE)).status_code == 401


@pytest.fixture
def rewriting_openai() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """An OpenAI-compatible server that answers each chat completion with "Reworded for <recipient>"."""
    seen: list[dict[str, Any]] = []

    def answer(path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        seen.append(body)
        prompt = body["messages"][0]["content"][0]["text"]
        recipient = prompt.split("Recipient: ", 1)[1].split("\n", 1)[0]
        return 200, completion(f" Reworded for {recipient} ", body.get("model", "fake"))

    with serve(FakeServer(delay=0), answer) as state:
        yield state.url, seen


async def test_ai_variant_rewrites_per_recipient_and_local_keeps_the_text(
    client: httpx.AsyncClient, override_env: Any, rewriting_openai: tuple[str, list[dict[str, Any]]]
) -> None:
    from backend.automation.templates import service

    account = await register(client)
    workspace = uuid.UUID(account.workspace_id)
    plain = (await client.post(BASE, headers=account.headers, json={"name": "P", "body": "Hi {username}"})).json()
    ai = (
        await client.post(
            BASE, headers=account.headers, json={"name": "A", "body": "Hi {username}", "ai_variant": True}
        )
    ).json()
    values = {"username": "bob"}

    override_env(AI_PROVIDER="local")
    assert await service.message_for(workspace, uuid.UUID(ai["id"]), values, "bob") == "Hi bob"

    url, seen = rewriting_openai
    override_env(AI_PROVIDER="openai", OPENAI_API_KEY="sk-test-fake", OPENAI_BASE_URL=f"{url}/v1")
    assert await service.message_for(workspace, uuid.UUID(ai["id"]), values, "bob") == "Reworded for bob"
    assert "Hi bob" in seen[-1]["messages"][0]["content"][0]["text"]
    asked = len(seen)
    assert await service.message_for(workspace, uuid.UUID(plain["id"]), values, "bob") == "Hi bob"
    assert len(seen) == asked  # a plain template never asks the AI
