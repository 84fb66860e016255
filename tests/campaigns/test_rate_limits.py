"""Starting and retrying campaign work goes through the per-user route-class limits (429 with Retry-After):
start, generate and regenerate share the job-start budget; retry-failed and a post's retry the job-retry one,
with the jobs' own retries."""

from __future__ import annotations

from typing import Any

import httpx

from tests.campaigns.posting_helpers import BASE, campaign, owner


async def test_starts_and_retries_are_rate_limited_per_user(client: httpx.AsyncClient, override_env: Any) -> None:
    person = await owner(client)
    other = await owner(client)
    cid = (await campaign(client, person, description="Linen shirts for warm days"))["id"]
    theirs = (await campaign(client, other, description="Wool socks"))["id"]
    override_env(RATE_LIMIT_JOB_START="2/minute", RATE_LIMIT_JOB_RETRY="2/minute")

    starts = [
        (await client.post(f"{BASE}/{cid}/generate", headers=person.headers, json={"count": 1})).status_code,
        (await client.post(f"{BASE}/{cid}/start", headers=person.headers)).status_code,
    ]
    assert starts == [202, 400]  # a start refused for its input still counts
    for path, body in ((f"{BASE}/{cid}/start", None), (f"{BASE}/{cid}/generate", {"count": 1})):
        limited = await client.post(path, headers=person.headers, json=body)
        assert limited.status_code == 429, (path, limited.text)
        assert limited.json()["detail"] == "Too many jobs started; slow down"
        assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert (await client.post(f"{BASE}/{theirs}/generate", headers=other.headers, json={"count": 1})).status_code == 202

    retries = [
        (await client.post(f"{BASE}/{cid}/retry-failed", headers=person.headers)).status_code,
        (
            await client.post("/api/v1/jobs/retry-failed", headers=person.headers, json={"kind": "campaign.post"})
        ).status_code,
    ]
    assert retries == [200, 200]  # one budget for retries, whichever route
    limited = await client.post(f"{BASE}/{cid}/retry-failed", headers=person.headers)
    assert limited.status_code == 429
    assert limited.json()["detail"] == "Too many retries; slow down"
    post_retry = await client.post(f"{BASE}/{cid}/posts/{theirs}/retry", headers=person.headers)
    assert post_retry.status_code == 429
    assert (await client.post(f"{BASE}/{theirs}/retry-failed", headers=other.headers)).status_code == 200
