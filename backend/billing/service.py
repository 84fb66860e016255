"""Plans, quotas, Stripe Checkout and Portal, and applying Stripe's webhook events.

Every workspace read goes through `_subscription_of(workspace_id)` or the
usage ledger filtered by the workspace. Outbound Stripe calls carry
deterministic idempotency keys. Webhook events are stored once (keyed by
Stripe's event id) and applied by a worker task; an event about something we
do not know yet raises `EventNotReady` and is retried later.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import msgspec
import stripe
import structlog
from arq.connections import ArqRedis

from backend import db
from backend.auth import service as auth_service
from backend.auth.tables import Workspace
from backend.billing.plans import (
    MONTHLY,
    PAID_PLANS,
    PLANS,
    RESOURCE_LABELS,
    Plan,
    catalogue,
    next_plan_up,
    plan_for_price,
)
from backend.billing.schemas import BillingOut, LimitOut, RedirectOut
from backend.billing.tables import BillingEvent, Subscription, Usage, UsageCharge
from backend.core import quotas
from backend.core.clock import utcnow
from backend.core.errors import Conflict, InvalidInput, PaymentRequired, Unavailable, UpstreamUnavailable
from backend.core.quotas import Resource
from backend.settings import get_settings

log = structlog.get_logger(__name__)

# Stripe statuses under which the paid plan applies (past_due: Stripe is still retrying the card).
PLAN_ACTIVE_STATUSES = frozenset({"active", "trialing", "past_due"})
PROCESS_EVENT_TASK = "process_billing_event"
HANDLED_EVENT_TYPES = frozenset(
    {
        "checkout.session.completed",
        "customer.subscription.created",
        "customer.subscription.updated",
        "customer.subscription.deleted",
        "invoice.paid",
        "invoice.payment_failed",
    }
)


PAYMENTS_UNREACHABLE = "Payments are unreachable right now; try again in a minute"


class EventNotReady(Exception):
    """The event refers to a customer or subscription not known yet; apply it later."""


class InvalidSignature(Exception):
    pass


def current_period() -> str:
    return utcnow().strftime("%Y-%m")


def _require_configured() -> None:
    if not get_settings().billing.configured:
        raise Unavailable(
            "Billing is not configured on this server (set STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET, "
            "STRIPE_PRICE_PRO and STRIPE_PRICE_BUSINESS); every workspace is on the free plan"
        )


def stripe_client() -> stripe.StripeClient:
    billing = get_settings().billing
    _require_configured()
    base = {"api": billing.stripe_api_base} if billing.stripe_api_base else None
    # A person waits on these calls: few retries and a short timeout, so an
    # outage answers 503 in seconds rather than holding the request.
    return stripe.StripeClient(
        str(billing.stripe_secret_key),
        base_addresses=base,  # type: ignore[arg-type]
        http_client=stripe.HTTPXClient(
            timeout=httpx.Timeout(billing.stripe_timeout_seconds, connect=min(3.0, billing.stripe_timeout_seconds))
        ),
        max_network_retries=billing.stripe_max_network_retries,
    )


@contextlib.contextmanager
def _stripe_reachable() -> Iterator[None]:
    """Stripe unreachable, timing out, rate limiting or failing on its side: a 503 to retry, not a 500."""
    try:
        yield
    except (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError) as exc:
        raise UpstreamUnavailable("Stripe", PAYMENTS_UNREACHABLE) from exc


def _idempotency_key(kind: str, params: dict[str, Any]) -> str:
    """The same request always gets the same key, so a repeat never makes a second object."""
    digest = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:40]
    return f"sellpilot-{kind}-{digest}"


# --- plans and quotas ----------------------------------------------------------


async def _subscription_of(workspace_id: uuid.UUID) -> dict[str, Any] | None:
    row: dict[str, Any] | None = await Subscription.select().where(Subscription.workspace == workspace_id).first()
    return row


def _effective(row: dict[str, Any] | None) -> Plan:
    if row is None or row["status"] not in PLAN_ACTIVE_STATUSES:
        return PLANS["free"]
    return PLANS.get(row["plan"], PLANS["free"])


async def effective_plan(workspace_id: uuid.UUID) -> Plan:
    return _effective(await _subscription_of(workspace_id))


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
            await Usage.update({Usage.used: Usage.used + n, Usage.updated_at: utcnow()})
            .where(
                (Usage.workspace == workspace_id)
                & (Usage.resource == resource.value)
                & (Usage.period == period)
                & (Usage.used <= limit - n)
            )
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
            await UsageCharge.delete()
            .where(
                (UsageCharge.workspace == workspace_id)
                & (UsageCharge.resource == resource.value)
                & (UsageCharge.key == key)
            )
            .returning(UsageCharge.period, UsageCharge.n)
        )
        for charge in charges:
            await _give_back(workspace_id, resource, charge["period"], int(charge["n"]))


async def _give_back(workspace_id: uuid.UUID, resource: Resource, period: str, n: int) -> None:
    await Usage.update({Usage.used: Usage.used - n, Usage.updated_at: utcnow()}).where(
        (Usage.workspace == workspace_id)
        & (Usage.resource == resource.value)
        & (Usage.period == period)
        & (Usage.used >= n)
    )


async def usage_this_month(workspace_id: uuid.UUID, resource: Resource) -> int:
    row = (
        await Usage.select(Usage.used)
        .where(
            (Usage.workspace == workspace_id) & (Usage.resource == resource.value) & (Usage.period == current_period())
        )
        .first()
    )
    return int(row["used"]) if row else 0


async def ensure_capacity(workspace_id: uuid.UUID, resource: Resource, current: int, adding: int = 1) -> None:
    """Raise 402 if `current + adding` of a counted resource exceeds the plan."""
    plan = await effective_plan(workspace_id)
    if current + adding > plan.limits[resource]:
        raise PaymentRequired(_limit_detail(plan, resource, current, current + adding))


async def _counted_usage(workspace_id: uuid.UUID) -> dict[Resource, int]:
    from backend.platforms import service as platforms  # platforms also calls back into billing

    return {
        Resource.seats: await auth_service.seats_used(workspace_id),
        Resource.concurrent_jobs: await quotas.count(Resource.concurrent_jobs, workspace_id),
        Resource.platform_accounts: await platforms.count_accounts(workspace_id),
        # Counted once the automation domain exists.
        Resource.active_rules: 0,
    }


async def get_billing(workspace_id: uuid.UUID) -> BillingOut:
    row = await _subscription_of(workspace_id)
    plan = _effective(row)
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
    """After a plan change: pause what exceeds the plan (never delete), resume what fits again.

    Platform accounts beyond the plan are deactivated (newest first) but, unlike
    members, never reactivated here when the plan grows: the user picks which
    ones to turn back on, so an upgrade never restarts automation by surprise.
    """
    from backend.platforms import service as platforms  # platforms also calls back into billing

    plan = await effective_plan(workspace_id)
    paused = await auth_service.fit_members_to_seats(workspace_id, plan.limits[Resource.seats])
    deactivated = await platforms.fit_accounts_to_plan(
        workspace_id, plan.limits[Resource.platform_accounts], plan.title
    )
    log.info(
        "plan_limits_applied",
        workspace_id=str(workspace_id),
        plan=plan.name,
        members_paused=paused,
        accounts_deactivated=deactivated,
    )


# --- Checkout and Portal -------------------------------------------------------


async def _ensure_customer(client: stripe.StripeClient, workspace_id: uuid.UUID, email: str) -> str:
    row = await _subscription_of(workspace_id)
    if row is not None and row["stripe_customer_id"]:
        customer_id: str = row["stripe_customer_id"]
        return customer_id
    workspace = await Workspace.select(Workspace.name).where(Workspace.id == workspace_id).first()
    params: dict[str, Any] = {
        "email": email,
        "name": workspace["name"] if workspace else None,
        "metadata": {"workspace_id": str(workspace_id)},
    }
    with _stripe_reachable():
        customer = await client.v1.customers.create_async(
            params=params,  # type: ignore[arg-type]
            options={"idempotency_key": _idempotency_key("customer", {"workspace": str(workspace_id)})},
        )
    async with db.transaction():
        await Subscription.insert(Subscription(workspace=workspace_id)).on_conflict(action="DO NOTHING")
        await Subscription.update(
            {Subscription.stripe_customer_id: customer.id, Subscription.updated_at: utcnow()}
        ).where((Subscription.workspace == workspace_id) & Subscription.stripe_customer_id.is_null())
    row = await _subscription_of(workspace_id)
    return str(row["stripe_customer_id"]) if row else customer.id


async def create_checkout(workspace_id: uuid.UUID, email: str, plan_name: str) -> RedirectOut:
    _require_configured()
    if plan_name not in PAID_PLANS:
        raise InvalidInput("plan", f"must be one of {', '.join(PAID_PLANS)}")
    plan = PLANS[plan_name]
    current = await _subscription_of(workspace_id)
    if current is not None and current["status"] in PLAN_ACTIVE_STATUSES and current["stripe_subscription_id"]:
        raise Conflict("This workspace already has a subscription; change plans in the billing portal")
    client = stripe_client()
    customer = await _ensure_customer(client, workspace_id, email)
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
    with _stripe_reachable():
        session = await client.v1.checkout.sessions.create_async(
            params=params,  # type: ignore[arg-type]
            options={"idempotency_key": _idempotency_key("checkout", {**params, "day": utcnow().date().isoformat()})},
        )
    log.info("checkout_session_created", workspace_id=str(workspace_id), plan=plan.name)
    return RedirectOut(url=str(session.url))


async def create_portal(workspace_id: uuid.UUID) -> RedirectOut:
    _require_configured()
    row = await _subscription_of(workspace_id)
    if row is None or not row["stripe_customer_id"]:
        raise Conflict("This workspace has no billing account yet; subscribe with POST /api/v1/billing/checkout")
    params = {"customer": row["stripe_customer_id"], "return_url": f"{get_settings().billing.public_url}/billing"}
    with _stripe_reachable():
        session = await stripe_client().v1.billing_portal.sessions.create_async(
            params=params,  # type: ignore[arg-type]
            options={
                "idempotency_key": _idempotency_key("portal", {**params, "at": utcnow().strftime("%Y-%m-%dT%H:%M")})
            },
        )
    return RedirectOut(url=str(session.url))


# --- webhooks --------------------------------------------------------------------


class _EventEnvelope(msgspec.Struct):
    id: str
    type: str
    created: int
    data: dict[str, Any]


def _refuse_future_timestamp(signature: str, tolerance: int) -> None:
    """Stripe's check only refuses a signature older than the tolerance; one dated later than now plus the
    tolerance is no more Stripe's (clocks drift by seconds, not minutes)."""
    fields = dict(part.split("=", 1) for part in signature.split(",") if "=" in part)
    signed_at = int(fields.get("t", "0"))  # verify_header has checked it is a number
    if signed_at > time.time() + tolerance:
        raise InvalidSignature("Timestamp is in the future, outside the tolerance zone")


