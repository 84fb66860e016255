"""Writing a batch's posts: the work of the `campaign.generate` job, one item per post, a few at once.

Each post takes one AI generation from the plan (once per post and batch, given back
if the post fails), gets a caption from its brief and, when asked, an image stored as
the workspace's media. Every provider call passes the shared limiter: never more than
the provider's limit in flight across all workers, and the workspace's own share. A
post that fails (provider down, an unusable answer, the month's quota spent) fails
alone with its reason; the batch still completes.

A re-run (after a crash or a retry) skips the posts whose item succeeded and the posts
already written; each write is conditional on the post still being this batch's and
not written by hand meanwhile, so nothing is written twice.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from backend.ai.service import ContentBrief, InvalidDraft, ProviderUnavailable, get_provider
from backend.billing import service as billing
from backend.campaigns import service as core
from backend.campaigns.content import batches
from backend.campaigns.tables import CampaignPost, ContentState
from backend.core.clock import utcnow
from backend.core.errors import NotFound, PaymentRequired, ServiceError
from backend.core.quotas import Resource
from backend.core.scoped import scoped
from backend.jobs import service as jobs
from backend.jobs.service import JobFailed, JobRun, Limit, slot
from backend.media import service as media
from backend.settings import get_settings

CAPTION_MAX = 2200


async def write_batch(run: JobRun) -> dict[str, int]:
    """Write every post of the batch not written yet, then end the batch (or mark it cancelled)."""
    batch_id = uuid.UUID(run.payload["batch_id"])
    try:
        batch = await batches.batch_row(run.workspace_id, batch_id)
    except NotFound:
        raise JobFailed("The batch no longer exists") from None
    campaign = await core.campaign_row(run.workspace_id, batch["campaign"], include_deleted=True)
    await batches.start(run.workspace_id, batch_id)
    posts = await (
        scoped(CampaignPost, run.workspace_id)
        .select(CampaignPost.id)
        .where(CampaignPost.batch == batch_id)
        .order_by(CampaignPost.position)
    )
    done = await run.completed_keys()
    waiting = iter([row["id"] for row in posts if str(row["id"]) not in done])

    async def lane() -> None:
        for post_id in waiting:
            await write_post(run, campaign, batch_id, post_id)

    # A few more lanes than provider slots: the next post's quota check and reads overlap the
    # calls in flight; the limiter decides how many calls run.
    lanes = min(len(posts), 2 * get_settings().ai.provider_max_concurrency)
    try:
        outcomes = await asyncio.gather(*(lane() for _ in range(lanes)), return_exceptions=True)
    except asyncio.CancelledError:  # aborted (cancelled by the user) or the worker stopping
        await _end_if_cancelled(run, batch_id)
        raise
    errors = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
    if errors:  # each lane stopped at its next post: the job was cancelled, or given to another worker
        await _end_if_cancelled(run, batch_id)
        raise errors[0]
    await batches.finish(run.workspace_id, batch_id)
    counts = (await batches.counts_by_batch(run.workspace_id, [batch_id]))[batch_id]
    return {"posts": len(posts), "ready": counts["ready"], "failed": counts["failed"]}


async def _end_if_cancelled(run: JobRun, batch_id: uuid.UUID) -> None:
    if (await jobs.get_job(run.workspace_id, run.id)).status == "cancelled":
        await batches.finish(run.workspace_id, batch_id, cancelled=True)


async def write_post(run: JobRun, campaign: dict[str, Any], batch_id: uuid.UUID, post_id: uuid.UUID) -> None:
    """One item: charge, write the caption (and image), save; a failure is this post's alone."""
    key = str(post_id)
    await run.check_cancelled()
    post = await _post(run.workspace_id, post_id)
    if post is None or post["batch"] != batch_id:
        await run.record_item(key, result={"post_id": key, "skipped": "rewritten by a newer batch"})
        return
    if post["content_state"] == ContentState.ready.value:  # written before a crash, or by hand meanwhile
        await run.record_item(key, result=_result(post, post["caption"], None))
        return
    charge = f"campaign-post:{post_id}:{batch_id}"
    try:
        await billing.check_and_consume(run.workspace_id, Resource.ai_generations, key=charge)
    except PaymentRequired as exc:
        await _fail(run, batch_id, post, exc.detail)
        return
    try:
        caption, media_id = await _write(run, campaign, post)
    except (ProviderUnavailable, InvalidDraft, ServiceError) as exc:
        await billing.release(run.workspace_id, Resource.ai_generations, key=charge)
        await _fail(run, batch_id, post, _reason(exc))
        return
    except asyncio.CancelledError:
        # Nothing saved: a re-run charges this post again, once.
        await billing.release(run.workspace_id, Resource.ai_generations, key=charge)
        raise
    await _save(run.workspace_id, batch_id, post_id, caption, media_id)
    await run.record_item(key, result=_result(post, caption, media_id))


