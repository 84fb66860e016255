"""The settings' typed groups (database, auth, jobs, billing, …) and the errors that explain a bad value."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class SettingsError(RuntimeError):
    """A setting is missing or invalid; the message says which and how to fix it."""


@dataclass(frozen=True)
class RateLimit:
    """`limit` requests per `period_seconds`, e.g. parsed from "10/minute"."""

    limit: int
    period_seconds: int

    @classmethod
    def parse(cls, name: str, value: str) -> RateLimit:
        units = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
        count, _, unit = value.partition("/")
        try:
            limit = int(count)
            period = units[unit.strip().rstrip("s")]
        except (ValueError, KeyError):
            raise SettingsError(
                f"{name}={value!r} is not a rate limit; write it as N/second, N/minute, N/hour or N/day"
            ) from None
        if limit < 1:
            raise SettingsError(f"{name} must allow at least one request, got {value!r}")
        return cls(limit=limit, period_seconds=period)


@dataclass(frozen=True)
class DatabaseSettings:
    url: str | None
    """PostgreSQL DSN; None means the embedded SQLite file."""
    sqlite_path: Path
    pool_min_size: int
    pool_max_size: int

    @property
    def is_postgres(self) -> bool:
        return self.url is not None


@dataclass(frozen=True)
class RedisSettings:
    url: str
    key_prefix: str
    api_idle_connections: int
    """Idle connections the API process keeps to Redis; more open for a burst and close after it.
    Live event streams share one more connection of their own."""


@dataclass(frozen=True)
class AuthSettings:
    secret_key: str
    algorithm: str
    issuer: str
    access_token_ttl_seconds: int
    refresh_token_ttl_seconds: int


@dataclass(frozen=True)
class RateLimitSettings:
    enabled: bool
    login_per_ip: RateLimit
    login_per_email: RateLimit
    register_per_ip: RateLimit
    register_per_email: RateLimit
    general_per_user: RateLimit
    job_retry_per_user: RateLimit
    job_start_per_user: RateLimit
    collect_start_per_user: RateLimit
    collect_retry_per_user: RateLimit


@dataclass(frozen=True)
class JobSettings:
    job_timeout_seconds: int
    """arq's per-run limit. A crashed worker's job is picked up again only after this + 10 s."""
    max_jobs: int
    """Jobs one worker process runs at once."""
    max_jobs_per_workspace: int
    """Jobs of one workspace running at once over all workers (its plan may allow fewer), so one
    workspace's backlog cannot take every worker slot."""
    poll_delay_seconds: float
    retry_base_seconds: float
    """First retry delay; doubles each attempt (with jitter), capped at 5 minutes."""
    default_max_attempts: int
    events_max_len: int
    """Events kept per workspace stream (approximate cap)."""
    stream_token_ttl_seconds: int
    sse_heartbeat_seconds: float
    sse_max_connection_seconds: int
    limiter_lease_seconds: int
    worker_metrics_port: int
    """Port of a worker's own Prometheus endpoint; 0 turns it off."""
    worker_metrics_addr: str
    worker_heartbeat_seconds: float
    """How often a worker records that it is alive; it counts as dead after three missed beats."""
    worker_shutdown_timeout_seconds: float
    """A stopping worker gives its jobs, browser and connections this long, then abandons what remains."""
    worker_uvloop: bool
    """Run the worker on uvloop (as uvicorn runs the API) where it is installed; False: asyncio's own loop."""


@dataclass(frozen=True)
class BillingSettings:
    stripe_secret_key: str | None
    stripe_webhook_secret: str | None
    price_pro: str | None
    price_business: str | None
    stripe_api_base: str | None
    """Another address for Stripe's API (a proxy, or the tests' local fake)."""
    stripe_timeout_seconds: float
    stripe_max_network_retries: int
    webhook_tolerance_seconds: int
    public_url: str
    """Where the app is reached, for Checkout's and the Portal's return links."""

    @property
    def configured(self) -> bool:
        return bool(self.stripe_secret_key and self.stripe_webhook_secret and self.price_pro and self.price_business)


@dataclass(frozen=True)
class MediaSettings:
    max_file_bytes: int
    max_video_bytes: int
    """Largest video accepted (MP4, WebM, QuickTime); photos keep `max_file_bytes`."""
    max_files: int
    max_pixels: int
    thumbnail_px: int
    duplicate_distance: int
    """Perceptual-hash bits two photos may differ by and still count as the same photo."""
    root: Path
    """Where uploaded files are kept (content-addressed)."""
    hash_index_namespaces: int
    """Near-duplicate indexes (one per workspace and namespace: its media, each collection) a process
    keeps in memory, least recently used dropped first; about 35 MB per 100,000 hashes."""
    hash_index_lookback_seconds: float
    """How far before the newest hash held an index re-reads, so rows committed late or stamped by
    a process whose clock is a little behind are not missed."""
    import_allow_private_urls: bool
    """Whether an import may fetch media from loopback/private/link-local addresses (off: SSRF)."""


@dataclass(frozen=True)
class CollectSettings:
    """Thresholds of the image checks of collections (`backend/collect/checks.py`)."""

    min_width: int
    min_height: int
    max_image_bytes: int
    """Largest image a crawl downloads (and checks)."""
    min_sharpness: float
    """Variance of the Laplacian on the grey image scaled to `sharpness_px`; below it is blurry."""
    sharpness_px: int
    max_aspect: float
    """Longest side over shortest side; past it an image is a banner or a strip."""
    blank_stddev: float
    """Grey-level spread (0-255) below which an image is nearly blank."""
    blank_max_colours: int
    """An image of this many distinct colours or fewer is nearly blank."""


