"""Which driver serves which platform."""

from __future__ import annotations

from backend.platforms.drivers.base import Driver

DRIVERS: dict[str, type[Driver]] = {}


def register(driver: type[Driver]) -> type[Driver]:
    DRIVERS[driver.platform] = driver
    return driver


def driver_for(platform: str) -> type[Driver]:
    try:
        return DRIVERS[platform]
    except KeyError:
        raise KeyError(f"no driver for platform {platform!r}") from None
