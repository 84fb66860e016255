"""Shared set-up for the benchmarks: a fresh PostgreSQL database, a private Redis prefix, processes.

Nothing here sleeps for a fixed time: processes are waited for until they are
ready (the API answers /health, a worker has sent its first heartbeat). Ports
come from the environment when given (`BENCH_API_PORT`, …) or are free ones;
the Redis key prefix comes from `BENCH_REDIS_KEY_PREFIX` or is made per run,
and every key under it is removed when the run ends, as is the database.
"""

from __future__ import annotations

import asyncio
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
# Generous: on a loaded machine an API process can take a while to import and start.
READY_TIMEOUT_SECONDS = 180.0


def machine() -> str:
    cpus = os.cpu_count()
    with open("/proc/meminfo") as meminfo:
        mem_gib = int(meminfo.readline().split()[1]) / 1024 / 1024
    return f"{platform.machine()}, {cpus} cores, {mem_gib:.0f} GiB, Python {platform.python_version()}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_from_env(name: str) -> int:
    """The port named by environment variable `name`, or a free one."""
    value = os.environ.get(name)
    return int(value) if value else free_port()


async def _drop_keys(prefix: str) -> int:
    from redis.asyncio import Redis

    redis = Redis.from_url(REDIS_URL)
    removed = 0
    try:
        async for key in redis.scan_iter(match=f"{prefix}:*", count=1000):
            removed += await redis.delete(key)
    finally:
        await redis.aclose()
    return removed


@contextmanager
def bench_environment(**extra: str) -> Iterator[dict[str, str]]:
    """Environment for a run: its own database, Redis prefix and data folder, all removed afterwards."""
    import asyncpg

    run = uuid.uuid4().hex[:8]
    name = f"sellpilot_bench_{run}"
    prefix = os.environ.get("BENCH_REDIS_KEY_PREFIX") or f"sellpilot-bench-{run}"
    data_dir = tempfile.mkdtemp(prefix=f"sellpilot-bench-{run}-")

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
        "REDIS_URL": REDIS_URL,
        "REDIS_KEY_PREFIX": prefix,
        "SECRET_KEY": "bench-" + uuid.uuid4().hex,
        "LOG_LEVEL": "WARNING",
        "RATE_LIMITS_ENABLED": "false",
        "DATA_DIR": data_dir,
        **extra,
    }
    os.environ.update(env)
    try:
        subprocess.run([sys.executable, "-m", "backend.cli", "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
        yield env
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        asyncio.run(_drop_keys(prefix))
        shutil.rmtree(data_dir, ignore_errors=True)


def stop(process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    """SIGTERM, then SIGKILL if it has not ended within `timeout` seconds."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def wait_until(condition: Callable[[], bool], what: str, timeout: float = READY_TIMEOUT_SECONDS) -> None:
    """Poll `condition` until it holds; fail naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.05)


async def wait_until_async(
    condition: Callable[[], Awaitable[bool]], what: str, limit_seconds: float = READY_TIMEOUT_SECONDS
) -> None:
    deadline = time.monotonic() + limit_seconds
    while not await condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


@contextmanager
def api_server(env: dict[str, str], port: int | None = None) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """One API process (uvicorn, as `sellpilot api` runs it), yielded once it answers /health."""
    import httpx

    port = port or port_from_env("BENCH_API_PORT")
    process = subprocess.Popen(
        [sys.executable, "-m", "backend.cli", "api", "--port", str(port)],
        env={**env, "PORT": str(port)},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=None if os.environ.get("BENCH_VERBOSE") else subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"the API process ended with {process.returncode}")
        try:
            return httpx.get(f"{url}/health", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        wait_until(healthy, "the API to answer /health")
        yield process, url
    finally:
        stop(process)


async def wait_for_workers(redis: Any, count: int = 1, limit_seconds: float = READY_TIMEOUT_SECONDS) -> None:
    """Until `count` worker processes have sent a heartbeat (they are consuming the queue)."""
    from backend.jobs import service

    async def alive() -> bool:
        return await service.count_live_workers(redis) >= count

    await wait_until_async(alive, f"{count} worker(s) to start", limit_seconds)


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def tcp_connections_to(pid: int, remote_port: int) -> int:
    """Established TCP connections that process `pid` holds to `remote_port` (Linux /proc)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as lines:
            next(lines)
            for line in lines:
                fields = line.split()
                remote, state, inode = fields[2], fields[3], fields[9]
                if state == "01" and inode in inodes and int(remote.rsplit(":", 1)[1], 16) == remote_port:
                    count += 1
    return count


_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds process `pid` has used so far (Linux /proc; 0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS


def pids_named(name: str) -> list[int]:
    """Processes whose command name is `name` (e.g. every PostgreSQL backend)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == name:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def spread(values: list[float]) -> str:
    """min / median / max of a figure over rounds."""
    ordered = sorted(values)
    return f"{ordered[0]:.1f} / {ordered[len(ordered) // 2]:.1f} / {ordered[-1]:.1f}"
