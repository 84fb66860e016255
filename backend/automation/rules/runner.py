"""Running rules: the tick that claims due slots and sends their jobs, and the job that runs one slot.

The tick (arq cron, each minute, on every worker):

1. claims due rules in ONE statement — PostgreSQL: `UPDATE … WHERE id IN
   (SELECT … FOR UPDATE SKIP LOCKED) RETURNING`, SQLite: the same atomic
   `UPDATE … RETURNING` under its write lock — moving `next_run_at` into
   `pending_slot` (the outbox), so two ticks at once never claim a slot twice;
2. sends each pending slot as a job `automation.run` whose idempotency key is
   `rule:<id>:<slot>` (`jobs.enqueue`), then clears `pending_slot` and sets the
   next slot. A worker killed between 1 and 2 leaves `pending_slot` set: the
   next tick sends it (same key: never a second job). A missed slot runs once,
   then the schedule continues from now (`schedule.slot_after`).

The job loads the rule (gone or paused: skipped), opens the account through the
platforms facade and hands the kind a `RuleRun`. A challenge pauses the job (the
facade) and the rule, with the reason; once the account is active again the
tick resumes those rules, and the resumed job completes the run.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import msgspec
import structlog
from arq.connections import ArqRedis

from backend import db
from backend.automation.kinds import KINDS
from backend.automation.kinds.base import RuleRun, Summary
from backend.automation.rules import schedule as sched
from backend.automation.rules import service
from backend.automation.tables import AutomationRule
from backend.core.clock import utcnow
from backend.core.errors import NotFound
from backend.core.scoped import across_workspaces, scoped
from backend.jobs import service as jobs
from backend.jobs.service import JobFailed, JobPaused, JobRun
from backend.platforms import service as platforms
from backend.settings import get_settings

log = structlog.get_logger(__name__)

_RETURNED = "id, workspace, pending_slot"


def _claim_sql() -> str:
    lock = " FOR UPDATE SKIP LOCKED" if db.is_postgres() else ""
    return (
        "UPDATE automation_rules SET pending_slot = next_run_at, next_run_at = NULL "  # noqa: S608 - our own SQL
        "WHERE id IN (SELECT id FROM automation_rules WHERE status = 'active' AND pending_slot IS NULL "
        f"AND next_run_at IS NOT NULL AND next_run_at <= {{}} ORDER BY next_run_at LIMIT {{}}{lock}) "
        f"RETURNING {_RETURNED}"
    )


def _when(value: Any) -> datetime:
    when: datetime = datetime.fromisoformat(value) if isinstance(value, str) else value
    return when if when.tzinfo else when.replace(tzinfo=UTC)


async def claim_due(now: datetime | None = None, batch: int | None = None) -> list[dict[str, Any]]:
    """Claim the rules due by `now` (one statement); each claimed slot is now in its rule's `pending_slot`."""
    limit = batch or get_settings().automation.tick_batch
    # The scheduler claims due rules of every workspace at once: it belongs to none.
    rows = await across_workspaces(AutomationRule).raw(_claim_sql(), now or utcnow(), limit)
    return [{**row, "pending_slot": _when(row["pending_slot"])} for row in rows]


async def send_pending(redis: ArqRedis, now: datetime | None = None) -> int:
    """Send every claimed slot as its job (a slot left by a crashed tick too); returns how many jobs were created.

    Per workspace, one batch: the jobs are inserted in one statement (a key already
    used makes no second job) and dispatched together; then each group of rules with
    the same slot and next slot leaves the outbox in one statement.
    """
    now = now or utcnow()
    # The outbox of the scheduler, over all workspaces (see `claim_due`).
    rows = await across_workspaces(AutomationRule).select().where(AutomationRule.pending_slot.is_not_null())
    by_workspace: dict[uuid.UUID, list[dict[str, Any]]] = {}
    for row in rows:
        by_workspace.setdefault(row["workspace"], []).append(row)
    created = 0
    for workspace_id, pending in by_workspace.items():
        specs = []
        moves: dict[tuple[datetime, datetime], list[uuid.UUID]] = {}
        for row in pending:
            slot = _when(row["pending_slot"])
            specs.append((service.run_payload(row, slot), sched.slot_key(row["id"], slot), row["account_id"]))
            following = sched.slot_after(slot, now, service.schedule_of(row))
            moves.setdefault((slot, following), []).append(row["id"])
        try:
            created += await jobs.enqueue_batch(redis, workspace_id, service.RUN_KIND, specs)
        except Exception:
            log.exception("rule_slots_not_sent", workspace_id=str(workspace_id), slots=len(specs))
            continue  # they stay pending: the next tick sends them (same keys)
        rules = scoped(AutomationRule, workspace_id)
        for (slot, following), ids in moves.items():
            changes = {AutomationRule.pending_slot: None, AutomationRule.next_run_at: following}
            await rules.update(changes).where(AutomationRule.id.is_in(ids) & (AutomationRule.pending_slot == slot))
    return created


async def resume_attended_rules(now: datetime | None = None) -> int:
    """Rules paused because their account needed a person run again once the account is active."""
    # A sweep over every workspace's rules paused for their account.
    rows = (
        await across_workspaces(AutomationRule)
        .select()
        .where((AutomationRule.status == "paused") & AutomationRule.pause_reason.like(service.ATTENTION_PREFIX + "%"))
    )
    statuses: dict[uuid.UUID, str] = {}
    resumed = 0
    for row in rows:
        if row["account_id"] not in statuses:
            try:
                account = await platforms.get_account(row["workspace"], row["account_id"])
                statuses[row["account_id"]] = account.status
            except NotFound:
                statuses[row["account_id"]] = "gone"
        if statuses[row["account_id"]] != "active":
            continue
        await _set_active(row, now or utcnow())
        resumed += 1
    return resumed


