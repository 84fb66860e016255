"""The `sellpilot` command."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import click

from backend.settings import SettingsError, get_settings

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def _settings_or_exit() -> None:
    try:
        get_settings()
    except SettingsError as exc:
        raise click.ClickException(f"Configuration error: {exc}") from None


@click.group()
def main() -> None:
    """Sellpilot: run the API, the worker, migrations and admin tasks."""
    _settings_or_exit()


@main.command()
def migrate() -> None:
    """Apply every pending database migration."""
    from piccolo.apps.migrations.commands.forwards import run_forwards

    result = asyncio.run(run_forwards(app_name="all"))
    if not result.success:
        raise click.ClickException(f"Migrations failed: {result.message}")
    click.echo("Database is up to date.")


@main.command()
@click.option("--host", default=None, help="Interface to listen on (default: HOST).")
@click.option("--port", default=None, type=int, help="Port (default: PORT).")
@click.option("--workers", default=1, show_default=True, help="Worker processes.")
def api(host: str | None, port: int | None, workers: int) -> None:
    """Run the API server (uvicorn)."""
    import uvicorn

    settings = get_settings()
    uvicorn.run(
        "backend.app:app",
        host=host or settings.server.host,
        port=port or settings.server.port,
        workers=workers,
        proxy_headers=True,
        forwarded_allow_ips=settings.server.forwarded_allow_ips,
        log_config=None,  # the app configures structured logging itself
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
@click.option("--host", default=None, help="Interface to listen on (default: SANDBOX_HOST).")
@click.option("--port", default=None, type=int, help="Port (default: SANDBOX_PORT).")
@click.option(
    "--db",
    "db_path",
    default=None,
    type=click.Path(dir_okay=False, path_type=Path),
    help="SQLite file (default: SANDBOX_DB_PATH).",
)
@click.option("--reset", is_flag=True, help="Wipe the sandbox and load the demo data again.")
def sandbox(host: str | None, port: int | None, db_path: Path | None, reset: bool) -> None:
    """Run the sandbox marketplace (a demo shop the browser automation runs against)."""
    import uvicorn

    from backend.platforms.sandbox.app import create_sandbox_app

    settings = get_settings().platforms
    path = (db_path or settings.sandbox_db_path).resolve()
    app = create_sandbox_app(path, reset=reset)
    host = host or settings.sandbox_host
    port = port or settings.sandbox_port
    click.echo(f"Sandbox marketplace at http://{host}:{port}  (data in {path}; users alice…erin, sandbox-pass-1)")
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
    click.echo(f"Starting redis-server on 127.0.0.1:{port} (data in {redis_dir})")
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


@main.command()
def dev() -> None:
    """Run API, worker and the sandbox marketplace for local use; starts Redis if needed. Ctrl-C stops all."""
    settings = get_settings()
    started: list[subprocess.Popen[bytes]] = []

    def stop_requested(signum: int, _: object) -> None:
        raise KeyboardInterrupt

    # Ctrl-C and `kill` both stop everything; set explicitly because a shell
    # may start us with SIGINT ignored (e.g. in the background).
    signal.signal(signal.SIGINT, stop_requested)
    signal.signal(signal.SIGTERM, stop_requested)
    if not _redis_answers(settings.redis.url):
        started.append(_start_local_redis(settings.redis.url, settings.data_dir))
    database = "PostgreSQL" if settings.database.is_postgres else f"SQLite at {settings.database.sqlite_path}"
    click.echo(f"Database: {database}")
    try:
        subprocess.run([sys.executable, "-m", "backend.cli", "migrate"], check=True)
        # Each child gets its own session so Ctrl-C reaches it only through us,
        # and we stop them in order.
        for command in ("sandbox", "worker", "api"):
            started.append(
                subprocess.Popen(
                    [sys.executable, "-m", "backend.cli", command],
                    env=os.environ.copy(),
                    start_new_session=True,
                )
            )
        click.echo(f"Sandbox marketplace (for automation demos): {settings.platforms.sandbox_url}")
        click.echo(f"Sellpilot is running at http://{settings.server.host}:{settings.server.port}  (Ctrl-C to stop)")
        while all(p.poll() is None for p in started):
            time.sleep(0.5)
        raise click.ClickException("A process stopped unexpectedly; shutting down the others.")
    except KeyboardInterrupt:
        click.echo("\nStopping…")
    except subprocess.CalledProcessError as exc:
        raise click.ClickException("Migrations failed; see the error above.") from exc
    finally:
        # A second Ctrl-C (or uv forwarding the first) must not cut the clean-up short.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        _stop(list(reversed(started)))


if __name__ == "__main__":
    main()
