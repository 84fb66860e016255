"""Settings: zero-config locally, strict in production."""

from __future__ import annotations

import base64
import gc
from pathlib import Path
from typing import Any

import pytest

import backend.settings
from backend.settings import PROJECT_ROOT, SettingsError, get_settings, load_settings

STRONG = "k3y-Zt9vQ2mX8pL4wR7nB1cY6hJ0fD5sA-very-random"


def test_zero_config_uses_sqlite_and_keeps_one_secret(tmp_path: Path) -> None:
    first = load_settings({"DATA_DIR": str(tmp_path)})
    assert first.app_env == "development"
    assert first.database.url is None
    assert first.database.sqlite_path == tmp_path / "sellpilot.sqlite3"
    assert len(first.auth.secret_key) >= 32
    # The API and the worker are separate processes: they must agree on the key.
    assert load_settings({"DATA_DIR": str(tmp_path)}).auth.secret_key == first.auth.secret_key


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "SECRET_KEY is required"),
        ({"SECRET_KEY": "changeme"}, "too weak"),
        ({"SECRET_KEY": "a" * 64}, "too weak"),
        ({"SECRET_KEY": "short-but-random-9x"}, "too weak"),
    ],
)
def test_production_refuses_missing_or_weak_secrets(tmp_path: Path, env: dict[str, str], message: str) -> None:
    environ = {"APP_ENV": "production", "DATA_DIR": str(tmp_path), "DATABASE_URL": "postgresql://db/x", **env}
    with pytest.raises(SettingsError, match=message):
        load_settings(environ)
    assert not (tmp_path / "secret_key").exists()


VAULT_KEY = base64.b64encode(bytes(range(32))).decode()


def test_production_accepts_a_strong_secret(tmp_path: Path) -> None:
    settings = load_settings(
        {
            "APP_ENV": "production",
            "SECRET_KEY": STRONG,
            "VAULT_KEYS": f"2026-11:{VAULT_KEY}",
            "DATABASE_URL": "postgresql://db/x",
            "DATA_DIR": str(tmp_path),
        }
    )
    assert settings.is_production
    assert settings.platforms.vault_keys == (("2026-11", bytes(range(32))),)
    assert settings.observability.log_json is True
    assert settings.server.allowed_origins == ()


