"""Campaigns: a brief written once, posts written by AI in batches (or imported), then
posted over many platform accounts on a schedule.

A campaign's posting run and each post's publishing are jobs (kinds `campaign.run`
and its children `campaign.post`); a content batch is a job too (`campaign.generate`,
one item per post). The job rows are the history of what ran; these tables hold
what the user sees and edits.
"""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import JSON, UUID, BigInt, Boolean, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from backend.auth.tables import Workspace


class CampaignStatus(StrEnum):
    draft = "draft"
    scheduled = "scheduled"  # started, its first post is still in the future
    running = "running"
    paused = "paused"
    completed = "completed"
    cancelled = "cancelled"


class PostStatus(StrEnum):
    """Where a post is on its way to a platform (its writing is `ContentState`)."""

    draft = "draft"  # in review: not yet given to an account
    scheduled = "scheduled"  # has an account and a time, its job waits for it
    posting = "posting"
    posted = "posted"
    failed = "failed"
    cancelled = "cancelled"
    dropped = "dropped"  # taken out by the user in review; kept for history


class ContentState(StrEnum):
    pending = "pending"  # waiting for its batch to write it
    ready = "ready"
    failed = "failed"


class Strategy(StrEnum):
    round_robin = "round_robin"
    random = "random"
    least_used = "least_used"


class Campaign(Table, tablename="campaigns"):
    id = UUID(primary_key=True)
    workspace = ForeignKey(Workspace, null=False, on_delete=OnDelete.cascade, index=True)
    name = Varchar(length=100)
    description = Text(default="")
    brand_name = Varchar(length=100, default="")
    target_audience = Varchar(length=300, default="")
    tone = Varchar(length=100, default="")
    status = Varchar(length=16, choices=CampaignStatus, default=CampaignStatus.draft.value, index=True)
    status_reason = Text(default="")
    # Which accounts post: {platforms, statuses, tags, proxy_id, profile_id} (all must hold).
    targeting = JSON(default="{}")
    strategy = Varchar(length=16, choices=Strategy, default=Strategy.round_robin.value)
    # The seed the `random` strategy used, recorded at start so the assignment can be replayed.
    strategy_seed = BigInt(null=True, default=None)
    # Schedule: posts from `starts_at` (or the start), only between active_from and active_to
    # (HH:MM in `timezone`), `spacing_minutes` apart per account, at most
    # `posts_per_account_per_day` per account and day.
    starts_at = Timestamptz(null=True, default=None)
    active_from = Varchar(length=5, default="00:00")
    active_to = Varchar(length=5, default="24:00")
    timezone = Varchar(length=64, default="UTC")
    spacing_minutes = Integer(default=60)
    posts_per_account_per_day = Integer(default=3)
    # The posting run's parent job (its children publish the posts).
    job_id = UUID(null=True, default=None)
    created_by = UUID(null=True, default=None)
    deleted_at = Timestamptz(null=True, default=None, index=True)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    started_at = Timestamptz(null=True, default=None)
    completed_at = Timestamptz(null=True, default=None)


class ContentBatch(Table, tablename="campaign_batches"):
    """One generation request: its posts are written by one job, one item per post."""

    id = UUID(primary_key=True)
    workspace = ForeignKey(Workspace, null=False, on_delete=OnDelete.cascade, index=True)
    campaign = ForeignKey(Campaign, null=False, on_delete=OnDelete.cascade, index=True)
    job_id = UUID(null=True, default=None)
    # running, completed (every post written or failed on its own), cancelled
    status = Varchar(length=16, default="running")
    requested = Integer(default=0)
    created_by = UUID(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    finished_at = Timestamptz(null=True, default=None)


class CampaignPost(Table, tablename="campaign_posts"):
    id = UUID(primary_key=True)
    workspace = ForeignKey(Workspace, null=False, on_delete=OnDelete.cascade, index=True)
    campaign = ForeignKey(Campaign, null=False, on_delete=OnDelete.cascade, index=True)
    batch = ForeignKey(ContentBatch, null=True, default=None, on_delete=OnDelete.set_null, index=True)
    # Order within the campaign (assignment and schedule follow it).
    position = Integer(default=0)
    # generated, imported, manual
    source = Varchar(length=16, default="generated")
    # The brief this post was written from.
    topic = Varchar(length=200, default="")
    brief = Text(default="")
    tone = Varchar(length=100, default="")
    audience = Varchar(length=300, default="")
    with_image = Boolean(default=False)
    content_state = Varchar(length=16, choices=ContentState, default=ContentState.pending.value)
    content_error = Text(default="")
    caption = Text(default="")
    # Media ids (backend.media) in order: a generated image or the user's photos/video.
    media_ids = JSON(default="[]")
    # generated, uploaded, none
    media_source = Varchar(length=16, default="none")
    status = Varchar(length=16, choices=PostStatus, default=PostStatus.draft.value, index=True)
    # The account that posts it (platforms' table: no cross-domain foreign key) and its platform.
    account_id = UUID(null=True, default=None, index=True)
    platform = Varchar(length=32, default="")
    scheduled_at = Timestamptz(null=True, default=None, index=True)
    job_id = UUID(null=True, default=None)
    posted_at = Timestamptz(null=True, default=None, index=True)
    platform_post_id = Varchar(length=200, default="")
    url = Varchar(length=500, default="")
    error = Text(default="")
    attempts = Integer(default=0)
    # Seconds from the post's job starting to the platform confirming it (statistics).
    post_seconds = Integer(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
