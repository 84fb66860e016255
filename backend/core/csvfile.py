"""CSV downloads: rows written with a header, every cell safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any


def spreadsheet_cell(value: Any) -> Any:
    """A cell a spreadsheet shows as text: a leading =, +, - or @ would be read as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def csv_bytes(columns: Sequence[str], records: Iterable[Mapping[str, Any]]) -> bytes:
    """UTF-8 CSV with a header row of `columns`, one line per record."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({key: spreadsheet_cell(value) for key, value in record.items()})
    return out.getvalue().encode()
