"""Finding the Chromium that browser automation drives.

The lookup runs on every launch attempt and every readiness check, never once
at start-up: installing Chromium (or fixing `CHROMIUM_PATH`) while the app
runs takes effect on the next job, without a restart. Playwright's own browser
downloads are never used (the README asks for the system Chromium).

No Playwright import here: the API process and `sellpilot dev` use this too.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

INSTALL_HINT = "apt install chromium, or set CHROMIUM_PATH"
NOT_FOUND = f"Chromium not found: {INSTALL_HINT}"

# Debian's binary itself starts faster than its /usr/bin wrapper script.
WELL_KNOWN_PATHS = (
    "/usr/lib/chromium/chromium",
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/snap/bin/chromium",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
)
COMMAND_NAMES = ("chromium", "chromium-browser", "google-chrome")


@dataclass(frozen=True)
class ChromiumLookup:
    path: str | None
    """The executable to launch; None when there is none."""
    detail: str
    """One line for people: where it is, or how to get it."""

    @property
    def found(self) -> bool:
        return self.path is not None


def _runnable(path: str) -> bool:
    return Path(path).is_file() and os.access(path, os.X_OK)


def find_chromium(configured: str | None) -> ChromiumLookup:
    """The Chromium at `configured` (CHROMIUM_PATH), else the first one in the usual places or on PATH."""
    if configured is not None:
        if _runnable(configured):
            return ChromiumLookup(configured, f"Chromium at {configured}")
        return ChromiumLookup(None, f"Chromium not found at CHROMIUM_PATH={configured}: {INSTALL_HINT}")
    candidates = [*WELL_KNOWN_PATHS, *(found for name in COMMAND_NAMES if (found := shutil.which(name)))]
    for candidate in candidates:
        if _runnable(candidate):
            return ChromiumLookup(candidate, f"Chromium at {candidate}")
    return ChromiumLookup(None, NOT_FOUND)
