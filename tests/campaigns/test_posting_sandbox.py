"""A campaign posting on the sandbox in real Chromium: posts appear under the right users; pause holds the
rest, resume posts them, cancel stops what is left and keeps everything; a lost publish answer makes one post.

Jobs run in this process as a worker would run them (tests.campaigns.posting_helpers.run); what was posted
is asserted on the sandbox itself (its control API).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from backend.core.clock import utcnow
from tests.automation.social_helpers import on_the_sandbox, sandbox_user  # noqa: F401 - a fixture
from tests.campaigns.posting_helpers import (
    act,
    campaign,
    move,
    owner,
    posts_of,
    ready_posts,
    run,
    sandbox_account,
    upload_photo,
)
from tests.platforms.conftest import Sandbox

# A few browser publishes on a machine that may be busy: generous, but bounded.
pytestmark = pytest.mark.timeout(480)
NOW_ON = {"spacing_minutes": 60, "posts_per_account_per_day": 10}


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _by_caption(posts: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {p["caption"]: p for p in posts}


async def _captions(sandbox: Sandbox, username: str) -> list[str]:
    return sorted(p["caption"].rsplit(" #sp", 1)[0] for p in await sandbox.posts(username))


@pytest.mark.usefixtures("on_the_sandbox")
async def test_start_pause_resume_and_cancel_on_the_sandbox(
    client: httpx.AsyncClient, app: Any, sandbox: Sandbox
) -> None:
    person = await owner(client)
    users = [await sandbox_user(sandbox, f"c{i}") for i in range(3)]
    for user in users:
        await sandbox_account(client, person, user)
    cid = (await campaign(client, person, strategy="round_robin", schedule=NOW_ON))["id"]
    await ready_posts(person, cid, [f"Post {i}" for i in range(6)], await upload_photo(client, person, 1))
    started = await act(client, person, cid, "start")
    assert started["status"] == "running"  # the first posts are due now
    await run(app, person, started["job_id"])
    posts = _by_caption(await posts_of(client, person, cid))

    # Round robin from now: posts 0-2 now on users 0-2, posts 3-5 an hour later on the same users.
    for name in ("Post 0", "Post 1"):
        job = await run(app, person, posts[name]["job_id"])
        assert job.status == "succeeded", job.error
    assert await _captions(sandbox, users[0]) == ["Post 0"]
    assert await _captions(sandbox, users[1]) == ["Post 1"]
    posted = _by_caption(await posts_of(client, person, cid))["Post 0"]
    assert posted["status"] == "posted"
    assert posted["url"].startswith(f"{sandbox.url}/p/")

    await act(client, person, cid, "pause")
    held = await run(app, person, posts["Post 2"]["job_id"])
    assert held.status == "paused"
    assert await sandbox.posts(users[2]) == []  # nothing new while paused

    resumed = await act(client, person, cid, "resume")
    assert resumed["status"] == "running"
    after = _by_caption(await posts_of(client, person, cid))
    assert after["Post 2"]["status"] == "scheduled"
    # Post 2's time had passed: it is due now, and Post 5 (the same account's next) stays an hour after it.
    gap = _at(after["Post 5"]["scheduled_at"]) - _at(after["Post 2"]["scheduled_at"])
    assert gap == timedelta(hours=1)
    assert _at(after["Post 2"]["scheduled_at"]) > _at(posts["Post 2"]["scheduled_at"])
    assert (await run(app, person, posts["Post 2"]["job_id"])).status == "succeeded"
    assert await _captions(sandbox, users[2]) == ["Post 2"]

    # Post 3 is an hour away: moved to now, it runs now.
    early = await run(app, person, posts["Post 3"]["job_id"])
    assert early.status == "retrying"
    await move(client, person, cid, posts["Post 3"]["id"], utcnow().isoformat())
    assert (await run(app, person, posts["Post 3"]["job_id"])).status == "succeeded"
    assert await _captions(sandbox, users[0]) == ["Post 0", "Post 3"]

    cancelled = await act(client, person, cid, "cancel")
    assert cancelled["status"] == "cancelled"
    assert (cancelled["posts"]["posted"], cancelled["posts"]["cancelled"]) == (4, 2)
    late = await run(app, person, posts["Post 4"]["job_id"])
    assert late.status == "cancelled"
    assert await _captions(sandbox, users[1]) == ["Post 1"]
    final = _by_caption(await posts_of(client, person, cid))
    assert {name: p["status"] for name, p in final.items()} == {
        "Post 0": "posted",
        "Post 1": "posted",
        "Post 2": "posted",
        "Post 3": "posted",
        "Post 4": "cancelled",
        "Post 5": "cancelled",
    }


@pytest.mark.usefixtures("on_the_sandbox")
async def test_a_lost_publish_answer_makes_exactly_one_post(
    client: httpx.AsyncClient, app: Any, sandbox: Sandbox, override_env: Any
) -> None:
    override_env(BROWSER_ACTION_TIMEOUT_SECONDS="3")
    person = await owner(client)
    user = await sandbox_user(sandbox, "lost")
    await sandbox_account(client, person, user)
    cid = (await campaign(client, person, schedule=NOW_ON))["id"]
    await ready_posts(person, cid, ["Only once"], await upload_photo(client, person, 2))
    started = await act(client, person, cid, "start")
    await run(app, person, started["job_id"])
    [post] = await posts_of(client, person, cid)
    await sandbox.drop_next_post(hang_seconds=8)
    job = await run(app, person, post["job_id"])
    for _ in range(3):  # an outcome still unknown is a later attempt, which looks first
        if job.status != "retrying":
            break
        job = await run(app, person, post["job_id"])
    assert job.status == "succeeded", job.error
    stored = await sandbox.posts(user)
    assert len(stored) == 1
    [done] = await posts_of(client, person, cid)
    assert done["status"] == "posted"
    assert done["platform_post_id"] == str(stored[0]["id"])
    campaign_now = (await client.get(f"/api/v1/campaigns/{cid}", headers=person.headers)).json()
    assert campaign_now["status"] == "completed"
    assert campaign_now["completed_at"] is not None
    run_job = await client.get(f"/api/v1/jobs/{started['job_id']}", headers=person.headers)
    assert run_job.json()["status"] == "succeeded"
