"""An account as the browser needs it (decrypted credentials, cookies, proxy and profile), and its daily cap.

Only workers call these; the API never hands secrets out. Writes here (cookies
saved after use, status changes, the daily action count) leave `updated_at`
alone: that column moves only when a person edits the account, which is what
tells the browser pool to rebuild the account's context.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from backend.core.clock import utcnow
from backend.core.scoped import scoped
from backend.platforms.accounts import service as accounts
from backend.platforms.accounts.cookies import encrypt_cookies
from backend.platforms.profiles import service as profiles
from backend.platforms.proxies import service as proxies
from backend.platforms.proxies.urls import proxy_credentials
from backend.platforms.tables import PlatformAccount

NEEDS_ATTENTION = "needs_attention"


@dataclass(frozen=True)
class ProxyConfig:
    server: str
    username: str | None
    password: str | None

    def playwright(self) -> dict[str, str]:
        config = {"server": self.server}
        if self.username:
            config["username"] = self.username
        if self.password:
            config["password"] = self.password
        return config


@dataclass(frozen=True)
class ProfileConfig:
    user_agent: str
    viewport_width: int
    viewport_height: int
    locale: str
    timezone: str
    is_mobile: bool


@dataclass(frozen=True)
class AccountIdentity:
    account_id: uuid.UUID
    workspace_id: uuid.UUID
    platform: str
    login: str
    password: str | None
    cookies: list[dict[str, Any]]
    status: str
    status_reason: str
    cooldown_until: datetime | None
    proxy: ProxyConfig | None
    profile: ProfileConfig | None
    version: str
    """Changes when a person edits the account, its proxy or its profile."""


async def load_identity(workspace_id: uuid.UUID, account_id: uuid.UUID) -> AccountIdentity:
    """The account with its secrets decrypted; 404 when it is not this workspace's."""
    row = await accounts.account_row(workspace_id, account_id)
    password, cookies = accounts.account_secrets(row)
    version = [str(row["updated_at"])]
    proxy = None
    if row["proxy"] is not None:
        p = await proxies.proxy_row(workspace_id, row["proxy"])
        username, proxy_password = proxy_credentials(p)
        proxy = ProxyConfig(
            server=f"{p['scheme']}://{p['host']}:{p['port']}", username=username, password=proxy_password
        )
        version.append(str(p["updated_at"]))
    profile = None
    if row["profile"] is not None:
        b = await profiles.profile_row(workspace_id, row["profile"])
        profile = ProfileConfig(
            user_agent=b["user_agent"],
            viewport_width=b["viewport_width"],
            viewport_height=b["viewport_height"],
            locale=b["locale"],
            timezone=b["timezone"],
            is_mobile=b["is_mobile"],
        )
        version.append(str(b["updated_at"]))
    return AccountIdentity(
        account_id=row["id"],
        workspace_id=workspace_id,
        platform=row["platform"],
        login=row["login"],
        password=password,
        cookies=cookies,
        status=row["status"],
        status_reason=row["status_reason"],
        cooldown_until=row["cooldown_until"],
        proxy=proxy,
        profile=profile,
        version="|".join(version),
    )


async def save_cookies(workspace_id: uuid.UUID, account_id: uuid.UUID, cookies: list[dict[str, Any]]) -> None:
    """Store the browser's cookies after use, encrypted, so the next context starts logged in."""
    await (
        scoped(PlatformAccount, workspace_id)
        .update({PlatformAccount.cookies_secret: encrypt_cookies(cookies), PlatformAccount.last_used_at: utcnow()})
        .where(PlatformAccount.id == account_id)
    )


async def set_status(
    workspace_id: uuid.UUID,
    account_id: uuid.UUID,
    status: str,
    reason: str = "",
    cooldown_until: datetime | None = None,
) -> None:
    changes: dict[Any, Any] = {
        PlatformAccount.status: status,
        PlatformAccount.status_reason: reason,
        PlatformAccount.cooldown_until: cooldown_until,
    }
    await scoped(PlatformAccount, workspace_id).update(changes).where(PlatformAccount.id == account_id)


async def record_login(workspace_id: uuid.UUID, account_id: uuid.UUID) -> None:
    await (
        scoped(PlatformAccount, workspace_id)
        .update({PlatformAccount.last_login_at: utcnow()})
        .where(PlatformAccount.id == account_id)
    )


def next_day_start(now: datetime) -> datetime:
    return datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), tzinfo=UTC)


async def take_daily_action(workspace_id: uuid.UUID, account_id: uuid.UUID) -> bool:
    """Count one platform action against the account's daily cap (UTC days); False when it is reached.

    One conditional UPDATE, so parallel workers cannot overshoot the cap.
    """
    today = utcnow().date()
    rows = await scoped(PlatformAccount, workspace_id).raw(
        "UPDATE platform_accounts SET "
        "actions_today = CASE WHEN actions_day = {} THEN actions_today + 1 ELSE 1 END, actions_day = {} "
        "WHERE workspace = {workspace} AND id = {} "
        "AND (actions_day IS NULL OR actions_day <> {} OR actions_today < daily_action_cap) RETURNING id",
        today,
        today,
        account_id,
        today,
    )
    return bool(rows)
