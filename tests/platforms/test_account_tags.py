"""Account tags (create, update, import; cleaned and checked) and picking accounts by filters through the facade."""

from __future__ import annotations

import uuid

import httpx

from backend.platforms import service as platforms
from tests.helpers import names_field, register
from tests.platforms.helpers import business_account, create

BASE = "/api/v1/accounts"


async def test_tags_are_trimmed_lower_cased_and_deduplicated(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    tags = [" Fashion ", "EU", "fashion", "spring  drop"]
    created = await create(client, owner, "accounts", platform="sandbox", login="alice", tags=tags)
    assert created["tags"] == ["fashion", "eu", "spring drop"]
    untagged = await create(client, owner, "accounts", platform="sandbox", login="bob")
    assert untagged["tags"] == []

    changed = await client.patch(f"{BASE}/{created['id']}", headers=owner.headers, json={"tags": ["Shoes"]})
    assert changed.status_code == 200, changed.text
    assert changed.json()["tags"] == ["shoes"]
    label_only = await client.patch(f"{BASE}/{created['id']}", headers=owner.headers, json={"label": "Main"})
    assert label_only.json()["tags"] == ["shoes"]  # not sent: kept
    listed = (await client.get(BASE, headers=owner.headers)).json()["items"]
    assert {a["login"]: a["tags"] for a in listed} == {"alice": ["shoes"], "bob": []}


async def test_a_bad_tag_is_a_400_naming_tags(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    account = await create(client, owner, "accounts", platform="sandbox", login="alice", tags=["kept"])
    bad_lists = [
        ["   "],
        ["x" * 33],
        ["a,b"],
        [f"tag{n}" for n in range(21)],
        "fashion",  # not a list
        [7],
    ]
    for tags in bad_lists:
        body = {"platform": "sandbox", "login": f"user-{uuid.uuid4().hex[:8]}", "tags": tags}
        response = await client.post(BASE, headers=owner.headers, json=body)
        assert response.status_code == 400, (tags, response.text)
        assert names_field(response.json(), "tags"), response.json()
        patched = await client.patch(f"{BASE}/{account['id']}", headers=owner.headers, json={"tags": tags})
        assert patched.status_code == 400, (tags, patched.text)
        assert names_field(patched.json(), "tags"), patched.json()
    # Twenty distinct tags are fine, and so are 21 that are 20 once duplicates are dropped.
    twenty = [f"tag{n}" for n in range(20)]
    ok = await client.patch(f"{BASE}/{account['id']}", headers=owner.headers, json={"tags": [*twenty, "TAG0"]})
    assert ok.status_code == 200, ok.text
    assert ok.json()["tags"] == twenty
    assert len((await client.get(BASE, headers=owner.headers)).json()["items"]) == 1  # no bad one was created


async def test_import_reads_tags_from_a_csv_cell_and_json_lists(client: httpx.AsyncClient) -> None:
    owner = await business_account(client)
    csv = 'platform,login,tags\nsandbox,alice,"Fashion, EU"\nsandbox,bob,shoes;eu\nsandbox,carol,' + "y" * 40 + "\n"
    response = await client.post(
        f"{BASE}/import", headers={**owner.headers, "Content-Type": "text/csv"}, content=csv.encode()
    )
    report = response.json()
    assert (report["created"], report["failed"]) == (2, 1), report
    assert "tags" in report["rows"][2]["reason"]
    as_json = await client.post(
        f"{BASE}/import", headers=owner.headers, json=[{"platform": "tiktok", "login": "dave", "tags": ["Clips"]}]
    )
    assert as_json.json()["created"] == 1, as_json.text
    accounts = (await client.get(BASE, headers=owner.headers)).json()["items"]
    assert {a["login"]: a["tags"] for a in accounts} == {
        "alice": ["fashion", "eu"],
        "bob": ["shoes", "eu"],
        "dave": ["clips"],
    }


async def test_accounts_matching_applies_every_filter_in_a_stable_order(client: httpx.AsyncClient) -> None:
    owner = await business_account(client)
    workspace_id = uuid.UUID(owner.workspace_id)
    proxy = await create(client, owner, "proxies", host="10.0.0.7", port=3128)
    profile = await create(client, owner, "profiles", name="Desk", user_agent="Mozilla/5.0 test")

    async def account(login: str, platform: str = "sandbox", **extra: object) -> str:
        made = await create(client, owner, "accounts", platform=platform, login=login, **extra)
        return str(made["id"])

    a = await account("a", tags=["fashion", "eu"], proxy_id=proxy["id"])
    b = await account("b", tags=["fashion"], profile_id=profile["id"])
    c = await account("c", "tiktok", tags=["fashion", "eu", "video"], proxy_id=proxy["id"])
    d = await account("d", "pinterest")
    paused = await client.patch(f"{BASE}/{d}", headers=owner.headers, json={"status": "inactive"})
    assert paused.status_code == 200

    async def ids(**filters: object) -> list[str]:
        return [str(acc.id) for acc in await platforms.accounts_matching(workspace_id, **filters)]  # type: ignore[arg-type]

    assert await ids() == [a, b, c, d]  # no filter: all, oldest first
    assert await ids(tags=["fashion"]) == [a, b, c]
    assert await ids(tags=["Fashion ", "EU"]) == [a, c]  # all of the tags, compared as stored
    assert await ids(tags=["fashion", "nope"]) == []
    assert await ids(platforms=["sandbox", "pinterest"]) == [a, b, d]
    assert await ids(statuses=["active"]) == [a, b, c]
    assert await ids(statuses=["inactive"], platforms=["pinterest"]) == [d]
    assert await ids(proxy_id=uuid.UUID(proxy["id"])) == [a, c]
    assert await ids(proxy_id=uuid.UUID(proxy["id"]), platforms=["tiktok"], tags=["video"]) == [c]
    assert await ids(profile_id=uuid.UUID(profile["id"])) == [b]
    matched = await platforms.accounts_matching(workspace_id, tags=["eu"])
    assert [m.tags for m in matched] == [["fashion", "eu"], ["fashion", "eu", "video"]]

    # Another workspace's accounts are never matched, whatever the filter.
    stranger = await business_account(client)
    await create(client, stranger, "accounts", platform="sandbox", login="a", tags=["fashion"])
    assert await ids(tags=["fashion"]) == [a, b, c]
    assert [acc.login for acc in await platforms.accounts_matching(uuid.UUID(stranger.workspace_id))] == ["a"]
