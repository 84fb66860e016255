"""Platform accounts: requests (the responses, which never carry a secret, are in `backend.platforms.schemas`)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

import msgspec

from backend.core.schemas import SINGLE_LINE
from backend.platforms.schemas import Label, Secret

UserAccountStatus = Literal["active", "inactive"]

PlatformName = Annotated[str, msgspec.Meta(min_length=1, max_length=32, examples=["sandbox"])]
Login = Annotated[str, msgspec.Meta(min_length=1, max_length=255, pattern=SINGLE_LINE, examples=["jane@example.com"])]
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
# Checked and normalised by the service (trimmed, lower-cased, de-duplicated; at most 20 of 1-32 characters),
# so a bad tag is a 400 in words naming `tags`; the bounds here only stop absurd input early.
Tags = Annotated[
    list[Annotated[str, msgspec.Meta(max_length=200)]],
    msgspec.Meta(
        max_length=200,
        description="Short words to group accounts by (campaigns select accounts by them): at most 20, "
        "each 1-32 characters without commas; stored trimmed, lower-case, without duplicates.",
        examples=[["fashion", "eu"]],
    ),
]


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
    tags: Tags = msgspec.field(default_factory=list)


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
    tags: Tags | msgspec.UnsetType = msgspec.UNSET
