"""Rule requests and responses, and the parameters of each kind (validated by the rules service).

Every kind's parameters are a msgspec Struct here (the social kinds read theirs
from this module too); `PARAMS_BY_KIND` names the kinds a rule may have.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec

Count = Annotated[int, msgspec.Meta(ge=1, le=500)]
Delay = Annotated[int, msgspec.Meta(ge=0, le=7 * 86400)]
Money = Annotated[float, msgspec.Meta(ge=0, le=1_000_000)]
ListingIds = Annotated[list[uuid.UUID], msgspec.Meta(min_length=1, max_length=200)]
Username = Annotated[str, msgspec.Meta(min_length=1, max_length=255)]


class _Params(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    pass


class BumpParams(_Params):
    """Bump the chosen drafts (published on this account), or the `oldest` N items on the platform."""

    listing_ids: ListingIds | None = None
    oldest: Count | None = None


class RelistParams(_Params):
    """Delete and publish again this account's listings older than `older_than_days` with no sale."""

    older_than_days: Annotated[int, msgspec.Meta(ge=1, le=3650)]
    max_items: Count = 10


class FollowParams(_Params):
    """Follow users from a source; users already followed are skipped."""

    source: Literal["followers_of", "likers_of_my_items", "feed_search"]
    username: Username | None = None
    query: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | None = None
    max_per_run: Count = 20


class UnfollowNonfollowersParams(_Params):
    followed_more_than_days: Annotated[int, msgspec.Meta(ge=0, le=3650)]
    max_per_run: Count = 20


class MessageNewFollowersParams(_Params):
    template_id: uuid.UUID
    delay_min_seconds: Delay = 0
    delay_max_seconds: Delay = 0
    max_per_run: Count = 20


class MessageLikersParams(_Params):
    template_id: uuid.UUID
    discount_percent: Annotated[float, msgspec.Meta(gt=0, lt=100)] | None = None
    delay_min_seconds: Delay = 0
    delay_max_seconds: Delay = 0
    max_per_run: Count = 20


class PriceDropParams(_Params):
    """Lower each listing's price by `percent` or `amount` (exactly one) every `every_days`, never below its floor."""

    listing_ids: ListingIds
    every_days: Annotated[int, msgspec.Meta(ge=1, le=365)]
    percent: Annotated[float, msgspec.Meta(gt=0, lt=100)] | None = None
    amount: Annotated[float, msgspec.Meta(gt=0, le=1_000_000)] | None = None
    floor: Money | None = None
    floors: dict[uuid.UUID, Money] | None = None


class InboxSyncParams(_Params):
    pass


class ScheduledPublishParams(_Params):
    """Publish these drafts one per slot, in this order (the rule's starts_at and interval are the spacing)."""

    listing_ids: ListingIds


PARAMS_BY_KIND: dict[str, type[_Params]] = {
    "bump": BumpParams,
    "relist": RelistParams,
    "follow": FollowParams,
    "unfollow_nonfollowers": UnfollowNonfollowersParams,
    "message_new_followers": MessageNewFollowersParams,
    "message_likers": MessageLikersParams,
    "price_drop": PriceDropParams,
    "inbox_sync": InboxSyncParams,
    "scheduled_publish": ScheduledPublishParams,
}

RuleKind = Literal[
    "bump",
    "relist",
    "follow",
    "unfollow_nonfollowers",
    "message_new_followers",
    "message_likers",
    "price_drop",
    "inbox_sync",
    "scheduled_publish",
]
RuleStatus = Literal["active", "paused", "completed"]
RunOutcome = Literal["succeeded", "partial", "failed", "paused", "running", "pending", "skipped"]
HourMinute = Annotated[str, msgspec.Meta(min_length=1, max_length=5, description="HH:MM (24:00 for end of day)")]
RuleName = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
Interval = Annotated[int, msgspec.Meta(ge=5, le=60 * 24 * 31, description="Minutes between runs (at least 5)")]
DailyCap = Annotated[int, msgspec.Meta(ge=1, le=10_000)]
TimeZone = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


class RuleIn(msgspec.Struct, forbid_unknown_fields=True):
    account_id: uuid.UUID
    name: RuleName
    kind: Annotated[str, msgspec.Meta(max_length=32)]
    params: dict[str, Any] = msgspec.field(default_factory=dict)
    interval_minutes: Interval = 60
    starts_at: datetime | None = None
    active_from: HourMinute = "00:00"
    active_to: HourMinute = "24:00"
    timezone: TimeZone | None = None
    daily_cap: DailyCap = 50
    enabled: bool = True


class RuleUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """Only the fields sent change; the kind and the account are fixed."""

    name: RuleName | msgspec.UnsetType = msgspec.UNSET
    params: dict[str, Any] | msgspec.UnsetType = msgspec.UNSET
    interval_minutes: Interval | msgspec.UnsetType = msgspec.UNSET
    starts_at: datetime | msgspec.UnsetType | None = msgspec.UNSET
    active_from: HourMinute | msgspec.UnsetType = msgspec.UNSET
    active_to: HourMinute | msgspec.UnsetType = msgspec.UNSET
    timezone: TimeZone | msgspec.UnsetType = msgspec.UNSET
    daily_cap: DailyCap | msgspec.UnsetType = msgspec.UNSET


class RuleOut(msgspec.Struct):
    id: uuid.UUID
    account_id: uuid.UUID
    account_label: str
    platform: str
    name: str
    kind: str
    params: dict[str, Any]
    interval_minutes: int
    starts_at: datetime | None
    active_from: str
    active_to: str
    timezone: str
    daily_cap: int
    actions_today: int
    status: RuleStatus
    pause_reason: str
    next_run_at: datetime | None
    last_run_at: datetime | None
    last_job_id: uuid.UUID | None
    last_outcome: str
    last_summary: dict[str, int]
    created_at: datetime
    updated_at: datetime


class RunOut(msgspec.Struct):
    """One run of a rule (a job of kind `automation.run`); its per-target results are GET /jobs/{job_id}/items."""

    job_id: uuid.UUID
    rule_id: uuid.UUID | None
    rule_name: str
    kind: str
    account_id: uuid.UUID | None
    slot: datetime | None
    status: str
    outcome: RunOutcome
    summary: dict[str, int]
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
