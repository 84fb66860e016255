"""Projects and collections through the API: made, listed, edited, deleted; bad input named; another
workspace's projects, collections and images are not found; starts and retries are rate limited."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.collect.helpers import API, act, collection, owner, platform_account, project
from tests.helpers import names_field


async def test_projects_and_collections_are_made_listed_edited_and_deleted(client: httpx.AsyncClient) -> None:
    person = await owner(client)
    made = await collection(
        client, person, keywords=[" cats ", "Cats", "kittens"], sources=["feed_search", "board_ideas"]
    )
    assert made["status"] == "draft"
    assert made["keywords"] == ["cats", "kittens"]  # trimmed, each once
    assert (made["max_images"], made["validation_level"], made["threshold"]) == (100, "fast", 0.5)

    listed = (
        await client.get(f"{API}/collections", headers=person.headers, params={"project_id": made["project_id"]})
    ).json()
    assert [c["id"] for c in listed["items"]] == [made["id"]]
    assert (await client.get(f"{API}/collections", headers=person.headers, params={"status": "running"})).json()[
        "total"
    ] == 0
    projects = (await client.get(f"{API}/projects", headers=person.headers)).json()["items"]
    assert [(p["id"], p["collections"]) for p in projects] == [(made["project_id"], 1)]

    edited = await client.patch(
        f"{API}/collections/{made['id']}", headers=person.headers, json={"max_images": 50, "brief": "Cats indoors"}
    )
    assert edited.status_code == 200, edited.text
    assert (edited.json()["max_images"], edited.json()["brief"]) == (50, "Cats indoors")

    assert (await client.delete(f"{API}/projects/{made['project_id']}", headers=person.headers)).status_code == 204
    assert (await client.get(f"{API}/collections/{made['id']}", headers=person.headers)).status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"max_images": 0}, "max_images"),
        ({"max_images": 10_001}, "max_images"),
        ({"sources": ["feed_search", "tiktok_trends"]}, "sources"),
        ({"threshold": 1.5}, "threshold"),
        ({"threshold": -0.1}, "threshold"),
        ({"validation_level": "paranoid"}, "validation_level"),
        ({"keywords": []}, "keywords"),
    ],
)
async def test_bad_input_is_refused_naming_the_field(
    client: httpx.AsyncClient, change: dict[str, Any], field: str
) -> None:
    person = await owner(client)
    body = {
        "project_id": await project(client, person),
        "name": "Cats",
        "keywords": ["cats"],
        "account_id": await platform_account(client, person),
        **change,
    }
    response = await client.post(f"{API}/collections", headers=person.headers, json=body)
    assert response.status_code == 400, response.text
    assert names_field(response.json(), field), response.json()


async def test_validate_with_an_unknown_level_is_refused_naming_it(client: httpx.AsyncClient) -> None:
    person = await owner(client)
    made = await collection(client, person)
    response = await client.post(
        f"{API}/collections/{made['id']}/validate", headers=person.headers, json={"level": "paranoid"}
    )
    assert response.status_code == 400
    assert names_field(response.json(), "level")


async def test_another_workspaces_projects_collections_and_images_are_not_found(client: httpx.AsyncClient) -> None:
    person, stranger = await owner(client), await owner(client)
    made = await collection(client, person)
    cid, pid = made["id"], made["project_id"]
    for method, path in [
        ("GET", f"/projects/{pid}"),
        ("PATCH", f"/projects/{pid}"),
        ("DELETE", f"/projects/{pid}"),
        ("GET", f"/collections/{cid}"),
        ("PATCH", f"/collections/{cid}"),
        ("DELETE", f"/collections/{cid}"),
        ("POST", f"/collections/{cid}/start"),
        ("POST", f"/collections/{cid}/stop"),
        ("GET", f"/collections/{cid}/progress"),
        ("GET", f"/collections/{cid}/images"),
        ("GET", f"/collections/{cid}/export"),
        ("PATCH", f"/collections/{cid}/images/{cid}"),
    ]:
        body = {"status": "approved"} if "images/" in path else ({} if method == "PATCH" else None)
        response = await client.request(method, f"{API}{path}", headers=stranger.headers, json=body)
        assert response.status_code == 404, (method, path, response.text)
    # Nor can a stranger file a collection under the project, or crawl with the account.
    body = {"project_id": pid, "name": "Mine", "keywords": ["x"], "account_id": made["account_id"]}
    refused = await client.post(f"{API}/collections", headers=stranger.headers, json=body)
    assert refused.status_code == 400
    assert names_field(refused.json(), "project_id")
    assert (await client.get(f"{API}/collections", headers=stranger.headers)).json()["total"] == 0
    assert (await client.get(f"{API}/projects", headers=stranger.headers)).json()["total"] == 0


async def test_the_eleventh_start_in_a_minute_is_refused_with_retry_after(
    client: httpx.AsyncClient, override_env: Any
) -> None:
    override_env(RATE_LIMIT_COLLECT_START="10/minute", RATE_LIMIT_COLLECT_RETRY="5/minute")
    person = await owner(client)
    account_id = await platform_account(client, person)
    made = [await collection(client, person, account_id=account_id) for _ in range(3)]
    codes = []
    for n in range(11):
        cid = made[n % 3]["id"]
        response = await act(client, person, cid, "start")
        codes.append(response.status_code)
        if response.status_code == 200:
            await act(client, person, cid, "stop")  # so the next start is a real one again
    assert codes[:10] == [200] * 10
    assert codes[10] == 429
    limited = await act(client, person, made[0]["id"], "start")
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) >= 1
    # Retries have their own, smaller budget: the sixth in a minute is refused (a draft is not failed: 409).
    retries = [(await act(client, person, made[0]["id"], "retry")).status_code for _ in range(6)]
    assert retries == [409] * 5 + [429]
