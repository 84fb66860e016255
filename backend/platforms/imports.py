"""Bulk import of accounts and proxies from CSV or JSON: parsing the file, checking each row, the report.

Parsing the file (`backend.core.imports`) is all or nothing; rows are then
validated and created one by one (by the accounts and proxies services), so one
bad row never loses the good ones. Duplicates (already stored, or repeated
earlier in the file) are skipped; rows beyond the plan's account limit fail
with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import msgspec

from backend.core.errors import Conflict, InvalidInput, NotFound, PaymentRequired
from backend.platforms.schemas import ImportReport, ImportRowOut

T = TypeVar("T")

INT_FIELDS = {"port": (1, 65535), "daily_action_cap": (1, 100_000)}


class RowError(Exception):
    """One row is refused; the message names the field."""


# --- rows ---------------------------------------------------------------------------


def clean_row(raw: Any, columns: tuple[str, ...]) -> dict[str, Any]:
    """Keys lower-cased, strings trimmed, empty cells dropped; unknown fields refused."""
    if not isinstance(raw, dict):
        raise RowError("must be an object of fields")
    row: dict[str, Any] = {}
    for key, value in raw.items():
        if key is None:
            raise RowError("has more cells than the header row")
        name = str(key).strip().lower()
        if name not in columns:
            raise RowError(f"unknown field {name!r}")
        if isinstance(value, str):
            value = value.strip()
        if value is None or value == "":
            continue
        row[name] = value
    for name, (low, high) in INT_FIELDS.items():
        if name in row:
            row[name] = _whole_number(name, row[name], low, high)
    return row


def _whole_number(name: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise RowError(f"{name} must be a whole number")
    if isinstance(value, str):
        if not re.fullmatch(r"[+-]?\d+", value):
            raise RowError(f"{name} must be a whole number between {low} and {high}")
        value = int(value)
    number: int = value
    if not low <= number <= high:
        raise RowError(f"{name} must be between {low} and {high}")
    return number


def convert_row(row: dict[str, Any], kind: type[T]) -> T:
    try:
        return msgspec.convert(row, kind, strict=False)
    except msgspec.ValidationError as exc:
        message, _, where = str(exc).partition(" - at `$.")
        if where:
            field = where.rstrip("`").split("[", 1)[0].split(".", 1)[0]
            raise RowError(f"{field}: {message}") from None
        raise RowError(message) from None


def _reason(number: int, text: str) -> str:
    return f"row {number}: {text}"


async def report_rows(rows: list[Any], handle: Callable[[int, Any], Awaitable[ImportRowOut]]) -> ImportReport:
    """`handle` each row in turn; a refused row (RowError, 400, 402, 404) fails and a duplicate (409) is skipped."""
    report: list[ImportRowOut] = []
    for number, raw in enumerate(rows, start=1):
        try:
            report.append(await handle(number, raw))
        except RowError as exc:
            report.append(ImportRowOut(row=number, status="failed", reason=_reason(number, str(exc))))
        except Conflict as exc:
            report.append(ImportRowOut(row=number, status="skipped", reason=_reason(number, exc.detail)))
        except PaymentRequired as exc:
            detail = exc.detail[:1].lower() + exc.detail[1:]
            report.append(ImportRowOut(row=number, status="failed", reason=_reason(number, detail)))
        except (InvalidInput, NotFound) as exc:
            report.append(ImportRowOut(row=number, status="failed", reason=_reason(number, exc.detail)))
    return ImportReport(
        created=sum(r.status == "created" for r in report),
        skipped=sum(r.status == "skipped" for r in report),
        failed=sum(r.status == "failed" for r in report),
        rows=report,
    )
