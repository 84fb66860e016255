"""Query parameters every paginated list takes."""

from typing import Annotated

from litestar.params import QueryParameter

from backend.core.schemas import MAX_PAGE_SIZE

Limit = Annotated[int, QueryParameter(ge=1, le=MAX_PAGE_SIZE, description="Page size")]
Offset = Annotated[int, QueryParameter(ge=0, description="Items to skip")]
