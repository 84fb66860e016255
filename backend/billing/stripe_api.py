"""Talking to Stripe: whether it is configured, the client, what an outage answers, idempotency keys."""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import httpx

from backend.core.errors import Unavailable, UpstreamUnavailable
from backend.core.lazy import lazy_module
from backend.settings import get_settings

if TYPE_CHECKING:
    import stripe
else:
    stripe = lazy_module("stripe")  # imported on the first call to Stripe, not with the API

PAYMENTS_UNREACHABLE = "Payments are unreachable right now; try again in a minute"


def require_configured() -> None:
    if not get_settings().billing.configured:
        raise Unavailable(
            "Billing is not configured on this server (set STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET, "
            "STRIPE_PRICE_PRO and STRIPE_PRICE_BUSINESS); every workspace is on the free plan"
        )


def stripe_client() -> stripe.StripeClient:
    billing = get_settings().billing
    require_configured()
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
def stripe_reachable() -> Iterator[None]:
    """Stripe unreachable, timing out, rate limiting or failing on its side: a 503 to retry, not a 500."""
    try:
        yield
    except (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError) as exc:
        raise UpstreamUnavailable("Stripe", PAYMENTS_UNREACHABLE) from exc


def idempotency_key(kind: str, params: dict[str, Any]) -> str:
    """The same request always gets the same key, so a repeat never makes a second object."""
    digest = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:40]
    return f"sellpilot-{kind}-{digest}"
