"""Rows to response schemas: one converter for every domain instead of a hand-written mapper each."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import msgspec

SchemaT = TypeVar("SchemaT")


def to_schema(row: Mapping[str, Any], schema: type[SchemaT], **fields: Any) -> SchemaT:
    """`schema` built from a database row (by field name) plus computed `fields` that win over the row's.

    Lax on purpose: a NUMERIC column's Decimal becomes a float and extra columns
    are ignored, so a mapper is only written for what really is computed.
    """
    return msgspec.convert({**row, **fields} if fields else row, schema, strict=False)
