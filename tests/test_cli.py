"""`sellpilot dev`: one command runs API and worker on SQLite, starts Redis if needed, and Ctrl-C stops it all."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.helpers import PASSWORD


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _dev_env(tmp_path: Path, test_env: dict[str, str], api_port: int, redis_port: int) -> dict[str, str]:
    env = {k: v for k, v in test_env.items() if k not in {"DATABASE_URL", "SQLITE_PATH", "SECRET_KEY"}}
    env.update(
        APP_ENV="development",
        DATA_DIR=str(tmp_path / "data"),
        PORT=str(api_port),
        REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
    )
    return env


@pytest.mark.timeout(90)
def test_dev_runs_everything_and_ctrl_c_stops_it(tmp_path: Path, test_env: dict[str, str]) -> None:
    api_port, redis_port = _free_port(), _free_port()
    env = _dev_env(tmp_path, test_env, api_port, redis_port)
    dev = subprocess.Popen(
        [sys.executable, "-m", "backend.cli", "dev"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{api_port}"
    try:
        deadline = time.monotonic() + 45
        ready: dict[str, object] = {}
        while time.monotonic() < deadline:
            try:
                ready = httpx.get(f"{base}/ready", timeout=1).json()
                if ready.get("workers", 0) >= 1:
                    break
            except httpx.HTTPError:
                pass
            assert dev.poll() is None, dev.stdout.read().decode() if dev.stdout else ""
            time.sleep(0.3)
        assert ready.get("database") == "ok", ready
        assert ready.get("redis") == "ok", ready
        assert ready.get("workers", 0) >= 1, ready

        # It started its own Redis, with its data in the data folder, and an embedded SQLite file.
        assert _answers(redis_port)
        assert (tmp_path / "data" / "redis").is_dir()
        assert (tmp_path / "data" / "sellpilot.sqlite3").is_file()

        registered = httpx.post(
            f"{base}/api/v1/auth/register", json={"email": "dev@example.com", "password": PASSWORD}, timeout=10
        )
        assert registered.status_code == 201, registered.text
        login = httpx.post(f"{base}/api/v1/auth/login", json={"email": "dev@example.com", "password": PASSWORD})
        assert login.status_code == 200
        assert httpx.get(f"{base}/schema/swagger").status_code == 200
    finally:
        dev.send_signal(signal.SIGINT)
        output = dev.communicate(timeout=30)[0].decode()
    assert dev.returncode is not None
    assert "Stopping" in output, output
    time.sleep(0.5)
    assert not _answers(api_port), "the API is still running"
    assert not _answers(redis_port), "the Redis that dev started is still running"


def test_dev_says_clearly_when_there_is_no_redis(tmp_path: Path, test_env: dict[str, str]) -> None:
    env = _dev_env(tmp_path, test_env, _free_port(), _free_port())
    env["PATH"] = str(tmp_path / "empty-bin")  # no redis-server to be found
    result = subprocess.run(
        [sys.executable, "-m", "backend.cli", "dev"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "redis-server is not installed" in result.stderr
    assert "REDIS_URL" in result.stderr


def test_production_start_refuses_a_weak_secret(tmp_path: Path, test_env: dict[str, str]) -> None:
    env = {
        **test_env,
        "APP_ENV": "production",
        "SECRET_KEY": "changeme",
        "DATA_DIR": str(tmp_path),
        "DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/unused",
    }
    result = subprocess.run(
        [sys.executable, "-m", "backend.cli", "api"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "SECRET_KEY is too weak" in result.stderr
    assert "Traceback" not in result.stderr
    assert os.environ.get("APP_ENV") == "test"
