"""Rules: create, read, change, pause and resume them, run one now, list their runs; the plan's active rules.

Every query is scoped to the workspace. A rule's schedule is computed by
`schedule`, its due slots are claimed and run by `runner`. Active rules count
against the plan (`Resource.active_rules`, registered in `core.quotas` here);
a smaller plan pauses the newest rules beyond its limit and says so.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime
from typing import Any

import msgspec
from arq.connections import ArqRedis

from backend import db
from backend.automation.rules import schedule as sched
from backend.automation.rules.runs import RUN_KIND as RUN_KIND
from backend.automation.rules.runs import list_runs as list_runs
from backend.automation.rules.schemas import (
    PARAMS_BY_KIND,
    BumpParams,
    FollowParams,
    MessageLikersParams,
    MessageNewFollowersParams,
    PriceDropParams,
    RuleIn,
    RuleOut,
    RuleUpdate,
    ScheduledPublishParams,
)
from backend.automation.tables import AutomationRule
from backend.automation.templates import service as templates
from backend.billing import service as billing
from backend.core import hours, quotas
from backend.core.clock import utcnow
from backend.core.convert import to_schema
from backend.core.errors import Conflict, InvalidInput, NotFound
from backend.core.fields import sent_fields
from backend.core.pagination import fetch_page
from backend.core.quotas import Resource
from backend.core.schemas import Page
from backend.core.scoped import across_workspaces, scoped
from backend.jobs import service as jobs
from backend.jobs.schemas import JobOut
from backend.listings import service as listings
from backend.platforms import service as platforms

NOT_FOUND = "Rule not found"
# A rule paused because its account needs a person starts its reason with this; it resumes with the account.
ATTENTION_PREFIX = "Paused: the account needs attention"
PAUSED_BY_USER = "Paused by a person"


# --- reading ---------------------------------------------------------------------


def today_for(timezone: str, now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(hours.zone(timezone)).date()


class _Accounts:
    """Account labels for a page of rules, each account read once (a deleted one shows blank)."""

    def __init__(self, workspace_id: uuid.UUID) -> None:
        self.workspace_id = workspace_id
        self.known: dict[uuid.UUID, tuple[str, str]] = {}

    async def of(self, account_id: uuid.UUID) -> tuple[str, str]:
        if account_id not in self.known:
            try:
                account = await platforms.get_account(self.workspace_id, account_id)
                self.known[account_id] = (account.label or account.login, account.platform)
            except NotFound:
                self.known[account_id] = ("", "")
        return self.known[account_id]


def _loaded(row: dict[str, Any]) -> dict[str, Any]:
    for column in ("params", "last_summary"):
        if isinstance(row.get(column), str):
            row[column] = msgspec.json.decode(row[column])
    return row


async def rule_out(row: dict[str, Any], accounts: _Accounts) -> RuleOut:
    row = _loaded(row)
    label, platform = await accounts.of(row["account_id"])
    today = today_for(row["timezone"])
    return to_schema(
        row,
        RuleOut,
        account_label=label,
        platform=platform,
        actions_today=row["actions_today"] if row["actions_day"] == today else 0,
    )


async def rule_row(workspace_id: uuid.UUID, rule_id: uuid.UUID) -> dict[str, Any]:
    return _loaded(await scoped(AutomationRule, workspace_id).get(rule_id, missing=NOT_FOUND, load_json=True))


async def get_rule(workspace_id: uuid.UUID, rule_id: uuid.UUID) -> RuleOut:
    return await rule_out(await rule_row(workspace_id, rule_id), _Accounts(workspace_id))


async def list_rules(
    workspace_id: uuid.UUID,
    *,
    account_id: uuid.UUID | None,
    kind: str | None,
    status: str | None,
    limit: int,
    offset: int,
) -> Page[RuleOut]:
    conditions = [
        c
        for c in (
            AutomationRule.account_id == account_id if account_id else None,
            AutomationRule.kind == kind if kind else None,
            AutomationRule.status == status if status else None,
        )
        if c is not None
    ]
    rules = scoped(AutomationRule, workspace_id)
    query = rules.select().output(load_json=True).order_by(AutomationRule.created_at).order_by(AutomationRule.id)
    page = await fetch_page(query, rules.count(), _loaded, limit, offset, conditions)
    accounts = _Accounts(workspace_id)
    items = [await rule_out(row, accounts) for row in page.items]
    return Page(items=items, total=page.total, limit=page.limit, offset=page.offset)


# --- validation ------------------------------------------------------------------

_AT = re.compile(r"at `\$\.?([^`]*)`")
_FIELD = re.compile(r"field `([^`]+)`")


def _problem_field(exc: msgspec.ValidationError) -> str:
    text = str(exc)
    path = _AT.search(text)
    name = _FIELD.search(text)
    parts = [p for p in ((path.group(1) if path else ""), (name.group(1) if name else "")) if p]
    return ".".join(["params", *parts])


# What each kind asks of the platform's driver (`platforms.supports`): a rule its platform cannot run is refused.
KIND_ACTIONS: dict[str, tuple[str, ...]] = {
    "bump": ("bump",),
    "relist": ("delete_listing", "publish_listing"),
    "follow": ("follow",),
    "unfollow_nonfollowers": ("unfollow", "my_following"),
    "message_new_followers": ("send_message", "my_followers"),
    "message_likers": ("send_message", "likers"),
    "price_drop": ("change_price",),
    "inbox_sync": ("read_inbox",),
    "scheduled_publish": ("publish_listing",),
}


def check_platform(kind: str, platform: str) -> None:
    missing = [action for action in KIND_ACTIONS.get(kind, ()) if not platforms.supports(platform, action)]
    if missing:
        raise InvalidInput("kind", f"{platform} accounts cannot run {kind} rules (no {', '.join(missing)} there)")


def check_params(kind: str, params: dict[str, Any]) -> dict[str, Any]:
    """The kind's parameters, validated in shape and rules (400 naming the field); the stored form."""
    struct = PARAMS_BY_KIND.get(kind)
    if struct is None:
        raise InvalidInput("kind", f"unknown kind {kind!r}; use one of {', '.join(PARAMS_BY_KIND)}")
    try:
        value = msgspec.convert(params, struct)
    except msgspec.ValidationError as exc:
        raise InvalidInput(_problem_field(exc), str(exc).split(" - at ")[0]) from None
    if isinstance(value, BumpParams) and (value.listing_ids is None) == (value.oldest is None):
        raise InvalidInput("params.listing_ids", "send either listing_ids or oldest (how many of the oldest items)")
    if isinstance(value, FollowParams):
        if value.source == "followers_of" and not value.username:
            raise InvalidInput("params.username", "name the user whose followers to follow")
        if value.source == "feed_search" and not value.query:
            raise InvalidInput("params.query", "say what to search the feed for")
    if (
        isinstance(value, MessageNewFollowersParams | MessageLikersParams)
        and value.delay_min_seconds > value.delay_max_seconds
    ):
        raise InvalidInput("params.delay_max_seconds", "must not be less than delay_min_seconds")
    if isinstance(value, PriceDropParams) and (value.percent is None) == (value.amount is None):
        raise InvalidInput("params.percent", "send exactly one of percent or amount")
    stored: dict[str, Any] = msgspec.to_builtins(value)
    return stored


