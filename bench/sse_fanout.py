"""1,000 concurrent SSE subscribers on one API process: delivery latency, memory and Redis connections.

Each round starts one API server process (uvicorn, as `sellpilot api` runs it)
and waits until it answers /health. Subscribers (raw sockets in this process, so
the client side costs little) all follow one workspace's stream. Readiness is
observed, not slept for: probe events are appended until every subscriber has
received one, so all of them are live before measuring. Then events are appended
to the Redis stream `--interval` apart, each stamped with its append time;
latency is append → the subscriber read it.

Figures per round: p50/p99/max latency; memory per subscriber (server RSS with
the subscribers minus RSS after a warm-up stream, divided by their number);
Redis connections the API process holds (its established TCP connections to
Redis, from /proc), with the subscribers open and at the peak sampled during the
round. `--rounds` rounds, each in a fresh server; min / median / max printed.

    uv run python bench/sse_fanout.py [--subscribers 1000] [--events 40] [--interval 0.1] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import os
import sys
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._harness import (
    api_server,
    bench_environment,
    machine,
    percentile,
    rss_kib,
    spread,
    tcp_connections_to,
    wait_until_async,
)

REDIS_PORT = 6379
CONNECT_CONCURRENCY = 50
SENT = b'"sent":'
PROBE = b'"probe":'


class Subscriber(asyncio.Protocol):
    """A minimal EventSource: sends the request, then notes each event's append stamp as it arrives."""

    def __init__(self, request: bytes, latencies: list[float]) -> None:
        self.request = request
        self.latencies = latencies
        self.buffer = b""
        self.seen = 0
        self.probes = 0
        self.status: bytes | None = None
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        now = time.time()
        if self.status is None:
            self.status = data.split(b"\r\n", 1)[0]
        self.buffer += data
        end = self.buffer.rfind(b"\r\n\r\n")
        if end < 0:
            return
        complete, self.buffer = self.buffer[: end + 4], self.buffer[end + 4 :]
        start = complete.find(SENT)
        while start >= 0:
            stop = start + len(SENT)
            while complete[stop : stop + 1] not in (b",", b"}"):
                stop += 1
            self.latencies.append(now - float(complete[start + len(SENT) : stop]))
            self.seen += 1
            start = complete.find(SENT, stop)
        self.probes += complete.count(PROBE)

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


def progress(job_id: uuid.UUID, n: int, payload: dict[str, Any]) -> Any:
    from backend.jobs.schemas import JobEvent

    return JobEvent(
        type="job.progress",
        job_id=job_id,
        kind="bench",
        status="running",
        total=n + 1,
        done=n,
        failed=0,
        progress=0.5,
        at=datetime.datetime.now(datetime.UTC),
        payload=payload,
    )


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used (Linux /proc)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def metric(http: Any, name: str) -> float:
    for line in (await http.get("/metrics")).text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return 0.0


async def open_subscribers(port: int, token: str, count: int, latencies: list[float]) -> list[Subscriber]:
    loop = asyncio.get_running_loop()
    request = (
        f"GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
        "Accept: text/event-stream\r\n\r\n"
    ).encode()
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

    async def one() -> Subscriber:
        async with gate:
            _, protocol = await loop.create_connection(lambda: Subscriber(request, latencies), "127.0.0.1", port)
            return protocol

    return list(await asyncio.gather(*(one() for _ in range(count))))


async def all_live(redis: Any, workspace: uuid.UUID, subscribers: list[Subscriber], http: Any = None) -> None:
    """Append probe events until every subscriber has received one: then all of them follow the stream."""
    from backend.jobs import events

    job_id, probe = uuid.uuid4(), 0

    async def received() -> bool:
        nonlocal probe
        if all(s.probes for s in subscribers):
            return True
        probe += 1
        await events.publish(redis, workspace, progress(job_id, probe, {"probe": probe}))
        await asyncio.sleep(0.2)
        return all(s.probes for s in subscribers)

    try:
        await wait_until_async(received, "every subscriber to receive a probe event", limit_seconds=120)
    except RuntimeError:
        statuses: dict[bytes, int] = {}
        for s in subscribers:
            status = s.status or b"(nothing yet)"
            statuses[status] = statuses.get(status, 0) + 1
        live = sum(1 for s in subscribers if s.probes)
        server = "?"
        if http is not None:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(10):
                    server = str(await metric(http, "sellpilot_sse_open_streams"))
        raise RuntimeError(
            f"{live} of {len(subscribers)} subscribers got a probe; responses: {statuses}; open streams {server}"
        ) from None


