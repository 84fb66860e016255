"""The per-account daily cap counts the account's posts in every campaign of the workspace, so two campaigns
on one account never post more than the cap together on a day."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, time, timedelta

import httpx

from backend.core.clock import utcnow
from tests.campaigns.posting_helpers import (
    BASE,
    act,
    campaign,
    owner,
    posts_of,
    ready_posts,
    sandbox_account,
    upload_photo,
)

DAY1 = datetime.combine(utcnow().date() + timedelta(days=1), time(9), tzinfo=UTC)
SCHEDULE = {
    "starts_at": DAY1.isoformat(),
    "active_from": "09:00",
    "active_to": "18:00",
    "timezone": "UTC",
    "spacing_minutes": 60,
    "posts_per_account_per_day": 2,
}


async def test_two_campaigns_on_one_account_share_its_daily_cap(client: httpx.AsyncClient) -> None:
    person = await owner(client)
    account = await sandbox_account(client, person, "shared")
    photo = await upload_photo(client, person, 9)
    first = (await campaign(client, person, name="First", schedule=SCHEDULE))["id"]
    await ready_posts(person, first, ["A1", "A2", "A3"], photo)
    await act(client, person, first, "start")
    first_times = sorted(p["scheduled_at"][:16] for p in await posts_of(client, person, first))
    day2 = DAY1 + timedelta(days=1)
    assert first_times == [DAY1.isoformat()[:16], (DAY1 + timedelta(hours=1)).isoformat()[:16], day2.isoformat()[:16]]

    # Day 1 is full (2 of 2) and day 2 has one of First's: Second gets day 2's last place, then day 3.
    second = (await campaign(client, person, name="Second", schedule=SCHEDULE))["id"]
    await ready_posts(person, second, ["B1", "B2"], photo)
    plan = (await client.get(f"{BASE}/{second}/plan", headers=person.headers)).json()
    planned = [a["scheduled_at"][:10] for a in plan["assignments"]]
    assert planned == [day2.date().isoformat(), (day2 + timedelta(days=1)).date().isoformat()]
    await act(client, person, second, "start")

    both = await posts_of(client, person, first) + await posts_of(client, person, second)
    assert {p["account_id"] for p in both} == {account}
    per_day = Counter(p["scheduled_at"][:10] for p in both)
    assert max(per_day.values()) == 2
    assert sum(per_day.values()) == 5
