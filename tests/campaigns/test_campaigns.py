"""Campaigns themselves: create, edit, list, soft delete and restore, tenancy, bad input naming the field."""

from __future__ import annotations

import uuid

import httpx

from backend.campaigns.tables import CampaignPost
from tests.helpers import names_field, register

BASE = "/api/v1/campaigns"

BRIEF = {
    "name": "  Spring   drop ",
    "description": "Linen shirts for warm days",
    "brand_name": "Loom & Co",
    "target_audience": "women 25-40 who like slow fashion",
    "tone": "warm",
    "targeting": {"platforms": ["sandbox"], "tags": ["fashion"]},
    "strategy": "least_used",
    "schedule": {"active_from": "09:00", "active_to": "21:00", "timezone": "Europe/Paris", "spacing_minutes": 90},
}


async def _add_post(workspace_id: str, campaign_id: str, caption: str) -> None:
    await CampaignPost.insert(
        CampaignPost(
            workspace=uuid.UUID(workspace_id),
            campaign=uuid.UUID(campaign_id),
            caption=caption,
            content_state="ready",
            source="manual",
        )
    )


async def test_a_campaign_is_created_as_a_draft_and_edited(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    created = await client.post(BASE, headers=owner.headers, json=BRIEF)
    assert created.status_code == 201, created.text
    campaign = created.json()
    assert campaign["name"] == "Spring drop"
    assert campaign["status"] == "draft"
    assert campaign["strategy"] == "least_used"
    assert campaign["targeting"] == {"platforms": ["sandbox"], "tags": ["fashion"]}
    assert campaign["schedule"]["timezone"] == "Europe/Paris"
    assert campaign["schedule"]["spacing_minutes"] == 90
    assert campaign["posts"]["total"] == 0
    assert campaign["progress"] == 0

    changed = await client.patch(
        f"{BASE}/{campaign['id']}",
        headers=owner.headers,
        json={"tone": "playful", "schedule": {"active_from": "08:00", "active_to": "24:00"}},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["tone"] == "playful"
    assert (changed.json()["schedule"]["active_from"], changed.json()["schedule"]["active_to"]) == ("08:00", "24:00")
    assert changed.json()["brand_name"] == "Loom & Co"

    await _add_post(owner.workspace_id, campaign["id"], "First")
    await _add_post(owner.workspace_id, campaign["id"], "Second")
    page = (await client.get(BASE, headers=owner.headers)).json()
    assert [c["name"] for c in page["items"]] == ["Spring drop"]
    assert page["items"][0]["posts"]["total"] == 2
    assert page["items"][0]["posts"]["ready"] == 2
    posts = (await client.get(f"{BASE}/{campaign['id']}/posts", headers=owner.headers)).json()
    assert sorted(p["caption"] for p in posts["items"]) == ["First", "Second"]


async def test_soft_delete_hides_the_campaign_and_keeps_its_posts(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    kept = (await client.post(BASE, headers=owner.headers, json={"name": "Kept"})).json()
    gone = (await client.post(BASE, headers=owner.headers, json={"name": "Gone"})).json()
    await _add_post(owner.workspace_id, gone["id"], "A post worth keeping")

    deleted = await client.delete(f"{BASE}/{gone['id']}", headers=owner.headers)
    assert deleted.status_code == 204, deleted.text
    assert (await client.get(f"{BASE}/{gone['id']}", headers=owner.headers)).status_code == 404
    assert (await client.get(f"{BASE}/{gone['id']}/posts", headers=owner.headers)).status_code == 404
    listed = (await client.get(BASE, headers=owner.headers)).json()
    assert [c["id"] for c in listed["items"]] == [kept["id"]]

    with_deleted = (await client.get(BASE, headers=owner.headers, params={"include_deleted": "true"})).json()
    assert {c["name"]: c["deleted"] for c in with_deleted["items"]} == {"Kept": False, "Gone": True}
    assert [c["posts"]["total"] for c in with_deleted["items"] if c["name"] == "Gone"] == [1]
    assert await CampaignPost.count().where(CampaignPost.campaign == uuid.UUID(gone["id"])) == 1

    restored = await client.post(f"{BASE}/{gone['id']}/restore", headers=owner.headers)
    assert restored.status_code == 200, restored.text
    assert restored.json()["deleted"] is False
    posts = (await client.get(f"{BASE}/{gone['id']}/posts", headers=owner.headers)).json()
    assert [p["caption"] for p in posts["items"]] == ["A post worth keeping"]


async def test_another_workspaces_campaign_is_not_found(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    stranger = await register(client)
    campaign = (await client.post(BASE, headers=owner.headers, json={"name": "Mine"})).json()
    for method, path in (
        ("GET", f"{BASE}/{campaign['id']}"),
        ("PATCH", f"{BASE}/{campaign['id']}"),
        ("DELETE", f"{BASE}/{campaign['id']}"),
        ("GET", f"{BASE}/{campaign['id']}/posts"),
        ("POST", f"{BASE}/{campaign['id']}/restore"),
    ):
        body = {"name": "Theirs"} if method == "PATCH" else None
        response = await client.request(method, path, headers=stranger.headers, json=body)
        assert response.status_code == 404, (method, path, response.text)
    assert (await client.get(BASE, headers=stranger.headers)).json()["total"] == 0
    assert (await client.get(f"{BASE}/{campaign['id']}", headers=owner.headers)).json()["name"] == "Mine"


async def test_bad_input_names_the_field(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    cases = [
        ({"name": "x", "strategy": "loudest"}, "strategy"),
        ({"name": "x", "schedule": {"active_from": "18:00", "active_to": "09:00"}}, "schedule.active_to"),
        ({"name": "x", "schedule": {"active_from": "25:00"}}, "schedule.active_from"),
        ({"name": "x", "schedule": {"timezone": "Mars/Olympus"}}, "schedule.timezone"),
        ({"name": "x", "schedule": {"spacing_minutes": 0}}, "schedule"),
        ({"name": "   "}, "name"),
        ({"name": "x", "surprise": 1}, "surprise"),
    ]
    for body, field in cases:
        response = await client.post(BASE, headers=owner.headers, json=body)
        assert response.status_code == 400, (body, response.text)
        assert names_field(response.json(), field), (field, response.json())
    assert (await client.get(BASE, headers=owner.headers)).json()["total"] == 0
