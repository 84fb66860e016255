"""Campaigns: the campaign itself (create, edit, soft delete, restore, list) and what the
content and posting parts share — finding a campaign or a post of the workspace, posts
as responses, post counts and the campaign's status.

This is the domain's door for other domains. Every query is scoped to the workspace;
another workspace's campaign or post is a 404. A deleted campaign is hidden (404) unless
asked for with `include_deleted` (owners); its posts and jobs stay for history.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import msgspec
from piccolo.query.functions.aggregate import Count

from backend.campaigns.schemas import (
    CampaignIn,
    CampaignOut,
    CampaignStatusName,
    CampaignUpdate,
    PostCounts,
    PostOut,
    PostStatusName,
    Schedule,
    Targeting,
)
from backend.campaigns.tables import Campaign, CampaignPost, CampaignStatus, ContentState, PostStatus
from backend.core.clock import utcnow
from backend.core.convert import to_schema
from backend.core.errors import Conflict, InvalidInput, NotFound
from backend.core.fields import sent_fields
from backend.core.hours import parse_hhmm, zone
from backend.core.pagination import fetch_page
from backend.core.schemas import Page
from backend.core.scoped import scoped
from backend.platforms import service as platforms

CAMPAIGN_NOT_FOUND = "Campaign not found"
POST_NOT_FOUND = "Post not found"

# Statuses in which the posting run is under way: the campaign cannot be deleted or re-targeted.
LIVE = frozenset({CampaignStatus.scheduled, CampaignStatus.running, CampaignStatus.paused})
FINISHED = frozenset({CampaignStatus.completed, CampaignStatus.cancelled})
# Posts that count towards a campaign's progress: given to an account, finished or not.
_TO_PUBLISH = ("scheduled", "posting", "posted", "failed", "cancelled")
_FINISHED_POSTS = ("posted", "failed", "cancelled")


# --- checks -------------------------------------------------------------------------------------


def check_schedule(schedule: Schedule) -> None:
    """400 naming the schedule's field that is wrong: hours as HH:MM, the window's end after its start."""
    try:
        start = parse_hhmm(schedule.active_from)
    except ValueError as exc:
        raise InvalidInput("schedule.active_from", str(exc)) from None
    try:
        end = parse_hhmm(schedule.active_to, allow_end_of_day=True)
    except ValueError as exc:
        raise InvalidInput("schedule.active_to", str(exc)) from None
    if end <= start:
        raise InvalidInput(
            "schedule.active_to",
            f"the active hours must end after they start ({schedule.active_from}); use 24:00 for the end of the day",
        )
    try:
        zone(schedule.timezone)
    except ValueError as exc:
        raise InvalidInput("schedule.timezone", str(exc)) from None
    if schedule.starts_at is not None and schedule.starts_at.tzinfo is None:
        raise InvalidInput("schedule.starts_at", "give a time zone (e.g. 2026-12-01T09:00:00Z)")


def _clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InvalidInput("name", "must not be blank")
    return cleaned


def _schedule_columns(schedule: Schedule) -> dict[str, Any]:
    check_schedule(schedule)
    return {
        "starts_at": schedule.starts_at,
        "active_from": schedule.active_from,
        "active_to": schedule.active_to,
        "timezone": schedule.timezone,
        "spacing_minutes": schedule.spacing_minutes,
        "posts_per_account_per_day": schedule.posts_per_account_per_day,
    }


def schedule_of(row: dict[str, Any]) -> Schedule:
    return Schedule(
        starts_at=row["starts_at"],
        active_from=row["active_from"],
        active_to=row["active_to"],
        timezone=row["timezone"],
        spacing_minutes=row["spacing_minutes"],
        posts_per_account_per_day=row["posts_per_account_per_day"],
    )


def targeting_of(row: dict[str, Any]) -> Targeting:
    return msgspec.convert(row["targeting"] or {}, Targeting)


# --- rows ---------------------------------------------------------------------------------------


async def campaign_row(
    workspace_id: uuid.UUID, campaign_id: uuid.UUID, *, include_deleted: bool = False
) -> dict[str, Any]:
    """The campaign's row (JSON loaded); 404 for another workspace's or a deleted one (unless asked for)."""
    row = await scoped(Campaign, workspace_id).get(campaign_id, missing=CAMPAIGN_NOT_FOUND, load_json=True)
    if row["deleted_at"] is not None and not include_deleted:
        raise NotFound(CAMPAIGN_NOT_FOUND)
    return row


async def post_row(workspace_id: uuid.UUID, campaign_id: uuid.UUID, post_id: uuid.UUID) -> dict[str, Any]:
    """The post's row (JSON loaded); 404 when it is not this campaign's (or the campaign is deleted)."""
    await campaign_row(workspace_id, campaign_id)
    posts = scoped(CampaignPost, workspace_id)
    query = posts.select().where((CampaignPost.id == post_id) & (CampaignPost.campaign == campaign_id))
    row = await query.output(load_json=True).first()
    if row is None:
        raise NotFound(POST_NOT_FOUND)
    return row


async def account_labels(workspace_id: uuid.UUID, account_ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    """A readable name for each account (its label, else its login); a removed account says so."""
    labels: dict[uuid.UUID, str] = {}
    for account_id in {a for a in account_ids if a is not None}:
        try:
            account = await platforms.get_account(workspace_id, account_id)
        except NotFound:
            labels[account_id] = "(removed account)"
            continue
        labels[account_id] = account.label or account.login
    return labels


def post_out(row: dict[str, Any], labels: dict[uuid.UUID, str]) -> PostOut:
    return to_schema(
        row,
        PostOut,
        campaign_id=row["campaign"],
        batch_id=row["batch"],
        media_ids=row["media_ids"] or [],
        account_label=labels.get(row["account_id"], "") if row["account_id"] else "",
    )


async def post_outs(workspace_id: uuid.UUID, rows: Sequence[dict[str, Any]]) -> list[PostOut]:
    labels = await account_labels(workspace_id, (row["account_id"] for row in rows))
    return [post_out(row, labels) for row in rows]


async def next_position(workspace_id: uuid.UUID, campaign_id: uuid.UUID) -> int:
    """The position after the campaign's last post (new posts go at the end)."""
    sql = "SELECT MAX(position) AS last FROM campaign_posts WHERE workspace = {workspace} AND campaign = {}"
    rows = await scoped(CampaignPost, workspace_id).raw(sql, campaign_id)
    last = rows[0]["last"] if rows else None
    return 0 if last is None else int(last) + 1


