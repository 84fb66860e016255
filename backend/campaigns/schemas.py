"""Campaign requests and responses: the campaign and its targeting and schedule, content
batches and posts, posting control, import, calendar and statistics.

msgspec checks types and bounds; the service checks what needs more than one field
(window end after start, a known time zone, at least one account matched) and says
which field is wrong.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

import msgspec

from backend.core.schemas import SINGLE_LINE

CampaignStatusName = Literal["draft", "scheduled", "running", "paused", "completed", "cancelled"]
PostStatusName = Literal["draft", "scheduled", "posting", "posted", "failed", "cancelled", "dropped"]
ContentStateName = Literal["pending", "ready", "failed"]
StrategyName = Literal["round_robin", "random", "least_used"]
PostSource = Literal["generated", "imported", "manual"]
MediaSource = Literal["generated", "uploaded", "none"]
ProblemField = Literal["caption", "media", "platform"]

CampaignName = Annotated[str, msgspec.Meta(min_length=1, max_length=100, pattern=SINGLE_LINE)]
ShortText = Annotated[str, msgspec.Meta(max_length=100, pattern=SINGLE_LINE)]
Audience = Annotated[str, msgspec.Meta(max_length=300, pattern=SINGLE_LINE)]
LongText = Annotated[str, msgspec.Meta(max_length=4000)]
Caption = Annotated[str, msgspec.Meta(max_length=2200, description="What the post says (2,200 characters at most)")]
Topic = Annotated[str, msgspec.Meta(max_length=200, pattern=SINGLE_LINE)]
HourMinute = Annotated[str, msgspec.Meta(min_length=1, max_length=5, description="HH:MM (24:00 for end of day)")]
TimeZone = Annotated[str, msgspec.Meta(min_length=1, max_length=64, examples=["Europe/Paris"])]
Tag = Annotated[str, msgspec.Meta(min_length=1, max_length=32)]
MediaIds = Annotated[list[uuid.UUID], msgspec.Meta(max_length=10)]


# --- targeting and schedule ---------------------------------------------------------------------


class Targeting(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """Which of the workspace's accounts post: every given filter must hold (empty = all accounts)."""

    platforms: Annotated[list[str], msgspec.Meta(max_length=10)] = msgspec.field(default_factory=list)
    statuses: Annotated[list[str], msgspec.Meta(max_length=5)] = msgspec.field(default_factory=list)
    tags: Annotated[list[Tag], msgspec.Meta(max_length=20)] = msgspec.field(default_factory=list)
    proxy_id: uuid.UUID | None = None
    profile_id: uuid.UUID | None = None


class Schedule(msgspec.Struct, forbid_unknown_fields=True):
    """When posts go out: from `starts_at` (or the start), inside the daily window, spaced per account."""

    starts_at: datetime | None = None
    active_from: HourMinute = "00:00"
    active_to: HourMinute = "24:00"
    timezone: TimeZone = "UTC"
    spacing_minutes: Annotated[int, msgspec.Meta(ge=1, le=7 * 24 * 60)] = 60
    posts_per_account_per_day: Annotated[int, msgspec.Meta(ge=1, le=100)] = 3


# --- campaigns ----------------------------------------------------------------------------------


class CampaignIn(msgspec.Struct, forbid_unknown_fields=True):
    name: CampaignName
    description: LongText = ""
    brand_name: ShortText = ""
    target_audience: Audience = ""
    tone: ShortText = ""
    targeting: Targeting = msgspec.field(default_factory=Targeting)
    strategy: StrategyName = "round_robin"
    schedule: Schedule = msgspec.field(default_factory=Schedule)


class CampaignUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """Only the fields sent change. Targeting, strategy and schedule are fixed once started."""

    name: CampaignName | msgspec.UnsetType = msgspec.UNSET
    description: LongText | msgspec.UnsetType = msgspec.UNSET
    brand_name: ShortText | msgspec.UnsetType = msgspec.UNSET
    target_audience: Audience | msgspec.UnsetType = msgspec.UNSET
    tone: ShortText | msgspec.UnsetType = msgspec.UNSET
    targeting: Targeting | msgspec.UnsetType = msgspec.UNSET
    strategy: StrategyName | msgspec.UnsetType = msgspec.UNSET
    schedule: Schedule | msgspec.UnsetType = msgspec.UNSET


class PostCounts(msgspec.Struct):
    """Posts of a campaign by posting status, and how many are written (content ready)."""

    total: int = 0
    ready: int = 0
    draft: int = 0
    scheduled: int = 0
    posting: int = 0
    posted: int = 0
    failed: int = 0
    cancelled: int = 0
    dropped: int = 0


class CampaignOut(msgspec.Struct):
    id: uuid.UUID
    name: str
    description: str
    brand_name: str
    target_audience: str
    tone: str
    status: CampaignStatusName
    status_reason: str
    targeting: Targeting
    strategy: StrategyName
    strategy_seed: int | None
    schedule: Schedule
    job_id: uuid.UUID | None
    posts: PostCounts
    progress: float
    """Share of the posts to publish that are finished (posted, failed or cancelled), 0–1."""
    deleted: bool
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None
    completed_at: datetime | None


# --- content batches and posts ------------------------------------------------------------------


class PostBrief(msgspec.Struct, forbid_unknown_fields=True):
    """What one post is about; empty fields fall back to the campaign's tone and audience."""

    topic: Topic = ""
    brief: LongText = ""
    tone: ShortText = ""
    audience: Audience = ""
    with_image: bool = False