async def receive_webhook(redis: ArqRedis, payload: bytes, signature: str | None) -> bool:
    """Verify, store once, and queue for processing. Returns False for a repeat (already stored)."""
    billing = get_settings().billing
    _require_configured()
    try:
        stripe.WebhookSignature.verify_header(
            payload.decode("utf-8"),
            signature or "",
            str(billing.stripe_webhook_secret),
            tolerance=billing.webhook_tolerance_seconds,
        )
        _refuse_future_timestamp(signature or "", billing.webhook_tolerance_seconds)
        event = msgspec.json.decode(payload, type=_EventEnvelope)
    except (stripe.SignatureVerificationError, UnicodeDecodeError) as exc:
        raise InvalidSignature(str(exc)) from None
    except msgspec.ValidationError as exc:
        raise InvalidInput("body", f"not a Stripe event: {exc}") from None
    except (msgspec.DecodeError, RecursionError):
        raise InvalidInput("body", "not valid JSON, so not a Stripe event") from None
    inserted = (
        await BillingEvent.insert(
            BillingEvent(id=event.id, type=event.type, created=event.created, payload=msgspec.json.decode(payload))
        )
        .on_conflict(action="DO NOTHING")
        .returning(BillingEvent.id)
    )
    if not inserted:
        log.info("stripe_event_repeated", event_id=event.id, type=event.type)
        stored = await BillingEvent.select(BillingEvent.handled_at).where(BillingEvent.id == event.id).first()
        if stored is not None and stored["handled_at"] is None:
            # Stored but maybe never queued (we died in between): queue it again;
            # arq ignores the job id while the first one is still waiting.
            await _queue_event(redis, event.id)
        return False
    await _queue_event(redis, event.id)
    log.info("stripe_event_received", event_id=event.id, type=event.type)
    return True


