"""Sandbox Bazaar, the sandbox's second shop (`sellpilot sandbox --flavour b`, platform `sandbox_b`): verified.

The same program as the sandbox marketplace, so the same driver with its own address
(`SANDBOX_B_URL`) and selectors (`selectors/sandbox_b.json`, which extends the sandbox's). Its sell
form asks a category and a condition from its own lists, a size for clothing and shoes, and a brand:
the listing it is given is already in those words (`mapping.map_listing("sandbox_b", …)`).
"""

from __future__ import annotations

from typing import ClassVar

from backend.platforms.drivers.base import Selectors
from backend.platforms.drivers.sandbox import SandboxDriver
from backend.platforms.drivers.sandbox_site import sandbox_selectors
from backend.settings import get_settings

PATHS, SELECTORS = sandbox_selectors("sandbox_b")


class SandboxBDriver(SandboxDriver):
    """Drives Sandbox Bazaar, the bundled second marketplace."""

    platform: ClassVar[str] = "sandbox_b"
    title: ClassVar[str] = "Sandbox Bazaar"
    default_base_url: ClassVar[str] = "http://127.0.0.1:8101"
    paths: ClassVar[dict[str, str]] = PATHS
    selectors: ClassVar[Selectors] = SELECTORS

    @classmethod
    def configured_base_url(cls) -> str:
        return get_settings().platforms.sandbox_b_url
