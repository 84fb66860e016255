"""Platform accounts and what they run through: proxies and browser profiles.

Secrets (account passwords, session cookies, proxy credentials) are stored only
as vault tokens (AES-256-GCM, see `vault.py`), never in plain text.
"""

from __future__ import annotations

from piccolo.columns import (
    JSON,
    UUID,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from backend.auth.tables import Workspace


class Proxy(Table, tablename="proxies"):
    id = UUID(primary_key=True)
    workspace = ForeignKey(Workspace, null=False, on_delete=OnDelete.cascade, index=True)
    label = Varchar(length=100, default="")
    kind = Varchar(length=16, default="datacenter")  # residential, datacenter, mobile
    scheme = Varchar(length=8, default="http")  # http, https, socks5
    host = Varchar(length=255)
    port = Integer()
    username_secret = Text(null=True, default=None)
    password_secret = Text(null=True, default=None)
    status = Varchar(length=16, default="unchecked")  # unchecked, healthy, unhealthy
    latency_ms = Integer(null=True, default=None)
    last_checked_at = Timestamptz(null=True, default=None)
    last_error = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class BrowserProfile(Table, tablename="browser_profiles"):
    id = UUID(primary_key=True)
    workspace = ForeignKey(Workspace, null=False, on_delete=OnDelete.cascade, index=True)
    name = Varchar(length=100)
    template = Varchar(length=32, null=True, default=None)
    user_agent = Text()
    viewport_width = Integer(default=1366)
    viewport_height = Integer(default=768)
    locale = Varchar(length=35, default="en-US")
    timezone = Varchar(length=64, default="UTC")
    is_mobile = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class PlatformAccount(Table, tablename="platform_accounts"):
    id = UUID(primary_key=True)
    workspace = ForeignKey(Workspace, null=False, on_delete=OnDelete.cascade, index=True)
    platform = Varchar(length=32, index=True)  # sandbox, vinted, pinterest, tiktok
    login = Varchar(length=255)
    label = Varchar(length=100, default="")
    # Short lower-case words the user groups accounts by (campaigns pick accounts by them): a JSON list.
    tags = JSON(default="[]")
    password_secret = Text(null=True, default=None)
    cookies_secret = Text(null=True, default=None)
    # active, needs_attention, cooldown, banned, inactive
    status = Varchar(length=20, default="active", index=True)
    status_reason = Text(default="")
    proxy = ForeignKey(Proxy, null=True, default=None, on_delete=OnDelete.set_null)
    profile = ForeignKey(BrowserProfile, null=True, default=None, on_delete=OnDelete.set_null)
    daily_action_cap = Integer(default=200)
    # Actions counted against the cap on `actions_day` (UTC); a new day starts at 0.
    actions_day = Date(null=True, default=None)
    actions_today = Integer(default=0)
    cooldown_until = Timestamptz(null=True, default=None)
    last_used_at = Timestamptz(null=True, default=None)
    last_login_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
