"""Posts their platform would refuse are found before `start`: the plan lists them and `start` says how many and why.

Sandbox, TikTok and Pinterest posts need a photo or a video; a Pin's caption is its description (500 characters).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from backend.campaigns.tables import CampaignPost
from backend.core.clock import utcnow
from tests.campaigns.posting_helpers import (
    BASE,
    campaign,
    owner,
    posts_of,
    ready_posts,
    sandbox_account,
    upload_photo,
)
from tests.helpers import names_field

LATER = {"starts_at": (utcnow() + timedelta(days=1)).isoformat(), "posts_per_account_per_day": 10}


async def test_posts_without_media_or_with_too_long_a_caption_are_told_before_start(
    client: httpx.AsyncClient,
) -> None:
    person = await owner(client)
    sandbox = await sandbox_account(client, person, "sandy")
    pin = await client.post(
        "/api/v1/accounts", headers=person.headers, json={"platform": "pinterest", "login": "pinner", "password": "pw"}
    )
    assert pin.status_code == 201, pin.text
    cid = (await campaign(client, person, strategy="round_robin", schedule=LATER))["id"]
    photo = await upload_photo(client, person, 7)
    long_caption = "Linen for warm days. " * 30  # 630 characters: fine on the sandbox, too long for a Pin
    ids = await ready_posts(person, cid, ["No media A", "No media B"])
    ids += await ready_posts(person, cid, [long_caption.strip(), long_caption.strip()], photo)
    ids += await ready_posts(person, cid, ["No media C"])
    for position, post_id in enumerate(ids):  # one order: sandbox, Pinterest, sandbox, Pinterest, sandbox
        await CampaignPost.update({CampaignPost.position: position}).where(CampaignPost.id == post_id)

    plan = (await client.get(f"{BASE}/{cid}/plan", headers=person.headers)).json()
    assert [a["platform"] for a in plan["assignments"]] == ["sandbox", "pinterest"] * 2 + ["sandbox"]
    assert [(p["position"], p["platform"], p["field"]) for p in plan["problems"]] == [
        (0, "sandbox", "media"),
        (1, "pinterest", "media"),
        (3, "pinterest", "caption"),
        (4, "sandbox", "media"),
    ]
    assert plan["problems"][0]["reason"] == "no photo or video; Sandbox marketplace needs one"
    assert "500" in plan["problems"][2]["reason"]

    refused = await client.post(f"{BASE}/{cid}/start", headers=person.headers)
    assert refused.status_code == 400, refused.text
    assert names_field(refused.json(), "posts")
    detail = refused.json()["detail"]
    assert "2 posts have no photo or video; Sandbox marketplace needs one" in detail
    assert "1 post has no photo or video; Pinterest needs one" in detail
    assert "1 post has a caption over 500 characters" in detail
    assert (await client.get(f"{BASE}/{cid}", headers=person.headers)).json()["status"] == "draft"
    assert {p["status"] for p in await posts_of(client, person, cid)} == {"draft"}

    # Fixed in review: photos on the three, a shorter caption on the Pin; then it starts.
    for post_id in (ids[0], ids[1], ids[4]):
        fixed = await client.patch(f"{BASE}/{cid}/posts/{post_id}", headers=person.headers, json={"media_ids": [photo]})
        assert fixed.status_code == 200, fixed.text
    short: dict[str, Any] = {"caption": "Linen for warm days."}
    assert (await client.patch(f"{BASE}/{cid}/posts/{ids[3]}", headers=person.headers, json=short)).status_code == 200
    assert (await client.get(f"{BASE}/{cid}/plan", headers=person.headers)).json()["problems"] == []
    started = await client.post(f"{BASE}/{cid}/start", headers=person.headers)
    assert started.status_code == 200, started.text
    by_account = {p["position"]: p["account_id"] for p in await posts_of(client, person, cid)}
    assert by_account[0] == sandbox
    assert by_account[1] == pin.json()["id"]


async def test_a_post_imported_onto_an_account_is_checked_for_its_platform(client: httpx.AsyncClient) -> None:
    person = await owner(client)
    await sandbox_account(client, person, "alice")
    cid = (await campaign(client, person, schedule=LATER))["id"]
    at = (utcnow() + timedelta(days=2)).isoformat()
    response = await client.post(
        f"{BASE}/{cid}/import",
        headers=person.headers,
        json=[{"caption": "Text only", "account": "alice", "scheduled_at": at}],
    )
    assert response.status_code == 200, response.text
    [post_id] = response.json()["post_ids"]
    plan = (await client.get(f"{BASE}/{cid}/plan", headers=person.headers)).json()
    assert [(p["post_id"], p["platform"], p["field"]) for p in plan["problems"]] == [(post_id, "sandbox", "media")]
    refused = await client.post(f"{BASE}/{cid}/start", headers=person.headers)
    assert refused.status_code == 400
    assert "1 post has no photo or video; Sandbox marketplace needs one" in refused.json()["detail"]
