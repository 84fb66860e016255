"""A rule's run end to end in real Chromium on the sandbox: the rule's daily cap, and a challenge.

The runs are executed in this process by the jobs engine's own `run_job` (what
a worker calls), with a test kind that acts on numbered targets, so the
runner's part is what is checked: the cap counted in the database (partial,
the rest the next day), a challenge pausing the job and the rule with the
reason and the account needing attention, and the resumed account completing
the run and bringing the rule back.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from backend.automation.kinds import KINDS
from backend.automation.kinds.base import RuleRun, Summary
from backend.automation.rules import runner
from backend.automation.tables import AutomationRule
from backend.core.clock import utcnow
from backend.core.scoped import scoped
from backend.jobs import service as jobs
from backend.platforms.runtime.browser import close_pool
from tests.automation.rules_helpers import RULES, make_account, make_due, run_due, run_job
from tests.helpers import Account, register
from tests.platforms.conftest import Sandbox

TOUCHED: set[str] = set()


async def touch_targets(rr: RuleRun) -> Summary:
    """A kind over `targets` numbered targets, each acted on once ever (like a message ledger)."""
    summary = {"touched": 0}
    for n in range(int(rr.params["targets"])):
        key = f"{rr.rule_id}:t{n}"
        if key in TOUCHED:
            continue
        if not await rr.spend():
            return {
                **summary,
                "left": int(rr.params["targets"]) - len([k for k in TOUCHED if k.startswith(str(rr.rule_id))]),
            }
        TOUCHED.add(key)
        await rr.run.record_item(f"t{n}", {"target": f"t{n}", "action": "touched"})
        summary["touched"] += 1
    return summary


@pytest.fixture(autouse=True)
async def test_kind(sandbox: Sandbox, override_env: Any) -> AsyncIterator[None]:
    override_env(SANDBOX_URL=sandbox.url)
    KINDS["test.touch"] = touch_targets
    yield
    KINDS.pop("test.touch", None)
    await close_pool(wait_seconds=5)


async def _rule(client: httpx.AsyncClient, owner: Account, targets: int, daily_cap: int) -> tuple[str, str]:
    account = await make_account(client, owner)
    rule_id = uuid.uuid4()
    await AutomationRule.insert(
        AutomationRule(
            id=rule_id,
            workspace=uuid.UUID(owner.workspace_id),
            account_id=uuid.UUID(account),
            name="Touch targets",
            kind="test.touch",
            params={"targets": targets},
            daily_cap=daily_cap,
            next_run_at=utcnow() - timedelta(seconds=5),
        )
    )
    return str(rule_id), account


async def test_the_daily_cap_ends_the_run_partial_and_the_rest_runs_the_next_day(
    client: httpx.AsyncClient, app: Any
) -> None:
    owner = await register(client)
    rule_id, _ = await _rule(client, owner, targets=5, daily_cap=3)

    first = await run_due(app, owner)
    assert first.status == "succeeded", first.error
    assert first.result["outcome"] == "partial"
    assert first.done == 3
    rule = (await client.get(f"{RULES}/{rule_id}", headers=owner.headers)).json()
    assert rule["actions_today"] == 3
    assert rule["last_outcome"] == "partial"
    assert rule["last_summary"]["touched"] == 3

    # Another slot the same day: the cap is spent, nothing is done, nothing is lost.
    await make_due(owner, rule_id)
    same_day = await run_due(app, owner)
    assert same_day.result["outcome"] == "partial"
    assert same_day.done == 0

    # The next day (in the rule's time zone) the rest runs.
    yesterday = utcnow().date() - timedelta(days=1)
    rules = scoped(AutomationRule, uuid.UUID(owner.workspace_id))
    await rules.update({AutomationRule.actions_day: yesterday}).where(AutomationRule.id == uuid.UUID(rule_id))
    await make_due(owner, rule_id)
    next_day = await run_due(app, owner)
    assert next_day.result["outcome"] == "succeeded"
    assert next_day.done == 2
    items = await jobs.list_items(uuid.UUID(owner.workspace_id), next_day.id, None, 50, 0)
    assert sorted(i.key for i in items.items) == ["t3", "t4"]

    runs = (await client.get("/api/v1/automation/runs", headers=owner.headers, params={"rule_id": rule_id})).json()
    assert [r["outcome"] for r in runs["items"]] == ["succeeded", "partial", "partial"]
    assert runs["items"][0]["summary"] == {"touched": 2}


async def test_a_challenge_pauses_the_rule_and_the_resumed_account_completes_the_run(
    client: httpx.AsyncClient,
    app: Any,
    sandbox: Sandbox,
) -> None:
    owner = await register(client)
    rule_id, account = await _rule(client, owner, targets=2, daily_cap=10)
    await sandbox.set_challenge("alice")

    paused = await run_due(app, owner)

    assert paused.status == "paused"
    assert "captcha" in (paused.error or "")
    rule = (await client.get(f"{RULES}/{rule_id}", headers=owner.headers)).json()
    assert rule["status"] == "paused"
    assert rule["pause_reason"].startswith("Paused: the account needs attention")
    assert "captcha" in rule["pause_reason"]
    assert rule["last_outcome"] == "paused"
    shown = (await client.get(f"/api/v1/accounts/{account}", headers=owner.headers)).json()
    assert shown["status"] == "needs_attention"
    # A paused rule is not claimed while its account waits for a person.
    assert (await runner.tick(app.state.redis))["sent"] == 0

    await sandbox.set_challenge("alice", enabled=False)  # the person solved it
    resume = await client.post(f"/api/v1/accounts/{account}/resume", headers=owner.headers)
    assert resume.status_code == 202, resume.text
    resumed = await run_job(app, owner, uuid.UUID(resume.json()["id"]))
    assert resumed.status == "succeeded", resumed.error
    # The next tick sees the account active again: the rule is active, its next slot after the interval.
    assert (await runner.tick(app.state.redis)) == {"resumed": 1, "claimed": 0, "sent": 0}
    rule = (await client.get(f"{RULES}/{rule_id}", headers=owner.headers)).json()
    assert rule["status"] == "active"

    done = await run_job(app, owner, paused.id)
    assert done.status == "succeeded", done.error
    assert done.done == 2
    rule = (await client.get(f"{RULES}/{rule_id}", headers=owner.headers)).json()
    assert rule["status"] == "active"
    assert rule["pause_reason"] == ""
    assert rule["last_outcome"] == "succeeded"
