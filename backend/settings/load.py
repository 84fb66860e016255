"""Building the settings from the environment: defaults for local use, strict checks for production."""

from __future__ import annotations

import base64
import binascii
import hashlib
import ipaddress
import os
import secrets
from pathlib import Path
from urllib.parse import urlparse

from dotenv import dotenv_values

from backend.settings.env import Env
from backend.settings.groups import (
    AISettings,
    AnalyticsSettings,
    AuditSettings,
    AuthSettings,
    AutomationSettings,
    BillingSettings,
    CollectSettings,
    DatabaseSettings,
    IPNetwork,
    JobSettings,
    MaintenanceSettings,
    MediaSettings,
    ObservabilitySettings,
    PlatformSettings,
    RateLimitSettings,
    RedisSettings,
    ServerSettings,
    Settings,
    SettingsError,
)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MIN_SECRET_LENGTH = 32
WEAK_SECRETS = frozenset({"secret", "changeme", "change-me", "password", "development", "dev"})
APP_ENVS = ("development", "test", "production")


def _secret_key(env: Env, app_env: str, data_dir: Path) -> str:
    key = env.optional("SECRET_KEY")
    if app_env == "production":
        if key is None:
            raise SettingsError(
                "SECRET_KEY is required when APP_ENV=production. "
                'Generate one with: python -c "import secrets; print(secrets.token_urlsafe(48))"'
            )
        if len(key) < MIN_SECRET_LENGTH or key.lower() in WEAK_SECRETS or len(set(key)) < 10:
            raise SettingsError(
                f"SECRET_KEY is too weak for production: use at least {MIN_SECRET_LENGTH} random characters. "
                'Generate one with: python -c "import secrets; print(secrets.token_urlsafe(48))"'
            )
        return key
    if key is not None:
        return key
    # Local use: one random key kept under the data folder, so the API and the
    # worker (separate processes) and restarts all agree on it.
    key_file = data_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def _origins(raw: str) -> tuple[str, ...]:
    origins = tuple(o.strip().rstrip("/") for o in raw.split(",") if o.strip())
    for origin in origins:
        parsed = urlparse(origin)
        if origin != "*" and (parsed.scheme not in {"http", "https"} or not parsed.netloc):
            raise SettingsError(f"ALLOWED_ORIGINS has {origin!r}, which is not an origin like https://app.example.com")
    return origins


def _trusted_proxies(raw: str) -> tuple[IPNetwork, ...]:
    if raw == "*":
        # "*" lets every caller pick its own address in X-Forwarded-For and walk past
        # the per-address login and sign-up limits; trusting everyone must be spelled out.
        raise SettingsError(
            "FORWARDED_ALLOW_IPS='*' would let any client choose the address the rate limits see. "
            "List the addresses or networks of your reverse proxies (e.g. 10.0.0.0/8,127.0.0.1); "
            "if every connection really comes through a proxy, write 0.0.0.0/0,::/0"
        )
    networks = []
    for entry in (e.strip() for e in raw.split(",")):
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise SettingsError(
                f"FORWARDED_ALLOW_IPS has {entry!r}, which is not an IP address or network like 10.0.0.0/8"
            ) from None
    return tuple(networks)


def _gc_thresholds(env: Env) -> tuple[int, int, int] | None:
    name = "API_GC_THRESHOLDS"
    raw = env.text(name, "20000,50,100")
    if raw.lower() == "python":
        return None
    parts = [p.strip() for p in raw.split(",")]
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise SettingsError(f"{name}={raw!r} must be three whole numbers like 20000,50,100 (or python)")
    first, second, third = (int(p) for p in parts)
    if min(first, second, third) < 1:
        # 0 turns automatic collection off: reference cycles would never be freed.
        raise SettingsError(f"{name}={raw!r}: each threshold must be at least 1")
    return first, second, third


