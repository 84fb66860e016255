"""Importing posts into a campaign from CSV or JSON rows (caption, media, scheduled_at, account, platform).

Every row is checked on its own and reported with its number, the field and the
reason; the good ones are created even when others are bad. A row with both an
account and a time is scheduled on that account at that time; otherwise it is a
draft for the planner. A media cell is a media id of the workspace or an http(s)
URL of an image, fetched (size-limited, public addresses only: `backend.core.fetch`)
and stored through the media domain.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
import msgspec
from arq.connections import ArqRedis

from backend.campaigns import service as core
from backend.campaigns.posting import posts
from backend.campaigns.schemas import ImportPostIn, ImportRowError, PostImportReport
from backend.campaigns.tables import CampaignPost, CampaignStatus, ContentState, PostStatus
from backend.core import clock
from backend.core.errors import Conflict, InvalidInput, NotFound
from backend.core.fetch import FetchRefused, fetch_limited
from backend.core.hours import zone
from backend.media import service as media
from backend.platforms import service as platforms
from backend.settings import get_settings

COLUMNS = ("caption", "media", "scheduled_at", "account", "platform")
MAX_CAPTION = 2200
FETCH_TIMEOUT_SECONDS = 15.0


@dataclass
class _Row:
    number: int
    errors: list[ImportRowError] = field(default_factory=list)
    caption: str = ""
    media_ids: list[uuid.UUID] = field(default_factory=list)
    scheduled_at: datetime | None = None
    account: platforms.AccountOut | None = None
    platform: str = ""

    def refuse(self, name: str, reason: str) -> None:
        self.errors.append(ImportRowError(row=self.number, field=name, reason=reason))


async def import_posts(
    redis: ArqRedis, workspace_id: uuid.UUID, campaign_id: uuid.UUID, raw_rows: list[Any]
) -> PostImportReport:
    campaign = await core.campaign_row(workspace_id, campaign_id)
    if campaign["status"] in (CampaignStatus.completed.value, CampaignStatus.cancelled.value):
        raise Conflict(f"A {campaign['status']} campaign takes no new posts")
    accounts = await platforms.accounts_matching(workspace_id)
    by_name: dict[str, platforms.AccountOut] = {}
    for account in accounts:
        for name in (account.label, account.login, str(account.id)):
            if name:
                by_name.setdefault(name.lower(), account)
    now = clock.utcnow()
    checked: list[_Row] = []
    # No redirects followed by the client: fetch_limited follows them, checking each hop's address.
    async with httpx.AsyncClient(timeout=FETCH_TIMEOUT_SECONDS, follow_redirects=False) as http:
        for number, raw in enumerate(raw_rows, start=1):
            row = _check(number, raw, by_name, campaign["timezone"], now)
            if not row.errors and isinstance(raw, dict) and (cell := str(raw.get("media") or "").strip()):
                await _attach_media(row, cell, workspace_id, http)
            checked.append(row)
    good = [row for row in checked if not row.errors]
    position = await core.next_position(workspace_id, campaign_id)
    created: list[dict[str, Any]] = []
    for offset, row in enumerate(good):
        scheduled = row.account is not None and row.scheduled_at is not None
        post = CampaignPost(
            workspace=workspace_id,
            campaign=campaign_id,
            position=position + offset,
            source="imported",
            content_state=ContentState.ready.value,
            caption=row.caption,
            media_ids=[str(m) for m in row.media_ids],
            media_source="uploaded" if row.media_ids else "none",
            status=PostStatus.scheduled.value if scheduled else PostStatus.draft.value,
            account_id=row.account.id if scheduled and row.account else None,
            platform=row.account.platform if scheduled and row.account else "",
            scheduled_at=row.scheduled_at if scheduled else None,
        )
        inserted = await CampaignPost.insert(post).returning(*CampaignPost.all_columns())
        created.append(inserted[0])
    if campaign["status"] != CampaignStatus.draft.value:
        # The run is under way: the scheduled rows get their jobs now (a draft's start makes them).
        await posts.add_post_jobs(redis, workspace_id, campaign, [p for p in created if p["status"] == "scheduled"])
    errors = [error for row in checked for error in row.errors]
    return PostImportReport(
        created=len(created),
        failed=sum(1 for row in checked if row.errors),
        post_ids=[p["id"] for p in created],
        errors=errors,
    )


def _check(number: int, raw: Any, by_name: dict[str, platforms.AccountOut], timezone: str, now: datetime) -> _Row:
    """The row's fields checked, except its media (fetched only for an otherwise good row)."""
    row = _Row(number)
    if not isinstance(raw, dict) or None in raw:
        row.refuse("row", "has more cells than the header row" if isinstance(raw, dict) else "is not an object")
        return row
    try:
        data = msgspec.convert({k: "" if v is None else v for k, v in raw.items()}, ImportPostIn, strict=False)
    except msgspec.ValidationError as exc:
        message, _, where = str(exc).partition(" - at `$.")
        row.refuse(where.rstrip("`").split("[", 1)[0] or "row", message)
        return row
    row.caption = data.caption.strip()
    if not row.caption:
        row.refuse("caption", "is empty")
    elif len(row.caption) > MAX_CAPTION:
        row.refuse("caption", f"is {len(row.caption):,} characters; at most {MAX_CAPTION:,}")
    if data.scheduled_at.strip():
        row.scheduled_at = _when(row, data.scheduled_at.strip(), timezone, now)
    platform = data.platform.strip().lower()
    if platform and not platforms.supports(platform, "publish_post"):
        row.refuse("platform", f"{platform!r} is not a platform Sellpilot can post to")
        platform = ""
    if data.account.strip():
        account = by_name.get(data.account.strip().lower())
        if account is None:
            row.refuse("account", f"no account of this workspace is {data.account.strip()!r}")
        elif platform and account.platform != platform:
            row.refuse("platform", f"the account {data.account.strip()!r} is on {account.platform}, not {platform}")
        elif not platforms.supports(account.platform, "publish_post"):
            row.refuse("account", f"accounts on {account.platform} cannot publish posts")
        else:
            row.account = account
    return row