async def _check_listings(workspace_id: uuid.UUID, kind: str, params: dict[str, Any]) -> None:
    """The listings a rule names are this workspace's; a price floor is not above a listing's current price."""
    if kind not in {"bump", "price_drop", "scheduled_publish"} or not params.get("listing_ids"):
        return
    value = msgspec.convert(params, PARAMS_BY_KIND[kind])
    assert isinstance(value, BumpParams | PriceDropParams | ScheduledPublishParams)
    for index, listing_id in enumerate(value.listing_ids or []):
        try:
            listing = await listings.get_listing(workspace_id, listing_id)
        except NotFound:
            raise InvalidInput(f"params.listing_ids[{index}]", f"no listing {listing_id} in this workspace") from None
        if isinstance(value, PriceDropParams):
            own = value.floors is not None and listing_id in value.floors
            floor = value.floors[listing_id] if value.floors is not None and own else value.floor
            if floor is not None and floor > listing.price:
                field = f"params.floors.{listing_id}" if own else "params.floor"
                raise InvalidInput(
                    field, f"the floor {floor:.2f} is above the listing's current price {listing.price:.2f}"
                )
    if isinstance(value, PriceDropParams) and value.floors:
        for listing_id in value.floors:
            if listing_id not in value.listing_ids:
                raise InvalidInput(f"params.floors.{listing_id}", "this listing is not in listing_ids")