# --- counts -------------------------------------------------------------------------------------


async def counts_by_campaign(workspace_id: uuid.UUID, campaign_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, PostCounts]:
    """Posts of each campaign by status, and how many are written, in one query."""
    counts = {campaign_id: PostCounts() for campaign_id in campaign_ids}
    if not campaign_ids:
        return counts
    posts = scoped(CampaignPost, workspace_id)
    grouping = (CampaignPost.campaign, CampaignPost.status, CampaignPost.content_state)
    rows = await (
        posts.select(*grouping, Count(alias="n"))
        .where(CampaignPost.campaign.is_in(list(campaign_ids)))
        .group_by(*grouping)
    )
    for row in rows:
        campaign_id = row["campaign"] if isinstance(row["campaign"], uuid.UUID) else uuid.UUID(str(row["campaign"]))
        bucket = counts[campaign_id]
        n = int(row["n"])
        bucket.total += n
        if row["content_state"] == ContentState.ready.value:
            bucket.ready += n
        if row["status"] in PostStatus.__members__:
            setattr(bucket, row["status"], getattr(bucket, row["status"]) + n)
    return counts


async def post_counts(workspace_id: uuid.UUID, campaign_id: uuid.UUID) -> PostCounts:
    return (await counts_by_campaign(workspace_id, [campaign_id]))[campaign_id]


def progress_of(counts: PostCounts) -> float:
    to_publish = sum(getattr(counts, status) for status in _TO_PUBLISH)
    finished = sum(getattr(counts, status) for status in _FINISHED_POSTS)
    return round(finished / to_publish, 4) if to_publish else 0.0


# --- campaigns ----------------------------------------------------------------------------------


def campaign_out(row: dict[str, Any], counts: PostCounts) -> CampaignOut:
    return to_schema(
        row,
        CampaignOut,
        targeting=targeting_of(row),
        schedule=schedule_of(row),
        posts=counts,
        progress=progress_of(counts),
        deleted=row["deleted_at"] is not None,
    )


async def get_campaign(
    workspace_id: uuid.UUID, campaign_id: uuid.UUID, *, include_deleted: bool = False
) -> CampaignOut:
    row = await campaign_row(workspace_id, campaign_id, include_deleted=include_deleted)
    return campaign_out(row, await post_counts(workspace_id, campaign_id))


async def list_campaigns(
    workspace_id: uuid.UUID,
    *,
    status: CampaignStatusName | None = None,
    include_deleted: bool = False,
    limit: int,
    offset: int,
) -> Page[CampaignOut]:
    """Newest first; deleted campaigns only with `include_deleted`."""
    campaigns = scoped(Campaign, workspace_id)
    filters = [
        condition
        for condition in (
            Campaign.status == status if status else None,
            None if include_deleted else Campaign.deleted_at.is_null(),
        )
        if condition is not None
    ]
    query = campaigns.select().order_by(Campaign.created_at, ascending=False).order_by(Campaign.id)
    page = await fetch_page(query.output(load_json=True), campaigns.count(), lambda row: row, limit, offset, filters)
    counts = await counts_by_campaign(workspace_id, [row["id"] for row in page.items])
    items = [campaign_out(row, counts[row["id"]]) for row in page.items]
    return Page(items=items, total=page.total, limit=page.limit, offset=page.offset)


