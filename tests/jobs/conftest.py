"""Real processes for the jobs tests: arq workers and an API server on 127.0.0.1."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.private_redis import free_port

ROOT = Path(__file__).resolve().parents[2]


_free_port = free_port


@pytest.fixture(scope="module")
def api_url(test_env: dict[str, str]) -> Iterator[str]:
    """A real API server process (SSE needs a real streaming connection)."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "backend.cli", "api", "--port", str(port)],
        env={**test_env, "PORT": str(port)},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    # A readiness wait, generous: on a busy machine importing the app alone can take half a minute.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        process.kill()
        raise RuntimeError("the API server did not start")
    yield url
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


def kill_hard(process: subprocess.Popen[bytes]) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
