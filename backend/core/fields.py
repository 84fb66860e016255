"""Small helpers every domain's service uses on request values: search patterns and PATCH bodies."""

from __future__ import annotations

from typing import Any

import msgspec


def like_pattern(text: str) -> str:
    """`text` anywhere, for ILIKE/LIKE; its own wildcards and escapes are dropped."""
    return "%" + text.replace("\\", "").replace("%", "").replace("_", "") + "%"


def sent_fields(changes: msgspec.Struct) -> dict[str, Any]:
    """The fields a PATCH body sent (UNSET ones were not sent; `null` was)."""
    return {f: getattr(changes, f) for f in changes.__struct_fields__ if getattr(changes, f) is not msgspec.UNSET}
