"""The `sellpilot` command."""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import asyncpg
import click

from backend.platforms.runtime.chromium import find_chromium
from backend.settings import Settings, SettingsError, get_settings

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
API_START_TIMEOUT_SECONDS = 60
SANDBOX_USERS = "alice…erin, password sandbox-pass-1"
SANDBOX_COMMANDS = (["sandbox", "--quiet"], ["sandbox", "--flavour", "b", "--quiet"])  # both shops, for `dev`


def _settings_or_exit() -> None:
    try:
        get_settings()
    except SettingsError as exc:
        raise click.ClickException(f"Configuration error: {exc}") from None


@click.group()
def main() -> None:
    """Sellpilot: run the API, the worker, migrations and admin tasks."""
    _settings_or_exit()


async def _apply_migrations() -> int:
    """Apply pending migrations; how many ran. Piccolo's per-app report is shown only when one fails."""
    from piccolo.apps.migrations.commands.base import BaseMigrationManager
    from piccolo.apps.migrations.commands.forwards import run_forwards
    from piccolo.apps.migrations.tables import Migration

    await BaseMigrationManager().create_migration_table()
    before: int = await Migration.count()
    report = io.StringIO()
    try:
        with contextlib.redirect_stdout(report):
            result = await run_forwards(app_name="all")
    except Exception:
        click.echo(report.getvalue().strip() or None, err=True)
        raise
    if not result.success:
        click.echo(report.getvalue().strip() or None, err=True)
        raise click.ClickException(f"Migrations failed: {result.message}")
    after: int = await Migration.count()
    return after - before


def _migrate(settings: Settings) -> str:
    """Apply pending migrations and say what happened, in a few words; a database that does not answer is named."""
    try:
        applied = asyncio.run(_apply_migrations())
    except OSError as exc:  # refused, unreachable, unknown host
        raise click.ClickException(
            f"The database ({_database_address(settings)}) does not answer: {exc}. Check DATABASE_URL."
        ) from None
    except asyncpg.PostgresError as exc:  # e.g. no such database, wrong password, a failing migration
        raise click.ClickException(f"The database ({_database_address(settings)}) said: {exc}") from None
    return f"applied {applied} migration{'s' if applied != 1 else ''}" if applied else "up to date"


@main.command()
def migrate() -> None:
    """Apply every pending database migration."""
    click.echo(f"Database: {_migrate(get_settings())}")


@main.command()
@click.option("--host", default=None, help="Interface to listen on (default: HOST).")
@click.option("--port", default=None, type=int, help="Port (default: PORT).")
@click.option("--workers", default=1, show_default=True, help="Worker processes.")
@click.option("--quiet", is_flag=True, hidden=True, help="No start-up lines (`dev` prints its own summary).")
def api(host: str | None, port: int | None, workers: int, quiet: bool) -> None:
    """Run the API server (uvicorn)."""
    import uvicorn

    settings = get_settings()
    uvicorn.run(
        "backend.app:app",
        host=host or settings.server.host,
        port=port or settings.server.port,
        workers=workers,
        # The app reads X-Forwarded-For itself, from FORWARDED_ALLOW_IPS proxies only
        # (backend.core.actor.client_ip): one place decides who the client is.
        proxy_headers=False,
        log_config=None,  # the app configures structured logging itself
        log_level="warning" if quiet else None,
    )


@main.command()
@click.option(
    "--settings",
    "settings_path",
    default="backend.worker.WorkerSettings",
    show_default=True,
    help="Dotted path of the arq worker settings (tests add their own job kinds).",
)
def worker(settings_path: str) -> None:
    """Run a worker: survives Redis outages, stops within WORKER_SHUTDOWN_TIMEOUT_SECONDS."""
    from arq.utils import import_string

    from backend.jobs.process import run_worker

    run_worker(import_string(settings_path))


