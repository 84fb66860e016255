"""Which plan a workspace is on, and enforcing its limits: what it consumed this month and what exists now.

Monthly resources are consumed from the usage ledger here. Counted ones (seats,
platform accounts, concurrent jobs, active rules) are counted and fitted by the
domain that owns them, through `backend.core.quotas`: billing never imports
those domains, they call billing.
"""

from __future__ import annotations

import uuid
from typing import Any

import structlog

from backend import db
from backend.billing import overrides
from backend.billing.plans import (
    MONTHLY,
    PLAN_ACTIVE_STATUSES,
    PLANS,
    RESOURCE_LABELS,
    Plan,
    catalogue,
    next_plan_up,
)
from backend.billing.schemas import BillingOut, LimitOut
from backend.billing.tables import Subscription, Usage, UsageCharge
from backend.core import quotas
from backend.core.clock import utcnow
from backend.core.errors import PaymentRequired
from backend.core.quotas import Resource
from backend.core.scoped import prepared, scoped
from backend.settings import get_settings

log = structlog.get_logger(__name__)


def current_period() -> str:
    return utcnow().strftime("%Y-%m")


# Asked on every job start: built once. Nothing of the answer is kept, so a plan change applies at once.
_SUBSCRIPTION = prepared(Subscription, lambda subscriptions: subscriptions.select())


async def subscription_of(workspace_id: uuid.UUID) -> dict[str, Any] | None:
    """The workspace's subscription row; None means it never had one (the free plan)."""
    return await _SUBSCRIPTION.first(workspace_id)


def plan_of(row: dict[str, Any] | None) -> Plan:
    """The plan a subscription row gives: the free one unless a paid plan is active."""
    if row is None or row["status"] not in PLAN_ACTIVE_STATUSES:
        return PLANS["free"]
    return PLANS.get(row["plan"], PLANS["free"])


async def effective_plan(workspace_id: uuid.UUID) -> Plan:
    """The subscription's plan with the workspace's live overrides (a superuser's plan or limit) applied."""
    subscription, found = await overrides.plan_rows(workspace_id)
    return await overrides.apply(plan_of(subscription), workspace_id, found)


def _limit_detail(plan: Plan, resource: Resource, used: int, needed: int) -> str:
    label = RESOURCE_LABELS[resource]
    limit = plan.limits[resource]
    upgrade = next_plan_up(plan.name, resource, needed)
    hint = (
        f"upgrade to {upgrade.title} for {upgrade.limits[resource]} (POST /api/v1/billing/checkout)"
        if upgrade
        else "this is the largest plan; contact support for more"
    )
    return f"Plan limit reached: {label}: {used} of {limit} used on the {plan.title} plan; {hint}"


async def check_and_consume(workspace_id: uuid.UUID, resource: Resource, n: int = 1, *, key: str | None = None) -> int:
    """Take `n` of a monthly resource, or raise 402 naming the limit. Returns what is left.

    With a `key` (e.g. an analyze job's item) the charge is taken once per key:
    work that runs again after a crash finds its charge and takes nothing more.
    One conditional UPDATE, so concurrent callers can never overspend.
    """
    if resource not in MONTHLY:
        raise ValueError(f"{resource} is counted, not consumed; use ensure_capacity")
    plan = await effective_plan(workspace_id)
    limit = plan.limits[resource]
    period = current_period()

    async def take() -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = (
            await scoped(Usage, workspace_id)
            .update({Usage.used: Usage.used + n, Usage.updated_at: utcnow()})
            .where((Usage.resource == resource.value) & (Usage.period == period) & (Usage.used <= limit - n))
            .returning(Usage.used)
        )
        return rows

    # The charge's record and the ledger change commit together (or not at all, on a 402).
    async with db.transaction():
        if key is not None and not await _record_charge(workspace_id, resource, key, period, n):
            return limit - await usage_this_month(workspace_id, resource)  # charged by an earlier run
        rows = await take()
        if not rows:
            # Perhaps the month's row does not exist yet: make it (racers make it once) and try again.
            await Usage.insert(
                Usage(workspace=workspace_id, resource=resource.value, period=period, used=0)
            ).on_conflict(action="DO NOTHING")
            rows = await take()
        if not rows:
            used = await usage_this_month(workspace_id, resource)
            raise PaymentRequired(_limit_detail(plan, resource, used, used + n))
    return limit - int(rows[0]["used"])


