"""The plans and their limits: one table of data, read by everything that enforces a limit."""

from __future__ import annotations

from dataclasses import dataclass

from backend.billing.schemas import PlanLimitOut, PlanOut
from backend.core.quotas import Resource
from backend.settings import get_settings

# Consumed per calendar month (UTC) and counted in the usage ledger; the
# others are counts of things that exist right now.
MONTHLY = frozenset({Resource.ai_generations})
# Stripe statuses under which the paid plan applies (past_due: Stripe is still retrying the card).
PLAN_ACTIVE_STATUSES = frozenset({"active", "trialing", "past_due"})

RESOURCE_LABELS = {
    Resource.platform_accounts: "platform accounts",
    Resource.ai_generations: "AI generations this month",
    Resource.active_rules: "active automation rules",
    Resource.concurrent_jobs: "concurrent jobs",
    Resource.seats: "seats (members and pending invitations)",
}


@dataclass(frozen=True)
class Plan:
    name: str
    title: str
    limits: dict[Resource, int]
    # Display only, for the plan cards: what a customer is charged comes from
    # the Stripe price (STRIPE_PRICE_PRO / STRIPE_PRICE_BUSINESS), never from here.
    monthly_price: int = 0
    currency: str = "EUR"
    # How often analytics syncs each account's stats and sales (minutes): not a counted
    # resource, so not in `limits`, but plan data all the same.
    analytics_sync_minutes: int = 240

    @property
    def price_id(self) -> str | None:
        billing = get_settings().billing
        return {"pro": billing.price_pro, "business": billing.price_business}.get(self.name)


PLANS: dict[str, Plan] = {
    "free": Plan(
        "free",
        "Free",
        {
            Resource.platform_accounts: 2,
            Resource.ai_generations: 20,
            Resource.active_rules: 3,
            Resource.concurrent_jobs: 2,
            Resource.seats: 2,
        },
    ),
    "pro": Plan(
        "pro",
        "Pro",
        {
            Resource.platform_accounts: 10,
            Resource.ai_generations: 500,
            Resource.active_rules: 25,
            Resource.concurrent_jobs: 10,
            Resource.seats: 5,
        },
        monthly_price=29,
        analytics_sync_minutes=60,
    ),
    "business": Plan(
        "business",
        "Business",
        {
            Resource.platform_accounts: 50,
            Resource.ai_generations: 5000,
            Resource.active_rules: 200,
            Resource.concurrent_jobs: 50,
            Resource.seats: 25,
        },
        monthly_price=99,
        analytics_sync_minutes=15,
    ),
}
PAID_PLANS = ("pro", "business")


def plan_for_price(price_id: str | None) -> Plan | None:
    return next((p for p in PLANS.values() if price_id and p.price_id == price_id), None)


def next_plan_up(current: str, resource: Resource, needed: int) -> Plan | None:
    """The cheapest plan above `current` whose limit of `resource` allows `needed`."""
    order = list(PLANS)
    for name in order[order.index(current) + 1 :]:
        if PLANS[name].limits[resource] >= needed:
            return PLANS[name]
    return None


def catalogue() -> list[PlanOut]:
    """Every plan with its display price and limits, cheapest first (the plan cards)."""
    return [
        PlanOut(
            name=plan.name,
            title=plan.title,
            monthly_price=plan.monthly_price,
            currency=plan.currency,
            limits=[PlanLimitOut(resource=r.value, label=RESOURCE_LABELS[r], limit=plan.limits[r]) for r in Resource],
        )
        for plan in PLANS.values()
    ]
