"""Hours of the day and time zones as people write them: "HH:MM" and IANA names.

Shared by the schedules of automation rules and campaigns.
"""

from __future__ import annotations

import re
import zoneinfo
from functools import cache

_HHMM = re.compile(r"^(\d{2}):(\d{2})$")
DAY = 24 * 60


def parse_hhmm(value: str, *, allow_end_of_day: bool = False) -> int:
    """Minutes after midnight of "HH:MM"; ValueError with the reason otherwise."""
    match = _HHMM.match(value)
    if not match:
        raise ValueError("write the time as HH:MM, e.g. 08:30")
    hours, minutes = int(match.group(1)), int(match.group(2))
    total = hours * 60 + minutes
    if allow_end_of_day and total == DAY:
        return total
    if hours > 23 or minutes > 59:
        end = " (or 24:00 for the end of the day)" if allow_end_of_day else ""
        raise ValueError(f"{value} is not a time of day; use 00:00 to 23:59{end}")
    return total


@cache
def zone(name: str) -> zoneinfo.ZoneInfo:
    """The IANA time zone; ValueError when there is none of that name."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{name!r} is not an IANA time zone such as Europe/Paris or UTC") from None