async def _record_charge(workspace_id: uuid.UUID, resource: Resource, key: str, period: str, n: int) -> bool:
    """Note the charge of `key` (in the caller's transaction); False when it was charged before."""
    inserted = (
        await UsageCharge.insert(
            UsageCharge(workspace=workspace_id, resource=resource.value, key=key, period=period, n=n)
        )
        .on_conflict(action="DO NOTHING")
        .returning(UsageCharge.id)
    )
    return bool(inserted)


async def release(workspace_id: uuid.UUID, resource: Resource, n: int = 1, *, key: str | None = None) -> None:
    """Give back what `check_and_consume` took for work that then failed.

    With a `key`, what that key was charged is given back, once: a second
    release (or one for a key never charged) changes nothing.
    """
    if key is None:
        await _give_back(workspace_id, resource, current_period(), n)
        return
    async with db.transaction():
        charges = (
            await scoped(UsageCharge, workspace_id)
            .delete()
            .where((UsageCharge.resource == resource.value) & (UsageCharge.key == key))
            .returning(UsageCharge.period, UsageCharge.n)
        )
        for charge in charges:
            await _give_back(workspace_id, resource, charge["period"], int(charge["n"]))


async def _give_back(workspace_id: uuid.UUID, resource: Resource, period: str, n: int) -> None:
    await (
        scoped(Usage, workspace_id)
        .update({Usage.used: Usage.used - n, Usage.updated_at: utcnow()})
        .where((Usage.resource == resource.value) & (Usage.period == period) & (Usage.used >= n))
    )


async def usage_this_month(workspace_id: uuid.UUID, resource: Resource) -> int:
    row = (
        await scoped(Usage, workspace_id)
        .select(Usage.used)
        .where((Usage.resource == resource.value) & (Usage.period == current_period()))
        .first()
    )
    return int(row["used"]) if row else 0


async def ensure_capacity(workspace_id: uuid.UUID, resource: Resource, current: int, adding: int = 1) -> None:
    """Raise 402 if `current + adding` of a counted resource exceeds the plan."""
    plan = await effective_plan(workspace_id)
    if current + adding > plan.limits[resource]:
        raise PaymentRequired(_limit_detail(plan, resource, current, current + adding))


async def _counted_usage(workspace_id: uuid.UUID) -> dict[Resource, int]:
    """What exists now of each counted resource, as its owner counts it; 0 for one no domain counts yet
    (active rules, until the automation domain exists)."""
    return {
        resource: await quotas.count(resource, workspace_id) if quotas.is_counted(resource) else 0
        for resource in Resource
        if resource not in MONTHLY
    }


async def get_billing(workspace_id: uuid.UUID) -> BillingOut:
    row = await subscription_of(workspace_id)
    plan = await overrides.apply(plan_of(row), workspace_id)
    used = await _counted_usage(workspace_id)
    for resource in MONTHLY:
        used[resource] = await usage_this_month(workspace_id, resource)
    return BillingOut(
        configured=get_settings().billing.configured,
        plan=plan.name,
        plan_title=plan.title,
        status=row["status"] if row else "none",
        current_period_end=row["current_period_end"] if row else None,
        cancel_at_period_end=bool(row["cancel_at_period_end"]) if row else False,
        period=current_period(),
        limits=[
            LimitOut(
                resource=resource.value,
                label=RESOURCE_LABELS[resource],
                limit=plan.limits[resource],
                used=used[resource],
                monthly=resource in MONTHLY,
            )
            for resource in Resource
        ],
        plans=catalogue(),
    )


async def apply_plan_limits(workspace_id: uuid.UUID) -> None:
    """After a plan change: each counted resource's owner pauses what exceeds the plan (never deletes).

    Members beyond the seats are paused, and resumed once they fit again.
    Platform accounts beyond the plan are deactivated (newest first) but never
    reactivated here when the plan grows: the user picks which ones to turn
    back on, so an upgrade never restarts automation by surprise.
    """
    plan = await effective_plan(workspace_id)
    fitted = {
        resource: await quotas.fit(resource, workspace_id, plan.limits[resource], plan.title)
        for resource in Resource
        if resource not in MONTHLY
    }
    log.info(
        "plan_limits_applied",
        workspace_id=str(workspace_id),
        plan=plan.name,
        members_paused=fitted[Resource.seats],
        accounts_deactivated=fitted[Resource.platform_accounts],
    )
