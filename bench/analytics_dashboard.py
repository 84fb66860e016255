"""The analytics dashboard over 1,000,000 events and 10,000 listings in one workspace (PostgreSQL).

1. A fresh database; a user registers through the API (its workspace gets two accounts), and
   `sellpilot analytics seed` fills the workspace (listings, events by COPY, sales, rollups built).
2. The endpoint: `GET /api/v1/analytics/dashboard` (the last 30 days, then 60) from one keep-alive
   client, one request at a time after a warm-up: p50 / p95 / max.
3. Rollups against raw events: the dashboard's two reads (per hour over both periods from the
   per-account rollups, per listing over the period from the per-listing ones), and the same sums
   computed from the events, interleaved rounds; the ratio of their medians.

    uv run python bench/analytics_dashboard.py [--events 1000000] [--listings 10000] [--requests 40]
"""

# ruff: noqa: S608  (the SQL is our own, built from constants; the one value is bound)
from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._harness import api_server, bench_environment, machine, percentile

ROOT = Path(__file__).resolve().parent.parent
SUMS = (
    "SUM(CASE WHEN kind = 'view' THEN value ELSE 0 END), SUM(CASE WHEN kind = 'like' THEN value ELSE 0 END), "
    "SUM(CASE WHEN kind = 'message' THEN value ELSE 0 END), SUM(CASE WHEN kind = 'follow' THEN value ELSE 0 END), "
    "SUM(CASE WHEN kind = 'sale' THEN 1 ELSE 0 END), SUM(CASE WHEN kind = 'sale' THEN value ELSE 0 END)"
)
ROLLUP_SUMS = "SUM(views), SUM(likes), SUM(messages), SUM(follows), SUM(sales), SUM(revenue)"


def _setup(url: str) -> tuple[str, str]:
    import httpx

    with httpx.Client(base_url=url, timeout=30) as http:
        body = {"email": "bench@example.com", "password": "correct horse battery", "full_name": "Bench"}
        registered = http.post("/api/v1/auth/register", json=body).json()
        headers = {"Authorization": f"Bearer {registered['access_token']}"}
        for platform in ("sandbox", "vinted"):
            account = {"platform": platform, "login": f"bench-{platform}", "label": platform.title(), "password": "pw"}
            http.post("/api/v1/accounts", json=account, headers=headers).raise_for_status()
    return registered["workspace_id"], registered["access_token"]


def _endpoint(url: str, token: str, requests: int, days: int) -> list[float]:
    import httpx

    timings = []
    with httpx.Client(base_url=url, timeout=60, headers={"Authorization": f"Bearer {token}"}) as http:
        params = {"from": str(date.today() - timedelta(days=days - 1)), "tz": "Europe/Paris"}
        for n in range(requests + 5):
            started = time.perf_counter()
            response = http.get("/api/v1/analytics/dashboard", params=params)
            elapsed = time.perf_counter() - started
            response.raise_for_status()
            if n >= 5:  # warm-up
                timings.append(elapsed)
    return timings


async def _reads(dsn: str, workspace: str, rounds: int) -> dict[str, list[float]]:
    import asyncpg

    connection = await asyncpg.connect(dsn)
    end = await connection.fetchval("SELECT date_trunc('hour', now()) + interval '1 hour'")
    start, before = end - timedelta(days=30), end - timedelta(days=60)
    ws = f"'{workspace}'::uuid"
    where = f"workspace = {ws} AND {{col}} >= $1 AND {{col}} < $2"
    queries = {
        "rollups": [
            (
                f"SELECT hour, {ROLLUP_SUMS} FROM analytics_account_rollups WHERE {where.format(col='hour')} "
                "GROUP BY hour",
                before,
            ),
            (
                f"SELECT account_id, platform_item_id, {ROLLUP_SUMS} FROM analytics_rollups "
                f"WHERE {where.format(col='hour')} GROUP BY account_id, platform_item_id",
                start,
            ),
        ],
        "events": [
            (
                f"SELECT date_trunc('hour', occurred_at), {SUMS} FROM analytics_events "
                f"WHERE {where.format(col='occurred_at')} GROUP BY 1",
                before,
            ),
            (
                f"SELECT account_id, platform_item_id, {SUMS} FROM analytics_events "
                f"WHERE {where.format(col='occurred_at')} GROUP BY account_id, platform_item_id",
                start,
            ),
        ],
    }
    timings: dict[str, list[float]] = {"rollups": [], "events": []}
    for _ in range(rounds + 1):
        for name, steps in queries.items():
            started = time.perf_counter()
            for sql, since in steps:
                await connection.fetch(sql, since, end)
            timings[name].append(time.perf_counter() - started)
    await connection.close()
    return {name: values[1:] for name, values in timings.items()}  # the first round warms the cache


def _mmm(values: list[float]) -> str:
    return f"{min(values) * 1000:.0f} / {statistics.median(values) * 1000:.0f} / {max(values) * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--listings", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    # A run outlasts the default 15-minute access token.
    with bench_environment(ACCESS_TOKEN_TTL_SECONDS="7200") as env, api_server(env) as (_, url):  # noqa: S106
        workspace, token = _setup(url)
        started = time.monotonic()
        seed = [sys.executable, "-m", "backend.cli", "analytics", "seed", "--workspace", workspace]
        seed += ["--events", str(args.events), "--listings", str(args.listings)]
        seeded = subprocess.run(seed, env=env, cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()
        seed_seconds = time.monotonic() - started
        endpoint = {days: _endpoint(url, token, args.requests, days) for days in (30, 60)}
        reads = asyncio.run(_reads(env["DATABASE_URL"], workspace, args.rounds))
    print(f"machine: {machine()}")
    print(f"seed: {seeded} (the command took {seed_seconds:.0f} s with start-up)")
    for days, timings in endpoint.items():
        p50, p95 = percentile(timings, 50) * 1000, percentile(timings, 95) * 1000
        print(
            f"GET /analytics/dashboard, {days} days, {len(timings)} requests one at a time: "
            f"p50 {p50:.0f} ms, p95 {p95:.0f} ms, max {max(timings) * 1000:.0f} ms"
        )
    rollups, events = reads["rollups"], reads["events"]
    print(f"the dashboard's two reads, min / median / max over {args.rounds} interleaved rounds:")
    print(f"  from the rollups:    {_mmm(rollups)}")
    print(f"  from the raw events: {_mmm(events)}")
    print(f"  raw events / rollups (medians): {statistics.median(events) / statistics.median(rollups):.1f}x")


if __name__ == "__main__":
    main()
