"""Campaign content: batches of AI-written posts, hand-written posts, and editing posts in review.

`generate` makes a batch: its posts (pending) and one job, `campaign.generate`, with
an item per post (the item key is the post id), so each post written streams to the
browser as a `job.item` event. The job's work is in `generation`. Regenerating a post
is a one-post batch: the post moves to it (it counts in its newest batch).

Every query is scoped to the workspace; another workspace's campaign, batch or post is a 404.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from arq.connections import ArqRedis

from backend import db
from backend.billing import service as billing
from backend.campaigns import service as core
from backend.campaigns.content import batches
from backend.campaigns.schemas import BatchDetailOut, BatchOut, GenerateIn, PostBrief, PostIn, PostOut, PostUpdate
from backend.campaigns.tables import CampaignPost, CampaignStatus, ContentBatch, ContentState, PostStatus
from backend.core.clock import utcnow
from backend.core.errors import Conflict, InvalidInput, NotFound, PaymentRequired
from backend.core.fields import sent_fields
from backend.core.pagination import fetch_page
from backend.core.quotas import Resource
from backend.core.schemas import Page
from backend.core.scoped import scoped
from backend.jobs import service as jobs
from backend.media import service as media

GENERATE_KIND = "campaign.generate"
# Posts on their way to a platform or there already: their content is final.
SENT = frozenset({PostStatus.posting.value, PostStatus.posted.value})


async def _post_labels(workspace_id: uuid.UUID, payload: dict[str, Any], keys: list[str]) -> dict[str, str]:
    """A batch's item (a post id) is named by the post's place in the campaign and its topic."""
    ids = []
    for key in keys:
        try:
            ids.append(uuid.UUID(key))
        except ValueError:
            continue
    if not ids:
        return {}
    rows = (
        await scoped(CampaignPost, workspace_id)
        .select(CampaignPost.id, CampaignPost.position, CampaignPost.topic)
        .where(CampaignPost.id.is_in(ids))
    )
    return {str(r["id"]): f"Post {r['position'] + 1}" + (f": {r['topic']}" if r["topic"] else "") for r in rows}


jobs.register_item_labels(GENERATE_KIND, _post_labels)


# --- checks -------------------------------------------------------------------------------------


def _check_open(campaign: dict[str, Any]) -> None:
    """Content can be added while the campaign can still post: not once it completed or was cancelled."""
    if campaign["status"] in (CampaignStatus.completed.value, CampaignStatus.cancelled.value):
        raise Conflict(f"The campaign is {campaign['status']}: no new content can be added to it")


def _has_brief(campaign: dict[str, Any]) -> bool:
    return bool(campaign["description"].strip() or campaign["brand_name"].strip())


def _briefs(campaign: dict[str, Any], data: GenerateIn) -> list[PostBrief]:
    """One brief per post to write; 400 naming the field when the request says too little or too much."""
    if data.posts is not None and data.count is not None:
        raise InvalidInput("posts", "send either `posts` (one brief per post) or `count`, not both")
    if data.posts is None:
        if data.count is None:
            raise InvalidInput(
                "posts", "send `posts` (one brief per post) or `count` (posts from the campaign's brief)"
            )
        if not _has_brief(campaign):
            raise InvalidInput(
                "count", "the campaign has no description or brand name to write from; add one, or send `posts`"
            )
        return [PostBrief(with_image=data.with_image) for _ in range(data.count)]
    if not data.posts:
        raise InvalidInput("posts", "list at least one post brief")
    for i, brief in enumerate(data.posts):
        if not (brief.topic.strip() or brief.brief.strip() or _has_brief(campaign)):
            raise InvalidInput(f"posts[{i}].topic", "say what the post is about (a topic or a brief)")
    return data.posts


async def _check_quota(workspace_id: uuid.UUID, needed: int) -> None:
    """Refuse up front a batch larger than the AI generations left (each post is charged when written)."""
    plan = await billing.effective_plan(workspace_id)
    left = plan.limits[Resource.ai_generations] - await billing.usage_this_month(workspace_id, Resource.ai_generations)
    if needed > left:
        raise PaymentRequired(
            f"Plan limit reached: {needed} posts need {needed} AI generations and {max(left, 0)} are left this month "
            f"on the {plan.title} plan; ask for fewer posts or upgrade (POST /api/v1/billing/checkout)"
        )


async def _check_media(workspace_id: uuid.UUID, media_ids: list[uuid.UUID]) -> None:
    """The user's own uploads: this workspace's, photos or one video (404/400 naming `media_ids`)."""
    if len(set(media_ids)) != len(media_ids):
        raise InvalidInput("media_ids", "a file may be attached once")
    try:
        rows = await media.rows_for(workspace_id, media_ids)
    except NotFound as exc:
        raise NotFound(f"media_ids: {exc.detail}") from None
    videos = sum(1 for row in rows.values() if row["content_type"].startswith("video/"))
    if videos and len(media_ids) > 1:
        raise InvalidInput("media_ids", "a post has photos or one video, not both nor several videos")


def _caption(text: str) -> str:
    caption = text.strip()
    if not caption:
        raise InvalidInput("caption", "must not be blank")
    return caption


# --- batches ------------------------------------------------------------------------------------


async def generate(
    redis: ArqRedis, workspace_id: uuid.UUID, user_id: uuid.UUID, campaign_id: uuid.UUID, data: GenerateIn
) -> BatchOut:
    """A batch of posts written by AI: pending posts at the end of the campaign and the job that writes them."""
    campaign = await core.campaign_row(workspace_id, campaign_id)
    _check_open(campaign)
    briefs = _briefs(campaign, data)
    await _check_quota(workspace_id, len(briefs))
    batch_id = uuid.uuid4()
    first = await core.next_position(workspace_id, campaign_id)
    posts = [
        CampaignPost(
            id=uuid.uuid4(),
            workspace=workspace_id,
            campaign=campaign_id,
            batch=batch_id,
            position=first + i,
            source="generated",
            topic=" ".join(brief.topic.split()),
            brief=brief.brief.strip(),
            tone=brief.tone.strip() or campaign["tone"],
            audience=brief.audience.strip() or campaign["target_audience"],
            with_image=brief.with_image,
            content_state=ContentState.pending.value,
        )
        for i, brief in enumerate(briefs)
    ]

    async def undo() -> None:
        await scoped(CampaignPost, workspace_id).delete().where(CampaignPost.batch == batch_id)
        await scoped(ContentBatch, workspace_id).delete().where(ContentBatch.id == batch_id)

    async with db.transaction():
        await _insert_batch(workspace_id, campaign_id, batch_id, len(posts), user_id)
        await CampaignPost.insert(*posts)
    return await _start_job(redis, workspace_id, user_id, batch_id, len(posts), undo)


async def _insert_batch(
    workspace_id: uuid.UUID, campaign_id: uuid.UUID, batch_id: uuid.UUID, requested: int, user_id: uuid.UUID
) -> None:
    batch = ContentBatch(
        id=batch_id, workspace=workspace_id, campaign=campaign_id, requested=requested, created_by=user_id
    )
    await ContentBatch.insert(batch)


async def _start_job(
    redis: ArqRedis,
    workspace_id: uuid.UUID,
    user_id: uuid.UUID,
    batch_id: uuid.UUID,
    total: int,
    undo: Callable[[], Awaitable[None]],
) -> BatchOut:
    """Send the batch's job (after its rows committed); a refused job (the plan's concurrent jobs) undoes the batch."""
    try:
        job = await jobs.enqueue(
            redis, workspace_id, GENERATE_KIND, {"batch_id": str(batch_id)}, total=total, created_by=user_id
        )
    except BaseException:
        async with db.transaction():
            await undo()
        raise
    await scoped(ContentBatch, workspace_id).update({ContentBatch.job_id: job.id}).where(ContentBatch.id == batch_id)
    return (await batches.batch_outs(workspace_id, [await batches.batch_row(workspace_id, batch_id)]))[0]


async def list_batches(workspace_id: uuid.UUID, campaign_id: uuid.UUID, limit: int, offset: int) -> Page[BatchOut]:
    """The campaign's batches, newest first, each with its posts counted by content state."""
    await core.campaign_row(workspace_id, campaign_id)
    table = scoped(ContentBatch, workspace_id)
    query = table.select().order_by(ContentBatch.created_at, ascending=False).order_by(ContentBatch.id)
    page = await fetch_page(
        query, table.count(), lambda row: row, limit, offset, [ContentBatch.campaign == campaign_id]
    )
    items = await batches.batch_outs(workspace_id, page.items)
    return Page(items=items, total=page.total, limit=page.limit, offset=page.offset)


