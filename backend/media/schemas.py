"""Media responses."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

import msgspec


class MediaOut(msgspec.Struct):
    id: uuid.UUID
    kind: Literal["image", "video"]
    """A video has no size (0x0) or perceptual hash, and a placeholder thumbnail."""
    original_name: str
    content_type: str
    width: int
    height: int
    size_bytes: int
    phash: str
    duplicate_of: uuid.UUID | None
    """An earlier photo in this workspace that this one repeats (same bytes, or the same picture resized)."""
    created_at: datetime
    file_url: str
    thumbnail_url: str


class UploadResult(msgspec.Struct):
    items: list[MediaOut]