def _when(row: _Row, text: str, timezone: str, now: datetime) -> datetime | None:
    """An ISO date and time; one without a time zone is in the campaign's."""
    try:
        at = datetime.fromisoformat(text.replace(" ", "T", 1) if "T" not in text else text)
    except ValueError:
        row.refuse("scheduled_at", f"{text!r} is not a date and time like 2026-12-05T10:00 or 2026-12-05 10:00+01:00")
        return None
    if at.tzinfo is None:
        at = at.replace(tzinfo=zone(timezone))
    if at < now:
        row.refuse("scheduled_at", f"{text} is in the past")
        return None
    return at.replace(microsecond=0)


async def _attach_media(row: _Row, cell: str, workspace_id: uuid.UUID, http: httpx.AsyncClient) -> None:
    try:
        media_id = uuid.UUID(cell)
    except ValueError:
        media_id = None
    if media_id is not None:
        try:
            await media.get_row(workspace_id, media_id)
        except NotFound:
            row.refuse("media", f"media {cell} not found in this workspace")
            return
        row.media_ids = [media_id]
        return
    if not cell.lower().startswith(("http://", "https://")):
        row.refuse("media", "give a media id of this workspace or an http(s) URL of an image")
        return
    data = await _fetch(row, cell, http)
    if data is None:
        return
    name = cell.rsplit("/", 1)[-1].split("?", 1)[0] or "image"
    try:
        stored = await media.upload(workspace_id, [media.IncomingFile(name=name, data=data)])
    except (InvalidInput, media.TooLarge) as exc:
        reason = exc.detail.split(": ", 1)[-1]
        row.refuse("media", f"{cell} is not an image we can post ({reason})")
        return
    row.media_ids = [stored[0].id]


async def _fetch(row: _Row, url: str, http: httpx.AsyncClient) -> bytes | None:
    """The URL's body, read no further than the media size limit; None (and the row refused) otherwise."""
    settings = get_settings().media
    try:
        return await fetch_limited(
            http,
            url,
            max_bytes=settings.max_file_bytes,
            allow_private=settings.import_allow_private_urls,
            content_types=("image/", "application/octet-stream"),
            wanted="an image",
        )
    except FetchRefused as exc:
        row.refuse("media", exc.reason)
        return None
