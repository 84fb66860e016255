"""Plans, Stripe Checkout and Portal against a fake Stripe, signed webhooks, quotas."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import httpx
import pytest

from backend.billing import service as billing
from backend.billing.tables import BillingEvent
from backend.core.errors import PaymentRequired
from backend.core.quotas import Resource
from tests.billing.conftest import (
    PRICE_BUSINESS,
    PRICE_PRO,
    FakeStripe,
    checkout_completed,
    signed_event,
    subscription_obj,
)
from tests.helpers import Account, grant_plan, names_field, register


async def _plan_of(client: httpx.AsyncClient, account: Account) -> dict[str, Any]:
    response = await client.get("/api/v1/billing", headers=account.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _wait_for_plan(
    client: httpx.AsyncClient, account: Account, plan: str, status: str = "active"
) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while True:
        body = await _plan_of(client, account)
        if body["plan"] == plan and body["status"] == status:
            return body
        assert time.monotonic() < deadline, f"still {body['plan']}/{body['status']}, expected {plan}/{status}"
        await asyncio.sleep(0.1)


async def _post_event(client: httpx.AsyncClient, payload: bytes, headers: dict[str, str]) -> httpx.Response:
    return await client.post("/api/v1/billing/webhook", content=payload, headers=headers)


async def test_a_signed_checkout_event_upgrades_once(client: httpx.AsyncClient, billing_on: Any) -> None:
    account = await register(client)
    assert (await _plan_of(client, account))["plan"] == "free"
    payload, headers = signed_event(
        "checkout.session.completed", checkout_completed(account.workspace_id, "pro", "cus_A1", "sub_A1")
    )
    first = await _post_event(client, payload, headers)
    assert first.status_code == 200, first.text
    assert first.json() == {"received": True, "duplicate": False}
    upgraded = await _wait_for_plan(client, account, "pro")
    limits = {item["resource"]: item["limit"] for item in upgraded["limits"]}
    assert limits["ai_generations"] == 500

    again = await _post_event(client, payload, headers)
    assert again.status_code == 200
    assert again.json()["duplicate"] is True
    await asyncio.sleep(0.5)
    rows = await BillingEvent.select(BillingEvent.attempts, BillingEvent.handled_at)
    assert len(rows) == 1
    assert rows[0]["attempts"] == 1
    assert rows[0]["handled_at"] is not None


async def test_bad_signatures_are_400_and_change_nothing(client: httpx.AsyncClient, billing_on: Any) -> None:
    account = await register(client)
    obj = checkout_completed(account.workspace_id, "business", "cus_B1", "sub_B1")
    payload, headers = signed_event("checkout.session.completed", obj)
    tampered = payload.replace(b'"business"', b'"pro"     ')
    wrong_secret = signed_event("checkout.session.completed", obj, secret="whsec_someone_else")
    stale = signed_event("checkout.session.completed", obj, signed_at=int(time.time()) - 3600)
    for body, hdrs in [
        (tampered, headers),
        wrong_secret,
        stale,
        (payload, {"Content-Type": "application/json"}),
        (payload, {"Stripe-Signature": "t=1,v1=deadbeef"}),
    ]:
        response = await _post_event(client, body, hdrs)
        assert response.status_code == 400, response.text
        assert "Stripe signature" in response.json()["detail"]
    await asyncio.sleep(0.5)
    assert await BillingEvent.count() == 0
    assert (await _plan_of(client, account))["plan"] == "free"


async def test_subscription_update_before_checkout_completed_ends_right(
    client: httpx.AsyncClient, billing_on: Any
) -> None:
    account = await register(client)
    now = int(time.time())
    # The customer changed to Business in the portal; Stripe delivers that
    # update first (no workspace metadata, a customer we have not linked yet)...
    update_payload, update_headers = signed_event(
        "customer.subscription.updated",
        subscription_obj("sub_C1", "cus_C1", PRICE_BUSINESS),
        created=now,
    )
    assert (await _post_event(client, update_payload, update_headers)).status_code == 200
    await asyncio.sleep(0.5)
    assert (await _plan_of(client, account))["plan"] == "free"  # waiting for what it refers to
    # ...and the older checkout (for Pro) after it.
    checkout_payload, checkout_headers = signed_event(
        "checkout.session.completed",
        checkout_completed(account.workspace_id, "pro", "cus_C1", "sub_C1"),
        created=now - 60,
    )
    assert (await _post_event(client, checkout_payload, checkout_headers)).status_code == 200
    final = await _wait_for_plan(client, account, "business")
    assert final["current_period_end"] is not None
    # An even older update arriving now changes nothing.
    old_payload, old_headers = signed_event(
        "customer.subscription.updated",
        subscription_obj("sub_C1", "cus_C1", PRICE_PRO, workspace_id=account.workspace_id),
        created=now - 30,
    )
    assert (await _post_event(client, old_payload, old_headers)).status_code == 200
    await asyncio.sleep(1.0)
    assert (await _plan_of(client, account))["plan"] == "business"


async def test_cancelled_subscription_drops_to_free_and_pauses_extra_members(
    client: httpx.AsyncClient, billing_on: Any
) -> None:
    owner = await register(client)
    created = signed_event(
        "customer.subscription.created",
        subscription_obj("sub_D1", "cus_D1", PRICE_BUSINESS, workspace_id=owner.workspace_id),
        created=int(time.time()) - 10,
    )
    assert (await _post_event(client, *created)).status_code == 200
    await _wait_for_plan(client, owner, "business")
    members = [await register(client) for _ in range(4)]
    for member in members:
        added = await client.post(
            f"/api/v1/workspaces/{owner.workspace_id}/members", headers=owner.headers, json={"email": member.email}
        )
        assert added.status_code == 201, added.text
    in_team = await client.post(f"/api/v1/workspaces/{owner.workspace_id}/switch", headers=members[-1].headers)
    last_member_token = {"Authorization": f"Bearer {in_team.json()['access_token']}"}
    assert (await client.get("/api/v1/auth/me", headers=last_member_token)).status_code == 200

    deleted = signed_event(
        "customer.subscription.deleted",
        subscription_obj("sub_D1", "cus_D1", PRICE_BUSINESS, status="canceled", workspace_id=owner.workspace_id),
    )
    assert (await _post_event(client, *deleted)).status_code == 200
    free = await _wait_for_plan(client, owner, "free", status="canceled")
    seats = next(item for item in free["limits"] if item["resource"] == "seats")
    assert seats["limit"] == 2
    assert seats["used"] == 5

    listed = (await client.get(f"/api/v1/workspaces/{owner.workspace_id}/members", headers=owner.headers)).json()
    assert listed["total"] == 5  # nobody deleted
    paused = {m["email"]: m["paused"] for m in listed["items"]}
    assert paused[owner.email] is False
    assert paused[members[0].email] is False  # the longest-standing member keeps the second seat
    assert all(paused[m.email] for m in members[1:])
    assert (await client.get("/api/v1/auth/me", headers=last_member_token)).status_code == 401
    refused = await client.post(f"/api/v1/workspaces/{owner.workspace_id}/switch", headers=members[-1].headers)
    assert refused.status_code == 403
    invite = await client.post(
        f"/api/v1/workspaces/{owner.workspace_id}/members", headers=owner.headers, json={"email": "x@example.com"}
    )
    assert invite.status_code == 402
    assert "seats" in invite.json()["detail"]


async def test_checkout_and_portal_call_stripe_with_the_right_details(
    client: httpx.AsyncClient, billing_on: Any, fake_stripe: FakeStripe
) -> None:
    account = await register(client)
    checkout = await client.post("/api/v1/billing/checkout", headers=account.headers, json={"plan": "pro"})
    assert checkout.status_code == 200, checkout.text
    assert checkout.json()["url"].startswith("https://checkout.stripe.com/c/pay/cs_test_fake")

    [customer_call] = fake_stripe.calls("/v1/customers")
    assert customer_call.form["email"] == account.email
    assert customer_call.form["metadata[workspace_id]"] == account.workspace_id
    assert customer_call.headers["authorization"] == f"Bearer {billing_on['STRIPE_SECRET_KEY']}"
    [session_call] = fake_stripe.calls("/v1/checkout/sessions")
    form = session_call.form
    assert form["mode"] == "subscription"
    assert form["line_items[0][price]"] == PRICE_PRO
    assert form["line_items[0][quantity]"] == "1"
    assert form["customer"].startswith("cus_fake")
    assert form["client_reference_id"] == account.workspace_id
    assert form["metadata[workspace_id]"] == account.workspace_id
    assert form["metadata[plan]"] == "pro"
    assert form["subscription_data[metadata][workspace_id]"] == account.workspace_id
    assert form["success_url"].startswith("https://app.sellpilot.test/billing")
    assert session_call.headers["idempotency-key"].startswith("sellpilot-checkout-")

    # The same click again: same idempotency key, so Stripe returns the same session.
    repeat = await client.post("/api/v1/billing/checkout", headers=account.headers, json={"plan": "pro"})
    assert repeat.json()["url"] == checkout.json()["url"]
    assert len(fake_stripe.calls("/v1/customers")) == 1  # the customer is reused
    keys = {c.headers["idempotency-key"] for c in fake_stripe.calls("/v1/checkout/sessions")}
    assert len(keys) == 1

    portal = await client.post("/api/v1/billing/portal", headers=account.headers)
    assert portal.status_code == 200, portal.text
    assert portal.json()["url"].startswith("https://billing.stripe.com/p/session/")
    [portal_call] = fake_stripe.calls("/v1/billing_portal/sessions")
    assert portal_call.form["customer"] == form["customer"]
    assert portal_call.form["return_url"] == "https://app.sellpilot.test/billing"

    bad_plan = await client.post("/api/v1/billing/checkout", headers=account.headers, json={"plan": "platinum"})
    assert bad_plan.status_code == 400
    assert names_field(bad_plan.json(), "plan")


async def test_members_cannot_open_checkout_portal_or_billing(client: httpx.AsyncClient, billing_on: Any) -> None:
    owner = await register(client)
    member = await register(client)
    await client.post(
        f"/api/v1/workspaces/{owner.workspace_id}/members", headers=owner.headers, json={"email": member.email}
    )
    switched = await client.post(f"/api/v1/workspaces/{owner.workspace_id}/switch", headers=member.headers)
    as_member = {"Authorization": f"Bearer {switched.json()['access_token']}"}
    for method, path, body in [
        ("POST", "/api/v1/billing/checkout", {"plan": "pro"}),
        ("POST", "/api/v1/billing/portal", None),
        ("GET", "/api/v1/billing", None),
    ]:
        response = await client.request(method, path, headers=as_member, json=body)
        assert response.status_code == 403, (path, response.text)


async def test_twenty_concurrent_consumptions_against_ten_left_exactly_ten_succeed(client: httpx.AsyncClient) -> None:
    account = await register(client)
    workspace = uuid.UUID(account.workspace_id)
    await billing.check_and_consume(workspace, Resource.ai_generations, 10)  # free plan: 20 a month

    async def consume() -> bool:
        try:
            await billing.check_and_consume(workspace, Resource.ai_generations)
        except PaymentRequired:
            return False
        return True

    results = await asyncio.gather(*(consume() for _ in range(20)))
    assert sum(results) == 10
    assert await billing.usage_this_month(workspace, Resource.ai_generations) == 20
    with pytest.raises(PaymentRequired) as refused:
        await billing.check_and_consume(workspace, Resource.ai_generations)
    assert "AI generations this month: 20 of 20" in refused.value.detail
    assert "upgrade to Pro" in refused.value.detail
    shown = await _plan_of(client, account)
    ai = next(item for item in shown["limits"] if item["resource"] == "ai_generations")
    assert (ai["used"], ai["limit"], ai["monthly"]) == (20, 20, True)


async def test_without_stripe_keys_everything_is_free_and_billing_says_so(client: httpx.AsyncClient) -> None:
    account = await register(client)
    shown = await _plan_of(client, account)
    assert shown["configured"] is False
    assert shown["plan"] == "free"
    for path, body in [("/api/v1/billing/checkout", {"plan": "pro"}), ("/api/v1/billing/portal", None)]:
        response = await client.post(path, headers=account.headers, json=body)
        assert response.status_code == 503
        assert "Billing is not configured" in response.json()["detail"]
    hook = await client.post("/api/v1/billing/webhook", content=b"{}", headers={"Stripe-Signature": "t=1,v1=x"})
    assert hook.status_code == 503


async def test_a_paid_plan_raises_the_seat_limit(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    invite = [
        await client.post(
            f"/api/v1/workspaces/{owner.workspace_id}/members",
            headers=owner.headers,
            json={"email": f"p{i}@example.com"},
        )
        for i in range(2)
    ]
    assert [r.status_code for r in invite] == [201, 402]
    await grant_plan(owner.workspace_id, "pro")
    more = await client.post(
        f"/api/v1/workspaces/{owner.workspace_id}/members", headers=owner.headers, json={"email": "p1@example.com"}
    )
    assert more.status_code == 201


async def test_failed_then_paid_invoices_move_the_status(client: httpx.AsyncClient, billing_on: Any) -> None:
    from tests.billing.conftest import stripe_object

    account = await register(client)
    start = int(time.time()) - 100
    created = signed_event(
        "customer.subscription.created",
        subscription_obj("sub_E1", "cus_E1", PRICE_PRO, workspace_id=account.workspace_id),
        created=start,
    )
    assert (await _post_event(client, *created)).status_code == 200
    await _wait_for_plan(client, account, "pro")

    invoice = stripe_object("invoice")
    invoice.update(customer="cus_E1", status="open")
    invoice["parent"] = {"type": "subscription_details", "subscription_details": {"subscription": "sub_E1"}}
    failed = signed_event("invoice.payment_failed", invoice, created=start + 10)
    assert (await _post_event(client, *failed)).status_code == 200
    past_due = await _wait_for_plan(client, account, "pro", status="past_due")
    assert past_due["plan"] == "pro"  # Stripe is still retrying the card: the plan holds

    invoice["status"] = "paid"
    paid = signed_event("invoice.paid", invoice, created=start + 20)
    assert (await _post_event(client, *paid)).status_code == 200
    await _wait_for_plan(client, account, "pro", status="active")


async def test_billing_shows_every_plan_with_its_price_and_limits(client: httpx.AsyncClient) -> None:
    account = await register(client)
    shown = await _plan_of(client, account)
    plans = {p["name"]: p for p in shown["plans"]}
    assert list(plans) == ["free", "pro", "business"]
    assert [plans[n]["monthly_price"] for n in plans] == [0, 29, 99]
    assert {p["currency"] for p in plans.values()} == {"EUR"}
    pro_limits = {limit["resource"]: limit["limit"] for limit in plans["pro"]["limits"]}
    assert pro_limits == {
        "platform_accounts": 10,
        "ai_generations": 500,
        "active_rules": 25,
        "concurrent_jobs": 10,
        "seats": 5,
    }
    assert all(limit["label"] for p in plans.values() for limit in p["limits"])
