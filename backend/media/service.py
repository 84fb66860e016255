"""Uploads: check every file, store the good ones, flag repeats. Reads are scoped to the workspace."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import anyio.to_thread
import structlog
from piccolo.custom_types import Combinable
from PIL import Image

from backend import db
from backend.core.convert import to_schema
from backend.core.errors import InvalidInput, NotFound, ServiceError
from backend.core.scoped import scoped
from backend.media import upkeep
from backend.media.hash_index import HashCache, HashLoader, HashRow
from backend.media.images import (
    FLAT_PHASH,
    ImageRejected,
    NormalisedImage,
    is_low_information,
    normalise,
    perceptual_hash,
)
from backend.media.schemas import MediaOut
from backend.media.storage import get_storage
from backend.media.tables import MediaFile
from backend.media.videos import VideoKind, VideoRejected, identify_video, placeholder_thumbnail
from backend.settings import get_settings

log = structlog.get_logger(__name__)

MEDIA_NAMESPACE = "media"
# The process's near-duplicate indexes (see hash_index.py): rebuilt from the tables on demand,
# so losing them (a restart, another process) loses nothing.
_hashes = HashCache()


class TooLarge(ServiceError):
    status_code = 413


@dataclass(frozen=True)
class IncomingFile:
    name: str
    data: bytes


def media_out(row: dict[str, Any]) -> MediaOut:
    return to_schema(
        row,
        MediaOut,
        kind="video" if row["content_type"].startswith("video/") else "image",
        file_url=f"/api/v1/media/{row['id']}/file",
        thumbnail_url=f"/api/v1/media/{row['id']}/thumbnail",
    )


def check_batch(names_and_sizes: list[tuple[str, int]]) -> None:
    """Count limit and empty files, checked before any file is read (sizes: `_identify`)."""
    settings = get_settings().media
    if not names_and_sizes:
        raise InvalidInput("files", "send at least one image or video (multipart field `files`)")
    if len(names_and_sizes) > settings.max_files:
        raise InvalidInput("files", f"{len(names_and_sizes)} files sent; at most {settings.max_files} per upload")
    for name, size in names_and_sizes:
        if size == 0:
            raise InvalidInput("files", f"{name!r} is empty")


def _identify(file: IncomingFile) -> VideoKind | None:
    """A video (by its first bytes) or else a would-be photo, within its size limit; 400/413 naming the file."""
    settings = get_settings().media
    try:
        video = identify_video(file.data)
    except VideoRejected as exc:
        raise InvalidInput("files", f"{file.name!r}: {exc}") from None
    limit, what = (settings.max_video_bytes, "video") if video else (settings.max_file_bytes, "photo")
    if len(file.data) > limit:
        raise TooLarge(
            f"files: {file.name!r} is {len(file.data) / 1024 / 1024:.1f} MiB; "
            f"the limit is {limit / 1024 / 1024:.0f} MiB per {what}"
        )
    return video


@dataclass(frozen=True)
class _Checked:
    """A file that passed its checks, ready to store."""

    data: bytes
    content_type: str
    extension: str
    thumbnail: bytes
    width: int = 0
    height: int = 0
    phash: str = ""
    image: NormalisedImage | None = None


async def _check(file: IncomingFile, video: VideoKind | None) -> _Checked:
    """A video is kept as sent; an image is decoded and normalised (400 naming the file if it is not one)."""
    settings = get_settings().media
    if video is not None:
        return _Checked(file.data, video.content_type, video.extension, placeholder_thumbnail(settings.thumbnail_px))
    try:
        image = await anyio.to_thread.run_sync(normalise, file.data, settings.max_pixels, settings.thumbnail_px)
    except ImageRejected as exc:
        raise InvalidInput("files", f"{file.name!r}: {exc}") from None
    return _Checked(
        image.data, image.content_type, image.extension, image.thumbnail, image.width, image.height, image.phash, image
    )


async def upload(workspace_id: uuid.UUID, files: list[IncomingFile]) -> list[MediaOut]:
    """Check all files first; store only if every one is a good image or video (nothing is stored otherwise).

    A video is stored as sent, 0x0, with a placeholder thumbnail; it repeats an earlier file only
    when its bytes are the same.
    """
    settings = get_settings().media
    check_batch([(f.name, len(f.data)) for f in files])
    kinds = [_identify(file) for file in files]  # every size checked before any decoding
    checked = [await _check(file, kind) for file, kind in zip(files, kinds, strict=True)]
    storage = get_storage()
    created: list[MediaOut] = []
    for file, item in zip(files, checked, strict=True):
        sha = hashlib.sha256(item.data).hexdigest()
        duplicate_of = await _earlier_copy(workspace_id, sha, item.image, settings.duplicate_distance)
        key = await storage.put(item.data, item.extension)
        thumbnail_key = await storage.put(item.thumbnail, "jpg")
        media_id = uuid.uuid4()
        async with db.transaction():
            rows = await MediaFile.insert(
                MediaFile(
                    id=media_id,
                    workspace=workspace_id,
                    original_name=Path(file.name).name[:255],
                    content_type=item.content_type,
                    sha256=sha,
                    storage_key=key,
                    thumbnail_key=thumbnail_key,
                    width=item.width,
                    height=item.height,
                    size_bytes=len(item.data),
                    phash=item.phash,
                    duplicate_of=duplicate_of,
                )
            ).returning(*MediaFile.all_columns())
        created.append(media_out(rows[0]))
    log.info("media_uploaded", workspace_id=str(workspace_id), count=len(created))
    return created


async def _earlier_copy(
    workspace_id: uuid.UUID, sha: str, image: NormalisedImage | None, distance: int
) -> uuid.UUID | None:
    """The earliest file this one repeats: the same bytes, or (a picture with content) a pHash within
    `distance` bits. A nearly flat picture repeats only the same bytes (its pHash matches any flat
    one), and flat pHashes are never in the index, so nothing is matched to one by pHash."""
    near: list[uuid.UUID] = []
    if image is not None and not image.low_information:
        near = [key for key, _ in await near_duplicates(workspace_id, image.phash, distance)]
    condition: Combinable = MediaFile.sha256 == sha
    if near:
        condition = condition | MediaFile.id.is_in(near)
    row = (
        await scoped(MediaFile, workspace_id)
        .select(MediaFile.id)
        .where(condition)
        .order_by(MediaFile.created_at)
        .first()
    )
    return row["id"] if row else None


async def near_duplicates(
    workspace_id: uuid.UUID, phash_hex: str, max_distance: int, namespace: str = MEDIA_NAMESPACE
) -> list[tuple[uuid.UUID, int]]:
    """Stored images of `namespace` whose pHash is within `max_distance` bits of `phash_hex`: (key,
    distance), nearest first. The namespace's rows made since the last lookup (by any process) are
    read first. For "media" the keys are media ids, each checked to still exist; other namespaces
    answer their loader's keys (`register_hash_namespace`), and their owner re-checks them."""
    found = await _hashes.near(workspace_id, namespace, int(phash_hex, 16), max_distance)
    if namespace != MEDIA_NAMESPACE or not found:
        return [(uuid.UUID(str(key)), distance) for key, distance in found]
    ids = [key for key, _ in found]
    rows = await scoped(MediaFile, workspace_id).select(MediaFile.id).where(MediaFile.id.is_in(ids))
    alive = {row["id"] for row in rows}
    forget_hashes(workspace_id, namespace, [key for key in ids if key not in alive])
    return [(uuid.UUID(str(key)), distance) for key, distance in found if key in alive]


