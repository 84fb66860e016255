"""The HTTP side of a bulk import, shared by the accounts and proxies routes: reading the rows a request sent."""

from __future__ import annotations

from typing import Any

from backend.core import imports
from backend.core.principal import AuthRequest

IMPORT_BODY_LIMIT = imports.IMPORT_BODY_LIMIT

IMPORT_DOC = """

Send JSON (`Content-Type: application/json`: an array of row objects, or `{"rows": [...]}`), a CSV
body (`Content-Type: text/csv`) or a multipart form with the CSV (or .json) file in field `file`. A CSV
starts with a header row naming its columns. At most 1000 rows. The answer (200) reports each row:
`created` (with its id), `skipped` (a duplicate, already stored or earlier in the file) or `failed`, with a
reason naming the field. One bad row never stops the others."""


async def import_rows(request: AuthRequest, columns: tuple[str, ...]) -> list[Any]:
    """The rows of an import request, whatever the way they were sent."""
    return await imports.read_rows(request, columns)
