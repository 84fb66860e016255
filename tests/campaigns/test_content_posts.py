"""Posts in review (no worker needed): written by hand, edited, given the user's photos or video,
dropped and put back; bad requests name their field; another workspace's batches and posts are 404."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from backend.campaigns import service as core
from backend.campaigns.tables import CampaignPost, CampaignStatus, ContentBatch
from backend.jobs.tables import Job
from tests.campaigns.conftest import CAMPAIGNS, create_campaign
from tests.helpers import Account, names_field, register
from tests.images import photo, video


async def _upload(client: httpx.AsyncClient, account: Account, *files: tuple[str, bytes, str]) -> list[str]:
    response = await client.post("/api/v1/media", headers=account.headers, files=[("files", f) for f in files])
    assert response.status_code == 201, response.text
    return [item["id"] for item in response.json()["items"]]


async def _manual_post(client: httpx.AsyncClient, account: Account, campaign_id: str, **body: Any) -> dict[str, Any]:
    response = await client.post(
        f"{CAMPAIGNS}/{campaign_id}/posts", headers=account.headers, json={"caption": "Hello", **body}
    )
    assert response.status_code == 201, response.text
    post: dict[str, Any] = response.json()
    return post


async def test_a_post_by_hand_edited_given_photos_then_a_video_dropped_and_back(client: httpx.AsyncClient) -> None:
    account = await register(client)
    campaign = await create_campaign(client, account)
    photos = await _upload(
        client, account, ("a.jpg", photo(seed=1), "image/jpeg"), ("b.jpg", photo(seed=2), "image/jpeg")
    )
    [clip] = await _upload(client, account, ("clip.mp4", video("mp4"), "video/mp4"))

    first = await _manual_post(client, account, campaign["id"], caption="  First post  ", topic="Launch")
    assert (first["caption"], first["topic"], first["source"]) == ("First post", "Launch", "manual")
    assert (first["content_state"], first["status"], first["media_source"]) == ("ready", "draft", "none")
    second = await _manual_post(client, account, campaign["id"], media_ids=photos)
    assert second["position"] == first["position"] + 1
    assert (second["media_ids"], second["media_source"]) == (photos, "uploaded")

    url = f"{CAMPAIGNS}/{campaign['id']}/posts/{first['id']}"
    edited = await client.patch(url, headers=account.headers, json={"caption": "Better words"})
    assert edited.status_code == 200, edited.text
    assert edited.json()["caption"] == "Better words"
    with_photos = (await client.patch(url, headers=account.headers, json={"media_ids": photos})).json()
    assert (with_photos["media_ids"], with_photos["media_source"]) == (photos, "uploaded")
    with_video = (await client.patch(url, headers=account.headers, json={"media_ids": [clip]})).json()
    assert (with_video["media_ids"], with_video["media_source"]) == ([clip], "uploaded")
    assert with_video["caption"] == "Better words"  # only the fields sent change

    dropped = (await client.patch(url, headers=account.headers, json={"dropped": True})).json()
    assert dropped["status"] == "dropped"
    counts = (await client.get(f"{CAMPAIGNS}/{campaign['id']}", headers=account.headers)).json()["posts"]
    assert (counts["total"], counts["dropped"], counts["draft"]) == (2, 1, 1)
    back = (await client.patch(url, headers=account.headers, json={"dropped": False})).json()
    assert back["status"] == "draft"

    # A post on its way to a platform, or there already, is final.
    await CampaignPost.update({CampaignPost.status: "posted"}).where(CampaignPost.id == uuid.UUID(first["id"]))
    for body in ({"dropped": True}, {"caption": "Too late"}):
        refused = await client.patch(url, headers=account.headers, json=body)
        assert refused.status_code == 409, refused.text
        assert "posted" in refused.json()["detail"]
    regenerate = await client.post(f"{url}/regenerate", headers=account.headers)
    assert regenerate.status_code == 409


async def test_bad_requests_name_the_field(client: httpx.AsyncClient) -> None:
    account = await register(client)
    other = await register(client)
    campaign = await create_campaign(client, account)
    blank = await create_campaign(client, account, description="", brand_name="")
    [mine] = await _upload(client, account, ("a.jpg", photo(seed=1), "image/jpeg"))
    [clip] = await _upload(client, account, ("clip.webm", video("webm"), "video/webm"))
    [theirs] = await _upload(client, other, ("b.jpg", photo(seed=2), "image/jpeg"))
    generate = f"{CAMPAIGNS}/{campaign['id']}/generate"
    cases: list[tuple[str, str, dict[str, Any], int, str]] = [
        ("post", generate, {}, 400, "posts"),
        ("post", generate, {"posts": []}, 400, "posts"),
        ("post", generate, {"posts": [{"topic": "x"}], "count": 2}, 400, "posts"),
        ("post", generate, {"count": 0}, 400, "count"),
        ("post", generate, {"count": 201}, 400, "count"),
        ("post", generate, {"posts": [{"topic": "ok"}, {"brief": "x" * 4001}]}, 400, "posts[1].brief"),
        ("post", generate, {"posts": [{"topic": "line\nbreak"}]}, 400, "posts[0].topic"),
        ("post", generate, {"posts": [{"mood": "happy"}]}, 400, "mood"),
        ("post", f"{CAMPAIGNS}/{blank['id']}/generate", {"count": 2}, 400, "count"),
        ("post", f"{CAMPAIGNS}/{blank['id']}/generate", {"posts": [{"tone": "warm"}]}, 400, "posts[0].topic"),
        ("post", f"{CAMPAIGNS}/{campaign['id']}/posts", {"caption": "   "}, 400, "caption"),
        ("post", f"{CAMPAIGNS}/{campaign['id']}/posts", {"caption": ""}, 400, "caption"),
        ("post", f"{CAMPAIGNS}/{campaign['id']}/posts", {"caption": "x", "media_ids": [theirs]}, 404, "media_ids"),
        ("post", f"{CAMPAIGNS}/{campaign['id']}/posts", {"caption": "x", "media_ids": [mine, clip]}, 400, "media_ids"),
        ("post", f"{CAMPAIGNS}/{campaign['id']}/posts", {"caption": "x", "media_ids": [mine, mine]}, 400, "media_ids"),
        ("post", f"{CAMPAIGNS}/{campaign['id']}/posts", {"caption": "x", "media_ids": ["nope"]}, 400, "media_ids"),
        ("post", f"{CAMPAIGNS}/{campaign['id']}/posts", {"caption": "x" * 2201}, 400, "caption"),
    ]
    for method, url, body, status, words in cases:
        response = await client.request(method, url, headers=account.headers, json=body)
        assert response.status_code == status, (body, response.text)
        assert names_field(response.json(), words), (body, response.text)
    post = await _manual_post(client, account, campaign["id"])
    url = f"{CAMPAIGNS}/{campaign['id']}/posts/{post['id']}"
    for body, status, words in [
        ({"caption": " "}, 400, "caption"),
        ({"media_ids": [theirs]}, 404, "media_ids"),
        ({"dropped": "yes"}, 400, "dropped"),
    ]:
        response = await client.patch(url, headers=account.headers, json=body)
        assert response.status_code == status, (body, response.text)
        assert names_field(response.json(), words), (body, response.text)
    assert await ContentBatch.count() == 0
    assert await Job.count() == 0


async def test_a_finished_campaign_takes_no_new_content(client: httpx.AsyncClient) -> None:
    account = await register(client)
    campaign = await create_campaign(client, account)
    post = await _manual_post(client, account, campaign["id"])
    for status in (CampaignStatus.completed, CampaignStatus.cancelled):
        await core.set_status(uuid.UUID(account.workspace_id), uuid.UUID(campaign["id"]), status)
        for url, body in [
            (f"{CAMPAIGNS}/{campaign['id']}/generate", {"count": 1}),
            (f"{CAMPAIGNS}/{campaign['id']}/posts", {"caption": "More"}),
            (f"{CAMPAIGNS}/{campaign['id']}/posts/{post['id']}/regenerate", None),
        ]:
            response = await client.post(url, headers=account.headers, json=body)
            assert response.status_code == 409, response.text
            assert status.value in response.json()["detail"]
    assert await ContentBatch.count() == 0


async def test_another_workspaces_batches_and_posts_are_404(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    other = await register(client)
    campaign = await create_campaign(client, owner)
    generated = await client.post(f"{CAMPAIGNS}/{campaign['id']}/generate", headers=owner.headers, json={"count": 1})
    assert generated.status_code == 202, generated.text
    batch_id = generated.json()["id"]
    post = await _manual_post(client, owner, campaign["id"])
    base = f"{CAMPAIGNS}/{campaign['id']}"
    requests: list[tuple[str, str, dict[str, Any] | None]] = [
        ("GET", f"/api/v1/batches/{batch_id}", None),
        ("GET", f"{base}/batches", None),
        ("POST", f"{base}/generate", {"count": 1}),
        ("POST", f"{base}/posts", {"caption": "Hijack"}),
        ("PATCH", f"{base}/posts/{post['id']}", {"caption": "Hijack"}),
        ("POST", f"{base}/posts/{post['id']}/regenerate", None),
        ("GET", f"/api/v1/batches/{uuid.uuid4()}", None),
    ]
    for method, url, body in requests:
        response = await client.request(method, url, headers=other.headers, json=body)
        assert response.status_code == 404, (method, url, response.text)
    assert (await client.get(f"/api/v1/batches/{batch_id}", headers=owner.headers)).status_code == 200
    # A post of another campaign of the same workspace is not found under this one either.
    elsewhere = await create_campaign(client, owner, name="Elsewhere")
    moved = await client.patch(
        f"{CAMPAIGNS}/{elsewhere['id']}/posts/{post['id']}", headers=owner.headers, json={"caption": "x"}
    )
    assert moved.status_code == 404
    # A deleted campaign's batches are gone from view with it.
    assert (await client.delete(base, headers=owner.headers)).status_code == 204
    assert (await client.get(f"{base}/batches", headers=owner.headers)).status_code == 404