async def get_batch(workspace_id: uuid.UUID, batch_id: uuid.UUID) -> BatchDetailOut:
    [batch] = await batches.batch_outs(workspace_id, [await batches.batch_row(workspace_id, batch_id)])
    rows = (
        await scoped(CampaignPost, workspace_id)
        .select()
        .where(CampaignPost.batch == batch_id)
        .order_by(CampaignPost.position)
        .output(load_json=True)
    )
    return BatchDetailOut(batch=batch, posts=await core.post_outs(workspace_id, rows))


async def regenerate_post(
    redis: ArqRedis, workspace_id: uuid.UUID, user_id: uuid.UUID, campaign_id: uuid.UUID, post_id: uuid.UUID
) -> BatchOut:
    """Write the post again from its brief: a one-post batch (the post's caption stays until rewritten)."""
    campaign = await core.campaign_row(workspace_id, campaign_id)
    post = await core.post_row(workspace_id, campaign_id, post_id)
    _check_open(campaign)
    if post["status"] in SENT:
        raise Conflict(f"The post is {post['status']}: it cannot be rewritten")
    writing = post["content_state"] == ContentState.pending.value and post["batch"] is not None
    if writing and (await batches.batch_row(workspace_id, post["batch"]))["status"] == batches.RUNNING:
        raise Conflict("The post is still being written by its batch; regenerate it once it is written")
    await _check_quota(workspace_id, 1)
    batch_id = uuid.uuid4()
    before = {
        CampaignPost.batch: post["batch"],
        CampaignPost.content_state: post["content_state"],
        CampaignPost.content_error: post["content_error"],
    }

    async def undo() -> None:
        await scoped(CampaignPost, workspace_id).update(before).where(CampaignPost.id == post_id)
        await scoped(ContentBatch, workspace_id).delete().where(ContentBatch.id == batch_id)

    async with db.transaction():
        await _insert_batch(workspace_id, campaign_id, batch_id, 1, user_id)
        moved = {
            CampaignPost.batch: batch_id,
            CampaignPost.content_state: ContentState.pending.value,
            CampaignPost.content_error: "",
            CampaignPost.updated_at: utcnow(),
        }
        await scoped(CampaignPost, workspace_id).update(moved).where(CampaignPost.id == post_id)
    return await _start_job(redis, workspace_id, user_id, batch_id, 1, undo)


