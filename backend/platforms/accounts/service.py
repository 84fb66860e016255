"""Platform accounts: CRUD, bulk import, plan limits, and starting the test-login and resume jobs.

Every query is scoped to the workspace. Secrets go into the vault on the way
in and come out only through `account_secrets`, which the browser runtime uses
to log in. The plan's account limit is this module's: it registers the count
and the fit-to-a-smaller-plan step in `backend.core.quotas` for billing.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

import msgspec
import structlog
from arq.connections import ArqRedis

from backend import db
from backend.audit import service as audit
from backend.auth import service as auth_service
from backend.billing import service as billing
from backend.core import quotas
from backend.core.actor import SYSTEM, Actor
from backend.core.clock import utcnow
from backend.core.convert import to_schema
from backend.core.errors import Conflict, InvalidInput, NotFound
from backend.core.fields import like_pattern, sent_fields
from backend.core.pagination import fetch_page
from backend.core.quotas import Resource
from backend.core.schemas import Page
from backend.core.scoped import across_workspaces, scoped
from backend.jobs import service as jobs
from backend.jobs.schemas import JobOut
from backend.platforms import imports, vault
from backend.platforms.accounts.cookies import cookies_secret, decrypt_cookies
from backend.platforms.accounts.schemas import AccountCreate, AccountUpdate
from backend.platforms.drivers.registry import DRIVERS, PLATFORMS
from backend.platforms.profiles import service as profiles
from backend.platforms.proxies import service as proxies
from backend.platforms.schemas import AccountOut, AttentionAccountOut, ImportReport, ImportRowOut, PlatformOut
from backend.platforms.tables import PlatformAccount
from backend.settings import get_settings

log = structlog.get_logger(__name__)

PASSWORD_PURPOSE = "account.password"  # noqa: S105 - a vault purpose, not a secret
NOT_FOUND = "Platform account not found"
TEST_LOGIN = "accounts.test_login"
RESUME = "accounts.resume"
ACCOUNT_COLUMNS = (
    "platform",
    "login",
    "password",
    "label",
    "proxy",
    "proxy_id",
    "profile_id",
    "daily_action_cap",
    "cookies",
    "tags",
)
TAGS_MAX = 20
TAG_MAX_CHARS = 32
# A tags cell of an imported CSV (or a string in JSON) lists them separated by any of these.
TAG_SEPARATORS = re.compile(r"[,;|]")


def _today() -> date:
    return utcnow().date()


# --- platforms -------------------------------------------------------------------


def driver_verified(platform: str) -> bool:
    driver = DRIVERS.get(platform)
    return bool(driver is not None and driver.verified)


def list_platforms() -> list[PlatformOut]:
    return [PlatformOut(name=n, title=t, driver_verified=driver_verified(n)) for n, t in PLATFORMS.items()]


def check_platform(platform: str) -> str:
    name = platform.strip().lower()
    if name not in PLATFORMS:
        raise InvalidInput("platform", f"must be one of {', '.join(PLATFORMS)}")
    return name


# --- tags ------------------------------------------------------------------------


def normalize_tag(tag: str) -> str:
    """A tag as stored: inner spaces collapsed, trimmed, lower-case."""
    return " ".join(tag.split()).lower()


def clean_tags(tags: Sequence[str]) -> list[str]:
    """The tags to store, in the order given, without duplicates; `InvalidInput("tags")` for a bad one."""
    cleaned: list[str] = []
    for raw in tags:
        tag = normalize_tag(raw)
        if not tag:
            raise InvalidInput("tags", "a tag must not be blank")
        if len(tag) > TAG_MAX_CHARS:
            raise InvalidInput("tags", f"{tag[:40]!r} is longer than {TAG_MAX_CHARS} characters")
        if TAG_SEPARATORS.search(tag):
            raise InvalidInput("tags", f"{tag!r}: a tag cannot contain , ; or |; send a list of tags")
        if tag not in cleaned:
            cleaned.append(tag)
    if len(cleaned) > TAGS_MAX:
        raise InvalidInput("tags", f"at most {TAGS_MAX} tags per account (got {len(cleaned)})")
    return cleaned


# --- reading ---------------------------------------------------------------------


def account_out(row: dict[str, Any]) -> AccountOut:
    platform = row["platform"]
    return to_schema(
        row,
        AccountOut,
        platform_title=PLATFORMS.get(platform, platform),
        driver_verified=driver_verified(platform),
        proxy_id=row["proxy"],
        profile_id=row["profile"],
        actions_today=row["actions_today"] if row["actions_day"] == _today() else 0,
        has_password=row["password_secret"] is not None,
        has_cookies=row["cookies_secret"] is not None,
    )


async def account_row(workspace_id: uuid.UUID, account_id: uuid.UUID) -> dict[str, Any]:
    """The account's table row (secrets still encrypted); 404 when it is not this workspace's."""
    return await scoped(PlatformAccount, workspace_id).get(account_id, missing=NOT_FOUND, load_json=True)


async def get_account(workspace_id: uuid.UUID, account_id: uuid.UUID) -> AccountOut:
    return account_out(await account_row(workspace_id, account_id))


def account_secrets(row: dict[str, Any]) -> tuple[str | None, list[dict[str, Any]]]:
    """(password, cookies in Playwright's format) of an account row, decrypted."""
    return vault.decrypt_optional(row["password_secret"], PASSWORD_PURPOSE), decrypt_cookies(row["cookies_secret"])


async def count_accounts(workspace_id: uuid.UUID) -> int:
    """Every account counts against the plan, active or not (they exist and hold sessions)."""
    return int(await scoped(PlatformAccount, workspace_id).count())


async def _count_usable(workspace_id: uuid.UUID) -> int:
    return int(await scoped(PlatformAccount, workspace_id).count().where(PlatformAccount.status != "inactive"))


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
        pattern = like_pattern(search)
        conditions.append(PlatformAccount.login.ilike(pattern) | PlatformAccount.label.ilike(pattern))
    accounts = scoped(PlatformAccount, workspace_id)
    return await fetch_page(
        accounts.select()
        .output(load_json=True)
        .order_by(PlatformAccount.created_at, ascending=False)
        .order_by(PlatformAccount.id),
        accounts.count(),
        account_out,
        limit,
        offset,
        conditions,
    )


async def accounts_matching(
    workspace_id: uuid.UUID,
    *,
    platforms: Sequence[str] = (),
    statuses: Sequence[str] = (),
    tags: Sequence[str] = (),
    proxy_id: uuid.UUID | None = None,
    profile_id: uuid.UUID | None = None,
) -> list[AccountOut]:
    """The workspace's accounts that pass every filter given, oldest first (then by id: a stable order).

    An account passes `tags` when it has all of them (compared as stored: trimmed, lower-case).
    """
    query = scoped(PlatformAccount, workspace_id).select().output(load_json=True)
    if platforms:
        query = query.where(PlatformAccount.platform.is_in([p.strip().lower() for p in platforms]))
    if statuses:
        query = query.where(PlatformAccount.status.is_in(list(statuses)))
    if proxy_id is not None:
        query = query.where(PlatformAccount.proxy == proxy_id)
    if profile_id is not None:
        query = query.where(PlatformAccount.profile == profile_id)
    rows = await query.order_by(PlatformAccount.created_at).order_by(PlatformAccount.id)
    # Tags are a JSON list, portable between SQLite and PostgreSQL but with no containment operator
    # on both; a workspace has at most its plan's accounts, so they are matched here.
    wanted = {normalize_tag(tag) for tag in tags}
    return [account_out(row) for row in rows if wanted <= set(row["tags"])]


async def accounts_everywhere(statuses: Sequence[str]) -> list[tuple[uuid.UUID, AccountOut]]:
    """(workspace id, account) of every workspace's accounts in these statuses, oldest first."""
    # A scheduler's sweep (analytics' sync tick) looks at all workspaces at once: it belongs to none.
    query = across_workspaces(PlatformAccount).select().where(PlatformAccount.status.is_in(list(statuses)))
    rows = await query.output(load_json=True).order_by(PlatformAccount.created_at).order_by(PlatformAccount.id)
    return [(row["workspace"], account_out(row)) for row in rows]


async def accounts_needing_attention(statuses: Sequence[str], limit: int, offset: int) -> Page[AttentionAccountOut]:
    """Every workspace's accounts in these statuses, the longest waiting first (the superuser console)."""
    # The operators' list spans all workspaces: which accounts anywhere wait for a person.
    table = across_workspaces(PlatformAccount)
    condition = PlatformAccount.status.is_in(list(statuses))
    return await fetch_page(
        table.select().output(load_json=True).order_by(PlatformAccount.updated_at).order_by(PlatformAccount.id),
        table.count(),
        lambda row: AttentionAccountOut(workspace_id=row["workspace"], account=account_out(row)),
        limit,
        offset,
        [condition],
    )


async def account_exists(workspace_id: uuid.UUID, platform: str, login: str) -> bool:
    return bool(
        await scoped(PlatformAccount, workspace_id)
        .exists()
        .where((PlatformAccount.platform == platform) & (PlatformAccount.login == login))
    )


# --- writing ---------------------------------------------------------------------


async def _check_references(workspace_id: uuid.UUID, proxy_id: uuid.UUID | None, profile_id: uuid.UUID | None) -> None:
    """A proxy or profile of another workspace is as missing as one that does not exist."""
    if proxy_id is not None and not await proxies.proxy_id_exists(workspace_id, proxy_id):
        raise NotFound(f"proxy_id: proxy {proxy_id} not found")
    if profile_id is not None and not await profiles.profile_exists(workspace_id, profile_id):
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
        "tags": clean_tags(data.tags),
        "password_secret": vault.encrypt_optional(data.password, PASSWORD_PURPOSE),
        "cookies_secret": cookies_secret(data.cookies),
        "proxy": data.proxy_id,
        "profile": data.profile_id,
        "daily_action_cap": data.daily_action_cap or get_settings().platforms.default_daily_action_cap,
    }


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