def _ai_settings(env: Env) -> AISettings:
    key = env.optional("OPENAI_API_KEY")
    provider = env.text("AI_PROVIDER", "openai" if key else "local").lower()
    if provider not in {"openai", "local"}:
        raise SettingsError(f"AI_PROVIDER={provider!r} must be openai or local")
    if provider == "openai" and key is None:
        raise SettingsError("AI_PROVIDER=openai needs OPENAI_API_KEY")
    return AISettings(
        provider=provider,
        openai_api_key=key,
        openai_base_url=env.optional("OPENAI_BASE_URL"),
        openai_model=env.text("OPENAI_MODEL", "gpt-4o-mini"),
        timeout_seconds=env.number("OPENAI_TIMEOUT_SECONDS", 60.0),
        max_retries=env.integer("OPENAI_MAX_RETRIES", 3, minimum=0),
        provider_max_concurrency=env.integer("AI_MAX_CONCURRENCY", 5, minimum=1),
        provider_per_minute=env.integer("AI_MAX_PER_MINUTE", 0, minimum=0),
        workspace_max_concurrency=env.integer("AI_WORKSPACE_MAX_CONCURRENCY", 5, minimum=1),
    )


def _vault_keys(env: Env, app_env: str, secret_key: str) -> tuple[tuple[str, bytes], ...]:
    raw = env.optional("VAULT_KEYS")
    if raw is None:
        if app_env == "production":
            raise SettingsError(
                "VAULT_KEYS is required when APP_ENV=production: one or more key_id:base64key pairs, comma separated, "
                "the first used for new secrets. Generate a key with: "
                'python -c "import os, base64; print(base64.b64encode(os.urandom(32)).decode())"'
            )
        # Local use: a key derived from SECRET_KEY, so the API and worker agree.
        return (("local", hashlib.sha256(b"sellpilot-vault:" + secret_key.encode()).digest()),)
    keys: list[tuple[str, bytes]] = []
    for part in raw.split(","):
        key_id, sep, encoded = part.strip().partition(":")
        try:
            key = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            key = b""
        if not sep or not key_id or len(key) != 32:
            raise SettingsError(f"VAULT_KEYS entry {key_id or part!r} must be key_id:base64 of exactly 32 random bytes")
        keys.append((key_id, key))
    if len({k for k, _ in keys}) != len(keys):
        raise SettingsError("VAULT_KEYS repeats a key id")
    return tuple(keys)


def _redis_key_prefix(env: Env, app_env: str, data_dir: Path) -> str:
    configured = env.optional("REDIS_KEY_PREFIX")
    if configured is not None:
        return configured
    if app_env == "development":
        # Two local clones (or data folders) on one Redis must not share a queue.
        return "sellpilot-" + hashlib.sha256(str(data_dir).encode()).hexdigest()[:8]
    return "sellpilot"