async def _queue_event(redis: ArqRedis, event_id: str) -> None:
    await redis.enqueue_job(PROCESS_EVENT_TASK, event_id, _job_id=f"billing-event:{event_id}")


async def process_event(event_id: str) -> None:
    """Apply a stored event once. Raises EventNotReady when it must wait for another event."""
    row = await BillingEvent.select().where(BillingEvent.id == event_id).output(load_json=True).first()
    if row is None or row["handled_at"] is not None:
        return
    await BillingEvent.update({BillingEvent.attempts: BillingEvent.attempts + 1}).where(BillingEvent.id == event_id)
    event_type, created, obj = row["type"], int(row["created"]), row["payload"]["data"]["object"]
    if event_type == "checkout.session.completed":
        await _apply_checkout_completed(obj, created)
    elif event_type.startswith("customer.subscription."):
        await _apply_subscription(obj, created, deleted=event_type.endswith(".deleted"))
    elif event_type in ("invoice.paid", "invoice.payment_failed"):
        await _apply_invoice(obj, created, paid=event_type == "invoice.paid")
    await BillingEvent.update({BillingEvent.handled_at: utcnow(), BillingEvent.error: None}).where(
        BillingEvent.id == event_id
    )
    log.info("stripe_event_handled", event_id=event_id, type=event_type)


