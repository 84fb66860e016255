"""What the posting part reads and writes of posts, shared by its service, job handlers and import.

Every query is scoped to the workspace. A post's job is a child of the campaign's
`campaign.run` job, keyed by the post id, so making it twice makes one job.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from arq.connections import ArqRedis

from backend.campaigns import service as core
from backend.campaigns.posting.plan import PlanAccount
from backend.campaigns.tables import Campaign, CampaignPost, CampaignStatus, PostStatus
from backend.core import clock
from backend.core.hours import zone
from backend.core.scoped import scoped
from backend.jobs import service as jobs
from backend.platforms import service as platforms
from backend.settings import get_settings

RUN_KIND = "campaign.run"
POST_KIND = "campaign.post"
# Accounts that cannot post at all are left out unless the targeting asks for a status by name.
UNUSABLE_STATUSES = ("banned", "inactive")
# Posts whose publishing is still ahead (the campaign is not finished while one is).
PENDING = (PostStatus.scheduled.value, PostStatus.posting.value)


def posts_of(workspace_id: uuid.UUID) -> Any:
    return scoped(CampaignPost, workspace_id)


async def rows(workspace_id: uuid.UUID, campaign_id: uuid.UUID, *conditions: Any) -> list[dict[str, Any]]:
    """The campaign's posts matching `conditions`, in their order."""
    query = posts_of(workspace_id).select().where(CampaignPost.campaign == campaign_id)
    for condition in conditions:
        query = query.where(condition)
    found: list[dict[str, Any]] = (
        await query.order_by(CampaignPost.position).order_by(CampaignPost.id).output(load_json=True)
    )
    return found


async def post_by_id(workspace_id: uuid.UUID, post_id: uuid.UUID) -> dict[str, Any] | None:
    row: dict[str, Any] | None = (
        await posts_of(workspace_id).select().where(CampaignPost.id == post_id).output(load_json=True).first()
    )
    return row


async def update(workspace_id: uuid.UUID, post_ids: Iterable[uuid.UUID], condition: Any = None, **values: Any) -> int:
    """Set `values` on the posts (those still matching `condition`); how many changed."""
    ids = list(post_ids)
    if not ids:
        return 0
    columns: dict[Any, Any] = {getattr(CampaignPost, name): value for name, value in values.items()}
    columns[CampaignPost.updated_at] = clock.utcnow()
    query = posts_of(workspace_id).update(columns).where(CampaignPost.id.is_in(ids))
    if condition is not None:
        query = query.where(condition)
    changed = await query.returning(CampaignPost.id)
    return len(changed)


async def matching_accounts(workspace_id: uuid.UUID, campaign: dict[str, Any]) -> list[PlanAccount]:
    """The accounts the campaign's targeting picks, in the facade's order, that can publish posts."""
    targeting = core.targeting_of(campaign)
    found = await platforms.accounts_matching(
        workspace_id,
        platforms=tuple(targeting.platforms),
        statuses=tuple(targeting.statuses),
        tags=tuple(targeting.tags),
        proxy_id=targeting.proxy_id,
        profile_id=targeting.profile_id,
    )
    return [
        PlanAccount(account.id, account.label or account.login, account.platform)
        for account in found
        if platforms.supports(account.platform, "publish_post")
        and (targeting.statuses or account.status not in UNUSABLE_STATUSES)
    ]


async def posted_since(workspace_id: uuid.UUID, since: datetime) -> dict[uuid.UUID, int]:
    """Posts made by each account since `since`, across the workspace's campaigns (for `least_used`)."""
    sql = (
        "SELECT account_id, COUNT(*) AS n FROM campaign_posts WHERE workspace = {workspace} "
        "AND status = 'posted' AND posted_at >= {} AND account_id IS NOT NULL GROUP BY account_id"
    )
    found = await posts_of(workspace_id).raw(sql, since)
    return {_uuid(row["account_id"]): int(row["n"]) for row in found}


