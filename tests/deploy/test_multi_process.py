"""Two API processes and two workers share one database and one Redis, and nothing in memory.

A job started through one API and followed over SSE through the other loses no
event; a client resuming on the other API gets exactly what it missed; a rate
limit counts requests to both APIs; /metrics in multi-process mode (either API, or a
worker's metrics port) shows the sum of all four processes; `sellpilot worker-alive` sees both workers.
"""

from __future__ import annotations

import asyncio
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from backend.jobs import events
from backend.jobs import service as jobs_service
from tests.conftest import BACKEND
from tests.helpers import PASSWORD, bearer
from tests.images import photo
from tests.jobs.sse_client import Message, messages
from tests.private_redis import free_port

pytestmark = [
    pytest.mark.skipif(BACKEND != "postgres", reason="several processes share one database only on PostgreSQL"),
    pytest.mark.timeout(90),
    pytest.mark.serial,  # four processes start at once against START_SECONDS
]

ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 60
LOGINS_PER_EMAIL = 5


@dataclass
class Cluster:
    apis: list[str]
    worker_metrics: str
    """The first worker's metrics endpoint (WORKER_METRICS_PORT)."""
    metrics_dir: Path


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 15
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _wait_for_apis(urls: list[str], processes: list[subprocess.Popen[bytes]]) -> None:
    deadline = time.monotonic() + START_SECONDS
    waiting = set(urls)
    while waiting:
        for process in processes:
            assert process.poll() is None, f"a process ended at start-up with {process.returncode}"
        assert time.monotonic() < deadline, f"{sorted(waiting)} did not answer /health in {START_SECONDS} s"
        for url in list(waiting):
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    waiting.discard(url)
            except httpx.HTTPError:
                pass
        time.sleep(0.2)