@main.command("worker-alive")
def worker_alive() -> None:
    """Exit 0 when a worker on this host has beaten in Redis lately (a container health check), else 1."""
    from backend.core.redis import create_redis
    from backend.jobs.heartbeat import live_workers_on

    async def count() -> int:
        redis = create_redis()
        try:
            return await live_workers_on(redis, socket.gethostname())
        finally:
            await redis.aclose()

    try:
        alive = asyncio.run(count())
    except Exception as exc:
        raise click.ClickException(f"Redis ({_redis_address(get_settings().redis.url)}): {exc}") from None
    if not alive:
        raise click.ClickException(f"No live worker on {socket.gethostname()} (no heartbeat lately).")
    click.echo(f"{alive} live worker{'s' if alive != 1 else ''} on {socket.gethostname()}")


@main.command()
@click.option("--email", prompt=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def createsuperuser(email: str, password: str) -> None:
    """Create a superuser (or promote an existing account)."""
    from backend import db
    from backend.auth import service
    from backend.core.errors import ServiceError

    if len(password) < 8:
        raise click.ClickException("password: use at least 8 characters")

    async def create() -> None:
        await db.start()
        try:
            await service.create_superuser(email, password)
        finally:
            await db.stop()

    try:
        asyncio.run(create())
    except ServiceError as exc:
        raise click.ClickException(exc.detail) from None
    click.echo(f"Superuser {email} is ready.")


@main.command()
@click.option("--flavour", type=click.Choice(["a", "b"]), default="a", help="a: Sandbox Market; b: Sandbox Bazaar.")
@click.option("--host", default=None, help="Interface to listen on (default: SANDBOX_HOST, or SANDBOX_B_HOST for b).")
@click.option("--port", default=None, type=int, help="Port (default: SANDBOX_PORT, or SANDBOX_B_PORT for b).")
@click.option(
    "--db",
    "db_path",
    default=None,
    type=click.Path(dir_okay=False, path_type=Path),
    help="SQLite file (default: SANDBOX_DB_PATH, or SANDBOX_B_DB_PATH for b).",
)
@click.option("--reset", is_flag=True, help="Wipe the sandbox and load the demo data again.")
@click.option("--quiet", is_flag=True, hidden=True, help="No start-up line (`dev` prints its own summary).")
def sandbox(flavour: str, host: str | None, port: int | None, db_path: Path | None, reset: bool, quiet: bool) -> None:
    """Run the sandbox marketplace (a demo shop the browser automation runs against), flavour a or b (two shops)."""
    import uvicorn

    from backend.sandbox.app import create_sandbox_app
    from backend.sandbox.flavours import flavour_named

    settings = get_settings().platforms
    shop = flavour_named(flavour)
    second = shop.key == "b"
    path = (db_path or (settings.sandbox_b_db_path if second else settings.sandbox_db_path)).resolve()
    app = create_sandbox_app(path, flavour=shop, reset=reset)
    host = host or (settings.sandbox_b_host if second else settings.sandbox_host)
    port = port or (settings.sandbox_b_port if second else settings.sandbox_port)
    if not quiet:
        click.echo(f"{shop.name} at http://{host}:{port}  (data in {path}; users {SANDBOX_USERS})")
    # A request held by the publish fault must not hold up shutdown for long.
    uvicorn.run(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=2)


def _redis_answers(url: str) -> bool:
    from redis import Redis

    try:
        client = Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
        client.close()
    except Exception:
        return False
    return True


def _start_local_redis(url: str, data_dir: Path) -> subprocess.Popen[bytes]:
    parsed = urlparse(url)
    server = shutil.which("redis-server")
    if parsed.hostname not in LOCAL_HOSTS:
        raise click.ClickException(
            f"Redis at {parsed.hostname}:{parsed.port or 6379} does not answer; check REDIS_URL."
        )
    if server is None:
        raise click.ClickException(
            "Redis does not answer at REDIS_URL and redis-server is not installed.\n"
            "Install Redis (Debian/Ubuntu: apt install redis-server; macOS: brew install redis) "
            "or point REDIS_URL at a running Redis."
        )
    redis_dir = data_dir / "redis"
    redis_dir.mkdir(parents=True, exist_ok=True)
    port = str(parsed.port or 6379)
    process = subprocess.Popen(
        [
            server,
            "--bind",
            "127.0.0.1",
            "--port",
            port,
            "--dir",
            str(redis_dir),
            "--save",
            "60 1",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 10
    while not _redis_answers(url):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise click.ClickException(f"redis-server did not start on port {port}; is the port taken?")
        time.sleep(0.1)
    return process


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 10
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()


def _browsable(host: str) -> str:
    """An address a browser on this machine can open (not the 0.0.0.0 a server listens on)."""
    return "127.0.0.1" if host in {"0.0.0.0", "::", ""} else host  # noqa: S104 - compared, not bound


def _redis_address(url: str) -> str:
    """Where Redis is, without the password a URL may carry."""
    parsed = urlparse(url)
    if parsed.scheme == "unix":
        return parsed.path
    database = parsed.path.lstrip("/") or "0"
    return f"{parsed.hostname}:{parsed.port or 6379}/{database}"


def _database_address(settings: Settings) -> str:
    if settings.database.url is None:
        return f"SQLite at {settings.database.sqlite_path}"
    parsed = urlparse(settings.database.url)  # never the password
    return f"PostgreSQL at {parsed.hostname}:{parsed.port or 5432}{parsed.path}"


def _summary(settings: Settings, migrated: str, started_redis: bool) -> str:
    app = f"http://{_browsable(settings.server.host)}:{settings.server.port}"
    platforms = settings.platforms
    sandbox = f"http://{_browsable(platforms.sandbox_host)}:{platforms.sandbox_port}"
    sandbox_b = f"http://{_browsable(platforms.sandbox_b_host)}:{platforms.sandbox_b_port}"
    redis = f"{_redis_address(settings.redis.url)}, key prefix {settings.redis.key_prefix}"
    if started_redis:
        redis += f" (redis-server started for you, data in {settings.data_dir / 'redis'})"
    chromium = find_chromium(platforms.chromium_path)
    browser = chromium.detail if chromium.found else f"{chromium.detail} (browser jobs fail until then)"
    rows = [
        ("App", f"{app}/"),
        ("API docs", f"{app}/schema/swagger"),
        ("Sandbox", f"{sandbox} (Sandbox Market) and {sandbox_b} (Sandbox Bazaar)  (demo shops: {SANDBOX_USERS})"),
        ("Database", f"{_database_address(settings)} ({migrated})"),
        ("Redis", redis),
        ("Workers", "1 worker process (jobs and schedules)"),
        ("Browser", browser),
    ]
    lines = [f"  {name + ':':<10} {value}" for name, value in rows]
    return "\n".join(["Sellpilot is running (Ctrl-C stops everything):", *lines])


def _wait_for_api(host: str, port: int, processes: list[subprocess.Popen[bytes]]) -> None:
    """Until the API listens (uvicorn binds after the app's start-up), a process stops, or the time is up."""
    deadline = time.monotonic() + API_START_TIMEOUT_SECONDS
    while time.monotonic() < deadline and all(p.poll() is None for p in processes):
        with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=1):
            return
        time.sleep(0.2)


@main.command()
def dev() -> None:
    """Run API, worker and both sandbox shops for local use; starts Redis if needed. Ctrl-C stops all."""
    settings = get_settings()
    started: list[subprocess.Popen[bytes]] = []

    def stop_requested(signum: int, _: object) -> None:
        raise KeyboardInterrupt

    # Ctrl-C and `kill` both stop everything; set explicitly because a shell
    # may start us with SIGINT ignored (e.g. in the background).
    signal.signal(signal.SIGINT, stop_requested)
    signal.signal(signal.SIGTERM, stop_requested)
    started_redis = not _redis_answers(settings.redis.url)
    if started_redis:
        started.append(_start_local_redis(settings.redis.url, settings.data_dir))
    try:
        click.echo("Starting Sellpilot…")
        migrated = _migrate(settings)
        # Each child gets its own session so Ctrl-C reaches it only through us,
        # and we stop them in order. Their own start-up lines are left out:
        # the summary below says it once.
        for command in (*SANDBOX_COMMANDS, ["worker"], ["api", "--quiet"]):
            started.append(
                subprocess.Popen(
                    [sys.executable, "-m", "backend.cli", *command],
                    env=os.environ.copy(),
                    start_new_session=True,
                )
            )
        _wait_for_api(_browsable(settings.server.host), settings.server.port, started)
        if all(p.poll() is None for p in started):
            click.echo(_summary(settings, migrated, started_redis))
        while all(p.poll() is None for p in started):
            time.sleep(0.5)
        raise click.ClickException("A process stopped unexpectedly; shutting down the others.")
    except KeyboardInterrupt:
        click.echo("\nStopping…")
    finally:
        # A second Ctrl-C (or uv forwarding the first) must not cut the clean-up short.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        _stop(list(reversed(started)))


@main.command("rotate-keys")
@click.option("--batch", default=1000, show_default=True, help="Secrets re-encrypted per step.")
def rotate_keys(batch: int) -> None:
    """Re-encrypt every vault secret still under an older key with the current one (the first of VAULT_KEYS).

    Run after putting a new key first in VAULT_KEYS (keep the old ones listed until this says
    nothing is left); the maintenance cron does the same a bounded step each night.
    """
    click.echo(_run_with_database(lambda: rotate_all_keys(batch)))


async def rotate_all_keys(batch: int) -> str:
    """Rotation steps until one changes nothing; what was done, in a line (counts only, never a secret)."""
    from backend.admin import maintenance

    done = await maintenance.rotate_keys_to_the_end(batch)
    total, remaining = done["re_encrypted"], done["remaining"]
    secrets = f"{total} secret{'s' if total != 1 else ''}"
    text = f"re-encrypted {secrets} under key {done['key_id']!r} in {done['steps']} step(s)"
    if remaining:
        text += (
            f"; {remaining} left under a key not in VAULT_KEYS or damaged ({done['unreadable']} unreadable): "
            "keep their old key listed, or replace those secrets"
        )
    else:
        text += "; none left under an older key: older keys can now be removed from VAULT_KEYS"
    return text


@main.group()
def analytics() -> None:
    """Analytics upkeep: rebuild the rollups, seed a big workspace."""


def _run_with_database(work: Any) -> Any:
    from backend import db

    async def run() -> Any:
        await db.start()
        try:
            return await work()
        finally:
            await db.stop()

    return asyncio.run(run())


@analytics.command("rebuild-rollups")
@click.option("--workspace", "workspace_id", type=click.UUID, default=None, help="Only this workspace (default: all).")
def rebuild_rollups(workspace_id: uuid.UUID | None) -> None:
    """Recompute the hourly rollups from the events (each workspace in one transaction)."""
    from backend.analytics import service

    async def work() -> None:
        for ws in [workspace_id] if workspace_id else await service.workspaces_with_events():
            click.echo(f"{ws}: {await service.rebuild(ws)} hourly rollups")

    _run_with_database(work)


@analytics.command("seed")
@click.option("--workspace", "workspace_id", type=click.UUID, required=True, help="The workspace to fill.")
@click.option("--events", default=1_000_000, show_default=True, help="Events to add.")
@click.option("--listings", "listing_count", default=10_000, show_default=True, help="Published drafts to add.")
@click.option("--seed", "seed_value", default=7, show_default=True, help="Random seed (same seed, same data).")
def seed_analytics(workspace_id: uuid.UUID, events: int, listing_count: int, seed_value: int) -> None:
    """Fill a workspace with published drafts, events and sales, and build its rollups (for the benchmark)."""
    from backend.analytics import seed

    started = time.monotonic()
    report = _run_with_database(
        lambda: seed.seed(workspace_id, events=events, listing_count=listing_count, seed_value=seed_value)
    )
    click.echo(
        f"{report.listings} listings, {report.events} events, {report.sales} sales, {report.rollups} hourly rollups "
        f"in {time.monotonic() - started:.0f} s"
    )


if __name__ == "__main__":
    main()
