"""CPU per Redis command: Sellpilot's client (`core.redis.create_redis`) vs redis-py's own, same options.

Every Redis command of the API and the workers goes through `create_redis`. Its
connections skip redis-py's two per-command costs that carry no information (the
pool's zero-timeout read before each command, and a task per send when
`socket_timeout` is set). Both clients here have the same options (connect
timeout 5 s, socket timeout 10 s, health check every 30 s) and the same pool.

Each round times `--commands` sequential commands per client, interleaved: a
PING (the floor), a SET with expiry and a 3-command pipeline (SET, GET, DEL), as
this process's CPU time (user + system) per command or pipeline. uvloop, as the
API and the workers run.

    uv run python bench/redis_client.py [--commands 5000] [--rounds 5]

Redis: REDIS_URL (keys under a fresh prefix, deleted after).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import uvloop
from redis.asyncio import Redis

from backend.core.redis import create_redis
from bench._harness import machine

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
OPTIONS: dict[str, Any] = {"socket_connect_timeout": 5, "socket_timeout": 10, "health_check_interval": 30}


def operations(redis: Redis, prefix: str) -> dict[str, Callable[[int], Awaitable[Any]]]:
    async def ping(_: int) -> None:
        await redis.ping()

    async def set_with_expiry(i: int) -> None:
        await redis.set(f"{prefix}:{i % 100}", "value", ex=60)

    async def pipeline(i: int) -> None:
        async with redis.pipeline(transaction=False) as pipe:
            key = f"{prefix}:p{i % 100}"
            pipe.set(key, "value", ex=60)
            pipe.get(key)
            pipe.delete(key)
            await pipe.execute()

    return {"PING": ping, "SET EX": set_with_expiry, "pipeline of 3": pipeline}


async def cpu_us_per_call(call: Callable[[int], Awaitable[Any]], count: int) -> float:
    for i in range(200):  # connections open, code warm
        await call(i)
    started = time.process_time()
    for i in range(count):
        await call(i)
    return (time.process_time() - started) * 1e6 / count


async def run(commands: int, rounds: int) -> dict[str, dict[str, list[float]]]:
    prefix = f"bench-redis-client-{uuid.uuid4().hex[:8]}"
    clients = {"sellpilot": create_redis(REDIS_URL), "redis-py": Redis.from_url(REDIS_URL, **OPTIONS)}
    ops = {name: operations(client, prefix) for name, client in clients.items()}
    results: dict[str, dict[str, list[float]]] = {op: {name: [] for name in clients} for op in ops["sellpilot"]}
    try:
        for _ in range(rounds):
            for op in results:
                for name in clients:
                    results[op][name].append(await cpu_us_per_call(ops[name][op], commands))
    finally:
        cleaner = clients["redis-py"]
        async for key in cleaner.scan_iter(match=f"{prefix}:*", count=1000):
            await cleaner.delete(key)
        for client in clients.values():
            await client.aclose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--commands", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    results = uvloop.run(run(args.commands, args.rounds))
    print(f"machine: {machine()}")
    print(f"{args.commands} sequential calls per client per round, {args.rounds} interleaved rounds, uvloop")
    print("CPU µs per call, min / median / max       Sellpilot           redis-py       Sellpilot / redis-py")
    for op, by_client in results.items():
        ours, theirs = by_client["sellpilot"], by_client["redis-py"]
        ratios = [a / b for a, b in zip(ours, theirs, strict=True)]
        spread = " / ".join(f"{v:.0f}" for v in (min(ours), statistics.median(ours), max(ours)))
        base = " / ".join(f"{v:.0f}" for v in (min(theirs), statistics.median(theirs), max(theirs)))
        ratio = " / ".join(f"{v:.2f}" for v in (min(ratios), statistics.median(ratios), max(ratios)))
        print(f"  {op:16} {spread:>24} {base:>18}   {ratio}")


if __name__ == "__main__":
    main()
