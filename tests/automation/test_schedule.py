"""The schedule as pure functions: intervals, start time, active hours in a time zone, a missed slot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from backend.automation.rules.schedule import Schedule, first_slot, is_active, next_opening, slot_after
from backend.core.hours import parse_hhmm

T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def test_hours_and_minutes_are_read_strictly() -> None:
    assert parse_hhmm("08:30") == 510
    assert parse_hhmm("24:00", allow_end_of_day=True) == 1440
    for bad in ("25:00", "8:30", "24:00", "12:60", "noon"):
        with pytest.raises(ValueError, match="time"):
            parse_hhmm(bad)


def test_a_schedule_checks_its_fields() -> None:
    Schedule(60).check()
    with pytest.raises(ValueError, match="time zone"):
        Schedule(60, timezone="Mars/Olympus").check()
    with pytest.raises(ValueError, match="empty"):
        Schedule(60, active_from="09:00", active_to="09:00").check()


def test_the_next_slot_follows_the_interval_grid() -> None:
    every_30 = Schedule(30)
    assert slot_after(T0, T0 + timedelta(seconds=20), every_30) == T0 + timedelta(minutes=30)
    assert first_slot(T0, every_30) == T0


def test_a_missed_slot_runs_once_then_the_schedule_continues_from_now() -> None:
    hourly = Schedule(60)
    # Workers were down for 5 h 20 min: the claimed (missed) slot runs once; the next one is the
    # first point of the same grid after now, not the five that were missed.
    now = T0 + timedelta(hours=5, minutes=20)
    assert slot_after(T0, now, hourly) == T0 + timedelta(hours=6)


def test_a_start_time_in_the_future_is_the_first_slot() -> None:
    later = T0 + timedelta(days=2, hours=3)
    assert first_slot(T0, Schedule(30, starts_at=later)) == later
    assert slot_after(T0, T0, Schedule(30, starts_at=later)) == later


def test_active_hours_are_in_the_rules_time_zone() -> None:
    # 08:00 to 20:00 in Paris is 07:00 to 19:00 UTC in winter.
    paris = Schedule(60, active_from="08:00", active_to="20:00", timezone="Europe/Paris")
    assert not is_active(datetime(2026, 12, 1, 6, 30, tzinfo=UTC), paris)
    assert is_active(datetime(2026, 12, 1, 7, 0, tzinfo=UTC), paris)
    assert not is_active(datetime(2026, 12, 1, 19, 0, tzinfo=UTC), paris)
    # Outside them, the next slot is the next opening: tomorrow 08:00 Paris time.
    evening = datetime(2026, 12, 1, 18, 30, tzinfo=UTC)
    assert slot_after(evening, evening, paris) == datetime(2026, 12, 2, 7, 0, tzinfo=UTC)
    # Before the opening the same morning: that opening.
    assert next_opening(datetime(2026, 12, 1, 5, 0, tzinfo=UTC), paris) == datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
    # In summer Paris is UTC+2.
    summer = datetime(2026, 7, 1, 5, 0, tzinfo=UTC)
    assert next_opening(summer, paris) == datetime(2026, 7, 1, 6, 0, tzinfo=UTC)


def test_overnight_active_hours_wrap_past_midnight() -> None:
    night = Schedule(60, active_from="22:00", active_to="06:00", timezone="UTC")
    assert is_active(datetime(2026, 12, 1, 23, 0, tzinfo=UTC), night)
    assert is_active(datetime(2026, 12, 2, 5, 59, tzinfo=UTC), night)
    assert not is_active(datetime(2026, 12, 2, 6, 0, tzinfo=UTC), night)
    assert next_opening(datetime(2026, 12, 2, 12, 0, tzinfo=UTC), night) == datetime(2026, 12, 2, 22, 0, tzinfo=UTC)


def test_slots_are_whole_seconds_in_utc() -> None:
    now = datetime(2026, 12, 1, 10, 0, 7, 123456, tzinfo=UTC)
    slot = first_slot(now, Schedule(15))
    assert slot.microsecond == 0
    assert slot.tzinfo == UTC