async def record_event_error(event_id: str, error: str) -> None:
    await BillingEvent.update({BillingEvent.error: error}).where(BillingEvent.id == event_id)


def _workspace_from_metadata(obj: dict[str, Any]) -> uuid.UUID | None:
    raw = (obj.get("metadata") or {}).get("workspace_id") or obj.get("client_reference_id")
    try:
        return uuid.UUID(str(raw)) if raw else None
    except ValueError:
        return None


async def _find_workspace(obj: dict[str, Any], subscription_id: str | None, customer_id: str | None) -> uuid.UUID:
    """Which workspace an object is about: our metadata, else a customer or subscription we linked."""
    workspace_id = _workspace_from_metadata(obj)
    if workspace_id is not None and await Workspace.exists().where(Workspace.id == workspace_id):
        return workspace_id
    for column, value in (
        (Subscription.stripe_subscription_id, subscription_id),
        (Subscription.stripe_customer_id, customer_id),
    ):
        if value:
            row = await Subscription.select(Subscription.workspace).where(column == value).first()
            if row is not None:
                found: uuid.UUID = row["workspace"]
                return found
    raise EventNotReady(f"no workspace known for subscription {subscription_id} / customer {customer_id} yet")


async def _upsert(workspace_id: uuid.UUID, changes: dict[Any, Any], only_if_older_than: int | None = None) -> bool:
    """Update the workspace's subscription row (made if missing); with `only_if_older_than`, only
    when the stored state is older than that event time. Returns whether it changed."""
    await Subscription.insert(Subscription(workspace=workspace_id)).on_conflict(action="DO NOTHING")
    condition: Any = Subscription.workspace == workspace_id
    if only_if_older_than is not None:
        condition = condition & (Subscription.state_at <= only_if_older_than)
    rows = (
        await Subscription.update({**changes, Subscription.updated_at: utcnow()})
        .where(condition)
        .returning(Subscription.id)
    )
    return bool(rows)