def test_production_needs_vault_keys(tmp_path: Path) -> None:
    environ = {"APP_ENV": "production", "SECRET_KEY": STRONG, "DATABASE_URL": "postgresql://db/x"}
    with pytest.raises(SettingsError, match="VAULT_KEYS is required"):
        load_settings({**environ, "DATA_DIR": str(tmp_path)})


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("no-colon", "key_id:base64"),
        ("k1:" + base64.b64encode(b"short").decode(), "32 random bytes"),
        ("k1:not base64!", "32 random bytes"),
        (f"k1:{VAULT_KEY},k1:{VAULT_KEY}", "repeats a key id"),
    ],
)
def test_bad_vault_keys_are_named(tmp_path: Path, value: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        load_settings({"VAULT_KEYS": value, "DATA_DIR": str(tmp_path)})


def test_production_needs_postgres(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="DATABASE_URL is required"):
        load_settings({"APP_ENV": "production", "SECRET_KEY": STRONG, "DATA_DIR": str(tmp_path)})


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"APP_ENV": "staging"}, "APP_ENV"),
        ({"DATABASE_URL": "mysql://x/y"}, "DATABASE_URL"),
        ({"REDIS_URL": "http://x"}, "REDIS_URL"),
        ({"PORT": "eighty"}, "PORT"),
        ({"RATE_LIMIT_GENERAL": "lots"}, "RATE_LIMIT_GENERAL"),
        ({"RATE_LIMIT_LOGIN_PER_IP": "0/minute"}, "RATE_LIMIT_LOGIN_PER_IP"),
        ({"ALLOWED_ORIGINS": "localhost:3000"}, "ALLOWED_ORIGINS"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
        ({"RATE_LIMITS_ENABLED": "maybe"}, "RATE_LIMITS_ENABLED"),
        ({"API_GC_THRESHOLDS": "20000,50"}, "API_GC_THRESHOLDS"),
        ({"API_GC_THRESHOLDS": "0,10,10"}, "API_GC_THRESHOLDS"),
        ({"API_GC_THRESHOLDS": "big,10,10"}, "API_GC_THRESHOLDS"),
    ],
)
def test_invalid_values_name_the_variable(tmp_path: Path, env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        load_settings({"DATA_DIR": str(tmp_path), **env})


def test_the_api_garbage_collector_thresholds_are_a_setting(tmp_path: Path) -> None:
    assert load_settings({"DATA_DIR": str(tmp_path)}).server.gc_thresholds == (20000, 50, 100)
    custom = load_settings({"DATA_DIR": str(tmp_path), "API_GC_THRESHOLDS": " 5000, 20 ,30"})
    assert custom.server.gc_thresholds == (5000, 20, 30)
    assert load_settings({"DATA_DIR": str(tmp_path), "API_GC_THRESHOLDS": "python"}).server.gc_thresholds is None


def test_the_running_api_applies_its_gc_thresholds(app: Any) -> None:
    assert gc.get_threshold() == get_settings().server.gc_thresholds


def test_dotenv_file_is_read_and_environment_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("PORT=9123\nLOG_LEVEL=DEBUG\n")
    monkeypatch.setenv("SELLPILOT_ENV_FILE", str(env_file))
    monkeypatch.delenv("PORT", raising=False)
    monkeypatch.setenv("LOG_LEVEL", "ERROR")
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    settings = load_settings()
    assert settings.server.port == 9123
    assert settings.observability.log_level == "ERROR"


def test_two_local_data_folders_get_their_own_redis_key_prefix(tmp_path: Path) -> None:
    """Two clones on one Redis must not share a job queue; production and explicit prefixes stay as they are."""
    one = load_settings({"DATA_DIR": str(tmp_path / "one")}).redis.key_prefix
    other = load_settings({"DATA_DIR": str(tmp_path / "other")}).redis.key_prefix
    assert one != other
    assert one.startswith("sellpilot-")
    # Stable across restarts and across the API and worker processes of one clone.
    assert load_settings({"DATA_DIR": str(tmp_path / "one")}).redis.key_prefix == one
    assert load_settings({"DATA_DIR": str(tmp_path / "one"), "REDIS_KEY_PREFIX": "mine"}).redis.key_prefix == "mine"
    production = {
        "APP_ENV": "production",
        "DATA_DIR": str(tmp_path),
        "DATABASE_URL": "postgresql://db/x",
        "SECRET_KEY": STRONG,
        "VAULT_KEYS": "k1:" + base64.b64encode(b"k" * 32).decode(),
    }
    assert load_settings(production).redis.key_prefix == "sellpilot"


def test_the_project_root_is_the_repository_and_the_defaults_are_under_it() -> None:
    # The settings live in a package now: the root is two folders up from its modules, not one.
    assert (PROJECT_ROOT / "pyproject.toml").is_file()
    assert (PROJECT_ROOT / "backend" / "settings" / "__init__.py").is_file()
    settings = load_settings({"SECRET_KEY": STRONG})  # a key given: nothing is written under .data
    assert settings.data_dir == (PROJECT_ROOT / ".data").resolve()
    assert settings.server.spa_dir == (PROJECT_ROOT / "frontend" / "dist").resolve()


def test_every_name_the_code_imports_from_the_settings_is_exported() -> None:
    names = {
        "AISettings",
        "IPNetwork",
        "ObservabilitySettings",
        "PROJECT_ROOT",
        "PlatformSettings",
        "RateLimit",
        "Settings",
        "SettingsError",
        "get_settings",
        "load_settings",
    }
    assert names <= set(backend.settings.__all__)
    assert all(hasattr(backend.settings, name) for name in backend.settings.__all__)
