"""The calendar across campaigns (deleted ones hidden, a bounded period) and a campaign's export."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import timedelta

import httpx

from backend.campaigns.tables import CampaignPost
from backend.core.clock import utcnow
from tests.campaigns.posting_helpers import BASE, act, campaign, owner, ready_posts, sandbox_account, upload_photo
from tests.helpers import names_field


async def test_the_calendar_shows_scheduled_and_posted_posts_of_live_campaigns(client: httpx.AsyncClient) -> None:
    person = await owner(client)
    await sandbox_account(client, person, "alice")
    start = (utcnow() + timedelta(days=1)).replace(microsecond=0)
    schedule = {"starts_at": start.isoformat(), "spacing_minutes": 60, "posts_per_account_per_day": 10}
    shown = await campaign(client, person, name="Shown", schedule=schedule)
    await ready_posts(person, shown["id"], ["One", "Two"], await upload_photo(client, person, 1))
    await act(client, person, shown["id"], "start")
    posted = await ready_posts(person, shown["id"], ["Already out"])
    await CampaignPost.update(
        {CampaignPost.status: "posted", CampaignPost.posted_at: start, CampaignPost.url: "http://x/p/1"}
    ).where(CampaignPost.id == posted[0])
    hidden = await campaign(client, person, name="Hidden")
    hidden_posts = await ready_posts(person, hidden["id"], ["Gone with it"])
    await CampaignPost.update({CampaignPost.status: "scheduled", CampaignPost.scheduled_at: start}).where(
        CampaignPost.id == hidden_posts[0]
    )
    assert (await client.delete(f"{BASE}/{hidden['id']}", headers=person.headers)).status_code == 204

    period = {"from": utcnow().isoformat(), "to": (utcnow() + timedelta(days=7)).isoformat()}
    response = await client.get("/api/v1/calendar", headers=person.headers, params=period)
    assert response.status_code == 200, response.text
    entries = response.json()
    # In time order: "Already out" and "One" at the start time, "Two" an hour later.
    assert sorted((e["caption"], e["status"]) for e in entries[:2]) == [("Already out", "posted"), ("One", "scheduled")]
    assert (entries[2]["caption"], entries[2]["status"]) == ("Two", "scheduled")
    assert {e["campaign_name"] for e in entries} == {"Shown"}
    assert entries[0]["at"][:19] == start.isoformat()[:19]
    # The deleted campaign's post is hidden, not deleted.
    assert await CampaignPost.count().where(CampaignPost.campaign == uuid.UUID(hidden["id"])) == 1

    too_long = {"from": utcnow().isoformat(), "to": (utcnow() + timedelta(days=63)).isoformat()}
    refused = await client.get("/api/v1/calendar", headers=person.headers, params=too_long)
    assert refused.status_code == 400
    assert names_field(refused.json(), "to")
    stranger = await owner(client)
    theirs = await client.get(
        "/api/v1/calendar", headers=stranger.headers, params={**period, "campaign_id": shown["id"]}
    )
    assert theirs.status_code == 404


async def test_the_export_lists_every_post_with_its_status_and_link(client: httpx.AsyncClient) -> None:
    person = await owner(client)
    await sandbox_account(client, person, "alice")
    cid = (await campaign(client, person, name="Spring drop"))["id"]
    ids = await ready_posts(person, cid, ["=cmd()", "Second", "Third"])
    await CampaignPost.update(
        {CampaignPost.status: "posted", CampaignPost.url: "http://sandbox/p/7", CampaignPost.posted_at: utcnow()}
    ).where(CampaignPost.id == ids[1])
    await CampaignPost.update({CampaignPost.status: "failed", CampaignPost.error: "The platform refused it"}).where(
        CampaignPost.id == ids[2]
    )
    response = await client.get(f"{BASE}/{cid}/export", headers=person.headers, params={"format": "csv"})
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"] == 'attachment; filename="spring-drop-posts.csv"'
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["status"], r["url"], r["error"]) for r in rows] == [
        ("draft", "", ""),
        ("posted", "http://sandbox/p/7", ""),
        ("failed", "", "The platform refused it"),
    ]
    assert rows[0]["caption"] == "'=cmd()"  # never a spreadsheet formula

    as_json = await client.get(f"{BASE}/{cid}/export", headers=person.headers, params={"format": "json"})
    assert as_json.status_code == 200
    assert "attachment" in as_json.headers["content-disposition"]
    assert [(p["status"], p["url"]) for p in as_json.json()] == [
        ("draft", ""),
        ("posted", "http://sandbox/p/7"),
        ("failed", ""),
    ]
