"""Stripe down or failing: checkout and portal answer 503 with Retry-After, never a 500."""

from __future__ import annotations

import http.server
import json
import socket
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from backend.billing.tables import Subscription
from tests.helpers import register

UNREACHABLE = {"status_code": 503, "detail": "Payments are unreachable right now; try again in a minute"}


def _closed_port() -> int:
    """A local port nobody listens on: connecting to it is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.fixture
def failing_stripe() -> Iterator[tuple[str, list[str]]]:
    """A Stripe that answers every call with a 500 (its JSON error shape); yields its URL and the paths called."""
    calls: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            calls.append(self.path)
            body = json.dumps({"error": {"type": "api_error", "message": "Something went wrong on Stripe's end."}})
            self.send_response(500)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", calls
    server.shutdown()


def _assert_unreachable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.json() == UNREACHABLE
    assert 1 <= int(response.headers["Retry-After"]) <= 120


async def test_checkout_and_portal_answer_503_when_stripe_is_unreachable(
    client: httpx.AsyncClient, stripe_env: dict[str, str], override_env: Any
) -> None:
    override_env(**{**stripe_env, "STRIPE_API_BASE": f"http://127.0.0.1:{_closed_port()}"})
    account = await register(client)

    checkout = await client.post("/api/v1/billing/checkout", headers=account.headers, json={"plan": "pro"})
    _assert_unreachable(checkout)

    # A workspace that already has a Stripe customer opens the portal: same answer.
    await Subscription.insert(Subscription(workspace=uuid.UUID(account.workspace_id), stripe_customer_id="cus_known"))
    portal = await client.post("/api/v1/billing/portal", headers=account.headers)
    _assert_unreachable(portal)
    assert "sk_test_" not in checkout.text + portal.text


async def test_checkout_answers_503_when_stripe_fails_on_its_side_after_few_retries(
    client: httpx.AsyncClient,
    stripe_env: dict[str, str],
    override_env: Any,
    failing_stripe: tuple[str, list[str]],
) -> None:
    url, calls = failing_stripe
    override_env(**{**stripe_env, "STRIPE_API_BASE": url, "STRIPE_MAX_NETWORK_RETRIES": "1"})
    account = await register(client)

    checkout = await client.post("/api/v1/billing/checkout", headers=account.headers, json={"plan": "pro"})
    _assert_unreachable(checkout)
    # The first call (the customer) failed once and was retried once; nothing after it was tried.
    assert calls == ["/v1/customers", "/v1/customers"]