async def update_account(
    workspace_id: uuid.UUID, account_id: uuid.UUID, changes: AccountUpdate, actor: Actor = SYSTEM
) -> AccountOut:
    row = await account_row(workspace_id, account_id)
    sent = sent_fields(changes)
    if not sent:
        return account_out(row)
    await _check_references(workspace_id, sent.get("proxy_id"), sent.get("profile_id"))
    values: dict[Any, Any] = {PlatformAccount.updated_at: utcnow()}
    if "label" in sent:
        values[PlatformAccount.label] = sent["label"].strip()
    if "tags" in sent:
        values[PlatformAccount.tags] = clean_tags(sent["tags"])
    if "password" in sent:
        values[PlatformAccount.password_secret] = vault.encrypt_optional(sent["password"], PASSWORD_PURPOSE)
    if "cookies" in sent:
        values[PlatformAccount.cookies_secret] = cookies_secret(sent["cookies"])
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
        await scoped(PlatformAccount, workspace_id).update(values).where(PlatformAccount.id == account_id)
        if changed := [name for name in ("password", "cookies") if name in sent]:
            # Which credentials changed, never their values.
            await audit.record(
                "accounts.credentials_changed",
                workspace_id=workspace_id,
                actor_id=actor.user_id,
                actor_email=actor.email,
                target=f"account:{account_id}",
                details={"changed": ",".join(changed), "platform": row["platform"], "login": row["login"]},
                ip=actor.ip,
            )
    return await get_account(workspace_id, account_id)


