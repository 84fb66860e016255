"""The posting run's jobs: `campaign.run` (the campaign) fans out one `campaign.post` per post.

A post's job waits for its time (deferred, not counted as an attempt), pauses while
the campaign is paused, does nothing for a post that is cancelled or already posted,
and otherwise publishes through the platforms facade, which looks for the post before
publishing and after an unknown outcome: a re-run never posts twice. The post records
each outcome; when the last post of the campaign ends, the campaign is completed.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import structlog

from backend.campaigns import service as core
from backend.campaigns.posting import posts
from backend.campaigns.tables import CampaignPost, CampaignStatus, PostStatus
from backend.core import clock
from backend.core.errors import NotFound
from backend.jobs import service as jobs
from backend.jobs.service import JobDeferred, JobFailed, JobPaused, JobRun, RetryableJobError
from backend.media import service as media
from backend.platforms import service as platforms

log = structlog.get_logger(__name__)

S = CampaignStatus
PAUSED_REASON = "The campaign is paused"


async def run_campaign(run: JobRun) -> Any:
    """One child job per scheduled post (keyed by the post: a re-run makes no second one)."""
    campaign_id = uuid.UUID(run.payload["campaign_id"])
    campaign = await core.campaign_row(run.workspace_id, campaign_id, include_deleted=True)
    if campaign["status"] == S.cancelled.value:
        return {"posts": 0}
    scheduled = await posts.rows(run.workspace_id, campaign_id, CampaignPost.status == PostStatus.scheduled.value)
    if not scheduled:
        await posts.finish_if_done(run.workspace_id, campaign_id)
        if any(post["job_id"] is not None for post in await posts.rows(run.workspace_id, campaign_id)):
            # A run retried after its children ran (retry-failed): it ends as they did, failed if one still is.
            return jobs.WAIT_FOR_CHILDREN
        return {"posts": 0}
    await run.set_total(len(scheduled))
    for post in scheduled:
        child_id = await run.spawn_child(
            posts.POST_KIND,
            posts.child_payload(campaign_id, post["id"]),
            key=str(post["id"]),
            max_attempts=posts.max_attempts(),
            account_id=post["account_id"],
        )
        if post["job_id"] != child_id:
            await posts.update(run.workspace_id, [post["id"]], job_id=child_id)
    return jobs.WAIT_FOR_CHILDREN


async def publish_post(run: JobRun) -> Any:
    """Publish one post at its time as its account (see the module's docstring)."""
    workspace_id = run.workspace_id
    campaign_id = uuid.UUID(run.payload["campaign_id"])
    post_id = uuid.UUID(run.payload["post_id"])
    post = await posts.post_by_id(workspace_id, post_id)
    if post is None:
        raise JobFailed("The post no longer exists")
    if post["status"] in (PostStatus.posted.value, PostStatus.cancelled.value, PostStatus.dropped.value):
        return {"status": post["status"], "url": post["url"]}
    campaign = await core.campaign_row(workspace_id, campaign_id, include_deleted=True)
    if campaign["status"] == S.paused.value:
        raise JobPaused(PAUSED_REASON)
    if campaign["status"] == S.cancelled.value:
        await posts.update(workspace_id, [post_id], CampaignPost.status.is_in(list(posts.PENDING)), status="cancelled")
        return {"status": PostStatus.cancelled.value}
    now = clock.utcnow()
    if post["scheduled_at"] is not None and post["scheduled_at"] > now:
        wait = (post["scheduled_at"] - now).total_seconds()
        raise JobDeferred(f"Waiting for its time ({post['scheduled_at']:%Y-%m-%d %H:%M} UTC)", wait)
    if post["account_id"] is None:
        return await _failed(run, post, "The post has no account to publish it")
    await posts.update(workspace_id, [post_id], status=PostStatus.posting.value, attempts=post["attempts"] + 1)
    await posts.move_status(workspace_id, campaign_id, [S.scheduled], S.running)
    began = time.monotonic()
    try:
        draft = platforms.PostInput(caption=post["caption"], media=await _media_paths(post), ref=str(post_id))
        async with (
            platforms.account_job(run, str(post_id)),
            platforms.run_as_account(run.redis, workspace_id, post["account_id"]) as session,
        ):
            published = await platforms.publish_post(session, draft)
    except (JobPaused, JobDeferred) as exc:
        # Waiting for a person (the account needs attention) or for the account: the post still waits.
        await posts.update(workspace_id, [post_id], status=PostStatus.scheduled.value, error=jobs.user_error(str(exc)))
        raise
    except RetryableJobError as exc:
        if run.attempt >= int(run.payload.get("max_attempts") or posts.max_attempts()):
            await _failed(run, post, str(exc), raise_it=False)
        else:
            await posts.update(
                workspace_id, [post_id], status=PostStatus.scheduled.value, error=jobs.user_error(str(exc))
            )
        raise
    except JobFailed as exc:
        await _failed(run, post, str(exc), raise_it=False)
        raise
    except Exception as exc:
        await _failed(run, post, f"{type(exc).__name__}: {exc}", raise_it=False)
        raise
    await posts.update(
        workspace_id,
        [post_id],
        status=PostStatus.posted.value,
        platform_post_id=published.post_id,
        url=published.url,
        posted_at=clock.utcnow(),
        post_seconds=round(time.monotonic() - began),
        error="",
    )
    await run.record_item(str(post_id), result={"post_id": published.post_id, "url": published.url})
    await posts.finish_if_done(workspace_id, campaign_id)
    return {"post_id": published.post_id, "url": published.url}


async def _media_paths(post: dict[str, Any]) -> list[Any]:
    ids = [uuid.UUID(str(m)) for m in post["media_ids"] or []]
    try:
        found = await media.rows_for(post["workspace"], ids)
        return [media.file_path(found[m]) for m in ids]
    except NotFound as exc:
        raise JobFailed(f"{exc.detail}: attach other media to the post and retry it") from None


async def _failed(run: JobRun, post: dict[str, Any], error: str, *, raise_it: bool = True) -> Any:
    """The post failed for good (the job fails too); the campaign completes if it was the last."""
    await posts.update(run.workspace_id, [post["id"]], status=PostStatus.failed.value, error=jobs.user_error(error))
    await posts.finish_if_done(run.workspace_id, post["campaign"])
    if raise_it:
        raise JobFailed(error)
    return None
