"""What a campaign's posting shows afterwards: the calendar, the export and the statistics."""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Literal

import msgspec

from backend.audit import service as audit
from backend.campaigns import service as core
from backend.campaigns.posting import posts
from backend.campaigns.schemas import CalendarPostOut, CampaignStatistics, CountBy
from backend.campaigns.tables import CampaignPost, PostStatus
from backend.core.actor import SYSTEM, Actor
from backend.core.csvfile import csv_bytes
from backend.core.errors import InvalidInput
from backend.core.hours import zone

MAX_CALENDAR_DAYS = 62
# A calendar period holds at most this many posts (a month of a busy agency's posting).
MAX_CALENDAR_POSTS = 5000
ON_CALENDAR = (PostStatus.scheduled.value, PostStatus.posting.value)
EXPORT_COLUMNS = (
    "position",
    "status",
    "account",
    "platform",
    "scheduled_at",
    "posted_at",
    "url",
    "error",
    "caption",
    "id",
)
ExportFormat = Literal["csv", "json"]


async def calendar(
    workspace_id: uuid.UUID, start: datetime, end: datetime, campaign_id: uuid.UUID | None = None
) -> list[CalendarPostOut]:
    """Scheduled and posted posts from `start` to `end` (at most 62 days), across the workspace's
    campaigns that are not deleted (or one campaign), in time order."""
    for name, value in (("from", start), ("to", end)):
        if value.tzinfo is None:
            raise InvalidInput(name, "give a time zone (e.g. 2026-12-01T00:00:00Z)")
    if end <= start:
        raise InvalidInput("to", "must be after from")
    if end - start > timedelta(days=MAX_CALENDAR_DAYS):
        raise InvalidInput("to", f"the period is at most {MAX_CALENDAR_DAYS} days; ask for a shorter one")
    query = (
        posts.posts_of(workspace_id)
        .select(*CampaignPost.all_columns(), CampaignPost.campaign.name.as_alias("campaign_name"))
        .where(CampaignPost.campaign.deleted_at.is_null())
        .where(
            (
                CampaignPost.status.is_in(list(ON_CALENDAR))
                & (CampaignPost.scheduled_at >= start)
                & (CampaignPost.scheduled_at < end)
            )
            | (
                (CampaignPost.status == PostStatus.posted.value)
                & (CampaignPost.posted_at >= start)
                & (CampaignPost.posted_at < end)
            )
        )
    )
    if campaign_id is not None:
        await core.campaign_row(workspace_id, campaign_id)
        query = query.where(CampaignPost.campaign == campaign_id)
    found = await query.limit(MAX_CALENDAR_POSTS).output(load_json=True)
    labels = await core.account_labels(workspace_id, (row["account_id"] for row in found))
    entries = [
        CalendarPostOut(
            id=row["id"],
            campaign_id=row["campaign"],
            campaign_name=row["campaign_name"],
            caption=row["caption"],
            status=row["status"],
            account_id=row["account_id"],
            account_label=labels.get(row["account_id"], "") if row["account_id"] else "",
            platform=row["platform"],
            at=row["posted_at"] if row["status"] == PostStatus.posted.value else row["scheduled_at"],
            url=row["url"],
        )
        for row in found
    ]
    return sorted(entries, key=lambda entry: (entry.at, str(entry.id)))


async def export(
    workspace_id: uuid.UUID, campaign_id: uuid.UUID, fmt: ExportFormat, actor: Actor = SYSTEM
) -> tuple[bytes, str, str]:
    """Every post of the campaign with its status, account, platform, times, link and error.

    Returns (content, media type, file name).
    """
    campaign = await core.campaign_row(workspace_id, campaign_id)
    rows = await posts.rows(workspace_id, campaign_id)
    labels = await core.account_labels(workspace_id, (row["account_id"] for row in rows))
    records = [
        {
            "position": row["position"],
            "status": row["status"],
            "account": labels.get(row["account_id"], "") if row["account_id"] else "",
            "platform": row["platform"],
            "scheduled_at": _iso(row["scheduled_at"]),
            "posted_at": _iso(row["posted_at"]),
            "url": row["url"],
            "error": row["error"],
            "caption": row["caption"],
            "id": str(row["id"]),
        }
        for row in rows
    ]
    stem = "".join(c if c.isalnum() else "-" for c in campaign["name"].lower()).strip("-") or "campaign"
    await audit.record(
        "export.campaign_posts",
        workspace_id=workspace_id,
        actor_id=actor.user_id,
        actor_email=actor.email,
        target=f"campaign:{campaign_id}",
        details={"format": fmt, "rows": len(records), "name": campaign["name"]},
        ip=actor.ip,
    )
    if fmt == "json":
        return msgspec.json.encode(records), "application/json", f"{stem}-posts.json"
    return csv_bytes(EXPORT_COLUMNS, records), "text/csv; charset=utf-8", f"{stem}-posts.csv"


async def statistics(workspace_id: uuid.UUID, campaign_id: uuid.UUID) -> CampaignStatistics:
    campaign = await core.campaign_row(workspace_id, campaign_id)
    rows = await posts.rows(workspace_id, campaign_id)
    counts = await core.post_counts(workspace_id, campaign_id)
    labels = await core.account_labels(workspace_id, (row["account_id"] for row in rows))
    tz = zone(campaign["timezone"])
    finished = [row for row in rows if row["status"] in (PostStatus.posted.value, PostStatus.failed.value)]
    seconds = sorted(
        float(row["post_seconds"]) for row in rows if row["status"] == "posted" and row["post_seconds"] is not None
    )
    ended = counts.posted + counts.failed

    def day_of(row: dict[str, Any]) -> str:
        at = row["posted_at"] or row["updated_at"]
        return str(at.astimezone(tz).date())

    return CampaignStatistics(
        campaign_id=campaign_id,
        posts=counts,
        success_rate=round(counts.posted / ended, 4) if ended else None,
        by_account=_count_by(
            [row for row in rows if row["account_id"] is not None],
            lambda row: str(row["account_id"]),
            lambda key: labels.get(uuid.UUID(key), key),
        ),
        by_platform=_count_by([row for row in rows if row["platform"]], lambda row: row["platform"], str),
        by_day=sorted(_count_by(finished, day_of, str), key=lambda entry: entry.key),
        avg_seconds_per_post=round(sum(seconds) / len(seconds), 2) if seconds else None,
        p95_seconds_per_post=seconds[math.ceil(0.95 * len(seconds)) - 1] if seconds else None,
        failure_reasons=_count_by(
            [row for row in rows if row["status"] == PostStatus.failed.value],
            lambda row: row["error"] or "(no reason given)",
            str,
        ),
    )


def _count_by(
    rows: list[dict[str, Any]], key_of: Callable[[dict[str, Any]], str], label_of: Callable[[str], str]
) -> list[CountBy]:
    """Rows grouped by a key, most first."""
    groups: dict[str, CountBy] = {}
    for row in rows:
        key = key_of(row)
        entry = groups.setdefault(key, CountBy(key=key, label=label_of(key), total=0, posted=0, failed=0))
        entry.total += 1
        entry.posted += row["status"] == PostStatus.posted.value
        entry.failed += row["status"] == PostStatus.failed.value
    return sorted(groups.values(), key=lambda entry: (-entry.total, entry.label))


def _iso(value: datetime | None) -> str:
    return value.isoformat() if value is not None else ""