async def _set_active(row: dict[str, Any], now: datetime) -> None:
    # The interrupted slot's job resumes with the account; the schedule goes on after it.
    changes = {
        AutomationRule.status: "active",
        AutomationRule.pause_reason: "",
        AutomationRule.next_run_at: sched.slot_after(now, now, service.schedule_of(row)),
        AutomationRule.updated_at: now,
    }
    condition = (AutomationRule.id == row["id"]) & (AutomationRule.status == "paused")
    await scoped(AutomationRule, row["workspace"]).update(changes).where(condition)


async def tick(redis: ArqRedis, now: datetime | None = None) -> dict[str, int]:
    """One scheduler tick: resume attended rules, claim due slots, send every pending slot."""
    now = now or utcnow()
    resumed = await resume_attended_rules(now)
    claimed = await claim_due(now)
    sent = await send_pending(redis, now)
    return {"resumed": resumed, "claimed": len(claimed), "sent": sent}


# --- one run -------------------------------------------------------------------------


def _spend_sql() -> str:
    return (
        "UPDATE automation_rules SET actions_today = CASE WHEN actions_day = {} THEN actions_today + 1 ELSE 1 END, "
        "actions_day = {} WHERE workspace = {workspace} AND id = {} "
        "AND (actions_day IS NULL OR actions_day <> {} OR actions_today < daily_cap) RETURNING id"
    )


async def spend_action(workspace_id: uuid.UUID, rule_id: uuid.UUID, today: date) -> bool:
    """One of the rule's daily actions, atomically (False at the cap): counted in the database, not in memory."""
    rows = await scoped(AutomationRule, workspace_id).raw(_spend_sql(), today, today, rule_id, today)
    return bool(rows)


async def _record(workspace_id: uuid.UUID, rule_id: uuid.UUID, run: JobRun, outcome: str, summary: Summary) -> None:
    changes = {
        AutomationRule.last_run_at: utcnow(),
        AutomationRule.last_outcome: outcome,
        AutomationRule.last_summary: summary,
        AutomationRule.last_job_id: run.id,
    }
    await scoped(AutomationRule, workspace_id).update(changes).where(AutomationRule.id == rule_id)


async def _skipped(run: JobRun, reason: str) -> dict[str, Any]:
    await run.record_item("rule", {"target": "rule", "action": "skipped", "reason": reason})
    return {"outcome": "skipped", "summary": {}, "reason": reason}


async def run_slot(run: JobRun) -> dict[str, Any]:
    """The job `automation.run`: one slot of one rule, one job item per target."""
    rule_id = uuid.UUID(run.payload["rule_id"])
    slot = _when(run.payload["slot"])
    manual = bool(run.payload.get("manual"))
    ws = run.workspace_id
    try:
        row = await service.rule_row(ws, rule_id)
    except NotFound:
        return await _skipped(run, "the rule was deleted")
    attended = row["status"] == "paused" and row["pause_reason"].startswith(service.ATTENTION_PREFIX)
    if row["status"] != "active" and not attended and not manual:
        await _record(ws, rule_id, run, "skipped", {})
        return await _skipped(run, f"the rule is {row['status']}")
    kind = KINDS.get(row["kind"])
    if kind is None:
        raise JobFailed(f"No runner for rule kind {row['kind']!r} in this version")
    done = await run.completed_keys()
    capped = False

    async def spend() -> bool:
        nonlocal capped
        ok = await spend_action(ws, rule_id, service.today_for(row["timezone"]))
        capped = capped or not ok
        return ok

    try:
        async with (
            platforms.account_job(run, "account"),
            platforms.run_as_account(run.redis, ws, row["account_id"]) as session,
        ):
            if attended:  # the account is usable again (the facade let us in): so is the rule
                await _set_active(row, utcnow())
            rule_run = RuleRun(
                run=run,
                workspace_id=ws,
                rule_id=rule_id,
                account_id=row["account_id"],
                kind=row["kind"],
                params=row["params"],
                slot=slot,
                session=session,
                done=done,
                spend=spend,
            )
            summary = await kind(rule_run)
    except JobPaused as exc:
        await service.pause_rule(ws, rule_id, f"{service.ATTENTION_PREFIX}: {exc}")
        await _record(ws, rule_id, run, "paused", {})
        raise
    except JobFailed:
        await _record(ws, rule_id, run, "failed", {})
        raise
    if summary.pop("completed", 0):
        changes = {AutomationRule.status: "completed", AutomationRule.next_run_at: None}
        await scoped(AutomationRule, ws).update(changes).where(AutomationRule.id == rule_id)
    partial = capped or summary.get("capped", 0) or summary.get("failed", 0)
    outcome = "partial" if partial else "succeeded"
    await _record(ws, rule_id, run, outcome, summary)
    return {"outcome": outcome, "summary": summary, "kind": row["kind"], "slot": slot.isoformat()}


def summary_of(result: Any) -> Summary:
    """A run's summary from its job's result (as stored)."""
    if isinstance(result, str):
        result = msgspec.json.decode(result)
    summary = result.get("summary") if isinstance(result, dict) else None
    return {str(k): int(v) for k, v in (summary or {}).items()}