async def _link_ids(workspace_id: uuid.UUID, customer_id: str | None, subscription_id: str | None) -> None:
    links: dict[Any, Any] = {}
    if customer_id:
        links[Subscription.stripe_customer_id] = customer_id
    if subscription_id:
        links[Subscription.stripe_subscription_id] = subscription_id
    if links:
        await _upsert(workspace_id, links)


def _ts(value: Any) -> datetime | None:
    return datetime.fromtimestamp(int(value), UTC) if value else None


async def _apply_checkout_completed(session: dict[str, Any], created: int) -> None:
    if session.get("mode") not in (None, "subscription"):
        return
    customer_id, subscription_id = session.get("customer"), session.get("subscription")
    workspace_id = await _find_workspace(session, subscription_id, customer_id)
    async with db.transaction():
        await _link_ids(workspace_id, customer_id, subscription_id)
        plan = (session.get("metadata") or {}).get("plan")
        if plan in PAID_PLANS:
            # Only if no newer subscription event already said more.
            await _upsert(
                workspace_id,
                {Subscription.plan: plan, Subscription.status: "active", Subscription.state_at: created},
                only_if_older_than=created - 1,
            )
    await apply_plan_limits(workspace_id)


async def _apply_subscription(sub: dict[str, Any], created: int, deleted: bool) -> None:
    customer_id, subscription_id = sub.get("customer"), sub.get("id")
    workspace_id = await _find_workspace(sub, subscription_id, customer_id)
    items = (sub.get("items") or {}).get("data") or [{}]
    item = items[0]
    price_id = (item.get("price") or {}).get("id")
    plan = plan_for_price(price_id)
    # Newer API versions keep the period on the item, older ones on the subscription.
    period_start = item.get("current_period_start") or sub.get("current_period_start")
    period_end = item.get("current_period_end") or sub.get("current_period_end")
    changes: dict[Any, Any] = {
        Subscription.status: "canceled" if deleted else str(sub.get("status") or "incomplete"),
        Subscription.cancel_at_period_end: bool(sub.get("cancel_at_period_end")),
        Subscription.current_period_start: _ts(period_start),
        Subscription.current_period_end: _ts(period_end),
        Subscription.state_at: created,
    }
    if deleted:
        changes[Subscription.plan] = "free"
    elif plan is not None:
        changes[Subscription.plan] = plan.name
    else:
        log.warning("stripe_unknown_price", price_id=price_id, subscription_id=subscription_id)
    async with db.transaction():
        await _link_ids(workspace_id, customer_id, subscription_id)
        applied = await _upsert(workspace_id, changes, only_if_older_than=created)
    if not applied:
        log.info("stripe_stale_subscription_event_ignored", workspace_id=str(workspace_id), created=created)
    await apply_plan_limits(workspace_id)


async def _apply_invoice(invoice: dict[str, Any], created: int, paid: bool) -> None:
    parent = invoice.get("parent") or {}
    subscription_id = (parent.get("subscription_details") or {}).get("subscription") or invoice.get("subscription")
    customer_id = invoice.get("customer")
    workspace_id = await _find_workspace({}, subscription_id, customer_id)
    row = await _subscription_of(workspace_id)
    if row is None:
        return
    if paid and row["status"] in ("past_due", "unpaid", "incomplete"):
        await _upsert(workspace_id, {Subscription.status: "active", Subscription.state_at: created}, created)
    elif not paid and row["status"] == "active":
        await _upsert(workspace_id, {Subscription.status: "past_due", Subscription.state_at: created}, created)
    await apply_plan_limits(workspace_id)