async def delete_account(workspace_id: uuid.UUID, account_id: uuid.UUID) -> None:
    await account_row(workspace_id, account_id)
    await scoped(PlatformAccount, workspace_id).delete().where(PlatformAccount.id == account_id)


async def fit_accounts_to_plan(workspace_id: uuid.UUID, limit: int, plan_title: str) -> int:
    """Deactivate the usable accounts beyond `limit`, newest first (the oldest keep working).

    Nothing is deleted. When the plan grows again nothing is reactivated
    automatically: the user chooses which accounts to turn back on (PATCH
    status "active"), so an upgrade never starts automation by surprise.
    Returns how many accounts this deactivated.
    """
    accounts = scoped(PlatformAccount, workspace_id)
    rows = (
        await accounts.select(PlatformAccount.id)
        .where(PlatformAccount.status != "inactive")
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
        await accounts.update(
            {
                PlatformAccount.status: "inactive",
                PlatformAccount.status_reason: reason,
                PlatformAccount.updated_at: utcnow(),
            }
        ).where(PlatformAccount.id.is_in(extra))
    return len(extra)


# Billing counts accounts against the plan, and fits them to a smaller one, through core.quotas.
quotas.register(Resource.platform_accounts, count_accounts)
quotas.register_fitter(Resource.platform_accounts, fit_accounts_to_plan)


async def import_accounts(workspace_id: uuid.UUID, rows: list[Any]) -> ImportReport:
    """Create an account per row. `proxy` is `host:port` of a proxy already in the workspace."""
    proxy_ids = await proxies.proxy_ids_by_address(workspace_id)
    seen: dict[tuple[str, str], int] = {}

    async def handle(number: int, raw: Any) -> ImportRowOut:
        row = imports.clean_row(raw, ACCOUNT_COLUMNS)
        if "proxy" in row:
            address = str(row.pop("proxy")).lower()
            if "proxy_id" in row:
                raise imports.RowError("send proxy or proxy_id, not both")
            if address not in proxy_ids:
                raise imports.RowError(f"proxy: no proxy {address} in this workspace (add it first, as host:port)")
            row["proxy_id"] = str(proxy_ids[address])
        if isinstance(row.get("cookies"), str):
            try:
                row["cookies"] = msgspec.json.decode(row["cookies"])
            except msgspec.DecodeError:
                raise imports.RowError("cookies: must be a JSON array of cookies") from None
        if isinstance(row.get("tags"), str):
            row["tags"] = [tag for tag in TAG_SEPARATORS.split(row["tags"]) if tag.strip()]
        for required in ("platform", "login"):
            if required not in row:
                raise imports.RowError(f"{required} is required")
        data = imports.convert_row(row, AccountCreate)
        values = await prepare_account(workspace_id, data)
        key = (values["platform"], values["login"])
        if key in seen:
            raise Conflict(f"duplicate of row {seen[key]} ({values['platform']} {values['login']!r})")
        seen[key] = number
        if await account_exists(workspace_id, *key):
            raise Conflict(f"already exists: {values['platform']} account {values['login']!r}")
        account_id = await insert_account(workspace_id, values)
        return ImportRowOut(row=number, status="created", id=account_id)

    return await imports.report_rows(rows, handle)


# --- account jobs (the handlers are in accounts/tasks.py) ----------------------------


async def start_test_login(
    redis: ArqRedis, workspace_id: uuid.UUID, account_id: uuid.UUID, user_id: uuid.UUID | None
) -> JobOut:
    await account_row(workspace_id, account_id)  # 404 for another workspace's account
    return await jobs.enqueue(
        redis, workspace_id, TEST_LOGIN, {"account_id": str(account_id)}, created_by=user_id, max_attempts=1
    )


async def start_resume(
    redis: ArqRedis, workspace_id: uuid.UUID, account_id: uuid.UUID, user_id: uuid.UUID | None
) -> JobOut:
    await account_row(workspace_id, account_id)
    return await jobs.enqueue(
        redis, workspace_id, RESUME, {"account_id": str(account_id)}, created_by=user_id, max_attempts=1
    )
