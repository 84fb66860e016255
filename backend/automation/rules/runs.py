"""A rule's runs: the jobs of kind `automation.run`, named by their idempotency key `rule:<id>:<slot>`.

The job row is the run's record (status, summary in its result, one item per
target); this module reads them back as the run history the API shows.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from backend.automation.rules.schemas import RunOut
from backend.automation.tables import AutomationRule
from backend.core.schemas import Page
from backend.core.scoped import scoped
from backend.jobs import service as jobs
from backend.jobs.schemas import JobOut

RUN_KIND = "automation.run"
NOT_FOUND = "Rule not found"

_OUTCOMES: dict[str, tuple[list[str], dict[str, str] | None]] = {
    "succeeded": (["succeeded"], {"outcome": "succeeded"}),
    "partial": (["succeeded"], {"outcome": "partial"}),
    "skipped": (["succeeded"], {"outcome": "skipped"}),
    "failed": (["failed", "cancelled"], None),
    "paused": (["paused"], None),
    "running": (["running", "retrying"], None),
    "pending": (["pending"], None),
}


def outcome_of(job: JobOut) -> str:
    if job.status == "succeeded":
        result = job.result if isinstance(job.result, dict) else {}
        return str(result.get("outcome") or "succeeded")
    return {"cancelled": "failed", "retrying": "running"}.get(job.status, job.status)


async def list_runs(
    workspace_id: uuid.UUID,
    *,
    rule_id: uuid.UUID | None,
    account_id: uuid.UUID | None,
    kind: str | None,
    outcome: str | None,
    limit: int,
    offset: int,
) -> Page[RunOut]:
    if rule_id is not None:
        await scoped(AutomationRule, workspace_id).get(rule_id, AutomationRule.id, missing=NOT_FOUND)
    statuses, result = _OUTCOMES[outcome] if outcome else (None, None)
    page = await jobs.list_jobs_matching(
        workspace_id,
        RUN_KIND,
        key_prefix=f"rule:{rule_id}:" if rule_id else None,
        account_id=account_id,
        statuses=statuses,
        payload_equals={"rule_kind": kind} if kind else None,
        result_equals=result,
        limit=limit,
        offset=offset,
    )
    rule_ids = {parsed[0] for job in page.items if (parsed := _parse_key(job.idempotency_key))}
    names: dict[uuid.UUID, tuple[str, str]] = {}
    if rule_ids:
        rows = (
            await scoped(AutomationRule, workspace_id)
            .select(AutomationRule.id, AutomationRule.name, AutomationRule.kind)
            .where(AutomationRule.id.is_in(list(rule_ids)))
        )
        names = {row["id"]: (row["name"], row["kind"]) for row in rows}
    return Page(
        items=[_run_out(job, names) for job in page.items], total=page.total, limit=page.limit, offset=page.offset
    )


def _parse_key(key: str | None) -> tuple[uuid.UUID, datetime] | None:
    if not key or not key.startswith("rule:"):
        return None
    try:
        _, rule, slot = key.split(":", 2)
        return uuid.UUID(rule), datetime.fromisoformat(slot)
    except ValueError:
        return None


def _run_out(job: JobOut, names: dict[uuid.UUID, tuple[str, str]]) -> RunOut:
    parsed = _parse_key(job.idempotency_key)
    rule_id, slot = parsed if parsed else (None, None)
    name, kind = names.get(rule_id, ("", "")) if rule_id else ("", "")
    result = job.result if isinstance(job.result, dict) else {}
    summary = result.get("summary") if isinstance(result.get("summary"), dict) else {}
    return RunOut(
        job_id=job.id,
        rule_id=rule_id,
        rule_name=name,
        kind=kind or str(result.get("kind", "")),
        account_id=job.account_id,
        slot=slot,
        status=job.status,
        outcome=outcome_of(job),  # type: ignore[arg-type]
        summary={k: int(v) for k, v in (summary or {}).items() if isinstance(v, int | float)},
        error=job.error,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
    )
