"""Reading a bulk import: a JSON array of rows or a CSV file with a header row, from a request body or an upload.

Parsing is all or nothing (a file that is not CSV/JSON is a 400, too many rows or bytes
a 413); checking each row is the importing domain's, so one bad row never loses the good ones.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import msgspec
from litestar.datastructures import UploadFile

from backend.core.errors import InvalidInput, ServiceError
from backend.core.principal import AuthRequest
from backend.core.request import MAX_JSON_DEPTH, json_too_deep

MAX_ROWS = 1000
MAX_IMPORT_BYTES = 5 * 1024 * 1024
# A route's body limit: the file and its multipart framing.
IMPORT_BODY_LIMIT = MAX_IMPORT_BYTES + 64 * 1024


class TooManyRows(ServiceError):
    status_code = 413


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


async def read_rows(request: AuthRequest, columns: tuple[str, ...]) -> list[Any]:
    """The rows of an import request, whatever the way they were sent: JSON, a CSV body, or a multipart `file`."""
    media_type = request.content_type[0].lower()
    if media_type == "multipart/form-data":
        form = await request.form()
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise InvalidInput("file", "send the file as multipart form field `file`")
        return parse_upload(await upload.read(), upload.content_type or "", upload.filename or "", columns)
    return parse_upload(await request.body(), media_type, "", columns)
