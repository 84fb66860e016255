"""The platforms domain's responses (what other domains and the SPA read), and the text fields requests share.

Responses never carry a secret: passwords, cookies and proxy credentials only
show up as `has_password`, `has_cookies` and `has_credentials`. They are
defined here, not in each resource's folder, because the OpenAPI names of
their pages (`Page_backend.platforms.schemas.AccountOut_`) are part of the
SPA's generated client. The requests are in accounts/, proxies/ and profiles/.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

import msgspec

from backend.core.schemas import SINGLE_LINE

Label = Annotated[str, msgspec.Meta(max_length=100, pattern=SINGLE_LINE)]
Secret = Annotated[str, msgspec.Meta(min_length=1, max_length=1000, pattern=SINGLE_LINE)]

AccountStatus = Literal["active", "needs_attention", "cooldown", "banned", "inactive"]
ProxyKind = Literal["residential", "datacenter", "mobile"]
ProxyScheme = Literal["http", "https", "socks5"]
ProxyStatus = Literal["unchecked", "healthy", "unhealthy"]
RowStatus = Literal["created", "skipped", "failed"]


class AccountOut(msgspec.Struct):
    id: uuid.UUID
    platform: str
    platform_title: str
    driver_verified: bool
    """False for drivers not checked against the live site: the UI must say so."""
    login: str
    label: str
    tags: list[str]
    status: AccountStatus
    status_reason: str
    proxy_id: uuid.UUID | None
    profile_id: uuid.UUID | None
    daily_action_cap: int
    actions_today: int
    cooldown_until: datetime | None
    last_used_at: datetime | None
    last_login_at: datetime | None
    has_password: bool
    has_cookies: bool
    created_at: datetime
    updated_at: datetime


class PlatformOut(msgspec.Struct):
    name: str
    title: str
    driver_verified: bool


class ProxyOut(msgspec.Struct):
    id: uuid.UUID
    label: str
    kind: ProxyKind
    scheme: ProxyScheme
    host: str
    port: int
    has_credentials: bool
    status: ProxyStatus
    latency_ms: int | None
    last_checked_at: datetime | None
    last_error: str
    created_at: datetime
    updated_at: datetime


class ProfileTemplateOut(msgspec.Struct):
    name: str
    title: str
    user_agent: str
    viewport_width: int
    viewport_height: int
    locale: str
    timezone: str
    is_mobile: bool


class ProfileOut(msgspec.Struct):
    id: uuid.UUID
    name: str
    template: str | None
    user_agent: str
    viewport_width: int
    viewport_height: int
    locale: str
    timezone: str
    is_mobile: bool
    created_at: datetime
    updated_at: datetime


class ImportRowOut(msgspec.Struct):
    row: int
    """1-based number of the data row (the CSV header is not counted)."""
    status: RowStatus
    id: uuid.UUID | None = None
    reason: str = ""


class ImportReport(msgspec.Struct):
    created: int
    skipped: int
    failed: int
    rows: list[ImportRowOut]


class AttentionAccountOut(msgspec.Struct):
    """A platform account that needs a person (a challenge, a refused login, a ban), and its workspace."""

    workspace_id: uuid.UUID
    account: AccountOut