# --- posts by hand and edits --------------------------------------------------------------------


async def create_post(workspace_id: uuid.UUID, campaign_id: uuid.UUID, data: PostIn) -> PostOut:
    """A post written by hand: ready at once, with the user's media if any."""
    campaign = await core.campaign_row(workspace_id, campaign_id)
    _check_open(campaign)
    caption = _caption(data.caption)
    await _check_media(workspace_id, data.media_ids)
    post_id = uuid.uuid4()
    await CampaignPost.insert(
        CampaignPost(
            id=post_id,
            workspace=workspace_id,
            campaign=campaign_id,
            position=await core.next_position(workspace_id, campaign_id),
            source="manual",
            topic=" ".join(data.topic.split()),
            tone=campaign["tone"],
            audience=campaign["target_audience"],
            content_state=ContentState.ready.value,
            caption=caption,
            media_ids=[str(m) for m in data.media_ids],
            media_source="uploaded" if data.media_ids else "none",
        )
    )
    return (await core.post_outs(workspace_id, [await core.post_row(workspace_id, campaign_id, post_id)]))[0]


async def update_post(
    workspace_id: uuid.UUID, campaign_id: uuid.UUID, post_id: uuid.UUID, changes: PostUpdate
) -> PostOut:
    """Edit a post in review: its caption (it is then ready), the user's own media, dropped or back in.

    A post being posted or posted already cannot change (409).
    """
    post = await core.post_row(workspace_id, campaign_id, post_id)
    sent = sent_fields(changes)
    if sent and post["status"] in SENT:
        raise Conflict(f"The post is {post['status']}: it can no longer be edited or dropped")
    values: dict[Any, Any] = {}
    if "caption" in sent:
        # Written by hand: the post is ready, and a batch still writing it leaves it alone.
        values[CampaignPost.caption] = _caption(sent["caption"])
        values[CampaignPost.content_state] = ContentState.ready.value
        values[CampaignPost.content_error] = ""
    if "media_ids" in sent:
        await _check_media(workspace_id, sent["media_ids"])
        values[CampaignPost.media_ids] = [str(m) for m in sent["media_ids"]]
        values[CampaignPost.media_source] = "uploaded" if sent["media_ids"] else "none"
    if sent.get("dropped") is True:
        values[CampaignPost.status] = PostStatus.dropped.value
    elif sent.get("dropped") is False and post["status"] == PostStatus.dropped.value:
        values[CampaignPost.status] = PostStatus.draft.value  # back in review; the posting run assigns it again
    if values:
        values[CampaignPost.updated_at] = utcnow()
        # Only while it is not on its way: the posting run may have taken it since it was read.
        editable = (CampaignPost.id == post_id) & CampaignPost.status.not_in(list(SENT))
        if not await scoped(CampaignPost, workspace_id).update(values).where(editable).returning(CampaignPost.id):
            raise Conflict("The post is being posted: it can no longer be edited or dropped")
    return (await core.post_outs(workspace_id, [await core.post_row(workspace_id, campaign_id, post_id)]))[0]
