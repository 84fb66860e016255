"""The sandbox marketplace fixtures of the platforms tests, shared here (one sandbox process per run)."""

from __future__ import annotations

from tests.platforms.conftest import sandbox, sandbox_process

__all__ = ["sandbox", "sandbox_process"]