def _schedule(values: dict[str, Any]) -> sched.Schedule:
    """The rule's schedule from its fields; 400 naming the field that is wrong."""
    schedule = sched.Schedule(
        interval_minutes=values["interval_minutes"],
        starts_at=values["starts_at"],
        active_from=values["active_from"],
        active_to=values["active_to"],
        timezone=values["timezone"],
    )
    checks = (
        ("active_from", lambda: hours.parse_hhmm(schedule.active_from)),
        ("active_to", lambda: hours.parse_hhmm(schedule.active_to, allow_end_of_day=True)),
        ("timezone", lambda: hours.zone(schedule.timezone)),
        ("active_to", schedule.check),
    )
    for field, check in checks:
        try:
            check()
        except ValueError as exc:
            raise InvalidInput(field, str(exc)) from None
    if schedule.starts_at is not None and schedule.starts_at.tzinfo is None:
        raise InvalidInput("starts_at", "give a time zone (e.g. 2026-12-01T08:00:00Z)")
    return schedule


# --- plan limit --------------------------------------------------------------------


async def count_active(workspace_id: uuid.UUID) -> int:
    return int(await scoped(AutomationRule, workspace_id).count().where(AutomationRule.status == "active"))


async def _ensure_room(workspace_id: uuid.UUID) -> None:
    """402 naming the limit when one more active rule does not fit the plan (call inside a transaction)."""
    if db.is_postgres():
        # Locks a key, not rows: no table is read, so no workspace filter to apply.
        sql = "SELECT pg_advisory_xact_lock(hashtext({}))"
        await across_workspaces(AutomationRule).raw(sql, f"rules:{workspace_id}")
    await billing.ensure_capacity(workspace_id, Resource.active_rules, await count_active(workspace_id))


async def fit_rules_to_plan(workspace_id: uuid.UUID, limit: int, plan_title: str) -> int:
    """Pause the newest active rules beyond `limit`, saying why; returns how many were paused."""
    rules = scoped(AutomationRule, workspace_id)
    active = (
        await rules.select(AutomationRule.id)
        .where(AutomationRule.status == "active")
        .order_by(AutomationRule.created_at, ascending=False)
    )
    excess = [row["id"] for row in active[: max(0, len(active) - limit)]]
    if not excess:
        return 0
    reason = f"Paused: the {plan_title} plan allows {limit} active automation rules; upgrade or pause others to resume"
    changes = {
        AutomationRule.status: "paused",
        AutomationRule.pause_reason: reason,
        AutomationRule.updated_at: utcnow(),
    }
    await rules.update(changes).where(AutomationRule.id.is_in(excess))
    return len(excess)


quotas.register(Resource.active_rules, count_active)
quotas.register_fitter(Resource.active_rules, fit_rules_to_plan)


# --- changing ----------------------------------------------------------------------


async def create_rule(workspace_id: uuid.UUID, user_id: uuid.UUID | None, data: RuleIn) -> RuleOut:
    account = await platforms.get_account(workspace_id, data.account_id)  # 404 for another workspace's
    params = check_params(data.kind, data.params)
    check_platform(data.kind, account.platform)
    await _check_listings(workspace_id, data.kind, params)
    await templates.check_template_param(workspace_id, params)
    timezone = data.timezone or getattr(account, "timezone", None) or "UTC"
    fields = {
        "interval_minutes": data.interval_minutes,
        "starts_at": data.starts_at,
        "active_from": data.active_from,
        "active_to": data.active_to,
        "timezone": timezone,
    }
    schedule = _schedule(fields)
    rule_id = uuid.uuid4()
    now = utcnow()
    async with db.transaction():
        if data.enabled:
            await _ensure_room(workspace_id)
        rule = AutomationRule(
            id=rule_id,
            workspace=workspace_id,
            account_id=data.account_id,
            name=" ".join(data.name.split()) or data.kind,
            kind=data.kind,
            params=params,
            daily_cap=data.daily_cap,
            status="active" if data.enabled else "paused",
            pause_reason="" if data.enabled else PAUSED_BY_USER,
            next_run_at=sched.first_slot(now, schedule),
            created_by=user_id,
            interval_minutes=schedule.interval_minutes,
            starts_at=schedule.starts_at,
            active_from=schedule.active_from,
            active_to=schedule.active_to,
            timezone=schedule.timezone,
        )
        await AutomationRule.insert(rule)
    return await get_rule(workspace_id, rule_id)


