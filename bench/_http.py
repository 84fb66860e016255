"""HTTP benchmark helpers: servers started and awaited, a lean load generator (the environment: `_harness`).

The load generator speaks HTTP/1.1 with keep-alive over asyncio streams: it
costs far less CPU per request than an HTTP client library, which matters when
it shares two cores with the servers it measures.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from bench._harness import ROOT

# The same for every app measured: uvloop and httptools (uvicorn[standard]), no access log.
UVICORN_OPTIONS = ("--loop", "uvloop", "--http", "httptools", "--no-access-log", "--log-level", "warning")


@contextmanager
def server(app: str, port: int, env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    """One uvicorn process serving `app`, ready (GET /health answers) before this returns."""
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port), *UVICORN_OPTIONS],
        env=env,
        cwd=ROOT,
    )
    try:
        asyncio.run(wait_ready(port, process))
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


async def wait_ready(port: int, process: subprocess.Popen[bytes], within: float = 120) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server on port {port} exited with {process.returncode}")
        try:
            connection = await Connection.open(port)
        except OSError:
            await asyncio.sleep(0.1)
            continue
        try:
            status, _ = await connection.request("/health", {})
            if status == 200:
                return
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            connection.close()
        await asyncio.sleep(0.1)
    raise TimeoutError(f"the server on port {port} was not ready after {within} s")


class Connection:
    """One keep-alive HTTP/1.1 connection."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, port: int) -> None:
        self.reader, self.writer, self.port = reader, writer, port

    @classmethod
    async def open(cls, port: int) -> Connection:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        return cls(reader, writer, port)

    async def request(self, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
        lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}", *(f"{k}: {v}" for k, v in headers.items())]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        chunked = False
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding" and b"chunked" in value.lower():
                chunked = True
        if not chunked:
            return status, await self.reader.readexactly(length)
        body = b""
        while size := int((await self.reader.readuntil(b"\r\n")).strip(), 16):
            body += (await self.reader.readexactly(size + 2))[:-2]
        await self.reader.readuntil(b"\r\n")
        return status, body

    def close(self) -> None:
        self.writer.close()


async def get(port: int, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
    connection = await Connection.open(port)
    try:
        return await connection.request(path, headers)
    finally:
        connection.close()


@dataclass
class LoadResult:
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


async def saturate(port: int, path: str, headers: dict[str, str], connections: int, seconds: float) -> LoadResult:
    """Closed loop: `connections` clients each send the next request as soon as the last one is answered."""
    result = LoadResult()
    stop_at = time.perf_counter() + seconds

    async def client() -> None:
        connection = await Connection.open(port)
        try:
            while time.perf_counter() < stop_at:
                status, _ = await connection.request(path, headers)
                result.requests += 1
                if status != 200:
                    result.errors += 1
        finally:
            connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(connections)))
    result.seconds = time.perf_counter() - started
    return result


async def fixed_rate(port: int, path: str, headers: dict[str, str], rate: float, seconds: float) -> LoadResult:
    """Open loop: requests start on a fixed schedule whatever the answers; latency counts from the scheduled time
    (a late start is the server's delay too), so a stall is not hidden by fewer requests being sent."""
    result = LoadResult()
    idle: list[Connection] = []
    pending: set[asyncio.Task[None]] = set()

    async def one(scheduled: float) -> None:
        connection = idle.pop() if idle else await Connection.open(port)
        status, _ = await connection.request(path, headers)
        result.latencies.append(time.perf_counter() - scheduled)
        result.requests += 1
        if status != 200:
            result.errors += 1
        idle.append(connection)

    total = int(rate * seconds)
    started = time.perf_counter()
    for i in range(total):
        scheduled = started + i / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(one(scheduled))
        pending.add(task)
        task.add_done_callback(pending.discard)
    await asyncio.gather(*pending)
    result.seconds = time.perf_counter() - started
    for connection in idle:
        connection.close()
    return result


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) the process has used so far."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))]
