"""PROMETHEUS_MULTIPROC_DIR is checked at start-up: a missing directory is named, not a crash later."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.settings import SettingsError, load_settings


def test_multiprocess_metrics_need_an_existing_directory(tmp_path: Path) -> None:
    base = {"DATA_DIR": str(tmp_path / "data")}
    assert load_settings(base).observability.prometheus_multiproc_dir is None

    shared = tmp_path / "metrics"
    shared.mkdir()
    settings = load_settings({**base, "PROMETHEUS_MULTIPROC_DIR": str(shared)})
    assert settings.observability.prometheus_multiproc_dir == shared

    with pytest.raises(SettingsError, match=r"PROMETHEUS_MULTIPROC_DIR=.*must be an existing writable directory"):
        load_settings({**base, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "nowhere")})
