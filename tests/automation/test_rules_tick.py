"""The scheduler tick: every due slot becomes exactly one job, whatever crashes or races.

Two ticks at once (two workers), a worker killed between claiming and sending,
a slot missed while workers were down: each due slot runs exactly once (one
job per idempotency key), and the schedule then continues from now.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import httpx

from backend.automation.rules import runner
from backend.automation.rules.schedule import slot_key
from backend.automation.tables import AutomationRule
from backend.core.clock import utcnow
from backend.core.scoped import scoped
from backend.jobs.tables import Job
from tests.automation.rules_helpers import RULES, create_rule, make_account, run_job
from tests.helpers import Account, grant_plan, register


async def _owner_with_rules(client: httpx.AsyncClient, count: int, **extra: Any) -> tuple[Account, list[str]]:
    owner = await register(client)
    await grant_plan(owner.workspace_id, "business")
    account = await make_account(client, owner)
    ids = [(await create_rule(client, owner, account, **extra))["id"] for _ in range(count)]
    return owner, ids


async def _due(owner: Account, ago: timedelta) -> Any:
    slot = (utcnow() - ago).replace(microsecond=0)
    rules = scoped(AutomationRule, uuid.UUID(owner.workspace_id))
    await rules.update({AutomationRule.next_run_at: slot})
    return slot


async def _jobs_by_key(owner: Account) -> dict[str, int]:
    rows = (
        await scoped(Job, uuid.UUID(owner.workspace_id)).select(Job.idempotency_key).where(Job.kind == "automation.run")
    )
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["idempotency_key"]] = counts.get(row["idempotency_key"], 0) + 1
    return counts


async def test_two_ticks_at_once_claim_and_send_each_slot_once(client: httpx.AsyncClient, app: Any) -> None:
    owner, ids = await _owner_with_rules(client, 12)
    slot = await _due(owner, timedelta(seconds=30))

    first, second = await asyncio.gather(runner.claim_due(), runner.claim_due())
    claimed_first = {row["id"] for row in first}
    claimed_second = {row["id"] for row in second}
    assert not claimed_first & claimed_second
    assert {str(i) for i in claimed_first | claimed_second} == set(ids)

    await asyncio.gather(runner.send_pending(app.state.redis), runner.send_pending(app.state.redis))
    await asyncio.gather(runner.tick(app.state.redis), runner.tick(app.state.redis))
    assert await _jobs_by_key(owner) == {slot_key(rule_id, slot): 1 for rule_id in ids}

    rules = (await client.get(RULES, headers=owner.headers)).json()["items"]
    for rule in rules:
        assert rule["next_run_at"] > utcnow().isoformat()


async def test_a_worker_killed_between_claim_and_send_loses_nothing(client: httpx.AsyncClient, app: Any) -> None:
    owner, (rule_id,) = await _owner_with_rules(client, 1)
    slot = await _due(owner, timedelta(seconds=5))

    claimed = await runner.claim_due()  # ... and the worker dies before sending
    assert [str(row["id"]) for row in claimed] == [rule_id]
    assert await _jobs_by_key(owner) == {}

    result = await runner.tick(app.state.redis)  # the next tick, on any worker
    assert result == {"resumed": 0, "claimed": 0, "sent": 1}
    assert await _jobs_by_key(owner) == {slot_key(rule_id, slot): 1}

    # Killed after sending but before clearing the outbox: sent again, still one job.
    await scoped(AutomationRule, uuid.UUID(owner.workspace_id)).update({AutomationRule.pending_slot: slot})
    await runner.tick(app.state.redis)
    await runner.tick(app.state.redis)
    assert await _jobs_by_key(owner) == {slot_key(rule_id, slot): 1}


async def test_a_missed_slot_runs_once_then_the_schedule_continues(client: httpx.AsyncClient, app: Any) -> None:
    owner, (rule_id,) = await _owner_with_rules(client, 1, interval_minutes=60)
    slot = await _due(owner, timedelta(hours=5, minutes=20))

    await runner.tick(app.state.redis)
    await runner.tick(app.state.redis)

    assert await _jobs_by_key(owner) == {slot_key(rule_id, slot): 1}
    rule = (await client.get(f"{RULES}/{rule_id}", headers=owner.headers)).json()
    assert rule["next_run_at"].replace("Z", "+00:00") == (slot + timedelta(hours=6)).isoformat()


async def test_paused_rules_and_rules_not_yet_due_are_not_claimed(client: httpx.AsyncClient, app: Any) -> None:
    owner, (due, paused, later) = await _owner_with_rules(client, 3)
    await _due(owner, timedelta(minutes=1))
    rules = scoped(AutomationRule, uuid.UUID(owner.workspace_id))
    await rules.update({AutomationRule.next_run_at: utcnow() + timedelta(minutes=10)}).where(
        AutomationRule.id == uuid.UUID(later)
    )
    await client.post(f"{RULES}/{paused}/pause", headers=owner.headers)

    result = await runner.tick(app.state.redis)

    assert result["sent"] == 1
    assert [key.split(":")[1] for key in await _jobs_by_key(owner)] == [due]


async def test_run_now_is_a_slot_of_its_own_and_runs_are_listed(client: httpx.AsyncClient, app: Any) -> None:
    owner, (rule_id,) = await _owner_with_rules(client, 1)
    slot = await _due(owner, timedelta(seconds=10))
    await runner.tick(app.state.redis)
    now = await client.post(f"{RULES}/{rule_id}/run", headers=owner.headers)
    assert now.status_code == 202, now.text
    assert now.json()["kind"] == "automation.run"
    keys = await _jobs_by_key(owner)
    assert len(keys) == 2
    assert slot_key(rule_id, slot) in keys

    runs = await client.get("/api/v1/automation/runs", headers=owner.headers, params={"rule_id": rule_id})
    assert runs.status_code == 200, runs.text
    items = runs.json()["items"]
    assert len(items) == 2
    assert {run["rule_id"] for run in items} == {rule_id}
    assert {run["outcome"] for run in items} == {"pending"}
    assert {run["kind"] for run in items} == {"bump"}
    assert items[0]["rule_name"] == "My bump rule"
    by_kind = await client.get("/api/v1/automation/runs", headers=owner.headers, params={"kind": "relist"})
    assert by_kind.json()["total"] == 0
    by_outcome = await client.get("/api/v1/automation/runs", headers=owner.headers, params={"outcome": "pending"})
    assert by_outcome.json()["total"] == 2
    assert (await client.get("/api/v1/automation/runs", headers=owner.headers, params={"outcome": "partial"})).json()[
        "total"
    ] == 0


async def test_a_slot_of_a_rule_paused_meanwhile_is_skipped(client: httpx.AsyncClient, app: Any) -> None:
    owner, (rule_id,) = await _owner_with_rules(client, 1)
    await _due(owner, timedelta(seconds=5))
    await runner.claim_due()
    await client.post(f"{RULES}/{rule_id}/pause", headers=owner.headers)  # paused between claim and run
    await runner.send_pending(app.state.redis)
    (key,) = await _jobs_by_key(owner)
    job_id = (await scoped(Job, uuid.UUID(owner.workspace_id)).select(Job.id).where(Job.idempotency_key == key))[0]

    job = await run_job(app, owner, job_id["id"])

    assert job.status == "succeeded"
    assert job.result["outcome"] == "skipped"
    runs = await client.get("/api/v1/automation/runs", headers=owner.headers, params={"outcome": "skipped"})
    assert [r["job_id"] for r in runs.json()["items"]] == [str(job.id)]
    assert (await client.get(f"{RULES}/{rule_id}", headers=owner.headers)).json()["last_outcome"] == "skipped"
