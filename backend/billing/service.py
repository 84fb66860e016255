"""Billing's door for the rest of the app: plans and quotas, Stripe Checkout and Portal, webhook events.

Other domains call billing (`ensure_capacity`, `check_and_consume`, `release`,
`effective_plan`…); billing imports no domain. What a domain owns and billing
limits (seats, platform accounts, concurrent jobs, active rules) it counts and
fits through `backend.core.quotas`. The work is in `usage` (plans, limits and
the usage ledger), `checkout` (Checkout and Portal), `webhooks` (Stripe's
events) and `stripe_api` (the client).
"""

from __future__ import annotations

from backend.billing.checkout import create_checkout, create_portal
from backend.billing.overrides import limit_sql, list_events, list_overrides, remove_override, set_override
from backend.billing.stripe_api import stripe_client
from backend.billing.usage import (
    apply_plan_limits,
    check_and_consume,
    effective_plan,
    ensure_capacity,
    get_billing,
    release,
    usage_this_month,
)
from backend.billing.webhooks import (
    EventNotReady,
    InvalidSignature,
    process_event,
    receive_webhook,
    record_event_error,
    unhandled_backlog,
)

__all__ = [
    "EventNotReady",
    "InvalidSignature",
    "apply_plan_limits",
    "check_and_consume",
    "create_checkout",
    "create_portal",
    "effective_plan",
    "ensure_capacity",
    "get_billing",
    "limit_sql",
    "list_events",
    "list_overrides",
    "process_event",
    "receive_webhook",
    "record_event_error",
    "release",
    "remove_override",
    "set_override",
    "stripe_client",
    "unhandled_backlog",
    "usage_this_month",
]
