"""Which driver serves which platform."""

from __future__ import annotations

from backend.platforms.drivers.base import Driver
from backend.platforms.drivers.pinterest import PinterestDriver
from backend.platforms.drivers.sandbox import SandboxDriver
from backend.platforms.drivers.sandbox_b import SandboxBDriver
from backend.platforms.drivers.tiktok import TikTokDriver
from backend.platforms.drivers.vinted import VintedDriver

# Every platform Sellpilot knows, with the name users see. Each has a driver.
PLATFORMS: dict[str, str] = {
    "sandbox": "Sandbox marketplace",
    "sandbox_b": "Sandbox Bazaar",
    "vinted": "Vinted",
    "pinterest": "Pinterest",
    "tiktok": "TikTok",
}

DRIVERS: dict[str, type[Driver]] = {
    driver.platform: driver for driver in (SandboxDriver, SandboxBDriver, VintedDriver, PinterestDriver, TikTokDriver)
}


def driver_for(platform: str) -> type[Driver]:
    try:
        return DRIVERS[platform]
    except KeyError:
        raise KeyError(f"no driver for platform {platform!r}") from None
