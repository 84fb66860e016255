"""Platform accounts, proxies and browser profiles: CRUD, plan limits, proxy health checks.

Every read starts from `_accounts(workspace_id)`, `_proxies(workspace_id)` or
`_profiles(workspace_id)`. Secrets go into the vault on the way in and never
come out of this module except through `account_secrets` / `proxy_url`, which
the automation code uses to log in and to route a browser.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
import uuid
import zoneinfo
from datetime import date
from functools import cache
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import httpx
import msgspec
import structlog
from arq.connections import ArqRedis
from piccolo.query import Select

from backend import db
from backend.auth import service as auth_service
from backend.billing import service as billing
from backend.core.clock import utcnow
from backend.core.errors import Conflict, InvalidInput, NotFound
from backend.core.pagination import fetch_page
from backend.core.quotas import Resource
from backend.core.schemas import Page
from backend.jobs import service as jobs
from backend.jobs.runner import JobRun
from backend.jobs.schemas import JobOut
from backend.platforms import vault
from backend.platforms.chromium import ChromiumLookup, find_chromium
from backend.platforms.drivers import requirements
from backend.platforms.drivers.registry import DRIVERS, PLATFORMS
from backend.platforms.drivers.requirements import DraftFacts as DraftFacts
from backend.platforms.profiles import TEMPLATES
from backend.platforms.schemas import (
    AccountCreate,
    AccountOut,
    AccountUpdate,
    FromTemplate,
    PlatformOut,
    ProfileCreate,
    ProfileOut,
    ProfileTemplateOut,
    ProfileUpdate,
    ProxyCreate,
    ProxyOut,
    ProxyUpdate,
)
from backend.platforms.tables import BrowserProfile, PlatformAccount, Proxy
from backend.settings import get_settings

log = structlog.get_logger(__name__)

HEALTH_CHECK_KIND = "proxies.health_check"
PASSWORD_PURPOSE = "account.password"  # noqa: S105 - a vault purpose, not a secret
COOKIES_PURPOSE = "account.cookies"
PROXY_USERNAME_PURPOSE = "proxy.username"
PROXY_PASSWORD_PURPOSE = "proxy.password"  # noqa: S105 - a vault purpose, not a secret
PROXY_SCHEMES = ("http", "https", "socks5")
HEALTH_CHECK_LANES = 10


def _today() -> date:
    return utcnow().date()


def _accounts(workspace_id: uuid.UUID) -> Select[Any]:
    return PlatformAccount.select().where(PlatformAccount.workspace == workspace_id)


def _proxies(workspace_id: uuid.UUID) -> Select[Any]:
    return Proxy.select().where(Proxy.workspace == workspace_id)


def _profiles(workspace_id: uuid.UUID) -> Select[Any]:
    return BrowserProfile.select().where(BrowserProfile.workspace == workspace_id)


def _like(text: str) -> str:
    return "%" + text.replace("\\", "").replace("%", "").replace("_", "") + "%"


def _sent(changes: msgspec.Struct) -> dict[str, Any]:
    return {f: getattr(changes, f) for f in changes.__struct_fields__ if getattr(changes, f) is not msgspec.UNSET}


# --- platforms -------------------------------------------------------------------


def find_browser() -> ChromiumLookup:
    """The Chromium that browser automation would launch now, or the one line saying how to get it."""
    return find_chromium(get_settings().platforms.chromium_path)


def driver_verified(platform: str) -> bool:
    driver = DRIVERS.get(platform)
    return bool(driver is not None and driver.verified)


def list_platforms() -> list[PlatformOut]:
    return [PlatformOut(name=n, title=t, driver_verified=driver_verified(n)) for n, t in PLATFORMS.items()]


def publish_problems(platform: str, draft: DraftFacts) -> list[str]:
    """What keeps a draft from being published on the platform, each as "Field: what to do"; empty when ready."""
    return requirements.publish_problems(platform, draft)


def check_platform(platform: str) -> str:
    name = platform.strip().lower()
    if name not in PLATFORMS:
        raise InvalidInput("platform", f"must be one of {', '.join(PLATFORMS)}")
    return name


# --- cookies -----------------------------------------------------------------------

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


def _cookies_secret(cookies: list[dict[str, Any]] | None) -> str | None:
    if not cookies:
        return None
    return vault.encrypt(json.dumps(normalize_cookies(cookies)), COOKIES_PURPOSE)


# --- accounts --------------------------------------------------------------------


def account_out(row: dict[str, Any]) -> AccountOut:
    platform = row["platform"]
    return AccountOut(
        id=row["id"],
        platform=platform,
        platform_title=PLATFORMS.get(platform, platform),
        driver_verified=driver_verified(platform),
        login=row["login"],
        label=row["label"],
        status=row["status"],
        status_reason=row["status_reason"],
        proxy_id=row["proxy"],
        profile_id=row["profile"],
        daily_action_cap=row["daily_action_cap"],
        actions_today=row["actions_today"] if row["actions_day"] == _today() else 0,
        cooldown_until=row["cooldown_until"],
        last_used_at=row["last_used_at"],
        last_login_at=row["last_login_at"],
        has_password=row["password_secret"] is not None,
        has_cookies=row["cookies_secret"] is not None,
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


async def account_row(workspace_id: uuid.UUID, account_id: uuid.UUID) -> dict[str, Any]:
    """The account's table row (secrets still encrypted); 404 when it is not this workspace's."""
    row: dict[str, Any] | None = await _accounts(workspace_id).where(PlatformAccount.id == account_id).first()
    if row is None:
        raise NotFound("Platform account not found")
    return row


async def get_account(workspace_id: uuid.UUID, account_id: uuid.UUID) -> AccountOut:
    return account_out(await account_row(workspace_id, account_id))


def account_secrets(row: dict[str, Any]) -> tuple[str | None, list[dict[str, Any]]]:
    """(password, cookies in Playwright's format) of an account row, decrypted."""
    password = vault.decrypt_optional(row["password_secret"], PASSWORD_PURPOSE)
    cookies_json = vault.decrypt_optional(row["cookies_secret"], COOKIES_PURPOSE)
    cookies: list[dict[str, Any]] = json.loads(cookies_json) if cookies_json else []
    return password, cookies


async def count_accounts(workspace_id: uuid.UUID) -> int:
    """Every account counts against the plan, active or not (they exist and hold sessions)."""
    return int(await PlatformAccount.count().where(PlatformAccount.workspace == workspace_id))


async def _count_usable(workspace_id: uuid.UUID) -> int:
    return int(
        await PlatformAccount.count().where(
            (PlatformAccount.workspace == workspace_id) & (PlatformAccount.status != "inactive")
        )
    )


async def list_accounts(
    workspace_id: uuid.UUID,
    *,
    platform: str | None,
    status: str | None,
    search: str | None,
    limit: int,
    offset: int,
) -> Page[AccountOut]:
    conditions: list[Any] = []
    if platform:
        conditions.append(PlatformAccount.platform == platform)
    if status:
        conditions.append(PlatformAccount.status == status)
    if search:
        pattern = _like(search)
        conditions.append(PlatformAccount.login.ilike(pattern) | PlatformAccount.label.ilike(pattern))
    return await fetch_page(
        _accounts(workspace_id).order_by(PlatformAccount.created_at, ascending=False).order_by(PlatformAccount.id),
        PlatformAccount.count().where(PlatformAccount.workspace == workspace_id),
        account_out,
        limit,
        offset,
        conditions,
    )


async def _check_references(workspace_id: uuid.UUID, proxy_id: uuid.UUID | None, profile_id: uuid.UUID | None) -> None:
    """A proxy or profile of another workspace is as missing as one that does not exist."""
    if proxy_id is not None and not await Proxy.exists().where(
        (Proxy.id == proxy_id) & (Proxy.workspace == workspace_id)
    ):
        raise NotFound(f"proxy_id: proxy {proxy_id} not found")
    if profile_id is not None and not await BrowserProfile.exists().where(
        (BrowserProfile.id == profile_id) & (BrowserProfile.workspace == workspace_id)
    ):
        raise NotFound(f"profile_id: browser profile {profile_id} not found")


def _duplicate_account(platform: str, login: str) -> str:
    return f"An account for {PLATFORMS.get(platform, platform)} with login {login!r} already exists in this workspace"


async def prepare_account(workspace_id: uuid.UUID, data: AccountCreate) -> dict[str, Any]:
    """Validate an account to create and return its column values (secrets encrypted)."""
    platform = check_platform(data.platform)
    login = data.login.strip()
    if not login:
        raise InvalidInput("login", "must not be blank")
    await _check_references(workspace_id, data.proxy_id, data.profile_id)
    return {
        "platform": platform,
        "login": login,
        "label": data.label.strip(),
        "password_secret": vault.encrypt_optional(data.password, PASSWORD_PURPOSE),
        "cookies_secret": _cookies_secret(data.cookies),
        "proxy": data.proxy_id,
        "profile": data.profile_id,
        "daily_action_cap": data.daily_action_cap or get_settings().platforms.default_daily_action_cap,
    }


async def account_exists(workspace_id: uuid.UUID, platform: str, login: str) -> bool:
    return bool(
        await PlatformAccount.exists().where(
            (PlatformAccount.workspace == workspace_id)
            & (PlatformAccount.platform == platform)
            & (PlatformAccount.login == login)
        )
    )


async def insert_account(workspace_id: uuid.UUID, values: dict[str, Any]) -> uuid.UUID:
    """Insert within the plan's account limit (402) and the (platform, login) uniqueness (409)."""
    account_id = uuid.uuid4()
    try:
        async with db.transaction():
            await auth_service.lock_workspace(workspace_id)
            await billing.ensure_capacity(workspace_id, Resource.platform_accounts, await count_accounts(workspace_id))
            await PlatformAccount.insert(PlatformAccount(id=account_id, workspace=workspace_id, **values))
    except Exception as exc:
        if db.is_unique_violation(exc):
            raise Conflict(_duplicate_account(values["platform"], values["login"])) from None
        raise
    log.info("platform_account_created", workspace_id=str(workspace_id), account_id=str(account_id))
    return account_id


async def create_account(workspace_id: uuid.UUID, data: AccountCreate) -> AccountOut:
    values = await prepare_account(workspace_id, data)
    if await account_exists(workspace_id, values["platform"], values["login"]):
        raise Conflict(_duplicate_account(values["platform"], values["login"]))
    return await get_account(workspace_id, await insert_account(workspace_id, values))


async def update_account(workspace_id: uuid.UUID, account_id: uuid.UUID, changes: AccountUpdate) -> AccountOut:
    row = await account_row(workspace_id, account_id)
    sent = _sent(changes)
    if not sent:
        return account_out(row)
    await _check_references(workspace_id, sent.get("proxy_id"), sent.get("profile_id"))
    values: dict[Any, Any] = {PlatformAccount.updated_at: utcnow()}
    if "label" in sent:
        values[PlatformAccount.label] = sent["label"].strip()
    if "password" in sent:
        values[PlatformAccount.password_secret] = vault.encrypt_optional(sent["password"], PASSWORD_PURPOSE)
    if "cookies" in sent:
        values[PlatformAccount.cookies_secret] = _cookies_secret(sent["cookies"])
    if "proxy_id" in sent:
        values[PlatformAccount.proxy] = sent["proxy_id"]
    if "profile_id" in sent:
        values[PlatformAccount.profile] = sent["profile_id"]
    if "daily_action_cap" in sent:
        values[PlatformAccount.daily_action_cap] = sent["daily_action_cap"]
    async with db.transaction():
        if "status" in sent and sent["status"] != row["status"]:
            if sent["status"] == "active" and row["status"] == "inactive":
                # Reactivating must fit the plan (accounts beyond it were deactivated on a downgrade).
                await auth_service.lock_workspace(workspace_id)
                await billing.ensure_capacity(
                    workspace_id, Resource.platform_accounts, await _count_usable(workspace_id)
                )
            values[PlatformAccount.status] = sent["status"]
            values[PlatformAccount.status_reason] = "" if sent["status"] == "active" else "Deactivated by a user"
        await PlatformAccount.update(values).where(
            (PlatformAccount.id == account_id) & (PlatformAccount.workspace == workspace_id)
        )
    return await get_account(workspace_id, account_id)


async def delete_account(workspace_id: uuid.UUID, account_id: uuid.UUID) -> None:
    await account_row(workspace_id, account_id)
    await PlatformAccount.delete().where(
        (PlatformAccount.id == account_id) & (PlatformAccount.workspace == workspace_id)
    )


async def fit_accounts_to_plan(workspace_id: uuid.UUID, limit: int, plan_title: str) -> int:
    """Deactivate the usable accounts beyond `limit`, newest first (the oldest keep working).

    Nothing is deleted. When the plan grows again nothing is reactivated
    automatically: the user chooses which accounts to turn back on (PATCH
    status "active"), so an upgrade never starts automation by surprise.
    Returns how many accounts this deactivated.
    """
    rows = (
        await PlatformAccount.select(PlatformAccount.id)
        .where((PlatformAccount.workspace == workspace_id) & (PlatformAccount.status != "inactive"))
        .order_by(PlatformAccount.created_at)
        .order_by(PlatformAccount.id)
    )
    extra = [r["id"] for r in rows[max(limit, 0) :]]
    if not extra:
        return 0
    reason = (
        f"Deactivated because the {plan_title} plan allows {limit} platform accounts; "
        "upgrade or delete other accounts, then reactivate this one"
    )
    async with db.transaction():
        await PlatformAccount.update(
            {
                PlatformAccount.status: "inactive",
                PlatformAccount.status_reason: reason,
                PlatformAccount.updated_at: utcnow(),
            }
        ).where((PlatformAccount.workspace == workspace_id) & PlatformAccount.id.is_in(extra))
    return len(extra)


# --- proxies -----------------------------------------------------------------------


def proxy_out(row: dict[str, Any]) -> ProxyOut:
    return ProxyOut(
        id=row["id"],
        label=row["label"],
        kind=row["kind"],
        scheme=row["scheme"],
        host=row["host"],
        port=row["port"],
        has_credentials=row["username_secret"] is not None or row["password_secret"] is not None,
        status=row["status"],
        latency_ms=row["latency_ms"],
        last_checked_at=row["last_checked_at"],
        last_error=row["last_error"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


async def proxy_row(workspace_id: uuid.UUID, proxy_id: uuid.UUID) -> dict[str, Any]:
    row: dict[str, Any] | None = await _proxies(workspace_id).where(Proxy.id == proxy_id).first()
    if row is None:
        raise NotFound("Proxy not found")
    return row


async def get_proxy(workspace_id: uuid.UUID, proxy_id: uuid.UUID) -> ProxyOut:
    return proxy_out(await proxy_row(workspace_id, proxy_id))


def proxy_credentials(row: dict[str, Any]) -> tuple[str | None, str | None]:
    """(username, password) of a proxy row, decrypted. Never log them."""
    return (
        vault.decrypt_optional(row["username_secret"], PROXY_USERNAME_PURPOSE),
        vault.decrypt_optional(row["password_secret"], PROXY_PASSWORD_PURPOSE),
    )


def proxy_url(row: dict[str, Any]) -> str:
    """The proxy's URL with its credentials, for httpx or Playwright. Never log it."""
    username, password = proxy_credentials(row)
    host = f"[{row['host']}]" if ":" in row["host"] else row["host"]
    auth = ""
    if username is not None or password is not None:
        auth = quote(username or "", safe="") + (":" + quote(password, safe="") if password is not None else "") + "@"
    return f"{row['scheme']}://{auth}{host}:{row['port']}"


def _port(value: int | str | None, field: str) -> int:
    try:
        port = int(value) if value is not None else 0
    except ValueError:
        raise InvalidInput(field, "port must be a number between 1 and 65535") from None
    if not 1 <= port <= 65535:
        raise InvalidInput(field, "port must be between 1 and 65535")
    return port


def parse_proxy_url(url: str) -> tuple[str, str, int, str | None, str | None]:
    """`scheme://user:pass@host:port`, or the `host:port` and `host:port:user:pass` of proxy lists.

    Returns (scheme, host, port, username, password).
    """
    text = url.strip()
    if "://" not in text:
        parts = text.split(":")
        if len(parts) not in (2, 4) or not all(parts[:2]):
            raise InvalidInput("url", "must look like http://user:pass@host:port, host:port or host:port:user:pass")
        user, password = (parts[2] or None, parts[3] or None) if len(parts) == 4 else (None, None)
        return "http", parts[0].lower(), _port(parts[1], "url"), user, password
    parsed = urlsplit(text)
    scheme = parsed.scheme.lower()
    if scheme == "socks5h":
        scheme = "socks5"
    if scheme not in PROXY_SCHEMES:
        raise InvalidInput("url", f"scheme must be one of {', '.join(PROXY_SCHEMES)}")
    try:
        port_value = parsed.port
    except ValueError:
        raise InvalidInput("url", "port must be between 1 and 65535") from None
    if not parsed.hostname:
        raise InvalidInput("url", "has no host")
    if port_value is None:
        raise InvalidInput("url", "has no port (add :port after the host)")
    if parsed.path not in ("", "/") or parsed.query or parsed.fragment:
        raise InvalidInput("url", "must not have a path, query or fragment")
    username = unquote(parsed.username) if parsed.username else None
    password = unquote(parsed.password) if parsed.password else None
    return scheme, parsed.hostname.lower(), _port(port_value, "url"), username, password


def prepare_proxy(data: ProxyCreate) -> dict[str, Any]:
    """Validate a proxy to create and return its column values (credentials encrypted)."""
    if data.url is not None:
        if data.host is not None or data.port is not None:
            raise InvalidInput("url", "send either url or host and port, not both")
        scheme, host, port, username, password = parse_proxy_url(data.url)
        if data.scheme is not None and data.scheme != scheme:
            raise InvalidInput("scheme", f"is {data.scheme} but the url says {scheme}")
        username = data.username if data.username is not None else username
        password = data.password if data.password is not None else password
    else:
        if data.host is None or not data.host.strip():
            raise InvalidInput("host", "required (or send url)")
        if data.port is None:
            raise InvalidInput("port", "required (or send url)")
        scheme = data.scheme or "http"
        host = data.host.strip().lower()
        port = _port(data.port, "port")
        username, password = data.username, data.password
    return {
        "label": data.label.strip(),
        "kind": data.kind,
        "scheme": scheme,
        "host": host,
        "port": port,
        "username_secret": vault.encrypt_optional(username, PROXY_USERNAME_PURPOSE),
        "password_secret": vault.encrypt_optional(password, PROXY_PASSWORD_PURPOSE),
    }


def _duplicate_proxy(host: str, port: int) -> str:
    return f"A proxy at {host}:{port} already exists in this workspace"


async def proxy_exists(workspace_id: uuid.UUID, host: str, port: int) -> bool:
    return bool(
        await Proxy.exists().where((Proxy.workspace == workspace_id) & (Proxy.host == host) & (Proxy.port == port))
    )


async def insert_proxy(workspace_id: uuid.UUID, values: dict[str, Any]) -> uuid.UUID:
    proxy_id = uuid.uuid4()
    try:
        await Proxy.insert(Proxy(id=proxy_id, workspace=workspace_id, **values))
    except Exception as exc:
        if db.is_unique_violation(exc):
            raise Conflict(_duplicate_proxy(values["host"], values["port"])) from None
        raise
    return proxy_id


async def create_proxy(workspace_id: uuid.UUID, data: ProxyCreate) -> ProxyOut:
    values = prepare_proxy(data)
    if await proxy_exists(workspace_id, values["host"], values["port"]):
        raise Conflict(_duplicate_proxy(values["host"], values["port"]))
    return await get_proxy(workspace_id, await insert_proxy(workspace_id, values))


async def list_proxies(
    workspace_id: uuid.UUID,
    *,
    kind: str | None,
    status: str | None,
    search: str | None,
    limit: int,
    offset: int,
) -> Page[ProxyOut]:
    conditions: list[Any] = []
    if kind:
        conditions.append(Proxy.kind == kind)
    if status:
        conditions.append(Proxy.status == status)
    if search:
        pattern = _like(search)
        conditions.append(Proxy.label.ilike(pattern) | Proxy.host.ilike(pattern))
    return await fetch_page(
        _proxies(workspace_id).order_by(Proxy.created_at, ascending=False).order_by(Proxy.id),
        Proxy.count().where(Proxy.workspace == workspace_id),
        proxy_out,
        limit,
        offset,
        conditions,
    )


async def update_proxy(workspace_id: uuid.UUID, proxy_id: uuid.UUID, changes: ProxyUpdate) -> ProxyOut:
    row = await proxy_row(workspace_id, proxy_id)
    sent = _sent(changes)
    if not sent:
        return proxy_out(row)
    values: dict[Any, Any] = {Proxy.updated_at: utcnow()}
    for name in ("label", "kind", "scheme"):
        if name in sent:
            values[getattr(Proxy, name)] = sent[name].strip() if name == "label" else sent[name]
    if "host" in sent:
        values[Proxy.host] = sent["host"].strip().lower()
    if "port" in sent:
        values[Proxy.port] = _port(sent["port"], "port")
    if "username" in sent:
        values[Proxy.username_secret] = vault.encrypt_optional(sent["username"], PROXY_USERNAME_PURPOSE)
    if "password" in sent:
        values[Proxy.password_secret] = vault.encrypt_optional(sent["password"], PROXY_PASSWORD_PURPOSE)
    if {"scheme", "host", "port", "username", "password"} & sent.keys():
        # A different proxy now: the last check said nothing about it.
        values.update({Proxy.status: "unchecked", Proxy.latency_ms: None, Proxy.last_error: ""})
    host, port = values.get(Proxy.host, row["host"]), values.get(Proxy.port, row["port"])
    try:
        await Proxy.update(values).where((Proxy.id == proxy_id) & (Proxy.workspace == workspace_id))
    except Exception as exc:
        if db.is_unique_violation(exc):
            raise Conflict(_duplicate_proxy(host, port)) from None
        raise
    return await get_proxy(workspace_id, proxy_id)


async def delete_proxy(workspace_id: uuid.UUID, proxy_id: uuid.UUID) -> None:
    """Accounts that used it keep working without a proxy (their proxy becomes null)."""
    await proxy_row(workspace_id, proxy_id)
    await Proxy.delete().where((Proxy.id == proxy_id) & (Proxy.workspace == workspace_id))


# --- proxy health checks -------------------------------------------------------------


async def start_health_check(
    redis: ArqRedis, workspace_id: uuid.UUID, user_id: uuid.UUID | None, proxy_id: uuid.UUID | None = None
) -> JobOut:
    """A job checking one proxy, or every proxy of the workspace; one item per proxy."""
    if proxy_id is not None:
        ids = [(await proxy_row(workspace_id, proxy_id))["id"]]
    else:
        rows = await Proxy.select(Proxy.id).where(Proxy.workspace == workspace_id).order_by(Proxy.created_at)
        ids = [r["id"] for r in rows]
        if not ids:
            raise Conflict("This workspace has no proxies to check; add one first")
    return await jobs.enqueue(
        redis,
        workspace_id,
        HEALTH_CHECK_KIND,
        {"proxy_ids": [str(i) for i in ids]},
        total=len(ids),
        created_by=user_id,
    )


def _scrub(message: str, secrets: list[str | None]) -> str:
    """No credentials in an error text: drop `user:pass@` from URLs and any secret itself."""
    cleaned = re.sub(r"//[^/@\s]+@", "//", message)
    for secret in secrets:
        if secret:
            cleaned = cleaned.replace(secret, "***").replace(quote(secret, safe=""), "***")
    return cleaned


async def probe_proxy(row: dict[str, Any]) -> tuple[bool, int | None, str]:
    """Fetch the check URL through the proxy: (healthy, latency in ms, reason when unhealthy)."""
    settings = get_settings().platforms
    timeout = settings.proxy_check_timeout_seconds
    secrets = [
        vault.decrypt_optional(row["username_secret"], PROXY_USERNAME_PURPOSE),
        vault.decrypt_optional(row["password_secret"], PROXY_PASSWORD_PURPOSE),
    ]
    started = time.perf_counter()
    try:
        async with httpx.AsyncClient(proxy=proxy_url(row), timeout=timeout, trust_env=False) as http:
            response = await http.get(settings.proxy_check_url)
    except httpx.TimeoutException:
        return False, None, f"no answer within {timeout:g} s"
    except httpx.ProxyError as exc:
        return False, None, _scrub(f"the proxy refused the request: {exc}", secrets)
    except httpx.ConnectError as exc:
        return False, None, _scrub(f"could not connect through the proxy: {exc or 'connection refused'}", secrets)
    except (httpx.HTTPError, OSError) as exc:
        return False, None, _scrub(f"{type(exc).__name__}: {exc}", secrets)
    latency = max(1, round((time.perf_counter() - started) * 1000))
    if response.status_code == 407:
        return False, latency, "the proxy wants other credentials (HTTP 407)"
    if response.status_code >= 400:
        return False, latency, f"the check URL answered HTTP {response.status_code} through the proxy"
    return True, latency, ""


async def check_proxy(workspace_id: uuid.UUID, proxy_id: uuid.UUID) -> dict[str, Any]:
    """Check one proxy and store the outcome; returns it."""
    row = await proxy_row(workspace_id, proxy_id)
    healthy, latency, reason = await probe_proxy(row)
    status = "healthy" if healthy else "unhealthy"
    await Proxy.update(
        {
            Proxy.status: status,
            Proxy.latency_ms: latency if healthy else None,
            Proxy.last_checked_at: utcnow(),
            Proxy.last_error: reason,
        }
    ).where((Proxy.id == proxy_id) & (Proxy.workspace == workspace_id))
    log.info("proxy_checked", proxy_id=str(proxy_id), status=status, latency_ms=latency)
    return {"proxy_id": str(proxy_id), "status": status, "latency_ms": latency, "error": reason}


async def run_health_check(run: JobRun) -> dict[str, int]:
    """The job: check each proxy (a few at once); an unhealthy proxy is a failed item with its reason."""
    ids = [uuid.UUID(p) for p in run.payload["proxy_ids"]]
    done = await run.completed_keys()
    pending = iter(ids)

    async def lane() -> None:
        for proxy_id in pending:
            key = str(proxy_id)
            if key in done:
                continue
            await run.check_cancelled()
            try:
                outcome = await check_proxy(run.workspace_id, proxy_id)
            except NotFound:
                await run.record_item(key, error="the proxy was deleted before its check")
                continue
            if outcome["status"] == "healthy":
                await run.record_item(key, result=outcome)
            else:
                await run.record_item(key, error=f"unhealthy: {outcome['error']}")

    await asyncio.gather(*(lane() for _ in range(min(len(ids), HEALTH_CHECK_LANES))))
    return {"proxies": len(ids)}


async def _proxy_item_labels(workspace_id: uuid.UUID, payload: dict[str, Any], keys: list[str]) -> dict[str, str]:
    """A health check's item is a proxy (its id): named by its host:port."""
    ids: list[uuid.UUID] = []
    for key in keys:
        with contextlib.suppress(ValueError):
            ids.append(uuid.UUID(key))
    if not ids:
        return {}
    rows = await Proxy.select(Proxy.id, Proxy.host, Proxy.port).where(
        (Proxy.workspace == workspace_id) & Proxy.id.is_in(ids)
    )
    return {str(row["id"]): f"{row['host']}:{row['port']}" for row in rows}


jobs.register_item_labels(HEALTH_CHECK_KIND, _proxy_item_labels)


# --- browser profiles --------------------------------------------------------------


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
    return ProfileOut(
        id=row["id"],
        name=row["name"],
        template=row["template"],
        user_agent=row["user_agent"],
        viewport_width=row["viewport_width"],
        viewport_height=row["viewport_height"],
        locale=row["locale"],
        timezone=row["timezone"],
        is_mobile=row["is_mobile"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


async def profile_row(workspace_id: uuid.UUID, profile_id: uuid.UUID) -> dict[str, Any]:
    row: dict[str, Any] | None = await _profiles(workspace_id).where(BrowserProfile.id == profile_id).first()
    if row is None:
        raise NotFound("Browser profile not found")
    return row


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
    conditions = [BrowserProfile.name.ilike(_like(search))] if search else []
    return await fetch_page(
        _profiles(workspace_id).order_by(BrowserProfile.name).order_by(BrowserProfile.id),
        BrowserProfile.count().where(BrowserProfile.workspace == workspace_id),
        profile_out,
        limit,
        offset,
        conditions,
    )


async def update_profile(workspace_id: uuid.UUID, profile_id: uuid.UUID, changes: ProfileUpdate) -> ProfileOut:
    row = await profile_row(workspace_id, profile_id)
    sent = _sent(changes)
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
        await BrowserProfile.update(values).where(
            (BrowserProfile.id == profile_id) & (BrowserProfile.workspace == workspace_id)
        )
    except Exception as exc:
        if db.is_unique_violation(exc):
            raise Conflict(_duplicate_profile(sent["name"])) from None
        raise
    return await get_profile(workspace_id, profile_id)


async def delete_profile(workspace_id: uuid.UUID, profile_id: uuid.UUID) -> None:
    """Accounts that used it fall back to the default browser look (their profile becomes null)."""
    await profile_row(workspace_id, profile_id)
    await BrowserProfile.delete().where((BrowserProfile.id == profile_id) & (BrowserProfile.workspace == workspace_id))


def list_templates() -> list[ProfileTemplateOut]:
    return list(TEMPLATES.values())


async def _free_name(workspace_id: uuid.UUID, base: str) -> str:
    """`base`, or `base (2)`, `base (3)`… whichever is not taken in the workspace."""
    rows = await BrowserProfile.select(BrowserProfile.name).where(
        (BrowserProfile.workspace == workspace_id) & BrowserProfile.name.like(base.replace("%", "") + "%")
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
