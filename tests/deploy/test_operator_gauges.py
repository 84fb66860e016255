"""/metrics tells an operator what waits: queued jobs and their age, live workers, accounts
needing attention, Stripe events not handled (the dashboard's and alerts' inputs)."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

import httpx

from backend.billing.tables import BillingEvent
from backend.core.clock import utcnow
from backend.platforms.tables import PlatformAccount
from tests.helpers import register


def _value(metrics: str, sample: str) -> float:
    match = re.search(rf"^{re.escape(sample)} (\S+)$", metrics, re.MULTILINE)
    assert match, f"{sample} not in /metrics"
    return float(match.group(1))


async def test_metrics_show_what_waits_for_a_person_or_a_worker(app: Any, client: httpx.AsyncClient) -> None:
    account = await register(client)
    workspace = uuid.UUID(account.workspace_id)
    for login, status in (("a", "needs_attention"), ("b", "needs_attention"), ("c", "active")):
        await PlatformAccount.insert(
            PlatformAccount(workspace=workspace, platform="sandbox", login=login, status=status)
        )
    received = utcnow() - timedelta(minutes=20)
    await BillingEvent.insert(
        BillingEvent(id="evt_waiting", type="invoice.paid", created=0, payload={}, received_at=received),
        BillingEvent(id="evt_done", type="invoice.paid", created=0, payload={}, handled_at=utcnow()),
    )
    # A job due 30 s ago and not taken (no worker runs in this test).
    await app.state.redis.enqueue_job("run_job", str(uuid.uuid4()), _defer_by=timedelta(seconds=-30))

    metrics = (await client.get("/metrics")).text

    assert _value(metrics, 'sellpilot_accounts_needing_attention{platform="sandbox"}') == 2
    assert _value(metrics, "sellpilot_billing_events_unhandled") == 1
    assert 20 * 60 - 5 < _value(metrics, "sellpilot_billing_events_oldest_unhandled_age_seconds") < 20 * 60 + 60
    assert _value(metrics, "sellpilot_queue_depth") == 1
    assert 29 < _value(metrics, "sellpilot_queue_oldest_age_seconds") < 90
    assert _value(metrics, "sellpilot_workers_alive") == 0

    # Fixed: the account is active again and the event handled; the gauges go back to zero.
    await PlatformAccount.update({PlatformAccount.status: "active"}, force=True)
    await BillingEvent.update({BillingEvent.handled_at: utcnow()}, force=True)
    metrics = (await client.get("/metrics")).text
    assert _value(metrics, 'sellpilot_accounts_needing_attention{platform="sandbox"}') == 0
    assert _value(metrics, "sellpilot_billing_events_unhandled") == 0
    assert _value(metrics, "sellpilot_billing_events_oldest_unhandled_age_seconds") == 0
