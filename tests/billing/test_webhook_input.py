"""The Stripe webhook refuses what a correct signature alone does not make acceptable: a body that is not
JSON, and a signature dated further in the future than the tolerance allows."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest
import stripe

from backend.billing.tables import BillingEvent
from tests.billing.conftest import WEBHOOK_SECRET, checkout_completed, signed_event

WEBHOOK = "/api/v1/billing/webhook"


@pytest.fixture
def stripe_on(stripe_env: dict[str, str], override_env: Any) -> dict[str, str]:
    """Stripe configured in this process only: these events are refused or only acknowledged."""
    override_env(**stripe_env)
    return stripe_env


def _signed(payload: bytes, signed_at: int | None = None) -> dict[str, str]:
    header = stripe.WebhookSignature.generate_signature_header(
        payload.decode(), WEBHOOK_SECRET, timestamp=signed_at or int(time.time())
    )
    return {"Stripe-Signature": header, "Content-Type": "application/json"}


@pytest.mark.parametrize(
    "payload",
    [b"not json at all", b'{"id": "evt_1", "type": "x"', b"", b"\xef\xbb\xbf{}"],
    ids=["words", "truncated", "empty", "bom"],
)
async def test_a_signed_body_that_is_not_json_is_a_400(
    client: httpx.AsyncClient, stripe_on: dict[str, str], payload: bytes
) -> None:
    response = await client.post(WEBHOOK, content=payload, headers=_signed(payload))
    assert response.status_code == 400, response.text
    assert response.json()["status_code"] == 400
    assert "JSON" in response.json()["detail"] or "Stripe event" in response.json()["detail"]
    assert await BillingEvent.count() == 0


async def test_a_signed_json_body_that_is_not_an_event_is_a_400(
    client: httpx.AsyncClient, stripe_on: dict[str, str]
) -> None:
    for payload in (b"[]", b'{"id": "evt_1"}', b"null"):
        response = await client.post(WEBHOOK, content=payload, headers=_signed(payload))
        assert response.status_code == 400, (payload, response.text)
    assert await BillingEvent.count() == 0


async def test_a_signature_dated_in_the_future_beyond_the_tolerance_is_refused(
    client: httpx.AsyncClient, stripe_on: dict[str, str]
) -> None:
    workspace = "00000000-0000-4000-8000-000000000001"
    obj = checkout_completed(workspace, "pro", "cus_F1", "sub_F1")
    for ahead in (600, 3600, 86400 * 365):
        payload, headers = signed_event("checkout.session.completed", obj, signed_at=int(time.time()) + ahead)
        response = await client.post(WEBHOOK, content=payload, headers=headers)
        assert response.status_code == 400, (ahead, response.text)
        assert "Stripe signature" in response.json()["detail"]
    assert await BillingEvent.count() == 0


async def test_a_signature_a_little_ahead_of_our_clock_is_accepted(
    client: httpx.AsyncClient, stripe_on: dict[str, str]
) -> None:
    # Clocks drift: a few seconds (within the tolerance) ahead is still Stripe's event.
    obj = checkout_completed("00000000-0000-4000-8000-000000000002", "pro", "cus_F2", "sub_F2")
    payload, headers = signed_event("checkout.session.completed", obj, signed_at=int(time.time()) + 30)
    response = await client.post(WEBHOOK, content=payload, headers=headers)
    assert response.status_code == 200, response.text
    assert await BillingEvent.count() == 1
