"""Billing request and response bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

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
