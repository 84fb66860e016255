"""Billing tests: Stripe configured against a local fake Stripe API, events signed with Stripe's own scheme."""

from __future__ import annotations

import copy
import http.server
import json
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
import stripe

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "stripe_objects.json"
WEBHOOK_SECRET = "whsec_test_" + "s" * 24
PRICE_PRO = "price_pro_test"
PRICE_BUSINESS = "price_business_test"


@dataclass
class RecordedRequest:
    method: str
    path: str
    form: dict[str, str]
    headers: dict[str, str]


@dataclass
class FakeStripe:
    url: str
    requests: list[RecordedRequest] = field(default_factory=list)

    def calls(self, path: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path == path]


@pytest.fixture
def fake_stripe() -> Iterator[FakeStripe]:
    """A local HTTP server speaking the few Stripe endpoints Sellpilot calls."""
    recorded: list[RecordedRequest] = []
    counter = iter(range(1, 10_000))
    idempotent: dict[str, bytes] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            form = dict(parse_qsl(self.rfile.read(length).decode()))
            recorded.append(RecordedRequest("POST", self.path, form, {k.lower(): v for k, v in self.headers.items()}))
            key = self.headers.get("Idempotency-Key")
            if key and key in idempotent:
                body = idempotent[key]  # Stripe answers a repeated key with the first response
            else:
                n = next(counter)
                if self.path == "/v1/customers":
                    obj = {"id": f"cus_fake{n}", "object": "customer", "email": form.get("email")}
                elif self.path == "/v1/checkout/sessions":
                    obj = {
                        "id": f"cs_test_fake{n}",
                        "object": "checkout.session",
                        "mode": "subscription",
                        "url": f"https://checkout.stripe.com/c/pay/cs_test_fake{n}",
                    }
                elif self.path == "/v1/billing_portal/sessions":
                    obj = {
                        "id": f"bps_fake{n}",
                        "object": "billing_portal.session",
                        "url": f"https://billing.stripe.com/p/session/fake{n}",
                    }
                else:
                    self.send_response(404)
                    self.end_headers()
                    return
                body = json.dumps(obj).encode()
                if key:
                    idempotent[key] = body
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield FakeStripe(url=f"http://127.0.0.1:{server.server_address[1]}", requests=recorded)
    server.shutdown()


@pytest.fixture
def stripe_env(fake_stripe: FakeStripe) -> dict[str, str]:
    return {
        "STRIPE_SECRET_KEY": "sk_test_" + "k" * 24,
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_PRICE_PRO": PRICE_PRO,
        "STRIPE_PRICE_BUSINESS": PRICE_BUSINESS,
        "STRIPE_API_BASE": fake_stripe.url,
        "PUBLIC_URL": "https://app.sellpilot.test",
    }


@pytest.fixture
def billing_on(stripe_env: dict[str, str], override_env: Any, start_worker: Any) -> dict[str, str]:
    """Stripe configured in this process and in a worker that applies webhook events."""
    override_env(**stripe_env)
    start_worker(**stripe_env)
    return stripe_env


def stripe_object(kind: str) -> dict[str, Any]:
    objects = json.loads(FIXTURES.read_text())
    return copy.deepcopy(objects[kind])


def signed_event(
    event_type: str,
    obj: dict[str, Any],
    created: int | None = None,
    event_id: str | None = None,
    secret: str = WEBHOOK_SECRET,
    signed_at: int | None = None,
) -> tuple[bytes, dict[str, str]]:
    """A Stripe event as Stripe sends it: JSON body and a Stripe-Signature header."""
    event = {
        "id": event_id or f"evt_{uuid.uuid4().hex[:24]}",
        "object": "event",
        "api_version": "2026-08-27.basil",
        "type": event_type,
        "created": created or int(time.time()),
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "data": {"object": obj},
    }
    payload = json.dumps(event).encode()
    header = stripe.WebhookSignature.generate_signature_header(
        payload.decode(), secret, timestamp=signed_at or int(time.time())
    )
    return payload, {"Stripe-Signature": header, "Content-Type": "application/json"}


def checkout_completed(workspace_id: str, plan: str, customer: str, subscription: str) -> dict[str, Any]:
    session = stripe_object("checkout.session")
    session.update(
        mode="subscription",
        status="complete",
        payment_status="paid",
        customer=customer,
        subscription=subscription,
        client_reference_id=workspace_id,
        metadata={"workspace_id": workspace_id, "plan": plan},
    )
    return session


def subscription_obj(
    subscription: str, customer: str, price: str, status: str = "active", workspace_id: str | None = None
) -> dict[str, Any]:
    sub = stripe_object("subscription")
    now = int(time.time())
    sub.update(
        id=subscription,
        customer=customer,
        status=status,
        cancel_at_period_end=False,
        metadata={"workspace_id": workspace_id} if workspace_id else {},
    )
    item = sub["items"]["data"][0]
    item["price"]["id"] = price
    item["current_period_start"] = now
    item["current_period_end"] = now + 30 * 86400
    item["subscription"] = subscription
    return sub
