"""A campaign's statistics (by status, account, platform and day; success rate; time per post; failure
reasons), and the campaign job kinds in the workspace's job statistics."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from backend.campaigns.tables import CampaignPost
from backend.core.clock import utcnow
from tests.campaigns.posting_helpers import BASE, act, campaign, owner, ready_posts, run, sandbox_account, upload_photo


async def test_statistics_count_what_happened_to_the_posts(client: httpx.AsyncClient, app: Any) -> None:
    person = await owner(client)
    alice = await sandbox_account(client, person, "alice", label="Alice")
    bob = await sandbox_account(client, person, "bob")
    later = {"starts_at": (utcnow() + timedelta(days=1)).isoformat()}
    cid = (await campaign(client, person, schedule=later))["id"]
    ids = await ready_posts(person, cid, [f"Post {i}" for i in range(5)], await upload_photo(client, person, 1))
    started = await act(client, person, cid, "start")
    await run(app, person, started["job_id"])
    when = utcnow().replace(hour=12, minute=0, second=0, microsecond=0)
    outcomes: list[tuple[str, dict[Any, Any]]] = [
        ("posted", {CampaignPost.posted_at: when, CampaignPost.post_seconds: 10}),
        ("posted", {CampaignPost.posted_at: when, CampaignPost.post_seconds: 30}),
        ("failed", {CampaignPost.error: "The platform refused the caption"}),
        ("failed", {CampaignPost.error: "The platform refused the caption"}),
    ]
    for post_id, (status, values) in zip(ids, outcomes, strict=False):
        await CampaignPost.update({CampaignPost.status: status, **values}).where(CampaignPost.id == post_id)

    response = await client.get(f"{BASE}/{cid}/statistics", headers=person.headers)
    assert response.status_code == 200, response.text
    stats = response.json()
    assert (stats["posts"]["posted"], stats["posts"]["failed"], stats["posts"]["scheduled"]) == (2, 2, 1)
    assert stats["success_rate"] == 0.5
    assert (stats["avg_seconds_per_post"], stats["p95_seconds_per_post"]) == (20.0, 30.0)
    by_account = {entry["key"]: entry for entry in stats["by_account"]}
    assert set(by_account) == {alice, bob}
    assert by_account[alice]["label"] == "Alice"
    assert sum(entry["total"] for entry in stats["by_account"]) == 5
    assert [(e["key"], e["total"], e["posted"], e["failed"]) for e in stats["by_platform"]] == [("sandbox", 5, 2, 2)]
    assert [(e["key"], e["posted"]) for e in stats["by_day"] if e["posted"]] == [(str(when.date()), 2)]
    assert [(e["key"], e["total"]) for e in stats["failure_reasons"]] == [("The platform refused the caption", 2)]

    jobs = (await client.get("/api/v1/jobs/statistics", headers=person.headers)).json()
    kinds = {entry["kind"] for entry in jobs["by_kind"]}
    assert {"campaign.run", "campaign.post"} <= kinds