def brief_of(campaign: dict[str, Any], post: dict[str, Any]) -> ContentBrief:
    """What the AI writes the post from: its own brief, the campaign's where it says nothing."""
    own = bool(post["topic"] or post["brief"])
    return ContentBrief(
        brand=campaign["brand_name"],
        audience=post["audience"] or campaign["target_audience"],
        tone=post["tone"] or campaign["tone"],
        topic=post["topic"],
        # Posts asked for by count share the campaign's brief: each is told to find its own angle.
        angle="" if own else f"post {post['position'] + 1} of the campaign: take an angle of its own",
        details=post["brief"] or campaign["description"],
    )


@asynccontextmanager
async def _ai_slot(run: JobRun, provider: str) -> AsyncIterator[None]:
    """One call's place under the provider's limit (all workers) and the workspace's share."""
    settings = get_settings().ai
    async with (
        slot(run.redis, f"ai:{provider}", Limit(settings.provider_max_concurrency, settings.provider_per_minute)),
        slot(run.redis, f"ws:{run.workspace_id}:ai", Limit(settings.workspace_max_concurrency)),
    ):
        yield


async def _write(run: JobRun, campaign: dict[str, Any], post: dict[str, Any]) -> tuple[str, uuid.UUID | None]:
    provider = get_provider()
    brief = brief_of(campaign, post)
    async with _ai_slot(run, provider.name):
        caption = (await provider.write_caption(brief.text())).strip()
    if not caption:
        raise InvalidDraft("the AI gave an empty caption")
    media_id = None
    # The user's own photos or video stay: only a post without them gets a generated image.
    if post["with_image"] and post["media_source"] != "uploaded":
        async with _ai_slot(run, provider.name):
            image = await provider.make_image(brief.text())
        name = re.sub(r"[^\w-]+", "-", post["topic"].lower()).strip("-")[:60] or "post"
        [stored] = await media.upload(run.workspace_id, [media.IncomingFile(f"{name}-{post['position'] + 1}", image)])
        media_id = stored.id
    return caption[:CAPTION_MAX], media_id


async def _post(workspace_id: uuid.UUID, post_id: uuid.UUID) -> dict[str, Any] | None:
    query = scoped(CampaignPost, workspace_id).select().where(CampaignPost.id == post_id)
    row: dict[str, Any] | None = await query.output(load_json=True).first()
    return row


def _still_to_write(post_id: uuid.UUID, batch_id: uuid.UUID) -> Any:
    """The post is still this batch's and nobody wrote it meanwhile (by hand, or a newer batch)."""
    return (
        (CampaignPost.id == post_id)
        & (CampaignPost.batch == batch_id)
        & (CampaignPost.content_state != ContentState.ready.value)
    )


async def _save(
    workspace_id: uuid.UUID, batch_id: uuid.UUID, post_id: uuid.UUID, caption: str, media_id: uuid.UUID | None
) -> None:
    values: dict[Any, Any] = {
        CampaignPost.caption: caption,
        CampaignPost.content_state: ContentState.ready.value,
        CampaignPost.content_error: "",
        CampaignPost.updated_at: utcnow(),
    }
    if media_id is not None:
        values[CampaignPost.media_ids] = [str(media_id)]
        values[CampaignPost.media_source] = "generated"
    await scoped(CampaignPost, workspace_id).update(values).where(_still_to_write(post_id, batch_id))


async def _fail(run: JobRun, batch_id: uuid.UUID, post: dict[str, Any], reason: str) -> None:
    values = {
        CampaignPost.content_state: ContentState.failed.value,
        CampaignPost.content_error: reason,
        CampaignPost.updated_at: utcnow(),
    }
    await scoped(CampaignPost, run.workspace_id).update(values).where(_still_to_write(post["id"], batch_id))
    await run.record_item(str(post["id"]), error=reason)


def _reason(exc: Exception) -> str:
    if isinstance(exc, ProviderUnavailable):
        return f"The AI provider did not answer ({exc})"
    if isinstance(exc, InvalidDraft):
        return f"The AI's answer was unusable: {exc}"
    detail = exc.detail if isinstance(exc, ServiceError) else str(exc)
    return f"The generated image could not be stored: {detail}"


def _result(post: dict[str, Any], caption: str, media_id: uuid.UUID | None) -> dict[str, Any]:
    """What a `job.item` event carries: enough for the review grid to show the post as it appears."""
    return {
        "post_id": str(post["id"]),
        "position": post["position"],
        "caption": caption[:280],
        "media_id": str(media_id) if media_id else None,
    }