async def taken_per_day(workspace_id: uuid.UUID, timezone: str, since: datetime) -> dict[uuid.UUID, dict[date, int]]:
    """Per account, its posts made or still to make from `since` on, per local day of `timezone`, over ALL the
    workspace's campaigns: the daily cap is the account's, so two campaigns on one account share it."""
    tz = zone(timezone)
    pending = (*PENDING, PostStatus.posted.value)
    found = (
        await posts_of(workspace_id)
        .select(CampaignPost.account_id, CampaignPost.posted_at, CampaignPost.scheduled_at)
        .where(
            CampaignPost.status.is_in(list(pending))
            & CampaignPost.account_id.is_not_null()
            & ((CampaignPost.posted_at >= since) | (CampaignPost.scheduled_at >= since))
        )
    )
    taken: dict[uuid.UUID, dict[date, int]] = {}
    for post in found:
        at = post["posted_at"] or post["scheduled_at"]
        if at is None:
            continue
        day = at.astimezone(tz).date()
        per_day = taken.setdefault(_uuid(post["account_id"]), {})
        per_day[day] = per_day.get(day, 0) + 1
    return taken


def without(taken: dict[date, int], times: Iterable[datetime | None], timezone: str) -> dict[date, int]:
    """`taken` less the given posts' own days (posts being given new times)."""
    tz = zone(timezone)
    left = dict(taken)
    for at in times:
        if at is not None:
            day = at.astimezone(tz).date()
            left[day] = max(0, left.get(day, 0) - 1)
    return left


def max_attempts() -> int:
    return get_settings().jobs.default_max_attempts


def child_payload(campaign_id: uuid.UUID, post_id: uuid.UUID) -> dict[str, Any]:
    return {"campaign_id": str(campaign_id), "post_id": str(post_id), "max_attempts": max_attempts()}


async def add_post_jobs(
    redis: ArqRedis, workspace_id: uuid.UUID, campaign: dict[str, Any], posts: Sequence[dict[str, Any]]
) -> None:
    """Jobs for posts scheduled after the campaign's run began (an import into a live campaign).

    Children of the run job, with the key the run would use, so the run never makes a second one.
    """
    parent_id = campaign["job_id"]
    if parent_id is None:
        return  # the run job makes them when it runs
    for post in posts:
        job = await jobs.enqueue(
            redis,
            workspace_id,
            POST_KIND,
            child_payload(campaign["id"], post["id"]),
            within_plan=False,
            parent_id=parent_id,
            idempotency_key=f"{parent_id}:{post['id']}",
            account_id=post["account_id"],
            max_attempts=max_attempts(),
        )
        await update(workspace_id, [post["id"]], job_id=job.id)


async def finish_if_done(workspace_id: uuid.UUID, campaign_id: uuid.UUID) -> bool:
    """Complete a live campaign once none of its posts is left to publish; whether it did.

    Called after each post ends: the last one to end sees the others' outcomes committed.
    """
    left = (
        await posts_of(workspace_id)
        .count()
        .where((CampaignPost.campaign == campaign_id) & CampaignPost.status.is_in(list(PENDING)))
    )
    if left:
        return False
    live = [CampaignStatus.scheduled.value, CampaignStatus.running.value]
    now = clock.utcnow()
    changed = (
        await scoped(Campaign, workspace_id)
        .update({Campaign.status: CampaignStatus.completed.value, Campaign.completed_at: now, Campaign.updated_at: now})
        .where((Campaign.id == campaign_id) & Campaign.status.is_in(live))
        .returning(Campaign.id)
    )
    return bool(changed)


async def move_status(
    workspace_id: uuid.UUID, campaign_id: uuid.UUID, from_statuses: Sequence[CampaignStatus], to: CampaignStatus
) -> bool:
    """Change the campaign's status only if it still is one of `from_statuses` (two requests cannot both win)."""
    now = clock.utcnow()
    changes: dict[Any, Any] = {Campaign.status: to.value, Campaign.updated_at: now, Campaign.status_reason: ""}
    if to is not CampaignStatus.completed:
        changes[Campaign.completed_at] = None
    changed = (
        await scoped(Campaign, workspace_id)
        .update(changes)
        .where((Campaign.id == campaign_id) & Campaign.status.is_in([s.value for s in from_statuses]))
        .returning(Campaign.id)
    )
    return bool(changed)


async def set_campaign(workspace_id: uuid.UUID, campaign_id: uuid.UUID, **values: Any) -> None:
    """Record what the posting run keeps on the campaign (its job, seed, start time)."""
    columns: dict[Any, Any] = {getattr(Campaign, name): value for name, value in values.items()}
    columns[Campaign.updated_at] = clock.utcnow()
    await scoped(Campaign, workspace_id).update(columns).where(Campaign.id == campaign_id)


def _uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