def picture_hash(image: Image.Image) -> tuple[str, bool]:
    """(pHash hex, low information) of an upright picture, as uploads compute them: a picture of
    low information (nearly one colour) repeats another only when its bytes are the same."""
    return perceptual_hash(image), is_low_information(image)


def register_hash_namespace(prefix: str, loader: HashLoader) -> None:
    """Let `near_duplicates` answer for namespaces starting with `prefix` (e.g. "collect:" for
    f"collect:{collection_id}"), each loaded through `loader` from its owner's table:
    async (workspace_id, namespace, created_since) -> [(key, phash_hex, created_at), ...], every
    row when `created_since` is None, else rows created at or after it. Keys must be UUIDs."""
    _hashes.register(prefix, loader)


def forget_hashes(workspace_id: uuid.UUID, namespace: str, keys: Sequence[object]) -> None:
    """Leave these keys out of `namespace`'s later answers (their rows were deleted)."""
    _hashes.forget(workspace_id, namespace, keys)


def drop_hash_namespace(workspace_id: uuid.UUID, namespace: str) -> None:
    """Free a namespace's index (its collection was deleted, or its rows were re-keyed)."""
    _hashes.drop(workspace_id, namespace)


async def _media_hashes(workspace_id: uuid.UUID, namespace: str, since: datetime | None) -> Sequence[HashRow]:
    """The workspace's pictures by pHash. Videos have none, and flat pictures are left out: see
    `_earlier_copy`."""
    query = (
        scoped(MediaFile, workspace_id)
        .select(MediaFile.id, MediaFile.phash, MediaFile.created_at)
        .where(MediaFile.phash != "", MediaFile.phash != FLAT_PHASH)
    )
    if since is not None:
        query = query.where(MediaFile.created_at >= since)
    return [(row["id"], row["phash"], row["created_at"]) for row in await query]


