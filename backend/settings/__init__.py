"""All configuration, read once from the environment and an optional `.env`.

Every variable has a zero-config default for local use. In production
(`APP_ENV=production`) a missing or weak secret stops start-up. The typed
groups are in `groups`, reading a variable in `env`, building and checking
them in `load`; everything is imported from here.
"""

from __future__ import annotations

from functools import lru_cache

from backend.settings.groups import (
    AISettings,
    AuditSettings,
    AuthSettings,
    BillingSettings,
    CollectSettings,
    DatabaseSettings,
    IPNetwork,
    JobSettings,
    MediaSettings,
    ObservabilitySettings,
    PlatformSettings,
    RateLimit,
    RateLimitSettings,
    RedisSettings,
    ServerSettings,
    Settings,
    SettingsError,
)
from backend.settings.load import APP_ENVS, MIN_SECRET_LENGTH, PROJECT_ROOT, WEAK_SECRETS, load_settings

__all__ = [
    "APP_ENVS",
    "MIN_SECRET_LENGTH",
    "PROJECT_ROOT",
    "WEAK_SECRETS",
    "AISettings",
    "AuditSettings",
    "AuthSettings",
    "BillingSettings",
    "CollectSettings",
    "DatabaseSettings",
    "IPNetwork",
    "JobSettings",
    "MediaSettings",
    "ObservabilitySettings",
    "PlatformSettings",
    "RateLimit",
    "RateLimitSettings",
    "RedisSettings",
    "ServerSettings",
    "Settings",
    "SettingsError",
    "get_settings",
    "load_settings",
]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return load_settings()
