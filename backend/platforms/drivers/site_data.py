"""A real platform's page knowledge as data: `selectors/<platform>.json`, loaded and checked once.

Each file has these sections:

- `selectors`: name → CSS alternatives, primary first (loaded into `Selectors`);
- `paths`: name → URL path template (`/member/{username}`), formatted with
  quoted values;
- `patterns`: name → regular expression with one group (an item id in a link,
  a username in a profile link);
- `texts`: name → phrases (e.g. what a challenge page says).

A file may also have `sale_notice` (what the platform's own account writes when an item
sells), which `notices.py` reads; the drivers do not use it.

Code only names entries; `tests/platforms/drivers/test_selectors_data.py`
checks that names used by the drivers exist in the data and that the data has
no unused names.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from backend.platforms.drivers.base import Selectors

SELECTORS_DIR = Path(__file__).with_name("selectors")
DATA_SECTIONS = ("selectors", "paths", "patterns", "texts")


@dataclass(frozen=True)
class PlatformData:
    """One platform's page knowledge, loaded from its JSON file."""

    platform: str
    selector_table: Mapping[str, tuple[str, ...]]
    selectors: Selectors
    paths: Mapping[str, str]
    patterns: Mapping[str, re.Pattern[str]]
    texts: Mapping[str, tuple[str, ...]]

    def names(self, section: str) -> frozenset[str]:
        tables: dict[str, Mapping[str, object]] = {
            "selectors": self.selector_table,
            "paths": self.paths,
            "patterns": self.patterns,
            "texts": self.texts,
        }
        return frozenset(tables[section])


def _string_list(platform: str, section: str, name: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise ValueError(f"{platform}.json: {section}.{name} must be a list of non-empty strings")
    return tuple(value)


@cache
def load_platform_data(platform: str) -> PlatformData:
    """Read and check `selectors/<platform>.json` (once per process)."""
    raw = json.loads((SELECTORS_DIR / f"{platform}.json").read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or set(raw) - {"_comment", "sale_notice", *DATA_SECTIONS}:
        raise ValueError(f"{platform}.json: expected an object with sections {', '.join(DATA_SECTIONS)}")
    sections: dict[str, dict[str, object]] = {}
    for section in DATA_SECTIONS:
        value = raw.get(section, {})
        if not isinstance(value, dict):
            raise ValueError(f"{platform}.json: {section} must be an object")
        sections[section] = value
    selectors = {
        name: _string_list(platform, "selectors", name, value) for name, value in sections["selectors"].items()
    }
    paths: dict[str, str] = {}
    for name, value in sections["paths"].items():
        if not isinstance(value, str) or not value.startswith(("/", "{")):
            raise ValueError(f"{platform}.json: paths.{name} must be a path starting with / (or a {{placeholder}})")
        paths[name] = value
    patterns: dict[str, re.Pattern[str]] = {}
    for name, value in sections["patterns"].items():
        if not isinstance(value, str) or re.compile(value).groups != 1:
            raise ValueError(f"{platform}.json: patterns.{name} must be a regular expression with one group")
        patterns[name] = re.compile(value)
    texts = {name: _string_list(platform, "texts", name, value) for name, value in sections["texts"].items()}
    return PlatformData(platform, selectors, Selectors(platform, selectors), paths, patterns, texts)
