"""A collection's images: list with filters, a person's override, validation at another level, export."""

from __future__ import annotations

import uuid
from typing import Annotated

from arq.connections import ArqRedis
from litestar import Controller, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.response import Stream
from litestar.status_codes import HTTP_200_OK

from backend.collect.review import export, images, validation
from backend.collect.schemas import CollectionOut, ImageOut, ImageStatusName, ImageUpdate, ValidateIn
from backend.core.actor import actor_of
from backend.core.params import Limit, Offset
from backend.core.principal import AuthRequest
from backend.core.schemas import DEFAULT_PAGE_SIZE, Page

Redis = NamedDependency[ArqRedis]
CollectionId = FromPath[uuid.UUID]
ExportStatus = Annotated[
    ImageStatusName, QueryParameter(description="Which images: approved (default), disqualified or pending")
]


class ReviewController(Controller):
    path = "/collections/{collection_id:uuid}"
    tags = ["collect"]

    @get("/images")
    async def list_images(
        self,
        request: AuthRequest,
        collection_id: CollectionId,
        status: Annotated[ImageStatusName | None, QueryParameter()] = None,
        duplicate: Annotated[bool | None, QueryParameter(description="Only duplicates (true) or none (false)")] = None,
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> Page[ImageOut]:
        """The images found, in the order found, with status, reason, score and their file's links."""
        return await images.list_images(
            request.user.workspace_id, collection_id, status=status, duplicate=duplicate, limit=limit, offset=offset
        )

    @patch("/images/{image_id:uuid}")
    async def override_image(
        self,
        request: AuthRequest,
        collection_id: CollectionId,
        image_id: FromPath[uuid.UUID],
        data: JSONBody[ImageUpdate],
    ) -> ImageOut:
        """Approve or disqualify a kept image by hand; validating again leaves it as set (409 for a duplicate
        or rejected image)."""
        return await images.override(request.user.workspace_id, collection_id, image_id, data.status, data.reason)

    @post("/validate", status_code=HTTP_200_OK)
    async def validate(
        self, request: AuthRequest, collection_id: CollectionId, data: JSONBody[ValidateIn], redis: Redis
    ) -> CollectionOut:
        """Judge the kept images again at another level (and threshold), as a job (`validate_job_id`)."""
        return await validation.validate(redis, request.user.workspace_id, collection_id, data, request.user.user_id)

    @get("/export", media_type="application/zip")
    async def export_images(
        self, request: AuthRequest, collection_id: CollectionId, status: ExportStatus = "approved"
    ) -> Stream:
        """A zip of the images of one status with manifest.csv and manifest.json (file, source URL, size,
        hash, score, status, reason), streamed as it is made."""
        content, filename, size = await export.export(
            request.user.workspace_id, collection_id, status, actor_of(request)
        )
        headers = {"Content-Disposition": f'attachment; filename="{filename}"', "Content-Length": str(size)}
        return Stream(content, media_type="application/zip", headers=headers)
