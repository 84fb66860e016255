"""Which workspace a Stripe event is about, without billing reading auth's workspaces: the workspace named in
our metadata is taken when billing's own row for it can be made (its foreign key says the workspace exists),
else the customer or subscription we linked; else the event waits."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
import pytest

from backend.billing import service as billing
from backend.billing.tables import BillingEvent, Subscription
from tests.billing.conftest import checkout_completed
from tests.helpers import register

UNKNOWN_WORKSPACE = "00000000-0000-4000-8000-00000000dead"


async def _stored(event_type: str, obj: dict[str, Any]) -> str:
    """An event as the webhook stores it (verified, not yet applied)."""
    event_id = f"evt_{uuid.uuid4().hex[:24]}"
    payload = {"id": event_id, "type": event_type, "data": {"object": obj}}
    await BillingEvent.insert(BillingEvent(id=event_id, type=event_type, created=int(time.time()), payload=payload))
    return event_id


async def test_an_event_for_an_unknown_workspace_and_customer_waits(client: httpx.AsyncClient) -> None:
    event_id = await _stored(
        "checkout.session.completed", checkout_completed(UNKNOWN_WORKSPACE, "pro", "cus_W1", "sub_W1")
    )
    with pytest.raises(billing.EventNotReady, match="cus_W1"):
        await billing.process_event(event_id)
    assert await Subscription.count() == 0  # the foreign key refused a row for a workspace that does not exist
    [row] = await BillingEvent.select(BillingEvent.handled_at, BillingEvent.attempts)
    assert row["handled_at"] is None
    assert row["attempts"] == 1
    # The database is still fine to use after the refused insert (PostgreSQL ends a failed transaction).
    account = await register(client)
    assert (await billing.effective_plan(uuid.UUID(account.workspace_id))).name == "free"


async def test_an_unknown_workspace_in_the_metadata_falls_back_to_the_linked_customer(
    client: httpx.AsyncClient,
) -> None:
    account = await register(client)
    workspace_id = uuid.UUID(account.workspace_id)
    await Subscription.insert(Subscription(workspace=workspace_id, stripe_customer_id="cus_W2"))
    event_id = await _stored(
        "checkout.session.completed", checkout_completed(UNKNOWN_WORKSPACE, "pro", "cus_W2", "sub_W2")
    )
    await billing.process_event(event_id)
    assert (await billing.effective_plan(workspace_id)).name == "pro"
    assert await Subscription.count() == 1
    [row] = await BillingEvent.select(BillingEvent.handled_at)
    assert row["handled_at"] is not None


async def test_a_known_workspace_in_the_metadata_is_taken_even_before_any_link(client: httpx.AsyncClient) -> None:
    account = await register(client)
    workspace_id = uuid.UUID(account.workspace_id)
    event_id = await _stored(
        "checkout.session.completed", checkout_completed(account.workspace_id, "business", "cus_W3", "sub_W3")
    )
    await billing.process_event(event_id)
    assert (await billing.effective_plan(workspace_id)).name == "business"
    [row] = await Subscription.select(Subscription.stripe_customer_id, Subscription.stripe_subscription_id)
    assert (row["stripe_customer_id"], row["stripe_subscription_id"]) == ("cus_W3", "sub_W3")