async def update_rule(workspace_id: uuid.UUID, rule_id: uuid.UUID, data: RuleUpdate) -> RuleOut:
    row = await rule_row(workspace_id, rule_id)
    sent = sent_fields(data)
    if not sent:
        return await rule_out(row, _Accounts(workspace_id))
    if "name" in sent:
        sent["name"] = " ".join(sent["name"].split())
        if not sent["name"]:
            raise InvalidInput("name", "must not be blank")
    if "params" in sent:
        sent["params"] = check_params(row["kind"], sent["params"])
        await _check_listings(workspace_id, row["kind"], sent["params"])
        await templates.check_template_param(workspace_id, sent["params"])
    timing = {"interval_minutes", "starts_at", "active_from", "active_to", "timezone"}
    if timing & sent.keys():
        schedule = _schedule({name: sent.get(name, row[name]) for name in timing})
        if row["status"] == "active" and row["pending_slot"] is None:
            sent["next_run_at"] = sched.first_slot(utcnow(), schedule)
    values = {getattr(AutomationRule, name): value for name, value in sent.items()}
    values[AutomationRule.updated_at] = utcnow()
    await scoped(AutomationRule, workspace_id).update(values).where(AutomationRule.id == rule_id)
    return await get_rule(workspace_id, rule_id)


async def delete_rule(workspace_id: uuid.UUID, rule_id: uuid.UUID) -> None:
    await rule_row(workspace_id, rule_id)
    await scoped(AutomationRule, workspace_id).delete().where(AutomationRule.id == rule_id)


async def pause_rule(workspace_id: uuid.UUID, rule_id: uuid.UUID, reason: str = PAUSED_BY_USER) -> RuleOut:
    await rule_row(workspace_id, rule_id)
    changes = {
        AutomationRule.status: "paused",
        AutomationRule.pause_reason: reason,
        AutomationRule.updated_at: utcnow(),
    }
    await scoped(AutomationRule, workspace_id).update(changes).where(AutomationRule.id == rule_id)
    return await get_rule(workspace_id, rule_id)


def schedule_of(row: dict[str, Any]) -> sched.Schedule:
    return sched.Schedule(
        interval_minutes=row["interval_minutes"],
        starts_at=row["starts_at"],
        active_from=row["active_from"],
        active_to=row["active_to"],
        timezone=row["timezone"],
    )


async def resume_rule(workspace_id: uuid.UUID, rule_id: uuid.UUID) -> RuleOut:
    """Active again (if the plan has room), its next slot computed from now."""
    row = await rule_row(workspace_id, rule_id)
    if row["status"] == "active":
        return await rule_out(row, _Accounts(workspace_id))
    async with db.transaction():
        await _ensure_room(workspace_id)
        changes = {
            AutomationRule.status: "active",
            AutomationRule.pause_reason: "",
            AutomationRule.next_run_at: sched.first_slot(utcnow(), schedule_of(row)),
            AutomationRule.updated_at: utcnow(),
        }
        await scoped(AutomationRule, workspace_id).update(changes).where(AutomationRule.id == rule_id)
    return await get_rule(workspace_id, rule_id)


async def run_now(redis: ArqRedis, workspace_id: uuid.UUID, user_id: uuid.UUID, rule_id: uuid.UUID) -> JobOut:
    """Run the rule once now, outside its schedule (a slot of its own, so it never replaces a scheduled one)."""
    row = await rule_row(workspace_id, rule_id)
    if row["status"] == "paused" and row["pause_reason"].startswith(ATTENTION_PREFIX):
        raise Conflict(f"{row['pause_reason']}; resume the account first")
    slot = utcnow().replace(microsecond=0)
    return await jobs.enqueue(
        redis,
        workspace_id,
        RUN_KIND,
        run_payload(row, slot, manual=True),
        idempotency_key=sched.slot_key(rule_id, slot),
        account_id=row["account_id"],
        created_by=user_id,
    )


def run_payload(row: dict[str, Any], slot: datetime, *, manual: bool = False) -> dict[str, Any]:
    payload = {"rule_id": str(row["id"]), "slot": slot.astimezone(UTC).isoformat(), "rule_kind": row["kind"]}
    return {**payload, "manual": True} if manual else payload
