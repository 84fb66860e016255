"""Shared set-up for the benchmarks: a fresh PostgreSQL database, a private Redis prefix, processes."""

from __future__ import annotations

import asyncio
import os
import platform
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def machine() -> str:
    cpus = os.cpu_count()
    with open("/proc/meminfo") as meminfo:
        mem_gib = int(meminfo.readline().split()[1]) / 1024 / 1024
    return f"{platform.machine()}, {cpus} cores, {mem_gib:.0f} GiB, Python {platform.python_version()}"


@contextmanager
def bench_environment(**extra: str) -> Iterator[dict[str, str]]:
    """Environment for a run: its own database and Redis prefix, removed afterwards."""
    import asyncpg

    run = uuid.uuid4().hex[:8]
    name = f"sellpilot_bench_{run}"

    async def admin(sql: str) -> None:
        connection = await asyncpg.connect(ADMIN_URL)
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    env = {
        **os.environ,
        "APP_ENV": "test",
        "DATABASE_URL": ADMIN_URL.rsplit("/", 1)[0] + "/" + name,
        "REDIS_KEY_PREFIX": f"sellpilot-bench-{run}",
        "SECRET_KEY": "bench-" + uuid.uuid4().hex,
        "LOG_LEVEL": "WARNING",
        "RATE_LIMITS_ENABLED": "false",
        "DATA_DIR": f"/tmp/sellpilot-bench-{run}",
        **extra,
    }
    os.environ.update(env)
    subprocess.run([sys.executable, "-m", "backend.cli", "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
    try:
        yield env
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]
