"""When a rule runs: slots every `interval_minutes` from `starts_at`, only inside the active hours of its time zone.

Pure functions (no database): the tick and the rules service compute
`next_run_at` with them, and tests check them directly.

- A slot that was missed (workers down, a late tick) runs once when claimed;
  the next slot is then the first point of the same grid after now, so a long
  outage never replays every missed slot.
- Active hours are "HH:MM" in the rule's time zone; `active_to` may be "24:00"
  and may be earlier than `active_from` (overnight hours, e.g. 22:00 to 06:00).
  A slot outside them moves to the next opening.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from backend.core.hours import parse_hhmm, zone


@dataclass(frozen=True)
class Schedule:
    interval_minutes: int
    starts_at: datetime | None = None
    active_from: str = "00:00"
    active_to: str = "24:00"
    timezone: str = "UTC"

    def check(self) -> None:
        """ValueError naming the problem (the service turns it into a 400 naming the field)."""
        parse_hhmm(self.active_from)
        parse_hhmm(self.active_to, allow_end_of_day=True)
        zone(self.timezone)
        if self.active_from == self.active_to:
            raise ValueError("active hours are empty: active_from equals active_to")
        if self.interval_minutes < 5:
            raise ValueError("run at most every 5 minutes")


def is_active(when: datetime, schedule: Schedule) -> bool:
    """Whether `when` falls inside the rule's active hours (in its time zone)."""
    start = parse_hhmm(schedule.active_from)
    end = parse_hhmm(schedule.active_to, allow_end_of_day=True)
    local = when.astimezone(zone(schedule.timezone))
    minute = local.hour * 60 + local.minute
    if start < end:
        return start <= minute < end
    return minute >= start or minute < end  # overnight hours


def next_opening(when: datetime, schedule: Schedule) -> datetime:
    """`when` if inside the active hours, else the next moment they open (UTC)."""
    if is_active(when, schedule):
        return when
    tz = zone(schedule.timezone)
    start = parse_hhmm(schedule.active_from)
    local = when.astimezone(tz)
    day = local.date()
    opening_time = time(start // 60, start % 60)
    for offset in range(3):
        candidate = datetime.combine(day + timedelta(days=offset), opening_time, tzinfo=tz).astimezone(UTC)
        if candidate > when and is_active(candidate, schedule):
            return candidate
    return when  # unreachable with valid hours; never stall the rule


def first_slot(now: datetime, schedule: Schedule) -> datetime:
    """The first slot of a new (or resumed) rule: now, or its start time, inside the active hours."""
    candidate = now if schedule.starts_at is None or schedule.starts_at <= now else schedule.starts_at
    return _trim(next_opening(candidate, schedule))


def slot_after(slot: datetime, now: datetime, schedule: Schedule) -> datetime:
    """The slot after `slot` (just claimed, possibly long missed): the first grid point after now, in active hours."""
    step = timedelta(minutes=schedule.interval_minutes)
    candidate = slot + step
    if candidate <= now:
        steps = math.floor((now - slot) / step) + 1
        candidate = slot + steps * step
    if schedule.starts_at is not None and candidate < schedule.starts_at:
        candidate = schedule.starts_at
    return _trim(next_opening(candidate, schedule))


def _trim(when: datetime) -> datetime:
    """Whole seconds in UTC: a slot is part of an idempotency key, so it must survive any database round trip."""
    return when.astimezone(UTC).replace(microsecond=0)


def slot_key(rule_id: object, slot: datetime) -> str:
    """The idempotency key of a rule's run for one slot: the same slot never makes two jobs."""
    return f"rule:{rule_id}:{slot.astimezone(UTC).replace(microsecond=0).isoformat()}"
