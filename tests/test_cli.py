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

from backend.settings import PROJECT_ROOT as ROOT
from backend.settings import load_settings
from tests.helpers import PASSWORD
from tests.private_redis import free_port


def _answers(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _migrations() -> int:
    """Migration modules in the repository (a fresh database gets them all)."""
    return len(list((ROOT / "migrations").glob("*/*_20*.py")))


def _dev_env(tmp_path: Path, test_env: dict[str, str], api_port: int, redis_port: int) -> dict[str, str]:
    # Its own Redis (on a free port) and the development default key prefix.
    dropped = {"DATABASE_URL", "SQLITE_PATH", "SECRET_KEY", "REDIS_KEY_PREFIX", "CHROMIUM_PATH"}
    env = {k: v for k, v in test_env.items() if k not in dropped}
    env.update(
        APP_ENV="development",
        DATA_DIR=str(tmp_path / "data"),
        PORT=str(api_port),
        SANDBOX_PORT=str(free_port()),
        SANDBOX_B_PORT=str(free_port()),
        REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
    )
    return env


@pytest.mark.timeout(90)
@pytest.mark.serial  # API, worker, Redis and two sandboxes start against a 45 s deadline
def test_dev_runs_everything_and_ctrl_c_stops_it(tmp_path: Path, test_env: dict[str, str]) -> None:
    api_port, redis_port = free_port(), free_port()
    env = _dev_env(tmp_path, test_env, api_port, redis_port)
    env["CHROMIUM_PATH"] = str(tmp_path / "no-chromium-here")  # the app still starts; the summary says why not
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
        assert ready.get("browser", {}).get("ok") is False, ready

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
        for port in (env["SANDBOX_PORT"], env["SANDBOX_B_PORT"]):  # both sandbox shops run
            while not _answers(int(port)) and time.monotonic() < deadline:
                time.sleep(0.2)
            assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200
    finally:
        dev.send_signal(signal.SIGINT)
        output = dev.communicate(timeout=30)[0].decode()
    assert dev.returncode is not None
    assert "Stopping" in output, output
    time.sleep(0.5)
    assert not _answers(api_port), "the API is still running"
    assert not _answers(redis_port), "the Redis that dev started is still running"
    assert not _answers(int(env["SANDBOX_B_PORT"])), "Sandbox Bazaar is still running"

    # One start-up summary; no child repeats its address, and migrations are told once, plainly.
    rows = [line.split(":", 1) for line in output.splitlines() if line.startswith("  ") and ":" in line]
    summary = {name.strip(): value.strip() for name, value in rows}
    assert output.count("Sellpilot is running") == 1, output
    assert summary["App"] == f"http://127.0.0.1:{api_port}/", output
    assert summary["API docs"] == f"http://127.0.0.1:{api_port}/schema/swagger", output
    # Both sandbox shops run, and the one Sandbox line names both.
    assert summary["Sandbox"].startswith(
        f"http://127.0.0.1:{env['SANDBOX_PORT']} (Sandbox Market) and "
        f"http://127.0.0.1:{env['SANDBOX_B_PORT']} (Sandbox Bazaar) "
    ), output
    database = tmp_path / "data" / "sellpilot.sqlite3"
    assert summary["Database"] == f"SQLite at {database} (applied {_migrations()} migrations)", output
    prefix = load_settings({"DATA_DIR": env["DATA_DIR"]}).redis.key_prefix
    assert prefix.startswith("sellpilot-"), prefix
    assert summary["Redis"].startswith(f"127.0.0.1:{redis_port}/0, key prefix {prefix} "), output
    assert summary["Workers"].startswith("1 worker"), output
    hint = "apt install chromium, or set CHROMIUM_PATH"
    assert summary["Browser"].startswith(f"Chromium not found at CHROMIUM_PATH={env['CHROMIUM_PATH']}: {hint}"), output
    assert output.count(f":{api_port}") == 2, output  # the App and API docs lines, nothing else
    assert output.count(f":{env['SANDBOX_PORT']}") == 1, output
    assert output.count(f":{env['SANDBOX_B_PORT']}") == 1, output
    assert "not yet run" not in output, output
    assert "already complete" not in output, output


def test_dev_says_clearly_when_there_is_no_redis(tmp_path: Path, test_env: dict[str, str]) -> None:
    env = _dev_env(tmp_path, test_env, free_port(), free_port())
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


def test_migrate_says_in_one_line_what_it_did(tmp_path: Path, test_env: dict[str, str]) -> None:
    env = {k: v for k, v in test_env.items() if k not in {"DATABASE_URL", "SQLITE_PATH"}}
    env["DATA_DIR"] = str(tmp_path)
    command = [sys.executable, "-m", "backend.cli", "migrate"]
    first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=True)
    assert first.stdout == f"Database: applied {_migrations()} migrations\n"
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=True)
    assert again.stdout == "Database: up to date\n"


def test_migrate_names_a_database_that_does_not_answer(tmp_path: Path, test_env: dict[str, str]) -> None:
    env = {**test_env, "DATA_DIR": str(tmp_path), "DATABASE_URL": "postgresql://postgres:hunter22@127.0.0.1:1/app"}
    result = subprocess.run(
        [sys.executable, "-m", "backend.cli", "migrate"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "The database (PostgreSQL at 127.0.0.1:1/app) does not answer" in result.stderr
    assert "DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr
    assert "hunter22" not in result.stdout + result.stderr