async def create_campaign(workspace_id: uuid.UUID, data: CampaignIn, created_by: uuid.UUID | None) -> CampaignOut:
    campaign_id = uuid.uuid4()
    await Campaign.insert(
        Campaign(
            id=campaign_id,
            workspace=workspace_id,
            name=_clean_name(data.name),
            description=data.description,
            brand_name=data.brand_name.strip(),
            target_audience=data.target_audience.strip(),
            tone=data.tone.strip(),
            targeting=msgspec.to_builtins(data.targeting),
            strategy=data.strategy,
            created_by=created_by,
            **_schedule_columns(data.schedule),
        )
    )
    return await get_campaign(workspace_id, campaign_id)


async def update_campaign(workspace_id: uuid.UUID, campaign_id: uuid.UUID, changes: CampaignUpdate) -> CampaignOut:
    """Text fields change any time; who posts and when only while the campaign is a draft."""
    row = await campaign_row(workspace_id, campaign_id)
    sent = sent_fields(changes)
    if not sent:
        return await get_campaign(workspace_id, campaign_id)
    fixed = [name for name in ("targeting", "strategy", "schedule") if name in sent]
    if fixed and row["status"] != CampaignStatus.draft.value:
        raise Conflict(f"The {fixed[0]} of a {row['status']} campaign cannot change; only a draft's can")
    values: dict[str, Any] = {}
    for name, value in sent.items():
        if name == "name":
            values["name"] = _clean_name(value)
        elif name == "targeting":
            values["targeting"] = msgspec.to_builtins(value)
        elif name == "schedule":
            values.update(_schedule_columns(value))
        elif isinstance(value, str) and name != "description":
            values[name] = value.strip()
        else:
            values[name] = value
    await _update(workspace_id, campaign_id, values)
    return await get_campaign(workspace_id, campaign_id)


async def delete_campaign(workspace_id: uuid.UUID, campaign_id: uuid.UUID) -> None:
    """Soft delete: hidden from lists, posts and jobs kept. A campaign still posting must be cancelled first."""
    row = await campaign_row(workspace_id, campaign_id)
    if row["status"] in LIVE:
        raise Conflict(f"The campaign is {row['status']}: cancel it (or let it finish) before deleting it")
    await _update(workspace_id, campaign_id, {"deleted_at": utcnow()})


async def restore_campaign(workspace_id: uuid.UUID, campaign_id: uuid.UUID) -> CampaignOut:
    row = await campaign_row(workspace_id, campaign_id, include_deleted=True)
    if row["deleted_at"] is not None:
        await _update(workspace_id, campaign_id, {"deleted_at": None})
    return await get_campaign(workspace_id, campaign_id)


async def set_status(
    workspace_id: uuid.UUID,
    campaign_id: uuid.UUID,
    status: CampaignStatus,
    reason: str = "",
    *,
    started_at: datetime | None = None,
    completed_at: datetime | None = None,
) -> None:
    """Record the campaign's new status (the posting part decides the transitions)."""
    values: dict[str, Any] = {"status": status.value, "status_reason": reason}
    if started_at is not None:
        values["started_at"] = started_at
    if completed_at is not None:
        values["completed_at"] = completed_at
    await _update(workspace_id, campaign_id, values)


async def _update(workspace_id: uuid.UUID, campaign_id: uuid.UUID, values: dict[str, Any]) -> None:
    columns: dict[Any, Any] = {getattr(Campaign, name): value for name, value in values.items()}
    columns[Campaign.updated_at] = utcnow()
    await scoped(Campaign, workspace_id).update(columns).where(Campaign.id == campaign_id)


# --- posts --------------------------------------------------------------------------------------


async def list_posts(
    workspace_id: uuid.UUID,
    campaign_id: uuid.UUID,
    *,
    status: PostStatusName | None = None,
    content_state: str | None = None,
    limit: int,
    offset: int,
) -> Page[PostOut]:
    """The campaign's posts in their order (position)."""
    await campaign_row(workspace_id, campaign_id)
    posts = scoped(CampaignPost, workspace_id)
    filters = [
        condition
        for condition in (
            CampaignPost.campaign == campaign_id,
            CampaignPost.status == status if status else None,
            CampaignPost.content_state == content_state if content_state else None,
        )
        if condition is not None
    ]
    query = posts.select().order_by(CampaignPost.position).order_by(CampaignPost.id).output(load_json=True)
    page = await fetch_page(query, posts.count(), lambda row: row, limit, offset, filters)
    items = await post_outs(workspace_id, page.items)
    return Page(items=items, total=page.total, limit=page.limit, offset=page.offset)