def _platform_settings(env: Env, app_env: str, secret_key: str, data_dir: Path) -> PlatformSettings:
    pacing_min = env.number("PACING_MIN_SECONDS", 2.0)
    pacing_max = env.number("PACING_MAX_SECONDS", 6.0)
    if not 0 <= pacing_min <= pacing_max:
        raise SettingsError("PACING_MIN_SECONDS must be at least 0 and at most PACING_MAX_SECONDS")
    typing_min = env.integer("TYPING_MIN_MS", 40)
    typing_max = env.integer("TYPING_MAX_MS", 160)
    if typing_min > typing_max:
        raise SettingsError("TYPING_MIN_MS must be at most TYPING_MAX_MS")
    sandbox_port = env.integer("SANDBOX_PORT", 8100, minimum=1)
    sandbox_host = env.text("SANDBOX_HOST", "127.0.0.1")
    sandbox_b_port = env.integer("SANDBOX_B_PORT", 8101, minimum=1)
    if sandbox_b_port == sandbox_port:
        raise SettingsError("SANDBOX_B_PORT must differ from SANDBOX_PORT: the two sandbox shops run side by side")
    return PlatformSettings(
        vault_keys=_vault_keys(env, app_env, secret_key),
        chromium_path=env.optional("CHROMIUM_PATH"),
        browser_headless=env.flag("BROWSER_HEADLESS", True),
        browser_max_contexts=env.integer("BROWSER_MAX_CONTEXTS", 8, minimum=1),
        browser_context_idle_seconds=env.number("BROWSER_CONTEXT_IDLE_SECONDS", 300.0),
        action_timeout_seconds=env.number("BROWSER_ACTION_TIMEOUT_SECONDS", 20.0),
        pacing_min_seconds=pacing_min,
        pacing_max_seconds=pacing_max,
        typing_min_ms=typing_min,
        typing_max_ms=typing_max,
        fast_mode=env.flag("AUTOMATION_FAST_MODE", False),
        default_daily_action_cap=env.integer("ACCOUNT_DAILY_ACTION_CAP", 200, minimum=1),
        max_concurrent_accounts_per_workspace=env.integer("ACCOUNT_WORKSPACE_MAX_CONCURRENCY", 5, minimum=1),
        proxy_check_url=env.text("PROXY_CHECK_URL", "https://www.gstatic.com/generate_204"),
        proxy_check_timeout_seconds=env.number("PROXY_CHECK_TIMEOUT_SECONDS", 10.0),
        sandbox_url=env.text("SANDBOX_URL", f"http://127.0.0.1:{sandbox_port}").rstrip("/"),
        sandbox_host=sandbox_host,
        sandbox_port=sandbox_port,
        sandbox_db_path=Path(env.text("SANDBOX_DB_PATH", str(data_dir / "sandbox.sqlite3"))).resolve(),
        sandbox_b_url=env.text("SANDBOX_B_URL", f"http://127.0.0.1:{sandbox_b_port}").rstrip("/"),
        sandbox_b_host=env.text("SANDBOX_B_HOST", sandbox_host),
        sandbox_b_port=sandbox_b_port,
        sandbox_b_db_path=Path(env.text("SANDBOX_B_DB_PATH", str(data_dir / "sandbox-b.sqlite3"))).resolve(),
    )


def _multiproc_dir(environ: dict[str, str]) -> Path | None:
    # prometheus_client reads the variable from the process environment when first imported,
    # so set it there (in .env it would come too late for it): checked here all the same.
    raw = environ.get("PROMETHEUS_MULTIPROC_DIR", "").strip()
    if not raw:
        return None
    path = Path(raw)
    if not path.is_dir() or not os.access(path, os.W_OK):
        raise SettingsError(
            f"PROMETHEUS_MULTIPROC_DIR={raw!r} must be an existing writable directory, empty when the first "
            "process starts (e.g. a tmpfs); unset it to keep each process's metrics to itself"
        )
    return path


