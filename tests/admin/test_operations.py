"""Operations in the console: jobs across workspaces (filters, failure reasons, retry), accounts needing
attention, Stripe events not handled, workers and the queue; each action leaves an audit row."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx

from backend.billing.tables import BillingEvent
from backend.core.clock import utcnow
from backend.core.scoped import scoped
from backend.jobs import heartbeat
from backend.jobs.tables import Job
from backend.platforms.tables import PlatformAccount
from tests.admin.helpers import call, superuser
from tests.audit.helpers import rows
from tests.helpers import register


async def _job(workspace_id: str, kind: str, status: str, error: str | None = None) -> str:
    job = Job(workspace=uuid.UUID(workspace_id), kind=kind, status=status, error=error, finished_at=utcnow())
    await job.save()
    return str(job.id)


async def test_jobs_across_workspaces_failures_grouped_and_a_retry(app: Any, client: httpx.AsyncClient) -> None:
    root = await superuser(client)
    first, second = await register(client), await register(client)
    failed = await _job(first.workspace_id, "media.analyze", "failed", "AI provider timed out after 30 s (item 4)")
    await _job(second.workspace_id, "media.analyze", "failed", "AI provider timed out after 30 s (item 9)"[:40])
    await _job(second.workspace_id, "media.analyze", "succeeded")
    await _job(second.workspace_id, "accounts.test_login", "failed", "The platform asked for a captcha")

    everything = await call(client, root, "GET", "/jobs")
    assert everything["total"] == 4
    only_failed = await call(client, root, "GET", "/jobs", params={"status": "failed", "kind": "media.analyze"})
    assert only_failed["total"] == 2
    theirs = await call(client, root, "GET", "/jobs", params={"workspace": second.workspace_id})
    assert {j["workspace_id"] for j in theirs["items"]} == {second.workspace_id}
    assert theirs["total"] == 3

    groups = await call(client, root, "GET", "/jobs/failures")
    assert {(g["kind"], g["count"]) for g in groups} >= {("accounts.test_login", 1)}
    analyze = [g for g in groups if g["kind"] == "media.analyze"]
    assert sum(g["count"] for g in analyze) == 2
    assert all(g["last_failed_at"] for g in groups)
    login_only = await call(client, root, "GET", "/jobs/failures", params={"kind": "accounts.test_login"})
    assert [(g["reason"], g["count"]) for g in login_only] == [("The platform asked for a captcha", 1)]

    retried = await call(client, root, "POST", f"/jobs/{failed}/retry")
    assert (retried["id"], retried["status"], retried["workspace_id"]) == (failed, "pending", first.workspace_id)
    row = await scoped(Job, uuid.UUID(first.workspace_id)).get(uuid.UUID(failed), missing="gone")
    assert row["status"] == "pending"
    await call(client, root, "POST", f"/jobs/{failed}/retry", expect=409)  # not failed any more
    await call(client, root, "POST", f"/jobs/{uuid.uuid4()}/retry", expect=404)

    [audit_row] = await rows("admin.job_retried")
    assert str(audit_row["workspace"]) == first.workspace_id
    assert (str(audit_row["actor_id"]), audit_row["target"]) == (root.user_id, f"job:{failed}")
    assert len(await rows("admin.jobs_listed")) == 3
    assert len(await rows("admin.job_failures_viewed")) == 2


async def test_attention_billing_events_and_system(app: Any, client: httpx.AsyncClient) -> None:
    root = await superuser(client)
    person = await register(client)
    created = await client.post(
        "/api/v1/accounts", headers=person.headers, json={"platform": "sandbox", "login": "x", "password": "pw-1234"}
    )
    account_id = uuid.UUID(created.json()["id"])
    await (
        scoped(PlatformAccount, uuid.UUID(person.workspace_id))
        .update({PlatformAccount.status: "needs_attention", PlatformAccount.status_reason: "Captcha on login"})
        .where(PlatformAccount.id == account_id)
    )
    await client.post(
        "/api/v1/accounts", headers=person.headers, json={"platform": "sandbox", "login": "y", "password": "pw-1234"}
    )

    attention = await call(client, root, "GET", "/accounts/attention")
    assert attention["total"] == 1
    [item] = attention["items"]
    assert (item["workspace_id"], item["account"]["id"]) == (person.workspace_id, str(account_id))
    assert item["account"]["status_reason"] == "Captcha on login"
    assert "pw-1234" not in str(attention)

    now = int(time.time())
    for event_id, handled in (("evt_waiting", None), ("evt_done", utcnow())):
        await BillingEvent.insert(
            BillingEvent(
                id=event_id,
                type="customer.subscription.updated",
                created=now,
                payload={"id": event_id, "data": {"object": {"customer": "cus_secretish"}}},
                handled_at=handled,
                error="no workspace known yet" if handled is None else None,
            )
        )
    waiting = await call(client, root, "GET", "/billing/webhook-events")
    assert [(e["id"], e["error"]) for e in waiting["items"]] == [("evt_waiting", "no workspace known yet")]
    assert "cus_secretish" not in str(waiting)  # never the payload
    every = await call(client, root, "GET", "/billing/webhook-events", params={"unhandled": "false"})
    assert every["total"] == 2

    await heartbeat.record_heartbeat(app.state.redis, "worker-a")
    await _job(person.workspace_id, "media.analyze", "pending")
    system = await call(client, root, "GET", "/system")
    assert [(w["worker_id"], w["alive"]) for w in system["workers"]] == [("worker-a", True)]
    assert system["pending_by_kind"] == [{"kind": "media.analyze", "pending": 1}]
    assert system["queue_depth"] >= 0

    log = await call(client, root, "GET", "/audit", params={"action": "admin."})
    assert {e["action"] for e in log["items"]} == {"admin.accounts_attention_viewed", "admin.billing_events_viewed"}
    assert all(e["actor_email"] == root.email for e in log["items"])
    assert len(await rows("admin.audit_viewed")) == 1


async def test_workspaces_are_listed_and_searched(client: httpx.AsyncClient) -> None:
    root = await superuser(client)
    person = await register(client, workspace_name="Acme Vintage")
    found = await call(client, root, "GET", "/workspaces", params={"search": "acme"})
    assert [(w["id"], w["name"], w["members"]) for w in found["items"]] == [(person.workspace_id, "Acme Vintage", 1)]
    assert found["items"][0]["created_by_email"] == person.email
    everything = await call(client, root, "GET", "/workspaces")
    assert everything["total"] == 2  # the superuser's own personal workspace too
    await call(client, root, "GET", f"/workspaces/{uuid.uuid4()}", expect=404)
    assert len(await rows("admin.workspaces_searched")) == 2