register_hash_namespace(MEDIA_NAMESPACE, _media_hashes)


async def get_row(workspace_id: uuid.UUID, media_id: uuid.UUID) -> dict[str, Any]:
    return await scoped(MediaFile, workspace_id).get(media_id, missing="Media not found")


async def get_media(workspace_id: uuid.UUID, media_id: uuid.UUID) -> MediaOut:
    return media_out(await get_row(workspace_id, media_id))


async def rows_for(workspace_id: uuid.UUID, media_ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[str, Any]]:
    """The workspace's media rows among `media_ids`; NotFound names the first missing one."""
    rows = await scoped(MediaFile, workspace_id).select().where(MediaFile.id.is_in(media_ids)) if media_ids else []
    found = {row["id"]: row for row in rows}
    for media_id in media_ids:
        if media_id not in found:
            raise NotFound(f"Media {media_id} not found")
    return found


async def photo_rows(
    workspace_id: uuid.UUID, media_ids: list[uuid.UUID], field: str
) -> dict[uuid.UUID, dict[str, Any]]:
    """As `rows_for`, for work that needs pictures (AI analysis, listing photos): a video is a 400 naming `field`."""
    rows = await rows_for(workspace_id, media_ids)
    for media_id in media_ids:
        if rows[media_id]["content_type"].startswith("video/"):
            raise InvalidInput(field, f"media {media_id} is a video; photos only here")
    return rows


async def names_of(workspace_id: uuid.UUID, media_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The uploaded file names of the workspace's media among `media_ids` (deleted ones are left out)."""
    if not media_ids:
        return {}
    rows = (
        await scoped(MediaFile, workspace_id)
        .select(MediaFile.id, MediaFile.original_name)
        .where(MediaFile.id.is_in(media_ids))
    )
    return {row["id"]: row["original_name"] for row in rows if row["original_name"]}


async def read_bytes(row: dict[str, Any]) -> bytes:
    return await get_storage().get(row["storage_key"])


def file_path(row: dict[str, Any], thumbnail: bool = False) -> Path:
    path = get_storage().local_path(row["thumbnail_key"] if thumbnail else row["storage_key"])
    if path is None:
        raise NotFound("File not stored locally")
    return path


# --- upkeep (the maintenance cron): stored files and rows kept in step ----------------------

OrphanSweep = upkeep.OrphanSweep
delete_orphan_files = upkeep.delete_orphan_files


async def delete_rows_without_files(before: datetime, limit: int) -> int:
    """Delete at most `limit` media rows (made before `before`) whose file is gone; how many went."""
    deleted = await upkeep.delete_rows_without_files(before, limit)
    by_workspace: dict[uuid.UUID, list[uuid.UUID]] = {}
    for workspace_id, media_id in deleted:
        by_workspace.setdefault(workspace_id, []).append(media_id)
    for workspace_id, ids in by_workspace.items():
        forget_hashes(workspace_id, MEDIA_NAMESPACE, ids)
    return len(deleted)
