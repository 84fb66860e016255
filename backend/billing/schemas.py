"""Billing request and response bodies."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

import msgspec


class LimitOut(msgspec.Struct):
    resource: str
    label: str
    limit: int
    used: int
    monthly: bool
    """True: `used` counts this calendar month (UTC); False: what exists now."""


class PlanLimitOut(msgspec.Struct):
    resource: str
    label: str
    limit: int


class PlanOut(msgspec.Struct):
    """One plan as the plan cards show it."""

    name: str
    title: str
    monthly_price: int
    """Whole units of `currency` per month, for display only: the charged price is Stripe's."""
    currency: str
    limits: list[PlanLimitOut]


class BillingOut(msgspec.Struct):
    configured: bool
    """False when this server has no Stripe keys: everyone is on the free plan and checkout answers 503."""
    plan: str
    plan_title: str
    status: str
    """Stripe's subscription status, or "none" before any checkout."""
    current_period_end: datetime | None
    cancel_at_period_end: bool
    period: str
    """The usage month, e.g. 2026-11."""
    limits: list[LimitOut]
    plans: list[PlanOut]
    """Every plan with its display price and limits, cheapest first."""


class CheckoutRequest(msgspec.Struct, forbid_unknown_fields=True):
    plan: Literal["pro", "business"]


class RedirectOut(msgspec.Struct):
    url: str
    """Send the browser here (Stripe Checkout or the Customer Portal)."""


class WebhookAck(msgspec.Struct):
    received: bool
    duplicate: bool


OverridePlan = Literal["free", "pro", "business"]
OverrideResource = Literal["platform_accounts", "ai_generations", "active_rules", "concurrent_jobs", "seats"]


class PlanOverrideCreate(msgspec.Struct, forbid_unknown_fields=True):
    """Either `plan` (the workspace is on that plan) or `resource` with `limit` (that one limit), until `expires_at`."""

    expires_at: datetime
    """When the override stops applying (with a time zone; in the future)."""
    reason: Annotated[str, msgspec.Meta(min_length=3, max_length=500)]
    """Why (kept with the override and in the audit log)."""
    plan: OverridePlan | None = None
    resource: OverrideResource | None = None
    limit: Annotated[int, msgspec.Meta(ge=0, le=1_000_000)] | None = None


class PlanOverrideOut(msgspec.Struct):
    id: uuid.UUID
    workspace_id: uuid.UUID
    plan: str | None
    resource: str | None
    limit: int | None
    reason: str
    expires_at: datetime
    active: bool
    """False once expired: it no longer applies (kept as history until removed)."""
    created_by: uuid.UUID | None
    created_by_email: str
    created_at: datetime


class BillingEventOut(msgspec.Struct):
    """A received Stripe event (never its payload)."""

    id: str
    type: str
    created: int
    """Stripe's event time (Unix seconds)."""
    received_at: datetime
    handled_at: datetime | None
    attempts: int
    error: str | None
