"""Human pacing of a driver's steps: pauses between actions and typing speed, from settings (fast in tests)."""

from __future__ import annotations

from backend.platforms.drivers.base import Pacing
from backend.settings import get_settings


def pacing() -> Pacing:
    s = get_settings().platforms
    return Pacing(
        min_seconds=s.pacing_min_seconds,
        max_seconds=s.pacing_max_seconds,
        typing_min_ms=s.typing_min_ms,
        typing_max_ms=s.typing_max_ms,
        fast=s.fast_mode,
    )
