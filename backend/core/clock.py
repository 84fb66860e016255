"""The one clock: every timestamp Sellpilot stores or compares is UTC and comes from here."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
