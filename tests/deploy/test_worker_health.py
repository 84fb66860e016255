"""`sellpilot worker-alive`, the worker container's health check, fails when no worker of this host beats."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from backend.jobs import heartbeat

ROOT = Path(__file__).resolve().parents[2]


def _worker_alive() -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "backend.cli", "worker-alive"], cwd=ROOT, capture_output=True, text=True, timeout=30
    )


async def test_worker_alive_needs_a_recent_beat_from_this_host(app: Any) -> None:
    redis = app.state.redis
    silent = _worker_alive()
    assert silent.returncode == 1
    assert "No live worker on" in silent.stderr

    # Another machine's worker does not make this container healthy; a stale beat of ours neither.
    await heartbeat.record_heartbeat(redis, "some-other-host:1:abcdef")
    await redis.zadd(heartbeat._key(), {f"{socket.gethostname()}:2:abcdef": time.time() - 3600})
    assert _worker_alive().returncode == 1

    await heartbeat.record_heartbeat(redis, f"{socket.gethostname()}:3:abcdef")
    alive = _worker_alive()
    assert alive.returncode == 0, alive.stderr
    assert alive.stdout.strip() == f"1 live worker on {socket.gethostname()}"
