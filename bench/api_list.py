"""Sellpilot's API against a FastAPI + SQLAlchemy 2 async + PyJWT + redis-py baseline, on the drafts list.

Both serve `GET /api/v1/listings?limit=50` for a workspace of 1,000 drafts with
the same work per request (JWT checks, denylist lookup in Redis, membership
query, the page and the count) and the same JSON bytes (checked before any
timing). Each is one uvicorn process on the same PostgreSQL database and Redis.

- Saturation: `--connections` keep-alive clients in a closed loop for
  `--seconds`; requests per second.
- Half load: an open loop at half of Sellpilot's median saturation rate, the
  same rate for both; p50 and p99 latency from each request's scheduled start.

Rounds alternate which app goes first; min/median/max of `--rounds` rounds.
`--variant NAME=VALUE` (repeatable) adds one more Sellpilot process with that
environment variable, measured in the same interleaved rounds (an A/B of a setting;
the baseline then sits the half-load rounds out).
Run: `uv run --group bench python bench/api_list.py`
(ports from BENCH_PORT_SELLPILOT / BENCH_PORT_BASELINE, else free ones).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import uuid
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._harness import bench_environment, free_port, machine, port_from_env
from bench._http import cpu_seconds, fixed_rate, get, percentile, saturate, server

PATH = "/api/v1/listings?limit=50"
DRAFTS = 1000
APPS = {"sellpilot": "backend.app:app", "baseline": "bench.baseline_fastapi.app:app"}


async def seed(env: dict[str, str], port: int) -> dict[str, str]:
    """A registered user (through the API) whose workspace holds 1,000 drafts; another workspace has 200 more."""
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
        tokens = []
        for who in ("bench", "neighbour"):
            response = await client.post(
                "/api/v1/auth/register",
                json={"email": f"{who}-{uuid.uuid4().hex[:6]}@example.com", "password": "correct horse battery"},
            )
            response.raise_for_status()
            tokens.append(response.json())
    rng = random.Random(13)  # noqa: S311 - test data, not secrets
    now = datetime.now(UTC)
    rows = []
    for owner, count in ((tokens[0], DRAFTS), (tokens[1], 200)):
        for i in range(count):
            created = now - timedelta(minutes=i, microseconds=rng.randrange(1_000_000))
            rows.append(
                (
                    uuid.uuid4(),
                    uuid.UUID(owner["workspace_id"]),
                    rng.choice(["draft", "draft", "published"]),
                    f"Vintage denim jacket no. {i} — size {rng.choice('SML')}",
                    "Worn a few times, no stains. Ships in 2 days." * rng.randrange(1, 4),
                    Decimal(rng.randrange(100, 20000)) / 100,
                    "EUR",
                    rng.choice(["Jackets", "Dresses", "Shoes", "Other"]),
                    rng.choice([None, "Levi's", "Zara", "Nike"]),
                    rng.choice([None, "M", "38", "XL"]),
                    rng.choice(["new_with_tags", "very_good", "good", "satisfactory"]),
                    json.dumps(rng.sample(["blue", "black", "white", "red"], 2)),
                    json.dumps(["cotton"]),
                    json.dumps(["denim", "vintage", "jacket"]),
                    json.dumps([str(uuid.uuid4()) for _ in range(rng.randrange(1, 5))]),
                    rng.choice(["local", "openai"]),
                    created,
                    created + timedelta(seconds=rng.randrange(3600)),
                )
            )
    connection = await asyncpg.connect(env["DATABASE_URL"])
    try:
        await connection.executemany(
            "INSERT INTO listings (id, workspace, status, title, description, price, currency, category, brand, size,"
            " condition, colours, materials, keywords, media_ids, ai_provider, created_at, updated_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
            rows,
        )
        await connection.execute("ANALYZE")
    finally:
        await connection.close()
    return {"Authorization": f"Bearer {tokens[0]['access_token']}"}


def spread(values: list[float]) -> str:
    digits = 2 if max(values) < 10 else 1
    return f"{min(values):.{digits}f} / {statistics.median(values):.{digits}f} / {max(values):.{digits}f}"


async def measure(
    ports: dict[str, int], pids: dict[str, int], headers: dict[str, str], args: argparse.Namespace
) -> dict[str, list[float]]:
    bodies = {name: await get(port, PATH, headers) for name, port in ports.items()}
    for name, (status, body) in bodies.items():
        assert status == 200, (name, status, body[:300])
    ours, theirs = bodies["sellpilot"][1], bodies["baseline"][1]
    assert all(body == ours for name, (_, body) in bodies.items() if name != "baseline"), "a variant differs"
    if ours != theirs:
        at = next(
            (i for i, (x, y) in enumerate(zip(ours, theirs, strict=False)) if x != y), min(len(ours), len(theirs))
        )
        raise SystemExit(f"the bodies differ at byte {at}:\n{ours[at - 80 : at + 80]!r}\n{theirs[at - 80 : at + 80]!r}")
    print(f"same body from both: {len(ours)} bytes, {json.loads(ours)['total']} drafts in all")
    for port in ports.values():  # warm-up: pools filled, statement caches and CPU caches warm
        await saturate(port, PATH, headers, args.connections, 3)
    figures: dict[str, list[float]] = {
        f"{name} {what}": [] for name in ports for what in ("rps", "cpu", "p50", "p99", "errors")
    }
    for round_number in range(args.rounds):
        order = list(ports) if round_number % 2 == 0 else list(reversed(ports))
        for name in order:
            cpu_before = cpu_seconds(pids[name])
            result = await saturate(ports[name], PATH, headers, args.connections, args.seconds)
            figures[f"{name} rps"].append(result.per_second)
            figures[f"{name} cpu"].append((cpu_seconds(pids[name]) - cpu_before) * 1000 / max(result.requests, 1))
            figures[f"{name} errors"].append(result.errors)
            print(
                f"round {round_number + 1} saturation {name}: {result.per_second:.0f} req/s, "
                f"{figures[f'{name} cpu'][-1]:.2f} ms CPU per request in the server ({result.errors} errors)"
            )
    rate = statistics.median(figures["sellpilot rps"]) / 2
    # In an A/B of a setting the baseline sits the half load out: above its own saturation,
    # its backlog would still be draining during the next process's round.
    timed = [name for name in ports if not (args.variant and name == "baseline")]
    for round_number in range(args.rounds):
        order = timed if round_number % 2 == 0 else list(reversed(timed))
        for name in order:
            result = await fixed_rate(ports[name], PATH, headers, rate, args.seconds)
            p50, p99 = percentile(result.latencies, 50) * 1000, percentile(result.latencies, 99) * 1000
            figures[f"{name} p50"].append(p50)
            figures[f"{name} p99"].append(p99)
            figures[f"{name} errors"].append(result.errors)
            print(f"round {round_number + 1} at {rate:.0f} req/s {name}: p50 {p50:.1f} ms, p99 {p99:.1f} ms")
    figures["rate"] = [rate]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--variant", action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args()
    variants = {f"sellpilot[{v}]": dict([v.split("=", 1)]) for v in args.variant}
    extra = {"RATE_LIMITS_ENABLED": "false", "ACCESS_TOKEN_TTL_SECONDS": "7200", "DATABASE_POOL_MAX_SIZE": "10"}
    with bench_environment(**extra) as env:
        ports = {"sellpilot": port_from_env("BENCH_PORT_SELLPILOT"), "baseline": port_from_env("BENCH_PORT_BASELINE")}
        with ExitStack() as stack:
            pids = {
                "sellpilot": stack.enter_context(server(APPS["sellpilot"], ports["sellpilot"], env)).pid,
                "baseline": stack.enter_context(server(APPS["baseline"], ports["baseline"], env)).pid,
            }
            for name, variables in variants.items():
                ports[name] = free_port()
                pids[name] = stack.enter_context(server(APPS["sellpilot"], ports[name], {**env, **variables})).pid
            headers = asyncio.run(seed(env, ports["sellpilot"]))
            figures = asyncio.run(measure(ports, pids, headers, args))
    print()
    print(f"machine: {machine()}")
    print(f"GET {PATH}, {DRAFTS} drafts, one uvicorn process each, {args.rounds} rounds of {args.seconds:g} s")
    print("figure | sellpilot min / median / max | baseline min / median / max")
    rows = [(f"req/s at saturation ({args.connections} connections)", "rps")]
    rows += [("server CPU ms per request at saturation", "cpu")]
    rows += [(f"{what} ms at {figures['rate'][0]:.0f} req/s", what) for what in ("p50", "p99")]
    for label, key in rows:
        theirs = spread(figures[f"baseline {key}"]) if figures[f"baseline {key}"] else "not measured"
        print(f"{label} | {spread(figures[f'sellpilot {key}'])} | {theirs}")
        for name in variants:
            print(f"  {name} | {spread(figures[f'{name} {key}'])}")
    ratios = [ours / theirs for ours, theirs in zip(figures["sellpilot rps"], figures["baseline rps"], strict=True)]
    listed = ", ".join(f"{r:.2f}" for r in ratios)
    print(f"req/s sellpilot / baseline per round: {listed} (median {statistics.median(ratios):.2f}x)")
    cpu = [theirs / ours for ours, theirs in zip(figures["sellpilot cpu"], figures["baseline cpu"], strict=True)]
    listed = ", ".join(f"{r:.2f}" for r in cpu)
    print(f"CPU per request baseline / sellpilot per round: {listed} (median {statistics.median(cpu):.2f}x)")
    print(f"errors: sellpilot {sum(figures['sellpilot errors']):.0f}, baseline {sum(figures['baseline errors']):.0f}")


if __name__ == "__main__":
    main()