@pytest.fixture
def cluster(test_env: dict[str, str]) -> Iterator[Cluster]:
    """Two APIs and two workers as `sellpilot api` / `sellpilot worker` run them, sharing a metrics directory."""
    metrics_dir = Path(tempfile.mkdtemp(prefix="sellpilot-metrics-"))
    env = {
        **test_env,
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        "RATE_LIMIT_LOGIN_PER_EMAIL": f"{LOGINS_PER_EMAIL}/minute",
        "WORKER_HEARTBEAT_SECONDS": "0.5",
    }
    env.pop("OPENAI_API_KEY", None)  # the local AI provider: offline and deterministic
    ports, worker_port = [free_port(), free_port()], free_port()
    started: list[subprocess.Popen[bytes]] = []
    try:
        for port in ports:
            started.append(
                subprocess.Popen(
                    [sys.executable, "-m", "backend.cli", "api", "--port", str(port)],
                    env={**env, "PORT": str(port)},
                    cwd=ROOT,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        for metrics_port in (worker_port, 0):
            started.append(
                subprocess.Popen(
                    [sys.executable, "-m", "backend.cli", "worker"],
                    env={**env, "WORKER_METRICS_PORT": str(metrics_port)},
                    cwd=ROOT,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        _wait_for_apis(urls, started)
        yield Cluster(apis=urls, worker_metrics=f"http://127.0.0.1:{worker_port}/metrics", metrics_dir=metrics_dir)
    finally:
        _stop(started)
        for leftover in metrics_dir.glob("*"):
            leftover.unlink()
        metrics_dir.rmdir()


def _worker_alive() -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "backend.cli", "worker-alive"], cwd=ROOT, capture_output=True, text=True, timeout=30
    )


async def _wait_for_workers(app: Any, count: int) -> None:
    deadline = time.monotonic() + START_SECONDS
    while await jobs_service.count_live_workers(app.state.redis) < count:
        assert time.monotonic() < deadline, f"{count} workers did not beat within {START_SECONDS} s"
        await asyncio.sleep(0.2)


async def _read_until(url: str, path: str, headers: dict[str, str], stop: Any, timeout: float = 45) -> list[Message]:
    received: list[Message] = []
    async with (
        httpx.AsyncClient(base_url=url, timeout=timeout) as http,
        http.stream("GET", path, headers=headers) as response,
    ):
        assert response.status_code == 200, await response.aread()
        async with asyncio.timeout(timeout):
            async for message in messages(response):
                if message.comment is not None:
                    continue
                received.append(message)
                if stop(message):
                    break
    return received


def _counter(metrics: str, name: str, **labels: str) -> float:
    """Sum of the samples of `name` whose labels include `labels`."""
    total = 0.0
    for line in metrics.splitlines():
        match = re.fullmatch(rf"{name}\{{(.*)\}} (\S+)", line)
        if match and all(f'{key}="{value}"' in match.group(1) for key, value in labels.items()):
            total += float(match.group(2))
    return total


async def test_two_apis_and_two_workers_share_jobs_streams_limits_and_metrics(cluster: Cluster, app: Any) -> None:
    api_1, api_2 = cluster.apis
    await _wait_for_workers(app, 2)
    # The workers' container health check: both beat in Redis from this host.
    alive = _worker_alive()
    assert alive.returncode == 0, alive.stderr
    assert alive.stdout.startswith("2 live workers on ")
    async with httpx.AsyncClient(base_url=api_1, timeout=30) as one, httpx.AsyncClient(base_url=api_2) as two:
        email = f"multi-{uuid.uuid4().hex[:8]}@example.com"
        registered = await one.post(
            "/api/v1/auth/register", json={"email": email, "password": PASSWORD, "full_name": "Multi Process"}
        )
        assert registered.status_code == 201, registered.text
        headers = bearer(registered.json()["access_token"])
        workspace = uuid.UUID(registered.json()["workspace_id"])

        # A job started through API 1 and followed through API 2, from the stream's current end.
        files = [("files", (f"p{i}.jpg", photo(seed=i), "image/jpeg")) for i in range(3)]
        uploaded = await one.post("/api/v1/media", headers=headers, files=files)
        assert uploaded.status_code == 201, uploaded.text
        start = await events.latest_id(app.state.redis, workspace)
        watcher = asyncio.create_task(
            _read_until(
                api_2,
                "/api/v1/events",
                {**headers, "Last-Event-ID": start},
                lambda m: m.event in {"job.succeeded", "job.failed"},
            )
        )
        media_ids = [item["id"] for item in uploaded.json()["items"]]
        started = await one.post("/api/v1/listings/analyze", headers=headers, json={"media_ids": media_ids})
        assert started.status_code == 201, started.text
        job_id = started.json()["id"]
        seen = await watcher

        assert seen[-1].event == "job.succeeded", seen[-1].data
        assert {m.json["job_id"] for m in seen} == {job_id}
        stored = [
            (event_id, event.type)
            for event_id, event in await events.read_range(app.state.redis, workspace, start, "+")
            if str(event.job_id) == job_id
        ]
        assert [(m.id, m.event) for m in seen] == stored  # every event of the job, in order, none twice
        assert [m.event for m in seen][:2] == ["job.created", "job.started"]
        assert sum(m.event == "job.item" for m in seen) == 3

        # A client that dropped after the second event resumes on API 1 and gets exactly the rest.
        resumed = await _read_until(
            api_1,
            f"/api/v1/jobs/{job_id}/events",
            {**headers, "Last-Event-ID": seen[1].id or ""},
            lambda m: m.event == "job.succeeded",
        )
        assert [(m.id, m.event, m.data) for m in resumed] == [(m.id, m.event, m.data) for m in seen[2:]]

        # The per-email login limit counts attempts made to either API: alternating, it trips at the sum.
        statuses = []
        for attempt in range(LOGINS_PER_EMAIL + 1):
            http = one if attempt % 2 == 0 else two
            response = await http.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
            statuses.append(response.status_code)
        assert statuses == [200] * LOGINS_PER_EMAIL + [429]

        # /metrics of either API, and a worker's metrics port, sum all four processes: the same counts.
        scraped = [(await http.get("/metrics")).text for http in (one, two)]
        scraped.append((await one.get(cluster.worker_metrics)).text)
    for metrics in scraped:
        assert _counter(metrics, "sellpilot_requests_total", path="/api/v1/auth/login") == LOGINS_PER_EMAIL + 1
        assert _counter(metrics, "sellpilot_requests_total", path="/api/v1/auth/login", status_code="429") == 1
        # Counted by whichever worker ran the job, served by the APIs.
        assert _counter(metrics, "sellpilot_job_runs_total", kind="listings.analyze") == 1
    processes = {path.name.rsplit("_", 1)[-1] for path in cluster.metrics_dir.glob("counter_*.db")}
    assert len(processes) >= 3  # both APIs and at least the worker that ran the job wrote their own files
