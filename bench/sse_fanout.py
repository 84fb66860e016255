"""500 concurrent SSE subscribers on one API process: delivery latency and memory per subscriber.

One API server process (uvicorn, as `sellpilot api` runs it). The subscribers
all follow the same workspace stream from one client process. Events are
appended to the Redis stream by this script, stamped with the append time;
latency is append → the subscriber parsed it. Memory per subscriber is the
server's RSS growth divided by the number of subscribers.

    uv run python bench/sse_fanout.py [--subscribers 500] [--events 40]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._harness import ROOT, bench_environment, machine, percentile, rss_kib  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def subscriber(
    port: int, token: str, ready: asyncio.Event, counter: list[int], latencies: list[float], expected: int
) -> None:
    """A minimal EventSource over a raw socket, so the client side costs little."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        f"GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
        "Accept: text/event-stream\r\n\r\n".encode()
    )
    await writer.drain()
    while (await reader.readline()) not in (b"\r\n", b""):
        pass  # response headers
    counter[0] += 1
    if counter[0] == counter[1]:
        ready.set()
    seen = 0
    while seen < expected:
        line = await reader.readline()
        if not line:
            break
        if b"data: {" in line:
            start = line.index(b"data: ") + 6
            payload = json.loads(line[start:])
            latencies.append(time.time() - payload["payload"]["sent"])
            seen += 1
    writer.close()


async def run(port: int, subscribers: int, events_count: int, server_pid: int) -> dict[str, float]:
    import httpx

    from backend import db
    from backend.core.redis import create_redis
    from backend.jobs import events
    from backend.jobs.schemas import JobEvent

    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
        reg = await http.post(
            "/api/v1/auth/register", json={"email": f"bench-{uuid.uuid4().hex[:6]}@example.com", "password": "x" * 12}
        )
        body = reg.json()
    token, workspace = body["access_token"], uuid.UUID(body["workspace_id"])
    await db.start()
    redis = create_redis()
    rss_before = rss_kib(server_pid)
    ready = asyncio.Event()
    counter = [0, subscribers]
    latencies: list[float] = []
    tasks = [
        asyncio.create_task(subscriber(port, token, ready, counter, latencies, events_count))
        for _ in range(subscribers)
    ]
    await asyncio.wait_for(ready.wait(), 120)
    await asyncio.sleep(2)  # every stream is inside its first XREAD
    rss_after = rss_kib(server_pid)
    job_id = uuid.uuid4()
    for i in range(events_count):
        event = JobEvent(
            type="job.progress",
            job_id=job_id,
            kind="bench",
            status="running",
            total=events_count,
            done=i,
            failed=0,
            progress=i / events_count,
            at=__import__("datetime").datetime.now(__import__("datetime").UTC),
            payload={"sent": time.time()},
        )
        await events.publish(redis, workspace, event)
        await asyncio.sleep(0.1)
    await asyncio.wait_for(asyncio.gather(*tasks), 120)
    await redis.aclose()
    await db.stop()
    return {
        "samples": len(latencies),
        "p50_ms": percentile(latencies, 50) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
        "max_ms": max(latencies) * 1000,
        "rss_before_mib": rss_before / 1024,
        "rss_after_mib": rss_after / 1024,
        "kib_per_subscriber": (rss_after - rss_before) / subscribers,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=500)
    parser.add_argument("--events", type=int, default=40)
    args = parser.parse_args()
    with bench_environment(SSE_HEARTBEAT_SECONDS="15") as env:
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "backend.cli", "api", "--port", str(port)],
            env={**env, "PORT": str(port)},
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            time.sleep(3)
            result = asyncio.run(run(port, args.subscribers, args.events, server.pid))
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    print(f"machine: {machine()}")
    print(f"{args.subscribers} subscribers on one API process, {args.events} events 100 ms apart")
    print(
        f"latency append→received: p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms, "
        f"max {result['max_ms']:.1f} ms ({result['samples']:.0f} samples)"
    )
    print(
        f"server RSS: {result['rss_before_mib']:.1f} MiB idle → {result['rss_after_mib']:.1f} MiB with subscribers, "
        f"{result['kib_per_subscriber']:.1f} KiB per subscriber"
    )


if __name__ == "__main__":
    main()
