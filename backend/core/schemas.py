"""Types shared by every domain's request and response schemas."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

import msgspec

from backend.core.errors import explain_pattern

T = TypeVar("T")

# Control characters (NUL in particular, which PostgreSQL refuses in text)
# have no place in a single-line field.
SINGLE_LINE = explain_pattern(r"^[^\x00-\x1f\x7f]*$", "use one line of text, without control characters")

Name = Annotated[
    str,
    msgspec.Meta(min_length=1, max_length=100, pattern=SINGLE_LINE, examples=["Jane's shop"]),
]
Email = Annotated[
    str,
    msgspec.Meta(min_length=3, max_length=320, pattern=SINGLE_LINE, examples=["jane@example.com"]),
]
Password = Annotated[str, msgspec.Meta(min_length=8, max_length=128, pattern=SINGLE_LINE)]

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 50


class Page(msgspec.Struct, Generic[T]):
    """One page of a list; `total` counts every match, not just this page."""

    items: list[T]
    total: int
    limit: int
    offset: int
