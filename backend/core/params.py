"""Query parameters shared by routes (HTTP only: services take plain values)."""

from __future__ import annotations

from typing import Annotated

from litestar.params import QueryParameter

from backend.core.pagination import MAX_OFFSET
from backend.core.schemas import MAX_PAGE_SIZE

Limit = Annotated[int, QueryParameter(ge=1, le=MAX_PAGE_SIZE, description="Page size")]
Offset = Annotated[int, QueryParameter(ge=0, le=MAX_OFFSET, description="Items to skip")]
