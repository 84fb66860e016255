"""Session cookies of an account: what people paste (browser extensions, Playwright) → what the browser takes.

Stored only encrypted (purpose `account.cookies`); the browser pool saves them
back after each use, so the next context starts logged in.
"""

from __future__ import annotations

import json
from typing import Any

from backend.core.errors import InvalidInput
from backend.platforms import vault

COOKIES_PURPOSE = "account.cookies"

SAME_SITE = {"strict": "Strict", "lax": "Lax", "none": "None", "no_restriction": "None", "unspecified": "Lax"}


def normalize_cookies(cookies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Browser-extension or Playwright cookies → Playwright's `add_cookies` format.

    Extensions export `expirationDate` and lower-case `sameSite` values such as
    "no_restriction"; Playwright wants `expires` (-1 for a session cookie) and
    Strict/Lax/None. A missing or "unspecified" sameSite is Lax, as browsers treat it.
    """
    normalized = []
    for index, cookie in enumerate(cookies):
        where = f"cookies[{index}]"
        if not isinstance(cookie, dict):
            raise InvalidInput(where, "must be an object with name, value and domain")
        name, value, domain = cookie.get("name"), cookie.get("value", ""), cookie.get("domain")
        if not isinstance(name, str) or not name.strip():
            raise InvalidInput(f"{where}.name", "required (a non-empty string)")
        if not isinstance(value, str):
            raise InvalidInput(f"{where}.value", "must be a string")
        if not isinstance(domain, str) or not domain.strip():
            raise InvalidInput(f"{where}.domain", "required (for example .vinted.fr)")
        path = cookie.get("path") or "/"
        if not isinstance(path, str):
            raise InvalidInput(f"{where}.path", "must be a string")
        expires_raw = cookie.get("expires", cookie.get("expirationDate"))
        if cookie.get("session") is True or expires_raw is None:
            expires = -1.0
        elif isinstance(expires_raw, bool) or not isinstance(expires_raw, int | float):
            raise InvalidInput(f"{where}.expires", "must be a Unix time in seconds (or -1 for a session cookie)")
        else:
            expires = float(expires_raw)
        flags = {}
        for flag in ("httpOnly", "secure"):
            raw = cookie.get(flag, False)
            if not isinstance(raw, bool):
                raise InvalidInput(f"{where}.{flag}", "must be true or false")
            flags[flag] = raw
        same_site_raw = cookie.get("sameSite") or "unspecified"
        same_site = SAME_SITE.get(str(same_site_raw).strip().lower())
        if same_site is None:
            raise InvalidInput(f"{where}.sameSite", "must be Strict, Lax or None")
        normalized.append(
            {
                "name": name,
                "value": value,
                "domain": domain.strip(),
                "path": path,
                "expires": expires,
                "httpOnly": flags["httpOnly"],
                "secure": flags["secure"],
                "sameSite": same_site,
            }
        )
    return normalized


def cookies_secret(cookies: list[dict[str, Any]] | None) -> str | None:
    """Cookies as people sent them → the vault token to store (None for none)."""
    if not cookies:
        return None
    return encrypt_cookies(normalize_cookies(cookies))


def encrypt_cookies(cookies: list[dict[str, Any]]) -> str:
    """Cookies already in Playwright's format (as the browser gives them back) → a vault token."""
    return vault.encrypt(json.dumps(cookies), COOKIES_PURPOSE)


def decrypt_cookies(token: str | None) -> list[dict[str, Any]]:
    cookies_json = vault.decrypt_optional(token, COOKIES_PURPOSE)
    cookies: list[dict[str, Any]] = json.loads(cookies_json) if cookies_json else []
    return cookies