async def one_round(url: str, pid: int, subscribers: int, events_count: int, interval: float) -> dict[str, float]:
    import httpx
    from redis.asyncio import Redis

    from backend.jobs import events
    from backend.settings import get_settings

    port = int(url.rsplit(":", 1)[1])
    redis = Redis.from_url(get_settings().redis.url)
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        reg = await http.post(
            "/api/v1/auth/register", json={"email": f"bench-{uuid.uuid4().hex[:6]}@example.com", "password": "x" * 12}
        )
        body = reg.json()
        token, workspace = body["access_token"], uuid.UUID(body["workspace_id"])

        async def streams_closed() -> bool:
            return await metric(http, "sellpilot_sse_open_streams") == 0

        # Warm-up: a few streams open, receive, close, so first-use costs do not count as per-subscriber memory.
        warm = await open_subscribers(port, token, 5, [])
        await all_live(redis, workspace, warm)
        for sub in warm:
            sub.close()
        await wait_until_async(streams_closed, "the warm-up streams to close")
        rss_before = rss_kib(pid)

        peak = 0
        sampling = True

        async def sample() -> None:
            nonlocal peak
            while sampling:
                peak = max(peak, tcp_connections_to(pid, REDIS_PORT))
                await asyncio.sleep(0.05)

        sampler = asyncio.create_task(sample())
        latencies: list[float] = []
        subs = await open_subscribers(port, token, subscribers, latencies)
        await all_live(redis, workspace, subs, http)
        rss_after = rss_kib(pid)
        held = tcp_connections_to(pid, REDIS_PORT)
        readers = await metric(http, "sellpilot_sse_hub_readers")
        open_streams = await metric(http, "sellpilot_sse_open_streams")

        job_id = uuid.uuid4()
        cpu_before, client_cpu_before = cpu_seconds(pid), time.process_time()
        for i in range(events_count):
            await events.publish(redis, workspace, progress(job_id, i, {"sent": time.time(), "n": i}))
            await asyncio.sleep(interval)

        async def delivered() -> bool:
            return all(s.seen >= events_count for s in subs)

        await wait_until_async(delivered, "every event to reach every subscriber", limit_seconds=120)
        cpu_used, client_cpu = cpu_seconds(pid) - cpu_before, time.process_time() - client_cpu_before
        dropped = await metric(http, "sellpilot_sse_dropped_subscribers_total")
        for sub in subs:
            sub.close()
        await wait_until_async(streams_closed, "the streams to close")
        sampling = False
        await sampler
        readers_after = await metric(http, "sellpilot_sse_hub_readers")
    await redis.aclose()
    return {
        "samples": len(latencies),
        "p50_ms": percentile(latencies, 50) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
        "max_ms": max(latencies) * 1000,
        "rss_before_mib": rss_before / 1024,
        "rss_after_mib": rss_after / 1024,
        "kib_per_subscriber": (rss_after - rss_before) / subscribers,
        "server_us_per_delivery": cpu_used / (subscribers * events_count) * 1e6,
        "client_us_per_delivery": client_cpu / (subscribers * events_count) * 1e6,
        "redis_connections": held,
        "redis_connections_peak": peak,
        "hub_readers": readers,
        "open_streams": open_streams,
        "dropped": dropped,
        "hub_readers_after": readers_after,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--events", type=int, default=40)
    parser.add_argument("--interval", type=float, default=0.1)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    results = []
    with bench_environment(SSE_HEARTBEAT_SECONDS="15") as env:
        for _ in range(args.rounds):
            with api_server(env) as (server, url):
                results.append(asyncio.run(one_round(url, server.pid, args.subscribers, args.events, args.interval)))
    print(f"machine: {machine()}")
    print(" ".join(["bench/sse_fanout.py", *sys.argv[1:]]))
    print(
        f"{args.subscribers} subscribers on one API process, {args.events} events {args.interval * 1000:.0f} ms apart, "
        f"{args.rounds} rounds (min / median / max)"
    )
    for index, result in enumerate(results, 1):
        print(
            f"  round {index}: p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms,"
            f" max {result['max_ms']:.1f} ms"
            f" ({result['samples']:.0f} samples);"
            f" RSS {result['rss_before_mib']:.1f} → {result['rss_after_mib']:.1f} MiB;"
            f" Redis connections {result['redis_connections']:.0f}"
            f" (peak {result['redis_connections_peak']:.0f});"
            f" hub readers {result['hub_readers']:.0f} with {result['open_streams']:.0f} streams,"
            f" {result['hub_readers_after']:.0f} after; dropped {result['dropped']:.0f}"
        )

    def row(label: str, key: str) -> None:
        print(f"{label:<42} {spread([r[key] for r in results])}")

    row("latency append → received, p50 (ms)", "p50_ms")
    row("latency append → received, p99 (ms)", "p99_ms")
    row("latency, max (ms)", "max_ms")
    row("API process CPU per delivery (µs)", "server_us_per_delivery")
    row("client CPU per delivery (µs)", "client_us_per_delivery")
    row("memory per subscriber (KiB)", "kib_per_subscriber")
    row("Redis connections held, subscribers open", "redis_connections")
    row("Redis connections, peak during the round", "redis_connections_peak")


if __name__ == "__main__":
    main()
