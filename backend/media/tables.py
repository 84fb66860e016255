"""Uploaded images: where their bytes are, what they look like, and which earlier photo they repeat."""

from __future__ import annotations

from piccolo.columns import UUID, ForeignKey, Integer, OnDelete, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from backend.auth.tables import Workspace


class MediaFile(Table, tablename="media_files"):
    id = UUID(primary_key=True)
    workspace = ForeignKey(Workspace, null=False, on_delete=OnDelete.cascade, index=True)
    original_name = Varchar(length=255, default="")
    content_type = Varchar(length=32)
    sha256 = Varchar(length=64, index=True)
    storage_key = Varchar(length=255)
    thumbnail_key = Varchar(length=255)
    width = Integer()
    height = Integer()
    size_bytes = Integer()
    # Perceptual hash (64-bit pHash as hex): near-identical photos differ in few bits.
    phash = Varchar(length=16)
    duplicate_of = UUID(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
