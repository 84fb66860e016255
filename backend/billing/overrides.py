"""Plan overrides: a superuser puts a workspace on another plan, or changes one of its limits, until an expiry.

`apply` is what `effective_plan` runs: the live overrides (not expired) change the
subscription's plan, the newest winning; an expired one is ignored from the
moment it expires, so nothing has to run for the plan to fall back.
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from backend import db
from backend.billing.plans import PLAN_ACTIVE_STATUSES, PLANS, Plan
from backend.billing.schemas import BillingEventOut, PlanOverrideCreate, PlanOverrideOut
from backend.billing.tables import BillingEvent, PlanOverride, Subscription
from backend.core.clock import utcnow
from backend.core.errors import InvalidInput, NotFound
from backend.core.pagination import fetch_page
from backend.core.quotas import Resource
from backend.core.schemas import Page
from backend.core.scoped import prepared, scoped

MAX_DURATION = timedelta(days=366 * 2)

# Asked with every effective_plan (each job start): built once. A workspace has a handful of
# overrides at most (history included), so expiry is checked here rather than in SQL.
_OVERRIDES = prepared(
    PlanOverride,
    lambda overrides: overrides.select(
        PlanOverride.plan, PlanOverride.resource, PlanOverride.limit_value, PlanOverride.expires_at
    ).order_by(PlanOverride.created_at),
)


def _aware(when: datetime | str) -> datetime:
    when = datetime.fromisoformat(when) if isinstance(when, str) else when  # SQLite's raw rows: text
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when


# A job start's plan in one statement: the subscription's status and plan (NULLs when the workspace never
# had one) on every row, with one row per override (override columns NULL when there is none).
_PLAN_AND_OVERRIDES = (
    "SELECT s.status, s.plan, o.plan AS override_plan, o.resource, o.limit_value, o.expires_at "
    "FROM (SELECT 1 AS one) base LEFT JOIN subscriptions s ON s.workspace = {workspace} "
    "LEFT JOIN plan_overrides o ON o.workspace = {workspace} ORDER BY o.created_at"
)
_PLAN_AND_OVERRIDES_QUERY = prepared(PlanOverride, lambda overrides: overrides.raw(_PLAN_AND_OVERRIDES))


async def plan_rows(workspace_id: uuid.UUID) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The workspace's subscription (status and plan; None if it never had one) and its overrides, oldest
    first, read together: `effective_plan` runs on every job start."""
    rows = await _PLAN_AND_OVERRIDES_QUERY.rows(workspace_id)
    subscription = {"status": rows[0]["status"], "plan": rows[0]["plan"]} if rows[0]["status"] is not None else None
    found = [
        {"plan": row["override_plan"], **{k: row[k] for k in ("resource", "limit_value", "expires_at")}}
        for row in rows
        if row["expires_at"] is not None
    ]
    return subscription, found


async def apply(plan: Plan, workspace_id: uuid.UUID, rows: list[dict[str, Any]] | None = None) -> Plan:
    """`plan` as the workspace's live overrides change it (newest last, so it wins); `rows` when already read."""
    now = utcnow()
    rows = await _OVERRIDES.rows(workspace_id) if rows is None else rows
    live = [row for row in rows if _aware(row["expires_at"]) > now]
    if not live:
        return plan
    for row in live:
        if row["plan"] in PLANS:
            plan = PLANS[row["plan"]]
    limits = dict(plan.limits)
    for row in live:
        if row["resource"] in Resource.__members__ and row["limit_value"] is not None:
            limits[Resource(row["resource"])] = int(row["limit_value"])
    return dataclasses.replace(plan, limits=limits)


def limit_sql(resource: Resource) -> str:
    """`effective_plan(workspace).limits[resource]` as one SQL expression (PostgreSQL), for a statement that
    checks the limit itself (a job start's INSERT), so the plan is not read in a round trip of its own.

    `{workspace}` marks the workspace and `{}` the time now (as `utcnow()`; `apply` compares expiry with it).
    The same rules as `plan_of` and `apply`: the newest live override of the resource, else the newest live
    override's plan, else the subscription's plan while active, else the free plan; a plan name
    not in `PLANS` counts as no plan. `tests/billing/test_limit_sql.py` holds the two to the same answers.
    """
    plans = ", ".join(f"('{name}', {plan.limits[resource]})" for name, plan in PLANS.items())
    statuses = ", ".join(f"'{status}'" for status in sorted(PLAN_ACTIVE_STATUSES))
    overrides, subscriptions = PlanOverride._meta.tablename, Subscription._meta.tablename
    live = "o.workspace = {workspace} AND o.expires_at > at.now"
    newest = "ORDER BY o.created_at DESC LIMIT 1"
    resource_override = (
        f"SELECT o.limit_value FROM {overrides} o WHERE {live} "  # noqa: S608 - our own SQL
        f"AND o.resource = '{resource.value}' AND o.limit_value IS NOT NULL {newest}"
    )
    plan_override = (
        f"SELECT p.lim FROM {overrides} o JOIN plan_limits p ON p.name = o.plan "  # noqa: S608 - our own SQL
        f"WHERE {live} {newest}"
    )
    subscription = (
        f"SELECT p.lim FROM {subscriptions} s JOIN plan_limits p ON p.name = s.plan "  # noqa: S608 - our own SQL
        f"WHERE s.workspace = {{workspace}} AND s.status IN ({statuses}) LIMIT 1"
    )
    free = PLANS["free"].limits[resource]
    return (
        f"(WITH plan_limits(name, lim) AS (VALUES {plans}) "  # noqa: S608 - our own SQL
        f"SELECT COALESCE(({resource_override}), ({plan_override}), ({subscription}), {free}) "
        "FROM (SELECT {}::timestamptz AS now) AS at)"
    )


