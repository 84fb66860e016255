"""Stripe Checkout (subscribing to a plan) and the Customer Portal (changing or cancelling it).

Outbound calls carry deterministic idempotency keys, so a repeated click makes
no second customer or session.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import structlog

from backend import db
from backend.billing.plans import PAID_PLANS, PLAN_ACTIVE_STATUSES, PLANS
from backend.billing.schemas import RedirectOut
from backend.billing.stripe_api import idempotency_key, require_configured, stripe_client, stripe_reachable
from backend.billing.tables import Subscription
from backend.billing.usage import subscription_of
from backend.core.clock import utcnow
from backend.core.errors import Conflict, InvalidInput
from backend.core.scoped import scoped
from backend.settings import get_settings

if TYPE_CHECKING:
    import stripe

log = structlog.get_logger(__name__)


async def _ensure_customer(
    client: stripe.StripeClient, workspace_id: uuid.UUID, email: str, workspace_name: str | None
) -> str:
    row = await subscription_of(workspace_id)
    if row is not None and row["stripe_customer_id"]:
        customer_id: str = row["stripe_customer_id"]
        return customer_id
    params: dict[str, Any] = {
        "email": email,
        "name": workspace_name,
        "metadata": {"workspace_id": str(workspace_id)},
    }
    with stripe_reachable():
        customer = await client.v1.customers.create_async(
            params=params,  # type: ignore[arg-type]
            options={"idempotency_key": idempotency_key("customer", {"workspace": str(workspace_id)})},
        )
    async with db.transaction():
        await Subscription.insert(Subscription(workspace=workspace_id)).on_conflict(action="DO NOTHING")
        await (
            scoped(Subscription, workspace_id)
            .update({Subscription.stripe_customer_id: customer.id, Subscription.updated_at: utcnow()})
            .where(Subscription.stripe_customer_id.is_null())
        )
    row = await subscription_of(workspace_id)
    return str(row["stripe_customer_id"]) if row else customer.id


async def create_checkout(
    workspace_id: uuid.UUID, email: str, plan_name: str, *, workspace_name: str | None
) -> RedirectOut:
    """A Checkout session for `plan_name`; `workspace_name` names the Stripe customer made for a first checkout."""
    require_configured()
    if plan_name not in PAID_PLANS:
        raise InvalidInput("plan", f"must be one of {', '.join(PAID_PLANS)}")
    plan = PLANS[plan_name]
    current = await subscription_of(workspace_id)
    if current is not None and current["status"] in PLAN_ACTIVE_STATUSES and current["stripe_subscription_id"]:
        raise Conflict("This workspace already has a subscription; change plans in the billing portal")
    client = stripe_client()
    customer = await _ensure_customer(client, workspace_id, email, workspace_name)
    public_url = get_settings().billing.public_url
    metadata = {"workspace_id": str(workspace_id), "plan": plan.name}
    params: dict[str, Any] = {
        "mode": "subscription",
        "customer": customer,
        "client_reference_id": str(workspace_id),
        "line_items": [{"price": plan.price_id, "quantity": 1}],
        "metadata": metadata,
        "subscription_data": {"metadata": metadata},
        "success_url": f"{public_url}/billing?checkout=success",
        "cancel_url": f"{public_url}/billing?checkout=cancelled",
    }
    with stripe_reachable():
        session = await client.v1.checkout.sessions.create_async(
            params=params,  # type: ignore[arg-type]
            options={"idempotency_key": idempotency_key("checkout", {**params, "day": utcnow().date().isoformat()})},
        )
    log.info("checkout_session_created", workspace_id=str(workspace_id), plan=plan.name)
    return RedirectOut(url=str(session.url))


async def create_portal(workspace_id: uuid.UUID) -> RedirectOut:
    require_configured()
    row = await subscription_of(workspace_id)
    if row is None or not row["stripe_customer_id"]:
        raise Conflict("This workspace has no billing account yet; subscribe with POST /api/v1/billing/checkout")
    params = {"customer": row["stripe_customer_id"], "return_url": f"{get_settings().billing.public_url}/billing"}
    with stripe_reachable():
        session = await stripe_client().v1.billing_portal.sessions.create_async(
            params=params,  # type: ignore[arg-type]
            options={
                "idempotency_key": idempotency_key("portal", {**params, "at": utcnow().strftime("%Y-%m-%dT%H:%M")})
            },
        )
    return RedirectOut(url=str(session.url))
