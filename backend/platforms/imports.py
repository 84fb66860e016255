"""Bulk import of accounts and proxies from CSV or JSON: parsing the file, checking each row, the report.

Parsing the file is all or nothing (a file that is not CSV/JSON is a 400);
rows are then validated and created one by one (by the accounts and proxies
services), so one bad row never loses the good ones. Duplicates (already
stored, or repeated earlier in the file) are skipped; rows beyond the plan's
account limit fail with the reason.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import msgspec

from backend.core.errors import Conflict, InvalidInput, NotFound, PaymentRequired, ServiceError
from backend.core.request import MAX_JSON_DEPTH, json_too_deep
from backend.platforms.schemas import ImportReport, ImportRowOut

T = TypeVar("T")

MAX_ROWS = 1000
MAX_IMPORT_BYTES = 5 * 1024 * 1024

INT_FIELDS = {"port": (1, 65535), "daily_action_cap": (1, 100_000)}


class TooManyRows(ServiceError):
    status_code = 413


class RowError(Exception):
    """One row is refused; the message names the field."""


# --- parsing ------------------------------------------------------------------------


def parse_json(body: bytes) -> list[Any]:
    """An array of row objects, or `{"rows": [...]}`."""
    if json_too_deep(body):
        raise InvalidInput("body", f"nested too deeply (at most {MAX_JSON_DEPTH} levels)")
    try:
        data = msgspec.json.decode(body)
    except msgspec.DecodeError as exc:
        raise InvalidInput("body", f"not valid JSON: {exc}") from None
    if isinstance(data, dict) and isinstance(data.get("rows"), list):
        data = data["rows"]
    if not isinstance(data, list):
        raise InvalidInput("body", 'send a JSON array of rows, or {"rows": [...]}')
    return _capped(data)


def parse_csv(body: bytes, columns: tuple[str, ...]) -> list[Any]:
    """A CSV file with a header row naming the columns (any order, any case)."""
    if b"\x00" in body:
        raise InvalidInput("file", "is not a CSV text file (it contains binary data)")
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("file", "is not UTF-8 text; save the CSV as UTF-8") from None
    if not text.strip():
        raise InvalidInput("file", "is empty; send a header row and at least one data row")
    # Spreadsheets in some locales write ";" (or tabs): the header row tells which.
    header_line = text.lstrip().splitlines()[0]
    delimiter = max((",", ";", "\t"), key=header_line.count)
    try:
        reader = csv.DictReader(io.StringIO(text.lstrip()), delimiter=delimiter, strict=True)
        header = [(name or "").strip().lower() for name in reader.fieldnames or []]
        reader.fieldnames = header
        unknown = [name for name in header if name not in columns]
        if not header or unknown:
            raise InvalidInput(
                "file",
                f"unknown columns in the header row: {', '.join(repr(u) for u in unknown) or '(none)'}; "
                f"expected some of: {', '.join(columns)}",
            )
        if len(set(header)) != len(header):
            raise InvalidInput("file", "the header row names a column twice")
        rows: list[Any] = []
        for row in reader:
            rows.append(row)
            if len(rows) > MAX_ROWS:
                break
    except csv.Error as exc:
        raise InvalidInput("file", f"is not valid CSV: {exc}") from None
    if not rows:
        raise InvalidInput("file", "has a header row but no data rows")
    return _capped(rows)


def parse_upload(body: bytes, content_type: str, filename: str, columns: tuple[str, ...]) -> list[Any]:
    """A request body or uploaded file: JSON when it says so (type or .json name), else CSV."""
    if len(body) > MAX_IMPORT_BYTES:
        raise TooManyRows(f"The file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB; split it")
    if "json" in content_type or filename.lower().endswith(".json"):
        return parse_json(body)
    return parse_csv(body, columns)


def _capped(rows: list[Any]) -> list[Any]:
    if len(rows) > MAX_ROWS:
        raise TooManyRows(f"Too many rows: at most {MAX_ROWS} per import; split the file")
    if not rows:
        raise InvalidInput("rows", "no rows to import")
    return rows


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
