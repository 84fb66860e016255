"""Browser profiles: CRUD and profiles made from templates. Every query is scoped to the workspace."""

from __future__ import annotations

import uuid
import zoneinfo
from functools import cache
from typing import Any

from backend import db
from backend.core.clock import utcnow
from backend.core.convert import to_schema
from backend.core.errors import Conflict, InvalidInput, NotFound
from backend.core.fields import like_pattern, sent_fields
from backend.core.pagination import fetch_page
from backend.core.schemas import Page
from backend.core.scoped import scoped
from backend.platforms.profiles.schemas import FromTemplate, ProfileCreate, ProfileUpdate
from backend.platforms.profiles.templates import TEMPLATES
from backend.platforms.schemas import ProfileOut, ProfileTemplateOut
from backend.platforms.tables import BrowserProfile

NOT_FOUND = "Browser profile not found"


@cache
def _timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def check_timezone(timezone: str) -> str:
    if timezone not in _timezones():
        raise InvalidInput("timezone", "must be an IANA time zone such as Europe/Paris or UTC")
    return timezone


def normalize_locale(locale: str) -> str:
    """`en-us` → `en-US`, `zh-hant-tw` → `zh-Hant-TW` (case as BCP 47 writes it)."""
    parts = locale.split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 2 and part.isalpha():
            out.append(part.upper())
        elif len(part) == 4 and part.isalpha():
            out.append(part.title())
        else:
            out.append(part)
    return "-".join(out)


def profile_out(row: dict[str, Any]) -> ProfileOut:
    return to_schema(row, ProfileOut)


async def profile_row(workspace_id: uuid.UUID, profile_id: uuid.UUID) -> dict[str, Any]:
    """The profile's table row; 404 when it is not this workspace's."""
    return await scoped(BrowserProfile, workspace_id).get(profile_id, missing=NOT_FOUND)


async def profile_exists(workspace_id: uuid.UUID, profile_id: uuid.UUID) -> bool:
    return bool(await scoped(BrowserProfile, workspace_id).exists().where(BrowserProfile.id == profile_id))


async def get_profile(workspace_id: uuid.UUID, profile_id: uuid.UUID) -> ProfileOut:
    return profile_out(await profile_row(workspace_id, profile_id))


def _duplicate_profile(name: str) -> str:
    return f"A browser profile named {name!r} already exists in this workspace"


async def _insert_profile(workspace_id: uuid.UUID, values: dict[str, Any]) -> ProfileOut:
    profile_id = uuid.uuid4()
    try:
        await BrowserProfile.insert(BrowserProfile(id=profile_id, workspace=workspace_id, **values))
    except Exception as exc:
        if db.is_unique_violation(exc):
            raise Conflict(_duplicate_profile(values["name"])) from None
        raise
    return await get_profile(workspace_id, profile_id)


def _clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InvalidInput("name", "must not be blank")
    return cleaned


async def create_profile(workspace_id: uuid.UUID, data: ProfileCreate) -> ProfileOut:
    return await _insert_profile(
        workspace_id,
        {
            "name": _clean_name(data.name),
            "user_agent": data.user_agent.strip(),
            "viewport_width": data.viewport_width,
            "viewport_height": data.viewport_height,
            "locale": normalize_locale(data.locale),
            "timezone": check_timezone(data.timezone),
            "is_mobile": data.is_mobile,
        },
    )


async def list_profiles(workspace_id: uuid.UUID, *, search: str | None, limit: int, offset: int) -> Page[ProfileOut]:
    profiles = scoped(BrowserProfile, workspace_id)
    conditions = [BrowserProfile.name.ilike(like_pattern(search))] if search else []
    return await fetch_page(
        profiles.select().order_by(BrowserProfile.name).order_by(BrowserProfile.id),
        profiles.count(),
        profile_out,
        limit,
        offset,
        conditions,
    )


async def update_profile(workspace_id: uuid.UUID, profile_id: uuid.UUID, changes: ProfileUpdate) -> ProfileOut:
    row = await profile_row(workspace_id, profile_id)
    sent = sent_fields(changes)
    if not sent:
        return profile_out(row)
    if "name" in sent:
        sent["name"] = _clean_name(sent["name"])
    if "user_agent" in sent:
        sent["user_agent"] = sent["user_agent"].strip()
    if "locale" in sent:
        sent["locale"] = normalize_locale(sent["locale"])
    if "timezone" in sent:
        check_timezone(sent["timezone"])
    values: dict[Any, Any] = {getattr(BrowserProfile, name): value for name, value in sent.items()}
    values[BrowserProfile.updated_at] = utcnow()
    try:
        await scoped(BrowserProfile, workspace_id).update(values).where(BrowserProfile.id == profile_id)
    except Exception as exc:
        if db.is_unique_violation(exc):
            raise Conflict(_duplicate_profile(sent["name"])) from None
        raise
    return await get_profile(workspace_id, profile_id)


async def delete_profile(workspace_id: uuid.UUID, profile_id: uuid.UUID) -> None:
    """Accounts that used it fall back to the default browser look (their profile becomes null)."""
    await profile_row(workspace_id, profile_id)
    await scoped(BrowserProfile, workspace_id).delete().where(BrowserProfile.id == profile_id)


def list_templates() -> list[ProfileTemplateOut]:
    return list(TEMPLATES.values())


async def _free_name(workspace_id: uuid.UUID, base: str) -> str:
    """`base`, or `base (2)`, `base (3)`… whichever is not taken in the workspace."""
    rows = await (
        scoped(BrowserProfile, workspace_id)
        .select(BrowserProfile.name)
        .where(BrowserProfile.name.like(base.replace("%", "") + "%"))
    )
    taken = {r["name"] for r in rows}
    if base not in taken:
        return base
    n = 2
    while f"{base} ({n})" in taken:
        n += 1
    return f"{base} ({n})"


async def create_from_template(workspace_id: uuid.UUID, template: str, overrides: FromTemplate) -> ProfileOut:
    chosen = TEMPLATES.get(template)
    if chosen is None:
        raise NotFound(f"Profile template {template!r} not found; templates: {', '.join(TEMPLATES)}")
    name = _clean_name(overrides.name) if overrides.name else await _free_name(workspace_id, chosen.title)
    return await _insert_profile(
        workspace_id,
        {
            "name": name,
            "template": chosen.name,
            "user_agent": chosen.user_agent,
            "viewport_width": chosen.viewport_width,
            "viewport_height": chosen.viewport_height,
            "locale": normalize_locale(overrides.locale or chosen.locale),
            "timezone": check_timezone(overrides.timezone or chosen.timezone),
            "is_mobile": chosen.is_mobile,
        },
    )
