"""Stripe's webhook events: verified, stored once (keyed by Stripe's event id), applied by a worker task.

An event about something we do not know yet raises `EventNotReady` and is
retried later; an event older than the subscription state we hold changes
nothing (Stripe delivers out of order).
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import msgspec
import structlog
from arq.connections import ArqRedis

from backend import db
from backend.audit import service as audit
from backend.billing.plans import PAID_PLANS, plan_for_price
from backend.billing.stripe_api import require_configured
from backend.billing.tables import BillingEvent, Subscription
from backend.billing.usage import apply_plan_limits, plan_of, subscription_of
from backend.core.clock import utcnow
from backend.core.errors import InvalidInput
from backend.core.lazy import lazy_module
from backend.core.scoped import across_workspaces, scoped
from backend.settings import get_settings

if TYPE_CHECKING:
    import stripe
else:
    stripe = lazy_module("stripe")  # imported by the first webhook, not with the API

log = structlog.get_logger(__name__)

PROCESS_EVENT_TASK = "process_billing_event"


class EventNotReady(Exception):
    """The event refers to a customer or subscription not known yet; apply it later."""


class InvalidSignature(Exception):
    pass


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
    require_configured()
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


async def _has_subscription_row(workspace_id: uuid.UUID) -> bool:
    """Make the workspace's subscription row if it has none; False when there is no such workspace.

    Billing does not read auth's workspaces: the foreign key of its own row says
    whether the workspace exists. Called outside a transaction (a refused insert
    would end PostgreSQL's). Every event applied to a workspace makes this row anyway.
    """
    try:
        await Subscription.insert(Subscription(workspace=workspace_id)).on_conflict(action="DO NOTHING")
    except Exception as exc:
        if db.is_foreign_key_violation(exc):
            return False
        raise
    return True


async def _find_workspace(obj: dict[str, Any], subscription_id: str | None, customer_id: str | None) -> uuid.UUID:
    """Which workspace an object is about: our metadata, else a customer or subscription we linked."""
    workspace_id = _workspace_from_metadata(obj)
    if workspace_id is not None and await _has_subscription_row(workspace_id):
        return workspace_id
    for column, value in (
        (Subscription.stripe_subscription_id, subscription_id),
        (Subscription.stripe_customer_id, customer_id),
    ):
        if value:
            # Stripe names its own ids, not our workspace: finding which workspace holds them is the point.
            row = await across_workspaces(Subscription).select(Subscription.workspace).where(column == value).first()
            if row is not None:
                found: uuid.UUID = row["workspace"]
                return found
    raise EventNotReady(f"no workspace known for subscription {subscription_id} / customer {customer_id} yet")


async def _upsert(workspace_id: uuid.UUID, changes: dict[Any, Any], only_if_older_than: int | None = None) -> bool:
    """Update the workspace's subscription row (made if missing); with `only_if_older_than`, only
    when the stored state is older than that event time. Returns whether it changed."""
    await Subscription.insert(Subscription(workspace=workspace_id)).on_conflict(action="DO NOTHING")
    query = scoped(Subscription, workspace_id).update({**changes, Subscription.updated_at: utcnow()})
    if only_if_older_than is not None:
        query = query.where(Subscription.state_at <= only_if_older_than)
    rows = await query.returning(Subscription.id)
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


async def _plan_name(workspace_id: uuid.UUID) -> str:
    return plan_of(await subscription_of(workspace_id)).name


async def _audit_plan_change(workspace_id: uuid.UUID, before: str, source: str) -> None:
    """A `billing.plan_changed` row when the subscription's plan changed (Stripe did it: no actor)."""
    after = await _plan_name(workspace_id)
    if after != before:
        await audit.record(
            "billing.plan_changed",
            workspace_id=workspace_id,
            actor_id=None,
            target=f"workspace:{workspace_id}",
            details={"from": before, "to": after, "source": source},
        )


async def _apply_checkout_completed(session: dict[str, Any], created: int) -> None:
    if session.get("mode") not in (None, "subscription"):
        return
    customer_id, subscription_id = session.get("customer"), session.get("subscription")
    workspace_id = await _find_workspace(session, subscription_id, customer_id)
    before = await _plan_name(workspace_id)
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
        await _audit_plan_change(workspace_id, before, "stripe checkout")
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
    before = await _plan_name(workspace_id)
    async with db.transaction():
        await _link_ids(workspace_id, customer_id, subscription_id)
        applied = await _upsert(workspace_id, changes, only_if_older_than=created)
        await _audit_plan_change(workspace_id, before, "stripe subscription")
    if not applied:
        log.info("stripe_stale_subscription_event_ignored", workspace_id=str(workspace_id), created=created)
    await apply_plan_limits(workspace_id)


async def _apply_invoice(invoice: dict[str, Any], created: int, paid: bool) -> None:
    parent = invoice.get("parent") or {}
    subscription_id = (parent.get("subscription_details") or {}).get("subscription") or invoice.get("subscription")
    customer_id = invoice.get("customer")
    workspace_id = await _find_workspace({}, subscription_id, customer_id)
    row = await subscription_of(workspace_id)
    if row is None:
        return
    before = plan_of(row).name
    async with db.transaction():
        if paid and row["status"] in ("past_due", "unpaid", "incomplete"):
            await _upsert(workspace_id, {Subscription.status: "active", Subscription.state_at: created}, created)
        elif not paid and row["status"] == "active":
            await _upsert(workspace_id, {Subscription.status: "past_due", Subscription.state_at: created}, created)
        await _audit_plan_change(workspace_id, before, "stripe invoice")
    await apply_plan_limits(workspace_id)
