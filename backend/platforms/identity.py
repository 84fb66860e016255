"""An account as the browser needs it: decrypted credentials, cookies, proxy and profile.

Only workers call these; the API never hands secrets out. Writes here (cookies
saved after use, status changes, the daily action count) leave `updated_at`
alone: that column moves only when a person edits the account, which is what
tells the browser pool to rebuild the account's context.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from backend.core.errors import NotFound
from backend.platforms import vault
from backend.platforms.tables import BrowserProfile, PlatformAccount, Proxy

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


def _account(workspace_id: uuid.UUID, account_id: uuid.UUID) -> Any:
    return PlatformAccount.select().where(
        (PlatformAccount.workspace == workspace_id) & (PlatformAccount.id == account_id)
    )


async def load_identity(workspace_id: uuid.UUID, account_id: uuid.UUID) -> AccountIdentity:
    row = await _account(workspace_id, account_id).first()
    if row is None:
        raise NotFound("Platform account not found")
    version = [str(row["updated_at"])]
    proxy = None
    if row["proxy"] is not None:
        p = await Proxy.select().where((Proxy.id == row["proxy"]) & (Proxy.workspace == workspace_id)).first()
        if p is not None:
            proxy = ProxyConfig(
                server=f"{p['scheme']}://{p['host']}:{p['port']}",
                username=vault.decrypt_optional(p["username_secret"], "proxy.username"),
                password=vault.decrypt_optional(p["password_secret"], "proxy.password"),
            )
            version.append(str(p["updated_at"]))
    profile = None
    if row["profile"] is not None:
        b = (
            await BrowserProfile.select()
            .where((BrowserProfile.id == row["profile"]) & (BrowserProfile.workspace == workspace_id))
            .first()
        )
        if b is not None:
            profile = ProfileConfig(
                user_agent=b["user_agent"],
                viewport_width=b["viewport_width"],
                viewport_height=b["viewport_height"],
                locale=b["locale"],
                timezone=b["timezone"],
                is_mobile=b["is_mobile"],
            )
            version.append(str(b["updated_at"]))
    cookies_json = vault.decrypt_optional(row["cookies_secret"], "account.cookies")
    return AccountIdentity(
        account_id=row["id"],
        workspace_id=workspace_id,
        platform=row["platform"],
        login=row["login"],
        password=vault.decrypt_optional(row["password_secret"], "account.password"),
        cookies=json.loads(cookies_json) if cookies_json else [],
        status=row["status"],
        status_reason=row["status_reason"],
        cooldown_until=row["cooldown_until"],
        proxy=proxy,
        profile=profile,
        version="|".join(version),
    )


async def save_cookies(workspace_id: uuid.UUID, account_id: uuid.UUID, cookies: list[dict[str, Any]]) -> None:
    """Store the browser's cookies after use, encrypted, so the next context starts logged in."""
    await PlatformAccount.update(
        {
            PlatformAccount.cookies_secret: vault.encrypt(json.dumps(cookies), "account.cookies"),
            PlatformAccount.last_used_at: datetime.now(UTC),
        }
    ).where((PlatformAccount.workspace == workspace_id) & (PlatformAccount.id == account_id))


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
    await PlatformAccount.update(changes).where(
        (PlatformAccount.workspace == workspace_id) & (PlatformAccount.id == account_id)
    )


async def record_login(workspace_id: uuid.UUID, account_id: uuid.UUID) -> None:
    await PlatformAccount.update({PlatformAccount.last_login_at: datetime.now(UTC)}).where(
        (PlatformAccount.workspace == workspace_id) & (PlatformAccount.id == account_id)
    )


def next_day_start(now: datetime) -> datetime:
    return datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), tzinfo=UTC)


async def take_daily_action(workspace_id: uuid.UUID, account_id: uuid.UUID) -> bool:
    """Count one platform action against the account's daily cap (UTC days); False when it is reached.

    One conditional UPDATE, so parallel workers cannot overshoot the cap.
    """
    today = datetime.now(UTC).date()
    rows = await PlatformAccount.raw(
        "UPDATE platform_accounts SET "
        "actions_today = CASE WHEN actions_day = {} THEN actions_today + 1 ELSE 1 END, actions_day = {} "
        "WHERE workspace = {} AND id = {} "
        "AND (actions_day IS NULL OR actions_day <> {} OR actions_today < daily_action_cap) RETURNING id",
        today,
        today,
        workspace_id,
        account_id,
        today,
    )
    return bool(rows)