class GenerateIn(msgspec.Struct, forbid_unknown_fields=True):
    """Either `posts` (one brief per post) or `count` posts written from the campaign's brief."""

    posts: Annotated[list[PostBrief], msgspec.Meta(max_length=200)] | None = None
    count: Annotated[int, msgspec.Meta(ge=1, le=200)] | None = None
    with_image: bool = False
    """With `count`: whether each post gets a generated image."""


class PostOut(msgspec.Struct):
    id: uuid.UUID
    campaign_id: uuid.UUID
    batch_id: uuid.UUID | None
    position: int
    source: PostSource
    topic: str
    brief: str
    tone: str
    audience: str
    with_image: bool
    content_state: ContentStateName
    content_error: str
    caption: str
    media_ids: list[uuid.UUID]
    media_source: MediaSource
    status: PostStatusName
    account_id: uuid.UUID | None
    account_label: str
    platform: str
    scheduled_at: datetime | None
    job_id: uuid.UUID | None
    posted_at: datetime | None
    platform_post_id: str
    url: str
    error: str
    attempts: int
    created_at: datetime
    updated_at: datetime


class PostIn(msgspec.Struct, forbid_unknown_fields=True):
    """A post written by hand (no AI): a caption and, optionally, the user's media."""

    caption: Annotated[str, msgspec.Meta(min_length=1, max_length=2200)]
    media_ids: MediaIds = msgspec.field(default_factory=list)
    topic: Topic = ""


class PostUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """Edit a post before it is posted; only the fields sent change.

    `media_ids` replaces the post's media with the user's own uploads (photos or a video);
    `dropped` takes the post out of the campaign (true) or puts it back (false).
    """

    caption: Caption | msgspec.UnsetType = msgspec.UNSET
    media_ids: MediaIds | msgspec.UnsetType = msgspec.UNSET
    dropped: bool | msgspec.UnsetType = msgspec.UNSET


class MoveIn(msgspec.Struct, forbid_unknown_fields=True):
    """Move a scheduled post to another time on the calendar (its job then runs at that time)."""

    scheduled_at: datetime


class BatchOut(msgspec.Struct):
    id: uuid.UUID
    campaign_id: uuid.UUID
    job_id: uuid.UUID | None
    status: Literal["running", "completed", "cancelled"]
    requested: int
    done: int
    failed: int
    pending: int
    created_at: datetime
    finished_at: datetime | None


class BatchDetailOut(msgspec.Struct):
    batch: BatchOut
    posts: list[PostOut]


# --- posting ------------------------------------------------------------------------------------


class AssignmentOut(msgspec.Struct):
    """Who posts what and when, as `start` would do it now (a preview changes nothing)."""

    post_id: uuid.UUID
    position: int
    caption: str
    account_id: uuid.UUID
    account_label: str
    platform: str
    scheduled_at: datetime


class CampaignPlanProblem(msgspec.Struct):
    """A post the platform it is assigned to would refuse (`start` is refused while there is one)."""

    post_id: uuid.UUID
    position: int
    platform: str
    field: ProblemField
    reason: str
    """What is wrong and what the platform takes, e.g. "no photo or video; Sandbox marketplace needs one"."""


class CampaignPlanOut(msgspec.Struct):
    strategy: StrategyName
    seed: int | None
    accounts_matched: int
    assignments: list[AssignmentOut]
    per_account: dict[str, int]
    """Posts per account id."""
    last_post_at: datetime | None
    problems: list[CampaignPlanProblem] = msgspec.field(default_factory=list)
    """Posts (planned now, or imported with their account) their platform would refuse."""


class RetryOut(msgspec.Struct):
    retried: int
    job_ids: list[uuid.UUID]


# --- import and export --------------------------------------------------------------------------


class ImportRowError(msgspec.Struct):
    row: int
    """1-based, not counting a CSV header."""
    field: str
    reason: str


class PostImportReport(msgspec.Struct):
    created: int
    failed: int
    post_ids: list[uuid.UUID]
    errors: list[ImportRowError]


class ImportPostIn(msgspec.Struct, forbid_unknown_fields=True):
    """One row of a JSON import (CSV columns have the same names)."""

    caption: str
    media: str = ""
    """A media id of this workspace, or an http(s) URL to fetch the image from; empty for none."""
    scheduled_at: str = ""
    account: str = ""
    """The account's id, login or label."""
    platform: str = ""


# --- calendar and statistics --------------------------------------------------------------------


class CalendarPostOut(msgspec.Struct):
    id: uuid.UUID
    campaign_id: uuid.UUID
    campaign_name: str
    caption: str
    status: PostStatusName
    account_id: uuid.UUID | None
    account_label: str
    platform: str
    at: datetime
    """When it runs (scheduled) or ran (posted)."""
    url: str


class CountBy(msgspec.Struct):
    key: str
    label: str
    total: int
    posted: int
    failed: int


class CampaignStatistics(msgspec.Struct):
    campaign_id: uuid.UUID
    posts: PostCounts
    success_rate: float | None
    """Posted / (posted + failed); None before anything finished."""
    by_account: list[CountBy]
    by_platform: list[CountBy]
    by_day: list[CountBy]
    """key = YYYY-MM-DD (campaign's time zone), posts posted and failed that day."""
    avg_seconds_per_post: float | None
    p95_seconds_per_post: float | None
    failure_reasons: list[CountBy]
    """key = the error text, total = how many posts failed with it."""
