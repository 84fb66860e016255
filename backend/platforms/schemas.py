"""Platform accounts, proxies and browser profiles: requests and responses.

Responses never carry a secret: passwords, cookies and proxy credentials only
show up as `has_password`, `has_cookies` and `has_credentials`.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec

from backend.core.errors import explain_pattern
from backend.core.schemas import SINGLE_LINE

AccountStatus = Literal["active", "needs_attention", "cooldown", "banned", "inactive"]
UserAccountStatus = Literal["active", "inactive"]
ProxyKind = Literal["residential", "datacenter", "mobile"]
ProxyScheme = Literal["http", "https", "socks5"]
ProxyStatus = Literal["unchecked", "healthy", "unhealthy"]

PlatformName = Annotated[str, msgspec.Meta(min_length=1, max_length=32, examples=["sandbox"])]
Login = Annotated[str, msgspec.Meta(min_length=1, max_length=255, pattern=SINGLE_LINE, examples=["jane@example.com"])]
Label = Annotated[str, msgspec.Meta(max_length=100, pattern=SINGLE_LINE)]
Secret = Annotated[str, msgspec.Meta(min_length=1, max_length=1000, pattern=SINGLE_LINE)]
Cookies = Annotated[
    list[dict[str, Any]],
    msgspec.Meta(
        max_length=1000,
        description=(
            "Browser cookies as exported by a browser extension (Cookie-Editor, EditThisCookie) or by "
            "Playwright: name, value, domain, path, expires or expirationDate, httpOnly, secure, sameSite."
        ),
    ),
]
DailyCap = Annotated[int, msgspec.Meta(ge=1, le=100_000)]
HOST_PATTERN = explain_pattern(
    r"^[A-Za-z0-9.\-:\[\]_]+$", "use a host name or IP address, like proxy.example.com or 203.0.113.5"
)
LOCALE_PATTERN = explain_pattern(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$", "use a language tag like en-US or fr-FR")
Host = Annotated[str, msgspec.Meta(min_length=1, max_length=255, pattern=HOST_PATTERN)]
Port = Annotated[int, msgspec.Meta(ge=1, le=65535)]
ProxyUrl = Annotated[
    str, msgspec.Meta(max_length=1000, pattern=SINGLE_LINE, examples=["http://user:secret@203.0.113.5:8080"])
]
ProfileName = Annotated[str, msgspec.Meta(min_length=1, max_length=100, pattern=SINGLE_LINE)]
UserAgent = Annotated[str, msgspec.Meta(min_length=1, max_length=1000, pattern=SINGLE_LINE)]
ViewportWidth = Annotated[int, msgspec.Meta(ge=240, le=7680)]
ViewportHeight = Annotated[int, msgspec.Meta(ge=240, le=4320)]
# BCP-47-ish: a language, then optional script / region / variant subtags ("en", "en-US", "zh-Hant-TW").
Locale = Annotated[str, msgspec.Meta(min_length=2, max_length=35, pattern=LOCALE_PATTERN, examples=["en-US"])]
Timezone = Annotated[str, msgspec.Meta(min_length=1, max_length=64, examples=["Europe/Paris"])]


# --- accounts --------------------------------------------------------------------


class AccountCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A platform account. `platform` is one of GET /accounts/platforms; the password and cookies are
    stored encrypted and never shown again."""

    platform: PlatformName
    login: Login
    password: Secret | None = None
    cookies: Cookies | None = None
    label: Label = ""
    proxy_id: uuid.UUID | None = None
    profile_id: uuid.UUID | None = None
    daily_action_cap: DailyCap | None = None


class AccountUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """Only the fields sent change; `null` clears password, cookies, proxy or profile.
    `status` may be set to `active` or `inactive` only (the others are set by automation)."""

    label: Label | msgspec.UnsetType = msgspec.UNSET
    password: Secret | msgspec.UnsetType | None = msgspec.UNSET
    cookies: Cookies | msgspec.UnsetType | None = msgspec.UNSET
    proxy_id: uuid.UUID | msgspec.UnsetType | None = msgspec.UNSET
    profile_id: uuid.UUID | msgspec.UnsetType | None = msgspec.UNSET
    daily_action_cap: DailyCap | msgspec.UnsetType = msgspec.UNSET
    status: UserAccountStatus | msgspec.UnsetType = msgspec.UNSET


class AccountOut(msgspec.Struct):
    id: uuid.UUID
    platform: str
    platform_title: str
    driver_verified: bool
    """False for drivers not checked against the live site: the UI must say so."""
    login: str
    label: str
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


# --- proxies ---------------------------------------------------------------------


class ProxyCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A proxy: `host` and `port` (with optional `username`/`password`), or one `url` such as
    `http://user:pass@host:port` (socks5:// and https:// too). Credentials are stored encrypted."""

    label: Label = ""
    kind: ProxyKind = "datacenter"
    scheme: ProxyScheme | None = None
    host: Host | None = None
    port: Port | None = None
    username: Secret | None = None
    password: Secret | None = None
    url: ProxyUrl | None = None


class ProxyUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """Only the fields sent change; `null` clears username or password."""

    label: Label | msgspec.UnsetType = msgspec.UNSET
    kind: ProxyKind | msgspec.UnsetType = msgspec.UNSET
    scheme: ProxyScheme | msgspec.UnsetType = msgspec.UNSET
    host: Host | msgspec.UnsetType = msgspec.UNSET
    port: Port | msgspec.UnsetType = msgspec.UNSET
    username: Secret | msgspec.UnsetType | None = msgspec.UNSET
    password: Secret | msgspec.UnsetType | None = msgspec.UNSET


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


# --- browser profiles ------------------------------------------------------------


class ProfileCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A browser profile: what an account's browser looks like to the platform."""

    name: ProfileName
    user_agent: UserAgent
    viewport_width: ViewportWidth = 1366
    viewport_height: ViewportHeight = 768
    locale: Locale = "en-US"
    timezone: Timezone = "UTC"
    is_mobile: bool = False


class ProfileUpdate(msgspec.Struct, forbid_unknown_fields=True):
    name: ProfileName | msgspec.UnsetType = msgspec.UNSET
    user_agent: UserAgent | msgspec.UnsetType = msgspec.UNSET
    viewport_width: ViewportWidth | msgspec.UnsetType = msgspec.UNSET
    viewport_height: ViewportHeight | msgspec.UnsetType = msgspec.UNSET
    locale: Locale | msgspec.UnsetType = msgspec.UNSET
    timezone: Timezone | msgspec.UnsetType = msgspec.UNSET
    is_mobile: bool | msgspec.UnsetType = msgspec.UNSET


class FromTemplate(msgspec.Struct, forbid_unknown_fields=True):
    """Optional overrides for a profile made from a template."""

    name: ProfileName | None = None
    locale: Locale | None = None
    timezone: Timezone | None = None


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


# --- imports ---------------------------------------------------------------------

RowStatus = Literal["created", "skipped", "failed"]


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
