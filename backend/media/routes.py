"""Media endpoints: multipart upload and reads."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Annotated

from litestar import Controller, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import File
from litestar.status_codes import HTTP_201_CREATED

from backend.core.principal import AuthRequest
from backend.media import service
from backend.media.schemas import MediaOut, UploadResult
from backend.settings import get_settings


@dataclass
class UploadForm:
    files: list[UploadFile] = field(default_factory=list)


def _upload_body_limit() -> int:
    media = get_settings().media
    # Photos up to the count limit, or one video (each file is checked on its own in the service).
    return max(media.max_files * media.max_file_bytes, media.max_video_bytes) + 1024 * 1024


class MediaController(Controller):
    path = "/media"
    tags = ["media"]

    @post("/", status_code=HTTP_201_CREATED, request_max_body_size=_upload_body_limit())
    async def upload(
        self,
        request: AuthRequest,
        data: Annotated[UploadForm, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> UploadResult:
        """Upload photos or videos as multipart field `files` (repeat it per file), checked by content.

        Photos: JPEG, PNG and WebP (MEDIA_MAX_FILE_BYTES each). Videos: MP4, WebM and QuickTime/MOV
        (MEDIA_MAX_VIDEO_BYTES each), recognised by their first bytes, stored as sent with `kind` "video",
        0x0 and a placeholder thumbnail. All or nothing: if any file is refused (not an image or video,
        damaged, too large), none is stored and the error names it. EXIF orientation is applied and photo
        metadata (GPS included) removed. A file that repeats one already in the workspace (same bytes, or
        for a photo the same picture resized) is stored with `duplicate_of` set to the earlier one.
        """
        files = [service.IncomingFile(name=u.filename or "file", data=await u.read()) for u in data.files]
        return UploadResult(items=await service.upload(request.user.workspace_id, files))

    @get("/{media_id:uuid}")
    async def get_media(self, request: AuthRequest, media_id: FromPath[uuid.UUID]) -> MediaOut:
        return await service.get_media(request.user.workspace_id, media_id)

    @get("/{media_id:uuid}/file", media_type="application/octet-stream")
    async def file(self, request: AuthRequest, media_id: FromPath[uuid.UUID]) -> File:
        row = await service.get_row(request.user.workspace_id, media_id)
        return File(service.file_path(row), media_type=row["content_type"], content_disposition_type="inline")

    @get("/{media_id:uuid}/thumbnail", media_type="image/jpeg")
    async def thumbnail(self, request: AuthRequest, media_id: FromPath[uuid.UUID]) -> File:
        row = await service.get_row(request.user.workspace_id, media_id)
        return File(service.file_path(row, thumbnail=True), media_type="image/jpeg", content_disposition_type="inline")