def _override_out(row: dict[str, Any]) -> PlanOverrideOut:
    expires_at = _aware(row["expires_at"])
    return PlanOverrideOut(
        id=row["id"],
        workspace_id=row["workspace"],
        plan=row["plan"],
        resource=row["resource"],
        limit=row["limit_value"],
        reason=row["reason"],
        expires_at=expires_at,
        active=expires_at > utcnow(),
        created_by=row["created_by"],
        created_by_email=row["created_by_email"],
        created_at=_aware(row["created_at"]),
    )


async def set_override(
    workspace_id: uuid.UUID, data: PlanOverrideCreate, *, created_by: uuid.UUID | None, created_by_email: str
) -> PlanOverrideOut:
    """Store an override (a plan, or one limit) for the workspace until `data.expires_at`."""
    if (data.plan is None) == (data.resource is None):
        raise InvalidInput("plan", "give either a plan, or a resource with its limit (not both)")
    if data.resource is not None and data.limit is None:
        raise InvalidInput("limit", "give the limit for the resource")
    if data.plan is not None and data.limit is not None:
        raise InvalidInput("limit", "a limit goes with a resource, not with a plan")
    if data.expires_at.tzinfo is None:
        raise InvalidInput("expires_at", "give a time zone, e.g. 2026-12-31T00:00:00Z")
    now = utcnow()
    if data.expires_at <= now:
        raise InvalidInput("expires_at", "must be in the future")
    if data.expires_at > now + MAX_DURATION:
        raise InvalidInput("expires_at", "must be within two years; set a new override then")
    reason = " ".join(data.reason.split())
    if len(reason) < 3:
        raise InvalidInput("reason", "say why, in a few words")
    override_id = uuid.uuid4()
    async with db.transaction():
        await PlanOverride.insert(
            PlanOverride(
                id=override_id,
                workspace=workspace_id,
                plan=data.plan,
                resource=data.resource,
                limit_value=data.limit,
                reason=reason,
                expires_at=data.expires_at,
                created_by=created_by,
                created_by_email=created_by_email,
            )
        )
    return await get_override(workspace_id, override_id)


async def get_override(workspace_id: uuid.UUID, override_id: uuid.UUID) -> PlanOverrideOut:
    return _override_out(await scoped(PlanOverride, workspace_id).get(override_id, missing="Override not found"))


async def list_overrides(workspace_id: uuid.UUID) -> list[PlanOverrideOut]:
    """The workspace's overrides, newest first, expired ones included (`active` false)."""
    rows = await scoped(PlanOverride, workspace_id).select().order_by(PlanOverride.created_at, ascending=False)
    return [_override_out(row) for row in rows]


async def remove_override(workspace_id: uuid.UUID, override_id: uuid.UUID) -> PlanOverrideOut:
    """Delete an override (it stops applying at once); returns what it was."""
    removed = await get_override(workspace_id, override_id)
    async with db.transaction():
        deleted = (
            await scoped(PlanOverride, workspace_id)
            .delete()
            .where(PlanOverride.id == override_id)
            .returning(PlanOverride.id)
        )
    if not deleted:
        raise NotFound("Override not found")
    return removed


async def list_events(*, unhandled: bool, limit: int, offset: int) -> Page[BillingEventOut]:
    """Received Stripe events, oldest first; only those not handled yet with `unhandled`."""
    columns = (
        BillingEvent.id,
        BillingEvent.type,
        BillingEvent.created,
        BillingEvent.received_at,
        BillingEvent.handled_at,
        BillingEvent.attempts,
        BillingEvent.error,
    )
    where = [BillingEvent.handled_at.is_null()] if unhandled else []
    return await fetch_page(
        BillingEvent.select(*columns).order_by(BillingEvent.received_at),
        BillingEvent.count(),
        lambda row: BillingEventOut(**row),
        limit,
        offset,
        where,
    )