def _secret_values(env: Env, secret_key: str, database_url: str | None, redis_url: str) -> tuple[str, ...]:
    """Every configured secret, as it could show up in a log: the logs cut these out."""
    values = [secret_key]
    for name in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "OPENAI_API_KEY", "VAULT_KEYS"):
        value = env.optional(name)
        if value is not None:
            values.append(value)
    vault_keys = env.optional("VAULT_KEYS") or ""
    values.extend(part.partition(":")[2].strip() for part in vault_keys.split(","))
    for url in (database_url, redis_url):
        password = urlparse(url).password if url else None
        if password:
            # As it sits in the URL: a bare password such as compose's "sellpilot"
            # would also cut the app's own name out of every line.
            values.append(f":{password}@")
    return tuple(v for v in values if v)


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Build settings from `environ` (default: `.env` overlaid by the process environment)."""
    if environ is None:
        env_file = Path(os.environ.get("SELLPILOT_ENV_FILE", PROJECT_ROOT / ".env"))
        file_values = {k: v for k, v in dotenv_values(env_file).items() if v is not None} if env_file.exists() else {}
        environ = {**file_values, **os.environ}
    env = Env(environ)

    app_env = env.text("APP_ENV", "development").lower()
    if app_env not in APP_ENVS:
        raise SettingsError(f"APP_ENV={app_env!r} must be one of {', '.join(APP_ENVS)}")
    data_dir = Path(env.text("DATA_DIR", str(PROJECT_ROOT / ".data"))).resolve()

    database_url = env.optional("DATABASE_URL")
    if database_url is not None and urlparse(database_url).scheme not in {
        "postgres",
        "postgresql",
    }:
        raise SettingsError("DATABASE_URL must be a postgresql:// URL; leave it unset for the embedded SQLite file")
    if app_env == "production" and database_url is None:
        raise SettingsError("DATABASE_URL is required when APP_ENV=production (the SQLite file is for local use)")

    redis_url = env.text("REDIS_URL", "redis://127.0.0.1:6379/0")
    if urlparse(redis_url).scheme not in {"redis", "rediss", "unix"}:
        raise SettingsError(f"REDIS_URL={redis_url!r} must be a redis://, rediss:// or unix:// URL")

    log_level = env.text("LOG_LEVEL", "INFO").upper()
    if log_level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
        raise SettingsError(f"LOG_LEVEL={log_level!r} must be DEBUG, INFO, WARNING, ERROR or CRITICAL")

    secret_key = _secret_key(env, app_env, data_dir)
    default_origins = "" if app_env == "production" else "http://localhost:5173,http://127.0.0.1:5173"
    return Settings(
        app_env=app_env,
        data_dir=data_dir,
        database=DatabaseSettings(
            url=database_url,
            sqlite_path=Path(env.text("SQLITE_PATH", str(data_dir / "sellpilot.sqlite3"))).resolve(),
            pool_min_size=env.integer("DATABASE_POOL_MIN_SIZE", 1, minimum=1),
            pool_max_size=env.integer("DATABASE_POOL_MAX_SIZE", 10, minimum=1),
        ),
        redis=RedisSettings(
            url=redis_url,
            key_prefix=_redis_key_prefix(env, app_env, data_dir),
            api_idle_connections=env.integer("REDIS_API_IDLE_CONNECTIONS", 4, minimum=1),
        ),
        auth=AuthSettings(
            secret_key=secret_key,
            algorithm="HS256",
            issuer="sellpilot",
            access_token_ttl_seconds=env.integer("ACCESS_TOKEN_TTL_SECONDS", 900, minimum=30),
            refresh_token_ttl_seconds=env.integer("REFRESH_TOKEN_TTL_SECONDS", 30 * 86400, minimum=60),
        ),
        rate_limits=RateLimitSettings(
            enabled=env.flag("RATE_LIMITS_ENABLED", True),
            login_per_ip=env.rate("RATE_LIMIT_LOGIN_PER_IP", "30/minute"),
            login_per_email=env.rate("RATE_LIMIT_LOGIN_PER_EMAIL", "10/minute"),
            register_per_ip=env.rate("RATE_LIMIT_REGISTER_PER_IP", "20/hour"),
            register_per_email=env.rate("RATE_LIMIT_REGISTER_PER_EMAIL", "5/hour"),
            general_per_user=env.rate("RATE_LIMIT_GENERAL", "600/minute"),
            job_retry_per_user=env.rate("RATE_LIMIT_JOB_RETRY", "30/minute"),
            job_start_per_user=env.rate("RATE_LIMIT_JOB_START", "30/minute"),
            collect_start_per_user=env.rate("RATE_LIMIT_COLLECT_START", "10/minute"),
            collect_retry_per_user=env.rate("RATE_LIMIT_COLLECT_RETRY", "5/minute"),
        ),
        jobs=JobSettings(
            job_timeout_seconds=env.integer("WORKER_JOB_TIMEOUT_SECONDS", 120, minimum=1),
            max_jobs=env.integer("WORKER_MAX_JOBS", 20, minimum=1),
            max_jobs_per_workspace=env.integer("WORKER_MAX_JOBS_PER_WORKSPACE", 8, minimum=1),
            poll_delay_seconds=env.number("WORKER_POLL_DELAY_SECONDS", 0.05),
            retry_base_seconds=env.number("JOB_RETRY_BASE_SECONDS", 2.0),
            default_max_attempts=env.integer("JOB_MAX_ATTEMPTS", 3, minimum=1),
            events_max_len=env.integer("EVENTS_MAX_LEN", 10_000, minimum=100),
            stream_token_ttl_seconds=env.integer("STREAM_TOKEN_TTL_SECONDS", 120, minimum=5),
            sse_heartbeat_seconds=env.number("SSE_HEARTBEAT_SECONDS", 15.0),
            sse_max_connection_seconds=env.integer("SSE_MAX_CONNECTION_SECONDS", 600, minimum=5),
            limiter_lease_seconds=env.integer("LIMITER_LEASE_SECONDS", 30, minimum=2),
            worker_metrics_port=env.integer("WORKER_METRICS_PORT", 0, minimum=0),
            worker_metrics_addr=env.text("WORKER_METRICS_ADDR", "127.0.0.1"),
            worker_heartbeat_seconds=max(0.5, env.number("WORKER_HEARTBEAT_SECONDS", 5.0)),
            worker_shutdown_timeout_seconds=max(1.0, env.number("WORKER_SHUTDOWN_TIMEOUT_SECONDS", 10.0)),
            worker_uvloop=env.flag("WORKER_UVLOOP", True),
        ),
        billing=BillingSettings(
            stripe_secret_key=env.optional("STRIPE_SECRET_KEY"),
            stripe_webhook_secret=env.optional("STRIPE_WEBHOOK_SECRET"),
            price_pro=env.optional("STRIPE_PRICE_PRO"),
            price_business=env.optional("STRIPE_PRICE_BUSINESS"),
            stripe_api_base=env.optional("STRIPE_API_BASE"),
            stripe_timeout_seconds=env.number("STRIPE_TIMEOUT_SECONDS", 10.0),
            stripe_max_network_retries=env.integer("STRIPE_MAX_NETWORK_RETRIES", 1),
            webhook_tolerance_seconds=env.integer("STRIPE_WEBHOOK_TOLERANCE_SECONDS", 300, minimum=1),
            public_url=env.text("PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/"),
        ),
        media=MediaSettings(
            max_file_bytes=env.integer("MEDIA_MAX_FILE_BYTES", 15 * 1024 * 1024, minimum=1024),
            max_video_bytes=env.integer("MEDIA_MAX_VIDEO_BYTES", 100 * 1024 * 1024, minimum=1024),
            max_files=env.integer("MEDIA_MAX_FILES", 50, minimum=1),
            max_pixels=env.integer("MEDIA_MAX_PIXELS", 50_000_000, minimum=10_000),
            thumbnail_px=env.integer("MEDIA_THUMBNAIL_PX", 400, minimum=32),
            duplicate_distance=env.integer("MEDIA_DUPLICATE_DISTANCE", 8, minimum=0),
            root=data_dir / "media",
            hash_index_namespaces=env.integer("MEDIA_HASH_INDEX_NAMESPACES", 64, minimum=1),
            hash_index_lookback_seconds=env.number("MEDIA_HASH_INDEX_LOOKBACK_SECONDS", 30.0),
            import_allow_private_urls=env.flag("IMPORT_ALLOW_PRIVATE_URLS", False),
        ),
        collect=CollectSettings(
            min_width=env.integer("COLLECT_MIN_WIDTH", 256, minimum=1),
            min_height=env.integer("COLLECT_MIN_HEIGHT", 256, minimum=1),
            max_image_bytes=env.integer("COLLECT_MAX_IMAGE_BYTES", 15 * 1024 * 1024, minimum=1024),
            min_sharpness=env.number("COLLECT_MIN_SHARPNESS", 60.0),
            sharpness_px=env.integer("COLLECT_SHARPNESS_PX", 512, minimum=32),
            max_aspect=max(1.0, env.number("COLLECT_MAX_ASPECT", 3.0)),
            blank_stddev=env.number("COLLECT_BLANK_STDDEV", 6.0),
            blank_max_colours=env.integer("COLLECT_BLANK_MAX_COLOURS", 2, minimum=1),
        ),
        ai=_ai_settings(env),
        platforms=_platform_settings(env, app_env, secret_key, data_dir),
        observability=ObservabilitySettings(
            log_level=log_level,
            log_json=env.flag("LOG_JSON", app_env == "production"),
            sentry_dsn=env.optional("SENTRY_DSN"),
            sentry_traces_sample_rate=env.number("SENTRY_TRACES_SAMPLE_RATE", 0.0),
            secret_values=_secret_values(env, secret_key, database_url, redis_url),
            prometheus_multiproc_dir=_multiproc_dir(environ),
        ),
        server=ServerSettings(
            host=env.text("HOST", "127.0.0.1"),
            port=env.integer("PORT", 8000, minimum=1),
            allowed_origins=_origins(env.text("ALLOWED_ORIGINS", default_origins)),
            forwarded_allow_ips=_trusted_proxies(env.text("FORWARDED_ALLOW_IPS", "127.0.0.1")),
            spa_dir=Path(env.text("SPA_DIR", str(PROJECT_ROOT / "frontend" / "dist"))).resolve(),
            gc_thresholds=_gc_thresholds(env),
        ),
        automation=AutomationSettings(
            tick_batch=env.integer("AUTOMATION_TICK_BATCH", 2000, minimum=1),
            tick_enabled=env.flag("AUTOMATION_TICK_ENABLED", True),
        ),
        analytics=AnalyticsSettings(
            sync_enabled=env.flag("ANALYTICS_SYNC_ENABLED", True),
            sync_tick_batch=env.integer("ANALYTICS_SYNC_TICK_BATCH", 500, minimum=1),
            reprice_min_views=env.integer("ANALYTICS_REPRICE_MIN_VIEWS", 50, minimum=1),
            max_event_age_days=env.integer("ANALYTICS_MAX_EVENT_AGE_DAYS", 90, minimum=1),
            future_skew_seconds=env.integer("ANALYTICS_FUTURE_SKEW_SECONDS", 300, minimum=0),
        ),
        maintenance=MaintenanceSettings(
            enabled=env.flag("MAINTENANCE_ENABLED", True),
            jobs_retention_days=env.integer("JOBS_RETENTION_DAYS", 30, minimum=1),
            analytics_events_retention_days=env.integer("ANALYTICS_EVENTS_RETENTION_DAYS", 400, minimum=1),
            media_orphan_grace_hours=max(1.0, env.number("MEDIA_ORPHAN_GRACE_HOURS", 24.0)),
            jobs_per_run=env.integer("MAINTENANCE_JOBS_PER_RUN", 5_000, minimum=1),
            analytics_events_per_run=env.integer("MAINTENANCE_ANALYTICS_EVENTS_PER_RUN", 200_000, minimum=1),
            audit_rows_per_run=env.integer("MAINTENANCE_AUDIT_ROWS_PER_RUN", 50_000, minimum=1),
            media_files_per_run=env.integer("MAINTENANCE_MEDIA_FILES_PER_RUN", 2_000, minimum=1),
            secrets_per_run=env.integer("MAINTENANCE_SECRETS_PER_RUN", 1_000, minimum=1),
        ),
        audit=AuditSettings(retention_days=env.integer("AUDIT_RETENTION_DAYS", 365, minimum=1)),
    )
