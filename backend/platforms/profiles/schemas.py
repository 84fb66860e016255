"""Browser profiles: requests (the responses are in `backend.platforms.schemas`)."""

from __future__ import annotations

from typing import Annotated

import msgspec

from backend.core.errors import explain_pattern
from backend.core.schemas import SINGLE_LINE

LOCALE_PATTERN = explain_pattern(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$", "use a language tag like en-US or fr-FR")
ProfileName = Annotated[str, msgspec.Meta(min_length=1, max_length=100, pattern=SINGLE_LINE)]
UserAgent = Annotated[str, msgspec.Meta(min_length=1, max_length=1000, pattern=SINGLE_LINE)]
ViewportWidth = Annotated[int, msgspec.Meta(ge=240, le=7680)]
ViewportHeight = Annotated[int, msgspec.Meta(ge=240, le=4320)]
# BCP-47-ish: a language, then optional script / region / variant subtags ("en", "en-US", "zh-Hant-TW").
Locale = Annotated[str, msgspec.Meta(min_length=2, max_length=35, pattern=LOCALE_PATTERN, examples=["en-US"])]
Timezone = Annotated[str, msgspec.Meta(min_length=1, max_length=64, examples=["Europe/Paris"])]


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