@dataclass(frozen=True)
class AISettings:
    provider: str
    """"openai" or "local"; by default openai when OPENAI_API_KEY is set."""
    openai_api_key: str | None
    openai_base_url: str | None
    openai_model: str
    timeout_seconds: float
    max_retries: int
    provider_max_concurrency: int
    provider_per_minute: int
    workspace_max_concurrency: int


@dataclass(frozen=True)
class PlatformSettings:
    vault_keys: tuple[tuple[str, bytes], ...]
    """(key id, 32-byte AES key) pairs; the first encrypts, all decrypt (rotation)."""
    chromium_path: str | None
    """CHROMIUM_PATH as set; None looks in the usual places (see platforms/chromium.py), on each launch."""
    browser_headless: bool
    browser_max_contexts: int
    """Open browser contexts (one per account) a worker keeps at most."""
    browser_context_idle_seconds: float
    action_timeout_seconds: float
    """How long one page step may take before its outcome counts as unknown."""
    pacing_min_seconds: float
    pacing_max_seconds: float
    typing_min_ms: int
    typing_max_ms: int
    fast_mode: bool
    """Skip human pacing (tests and demos only)."""
    default_daily_action_cap: int
    max_concurrent_accounts_per_workspace: int
    proxy_check_url: str
    proxy_check_timeout_seconds: float
    sandbox_url: str
    """Where the sandbox marketplace's driver finds it."""
    sandbox_host: str
    sandbox_port: int
    sandbox_db_path: Path
    sandbox_b_url: str
    """Where the driver of Sandbox Bazaar (the sandbox's flavour B, platform `sandbox_b`) finds it."""
    sandbox_b_host: str
    sandbox_b_port: int
    sandbox_b_db_path: Path


@dataclass(frozen=True)
class ObservabilitySettings:
    log_level: str
    log_json: bool
    sentry_dsn: str | None
    sentry_traces_sample_rate: float
    secret_values: tuple[str, ...] = ()
    """Values that must never appear in a log line (keys, webhook secret, passwords in URLs)."""
    prometheus_multiproc_dir: Path | None = None
    """Where the processes of one machine share their metrics (`backend.core.metrics`); None: each its own."""


@dataclass(frozen=True)
class ServerSettings:
    host: str
    port: int
    allowed_origins: tuple[str, ...]
    forwarded_allow_ips: tuple[IPNetwork, ...]
    """Reverse proxies whose `X-Forwarded-For` names the client; nobody else's is believed."""
    spa_dir: Path
    gc_thresholds: tuple[int, int, int] | None
    """The API process's garbage-collector thresholds (`gc.set_threshold`), applied once start-up's
    objects are frozen; None keeps Python's own (700, 10, 10)."""


@dataclass(frozen=True)
class AutomationSettings:
    tick_batch: int
    """Due rules one scheduler tick claims at most (the rest wait for the next tick, a minute later)."""
    tick_enabled: bool
    """Whether workers run the scheduler tick each minute (off in tests that tick by hand)."""


@dataclass(frozen=True)
class AnalyticsSettings:
    sync_enabled: bool
    """Whether workers run the sync tick each minute (off in tests that sync by hand)."""
    sync_tick_batch: int
    """Accounts one tick sends to sync at most (the rest wait for the next tick): spreads the work out."""
    reprice_min_views: int
    """A listing with at least this many views in the period and no like is flagged "reprice?"."""
    max_event_age_days: int
    """Events from outside older than this are refused."""
    future_skew_seconds: int
    """Events from outside may be this far in the future (clock skew), not more."""


@dataclass(frozen=True)
class MaintenanceSettings:
    """The daily upkeep crons (`backend/admin/maintenance.py`): how long things are kept, how much one run does."""

    enabled: bool
    """Whether workers run the maintenance crons (off in tests that run the steps by hand)."""
    jobs_retention_days: int
    """Finished jobs (with their items and children) are kept this long after they finished."""
    analytics_events_retention_days: int
    """Raw analytics events are kept this long; the hourly rollups the dashboard reads stay."""
    media_orphan_grace_hours: float
    """A stored file no media row names is deleted only once it is this old (an upload in flight is never hit)."""
    jobs_per_run: int
    """Finished jobs (each with its children) one run prunes at most; also event streams trimmed at most."""
    analytics_events_per_run: int
    audit_rows_per_run: int
    media_files_per_run: int
    """Orphaned files, and media rows whose file is gone, one run deletes at most (each)."""
    secrets_per_run: int
    """Vault secrets one cron run re-encrypts under the current key (`sellpilot rotate-keys` runs to the end)."""


@dataclass(frozen=True)
class AuditSettings:
    retention_days: int
    """Audit rows older than this are pruned (by the maintenance cron)."""


@dataclass(frozen=True)
class Settings:
    app_env: str
    data_dir: Path
    database: DatabaseSettings
    redis: RedisSettings
    auth: AuthSettings
    rate_limits: RateLimitSettings
    jobs: JobSettings
    billing: BillingSettings
    media: MediaSettings
    ai: AISettings
    platforms: PlatformSettings
    observability: ObservabilitySettings
    server: ServerSettings
    automation: AutomationSettings
    collect: CollectSettings
    analytics: AnalyticsSettings
    maintenance: MaintenanceSettings
    audit: AuditSettings
    version: str = field(default="0.1.0")

    @property
    def is_production(self) -> bool:
        return self.app_env == "production"

    @property
    def debug(self) -> bool:
        return self.app_env == "development"
