"""Types the platforms resources share: text fields of requests, and the report of a bulk import.

Responses never carry a secret: passwords, cookies and proxy credentials only
show up as `has_password`, `has_cookies` and `has_credentials`.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

import msgspec

from backend.core.schemas import SINGLE_LINE

Label = Annotated[str, msgspec.Meta(max_length=100, pattern=SINGLE_LINE)]
Secret = Annotated[str, msgspec.Meta(min_length=1, max_length=1000, pattern=SINGLE_LINE)]

RowStatus = Literal["created", "skipped", "failed"]


class ImportRowOut(msgspec.Struct):
    row: int
    """1-based number of the data row (the CSV header is not counted)."""
    status: RowStatus
    id: uuid.UUID | None = None
    reason: str = ""


class ImportReport(msgspec.Struct):
    created: int
    skipped: int
    failed: int
    rows: list[ImportRowOut]
