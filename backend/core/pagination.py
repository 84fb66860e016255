"""Query parameters every paginated list takes."""

from typing import Annotated

from litestar.params import Parameter

from backend.core.schemas import MAX_PAGE_SIZE

Limit = Annotated[int, Parameter(ge=1, le=MAX_PAGE_SIZE, description="Page size")]
Offset = Annotated[int, Parameter(ge=0, description="Items to skip")]
