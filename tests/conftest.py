"""Test harness: a fresh PostgreSQL database (or SQLite file) and a private Redis key space per run.

Choose the database with SELLPILOT_TEST_DB=postgres (default) or sqlite. The
environment is set here, before anything imports `backend`, because settings
and the Piccolo engine are read once per process.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

BACKEND = os.environ.get("SELLPILOT_TEST_DB", "postgres")
RUN_ID = uuid.uuid4().hex[:10]
POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
TEST_DB_NAME = f"sellpilot_test_{RUN_ID}"
TMP_DIR = Path(tempfile.mkdtemp(prefix="sellpilot-test-"))
atexit.register(shutil.rmtree, TMP_DIR, ignore_errors=True)

if BACKEND not in {"postgres", "sqlite"}:
    raise pytest.UsageError(f"SELLPILOT_TEST_DB={BACKEND!r}: use postgres or sqlite")

TEST_ENV = {
    "APP_ENV": "test",
    "DATA_DIR": str(TMP_DIR),
    "SQLITE_PATH": str(TMP_DIR / "test.sqlite3"),
    "REDIS_URL": os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0"),
    "REDIS_KEY_PREFIX": f"sellpilot-test-{RUN_ID}",
    "SECRET_KEY": "test-secret-" + uuid.uuid4().hex,
    "LOG_LEVEL": "WARNING",
    # Generous defaults; the rate-limit tests tighten them for themselves.
    "RATE_LIMIT_LOGIN_PER_IP": "1000/minute",
    "RATE_LIMIT_LOGIN_PER_EMAIL": "1000/minute",
    "RATE_LIMIT_REGISTER_PER_IP": "1000/minute",
    "RATE_LIMIT_REGISTER_PER_EMAIL": "1000/minute",
    "RATE_LIMIT_GENERAL": "10000/minute",
    "RATE_LIMIT_JOB_RETRY": "1000/minute",
    "RATE_LIMIT_JOB_START": "1000/minute",
    "SPA_DIR": str(TMP_DIR / "no-spa-built"),
    # Jobs: short timeouts so a killed worker's job comes back in ~15 s.
    "WORKER_JOB_TIMEOUT_SECONDS": "5",
    "WORKER_POLL_DELAY_SECONDS": "0.05",
    "JOB_RETRY_BASE_SECONDS": "0.2",
    "SSE_HEARTBEAT_SECONDS": "1",
    "LIMITER_LEASE_SECONDS": "3",
    # Browser automation: no human pacing, and steps give up quickly.
    "AUTOMATION_FAST_MODE": "true",
    "BROWSER_ACTION_TIMEOUT_SECONDS": "5",
    "BROWSER_HEADLESS": "true",
    # The nightly maintenance crons stay off in test workers; the maintenance tests run the steps themselves.
    "MAINTENANCE_ENABLED": "false",
}
os.environ.update(TEST_ENV)
os.environ.pop("SENTRY_DSN", None)
if BACKEND == "postgres":
    os.environ["DATABASE_URL"] = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + TEST_DB_NAME
else:
    os.environ.pop("DATABASE_URL", None)

# Fixtures of modules that import `backend` (registered after the environment above is set).
pytest_plugins = ["tests.private_redis"]


async def _admin_execute(sql: str) -> None:
    connection = await asyncpg.connect(POSTGRES_ADMIN_URL)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def _runs_no_tests(session: pytest.Session) -> bool:
    """The pytest-xdist controller (`-n N`): its workers run the tests, each with its own database and key space."""
    return session.config.getoption("dist", "no") != "no" and not hasattr(session.config, "workerinput")


def pytest_sessionstart(session: pytest.Session) -> None:
    if _runs_no_tests(session):
        return
    if BACKEND == "postgres":
        asyncio.run(_admin_execute(f'CREATE DATABASE "{TEST_DB_NAME}"'))
    # The real migrations, through the real command.
    subprocess.run(
        [sys.executable, "-m", "backend.cli", "migrate"],
        check=True,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
    )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _runs_no_tests(session):
        return
    if BACKEND == "postgres":
        asyncio.run(_admin_execute(f'DROP DATABASE IF EXISTS "{TEST_DB_NAME}" WITH (FORCE)'))

    async def drop_keys() -> None:
        from redis.asyncio import Redis

        redis = Redis.from_url(TEST_ENV["REDIS_URL"])
        # Also the prefixes tests make from this one (e.g. `<prefix>-gone` for a worker of their own).
        async for key in redis.scan_iter(match=f"{TEST_ENV['REDIS_KEY_PREFIX']}*", count=1000):
            await redis.delete(key)
        await redis.aclose()

    asyncio.run(drop_keys())


def _drives_a_browser(item: pytest.Item) -> bool:
    """Chromium against the sandbox marketplace or against recorded platform pages."""
    if {"sandbox", "sandbox_process", "sandbox_b", "sandbox_b_process"} & set(getattr(item, "fixturenames", ())):
        return True
    if "tests/platforms/drivers/" in item.nodeid:
        return True
    helper = getattr(getattr(item, "module", None), "chromium", None)
    return getattr(helper, "__module__", "") == "tests.platforms.browser"


# Fixtures that start worker or API processes of their own and wait for them against the clock.
_STARTS_PROCESSES = {"start_worker", "api_url", "private_redis"}


def _runs_alone(item: pytest.Item) -> bool:
    """A test whose deadlines assume the machine to itself (marked `serial`, or starting processes it waits on)."""
    return item.get_closest_marker("serial") is not None or bool(
        _STARTS_PROCESSES & set(getattr(item, "fixturenames", ()))
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # scripts/test runs the suite in two phases: SELLPILOT_TEST_PHASE=parallel (pytest-xdist
    # workers side by side) leaves out the tests that must run alone; SELLPILOT_TEST_PHASE=serial
    # runs only those, one at a time on an otherwise idle machine. Unset: every test.
    phase = os.environ.get("SELLPILOT_TEST_PHASE", "")
    if phase not in {"", "parallel", "serial"}:
        raise pytest.UsageError(f"SELLPILOT_TEST_PHASE={phase!r}: use parallel or serial (or leave it unset)")
    if phase:
        kept, left_out = [], []
        for item in items:
            (kept if _runs_alone(item) == (phase == "serial") else left_out).append(item)
        if left_out:
            config.hook.pytest_deselected(items=left_out)
            items[:] = kept

    # Browser tests run once, on PostgreSQL: what they add is the browser and the platform,
    # which do not change with the database; the SQLite pass covers the database layer.
    if BACKEND != "sqlite" or os.environ.get("SELLPILOT_BROWSER_TESTS_ON_SQLITE") == "1":
        return
    skip = pytest.mark.skip(
        reason="a browser test: runs once, on PostgreSQL (SELLPILOT_BROWSER_TESTS_ON_SQLITE=1 to run)"
    )
    for item in items:
        if _drives_a_browser(item):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def test_env() -> dict[str, str]:
    """The environment the suite runs with (for subprocesses it starts)."""
    return {**os.environ}


@pytest.fixture(scope="session")
async def app() -> AsyncIterator[Any]:
    from backend.app import create_app

    application = create_app()
    # The lifespan must start and end in one task (it holds an anyio task
    # group), while pytest-asyncio tears fixtures down in another.
    started, stopping = asyncio.Event(), asyncio.Event()

    async def run_lifespan() -> None:
        async with application.lifespan():
            started.set()
            await stopping.wait()

    task = asyncio.create_task(run_lifespan())
    await started.wait()
    yield application
    stopping.set()
    await task


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    # The app runs in the test's own event loop (Litestar's AsyncTestClient
    # would run it in another loop, which asyncpg's pool cannot follow).
    transport = httpx.ASGITransport(app=app, client=("203.0.113.10", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture(autouse=True)
async def clean_state(app: Any) -> AsyncIterator[None]:
    """Every test starts from empty tables, an empty key space and settings read afresh."""
    from backend.settings import get_settings

    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
    from piccolo.conf.apps import Finder

    from backend.db import DB

    tables = [t._meta.tablename for t in Finder().get_table_classes()]
    if BACKEND == "postgres":
        await DB.run_ddl("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE")
    else:
        await DB.run_ddl("PRAGMA foreign_keys = OFF")
        for table in tables:
            await DB.run_ddl(f'DELETE FROM "{table}"')  # noqa: S608 - names come from our own tables
    redis = app.state.redis
    async for key in redis.scan_iter(match=f"{TEST_ENV['REDIS_KEY_PREFIX']}:*", count=1000):
        await redis.delete(key)


@pytest.fixture
def override_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Change environment variables for one test; settings are re-read on next use."""
    from backend.settings import get_settings

    def apply(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()

    yield apply
    get_settings.cache_clear()


ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def start_worker(test_env: dict[str, str]) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    """Start arq worker processes that know the test job kinds; all are stopped after the test."""
    started: list[subprocess.Popen[bytes]] = []

    def start(**env: str) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [sys.executable, "-m", "backend.cli", "worker", "--settings", "tests.jobs.handlers.TestWorkerSettings"],
            env={**test_env, **env},
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in started:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
