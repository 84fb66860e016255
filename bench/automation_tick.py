"""The scheduler tick with 1,000 rules due in the same minute across 50 accounts.

One tick = claim (one `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)
RETURNING` for every due rule) + send (one `automation.run` job per claimed
slot, with its idempotency key, then the rule's next slot). Timed from the
tick's start to the last run enqueued, as a share of the tick interval (60 s),
and its SQL statements counted by wrapping the database engine. Side by side,
in interleaved rounds: the same claim done one rule at a time (a SELECT of
the due rules, then one conditional UPDATE per rule), as a per-rule scheduler
would. The rules' kind is a no-op registered only here; no worker runs the
jobs (what is measured ends at "enqueued").

    uv run python bench/automation_tick.py [--rules 1000] [--accounts 50] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
import uuid
from datetime import timedelta
from typing import Any

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent.parent))

from bench._harness import bench_environment, machine

TICK_INTERVAL_SECONDS = 60.0
WORKSPACES = 10


class StatementCounter:
    """Counts the SQL statements the engine runs (every Piccolo query passes `run_querystring`)."""

    def __init__(self, engine: Any) -> None:
        self.count = 0
        engine_class = type(engine)
        original = engine_class.run_querystring
        counter = self

        async def counted(engine_self: Any, querystring: Any, in_pool: bool = True) -> Any:
            counter.count += 1
            return await original(engine_self, querystring, in_pool=in_pool)

        engine_class.run_querystring = counted

    def take(self) -> int:
        value, self.count = self.count, 0
        return value


async def _setup(rules: int, accounts: int) -> tuple[list[uuid.UUID], Any]:
    from backend.auth.tables import Workspace
    from backend.automation.kinds import KINDS
    from backend.automation.tables import AutomationRule

    async def noop(_: Any) -> dict[str, int]:
        return {}

    KINDS["bench.noop"] = noop
    workspaces = [uuid.uuid4() for _ in range(WORKSPACES)]
    await Workspace.insert(*(Workspace(id=w, name=f"bench {n}") for n, w in enumerate(workspaces)))
    account_ids = [uuid.uuid4() for _ in range(accounts)]
    rows = [
        AutomationRule(
            workspace=workspaces[n % accounts % WORKSPACES],
            account_id=account_ids[n % accounts],
            name=f"bench rule {n}",
            kind="bench.noop",
            interval_minutes=60,
        )
        for n in range(rules)
    ]
    for start in range(0, len(rows), 500):
        await AutomationRule.insert(*rows[start : start + 500])
    return workspaces, AutomationRule


async def _make_due(table: Any, minute: int) -> None:
    from backend.core.clock import utcnow

    # Each round its own minute: a new slot per rule, so no idempotency key repeats.
    slot = (utcnow() - timedelta(minutes=minute)).replace(second=0, microsecond=0)
    # The bench's own data, all workspaces.
    await table.update({table.next_run_at: slot, table.pending_slot: None}, force=True)


async def _per_rule_claim(table: Any) -> int:
    """The claim a per-rule scheduler makes: read the due rules, then claim each with its own UPDATE."""
    from backend.core.clock import utcnow

    now = utcnow()
    due = await table.select(table.id, table.next_run_at).where(
        (table.status == "active") & table.pending_slot.is_null() & (table.next_run_at <= now)
    )
    claimed = 0
    for row in due:
        done = (
            await table.update({table.pending_slot: row["next_run_at"], table.next_run_at: None})
            .where((table.id == row["id"]) & table.pending_slot.is_null())
            .returning(table.id)
        )
        claimed += len(done)
    return claimed


async def run(rules: int, accounts: int, rounds: int) -> dict[str, Any]:
    from backend import db
    from backend.automation.rules import runner
    from backend.core.redis import create_redis

    await db.start()
    redis = create_redis()
    _, table = await _setup(rules, accounts)
    counter = StatementCounter(db.DB)
    figures: dict[str, list[float]] = {"claim": [], "per_rule_claim": [], "send": [], "tick": []}
    statements: dict[str, list[int]] = {"claim": [], "per_rule_claim": [], "send": []}
    minute = 10 * rounds + 10
    for _ in range(rounds):
        # Interleaved: the per-rule claim, then the real tick, each on a fresh due minute.
        minute -= 1
        await _make_due(table, minute)
        counter.take()
        started = time.perf_counter()
        claimed = await _per_rule_claim(table)
        figures["per_rule_claim"].append(time.perf_counter() - started)
        statements["per_rule_claim"].append(counter.take())
        assert claimed == rules, claimed

        minute -= 1
        await _make_due(table, minute)
        counter.take()
        started = time.perf_counter()
        claimed_rows = await runner.claim_due()
        claimed_at = time.perf_counter()
        statements["claim"].append(counter.take())
        sent = await runner.send_pending(redis)
        finished = time.perf_counter()
        statements["send"].append(counter.take())
        assert len(claimed_rows) == rules, len(claimed_rows)
        assert sent == rules, sent
        figures["claim"].append(claimed_at - started)
        figures["send"].append(finished - claimed_at)
        figures["tick"].append(finished - started)
    async for key in redis.scan_iter(match=f"{redis_prefix()}:*", count=1000):
        await redis.delete(key)
    await redis.aclose()
    await db.stop()
    return {"figures": figures, "statements": statements}


def redis_prefix() -> str:
    from backend.settings import get_settings

    return get_settings().redis.key_prefix


def _mmm(values: list[float], scale: float = 1.0, unit: str = "s", digits: int = 3) -> str:
    low, mid, high = min(values), statistics.median(values), max(values)
    return f"{low * scale:.{digits}f} / {mid * scale:.{digits}f} / {high * scale:.{digits}f} {unit}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rules", type=int, default=1000)
    parser.add_argument("--accounts", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with bench_environment():
        result = asyncio.run(run(args.rules, args.accounts, args.rounds))
    f, s = result["figures"], result["statements"]
    print(f"machine: {machine()}")
    print(f"rules: {args.rules} due in one minute, accounts: {args.accounts}, workspaces: {WORKSPACES}")
    print(f"rounds: {args.rounds}")
    print("min / median / max over interleaved rounds")
    print(f"claim, one statement:         {_mmm(f['claim'], 1000, 'ms', 1)}   statements: {sorted(set(s['claim']))}")
    per_rule = _mmm(f["per_rule_claim"], 1000, "ms", 1)
    print(f"claim, one rule at a time:    {per_rule}   statements: {sorted(set(s['per_rule_claim']))}")
    ratio = [p / c for p, c in zip(f["per_rule_claim"], f["claim"], strict=True)]
    print(f"per-rule claim / one-statement claim: {_mmm(ratio, 1, 'x', 1)}")
    print(f"send ({args.rules} jobs enqueued): {_mmm(f['send'])}   statements: {sorted(set(s['send']))}")
    print(f"tick, claim to last run enqueued: {_mmm(f['tick'])}")
    share = [t / TICK_INTERVAL_SECONDS for t in f["tick"]]
    print(f"tick / tick interval (60 s): {_mmm(share, 100, '%', 1)}")


if __name__ == "__main__":
    main()
