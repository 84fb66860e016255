"""Keeping stored files and media rows in step (the daily maintenance cron, `backend/admin/maintenance.py`).

Files are content-addressed under the media root (`storage.py`); each upload writes its
file and thumbnail first and inserts the row after, so a file without a row is normal for
a moment. Here:

- `delete_orphan_files`: files no media row names (a row never inserted: a failed or
  interrupted upload; the thumbnail of a row deleted below) and temporary files left by
  an interrupted write, once older than the grace period. A file is re-checked just
  before it goes (still unnamed, still old); storing the same bytes again refreshes its
  age, so an upload in flight is never hit.
- `delete_rows_without_files`: media rows whose file is gone from storage. The domain has
  no "deleted" mark, and a row whose bytes are lost can never be served again; the other
  domains already treat a missing media row as gone (names left out, a 404 naming it).
  Skipped when the media root is missing or empty: an unmounted volume is not lost data.

Both are across workspaces (a file may be named by rows of several: content addressing)
and bounded per run.
"""

from __future__ import annotations

import os
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import anyio.to_thread
import structlog

from backend.core.scoped import across_workspaces
from backend.media.tables import MediaFile
from backend.settings import get_settings

log = structlog.get_logger(__name__)

CHUNK = 500
# A stored file's name: its SHA-256 and an extension; anything else is a temporary file.
STORED_NAME = re.compile(r"^[0-9a-f]{64}\.[a-z0-9]+$")


@dataclass
class OrphanSweep:
    orphaned: int = 0
    """Stored files no media row names, deleted."""
    temporary: int = 0
    """Leftovers of interrupted writes, deleted."""
    bytes_freed: int = 0


def _old_files(root: Path, before: float) -> list[tuple[str, Path]]:
    """(storage key, path) of every file under `root` last changed before `before` (a timestamp)."""
    found = []
    for directory, _, names in os.walk(root):
        for name in names:
            path = Path(directory) / name
            try:
                if path.stat().st_mtime < before:
                    found.append((path.relative_to(root).as_posix(), path))
            except FileNotFoundError:
                continue
    return found


async def _named(keys: list[str]) -> set[str]:
    """The keys among `keys` that some media row names, as its file or its thumbnail."""
    # A file may be shared by rows of several workspaces (same bytes): all of them count.
    rows = (
        await across_workspaces(MediaFile)
        .select(MediaFile.storage_key, MediaFile.thumbnail_key)
        .where(MediaFile.storage_key.is_in(keys) | MediaFile.thumbnail_key.is_in(keys))
    )
    return {key for row in rows for key in (row["storage_key"], row["thumbnail_key"])}


def _remove_if_still_old(path: Path, before: float) -> int | None:
    """Delete the file unless it changed since it was listed (stored again); its size, or None if kept."""
    try:
        stat = path.stat()
        if stat.st_mtime >= before:
            return None
        path.unlink()
    except FileNotFoundError:
        return None
    return stat.st_size


async def delete_orphan_files(before: datetime, limit: int) -> OrphanSweep:
    """Delete at most `limit` files no media row names that were last written before `before`."""
    report = OrphanSweep()
    root = get_settings().media.root
    if limit < 1 or not root.is_dir():
        return report
    cutoff = before.timestamp()
    candidates = await anyio.to_thread.run_sync(_old_files, root, cutoff)
    for start in range(0, len(candidates), CHUNK):
        batch = candidates[start : start + CHUNK]
        named = await _named([key for key, _ in batch])
        for key, path in batch:
            if report.orphaned + report.temporary >= limit:
                return report
            if key in named or await _named([key]):  # re-checked: a row may have come meanwhile
                continue
            size = await anyio.to_thread.run_sync(_remove_if_still_old, path, cutoff)
            if size is None:
                continue
            report.bytes_freed += size
            if STORED_NAME.match(path.name):
                report.orphaned += 1
            else:
                report.temporary += 1
    return report


def _present(root: Path, keys: list[str]) -> list[bool]:
    return [(root / key).is_file() for key in keys]


def _has_files(root: Path) -> bool:
    return root.is_dir() and any(files for _, _, files in os.walk(root))


async def delete_rows_without_files(before: datetime, limit: int) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """Delete at most `limit` media rows made before `before` whose stored file is gone.

    Returns (workspace id, media id) of each deleted row.
    """
    root = get_settings().media.root
    if limit < 1:
        return []
    if not await anyio.to_thread.run_sync(_has_files, root):
        log.warning("media_rows_check_skipped", reason="the media folder is missing or empty")
        return []
    # Storage is the deployment's, not one workspace's: every row is checked against it.
    media = across_workspaces(MediaFile)
    gone: list[dict[str, Any]] = []
    offset = 0
    while len(gone) < limit:
        page = (
            await media.select(MediaFile.id, MediaFile.workspace, MediaFile.storage_key)
            .where(MediaFile.created_at < before)
            .order_by(MediaFile.created_at)
            .order_by(MediaFile.id)
            .offset(offset)
            .limit(CHUNK)
        )
        if not page:
            break
        offset += len(page)
        exists = await anyio.to_thread.run_sync(_present, root, [row["storage_key"] for row in page])
        gone += [row for row, present in zip(page, exists, strict=True) if not present]
    gone = gone[:limit]
    for start in range(0, len(gone), CHUNK):
        ids = [row["id"] for row in gone[start : start + CHUNK]]
        # The rows found above, whatever their workspace.
        await media.delete().where(MediaFile.id.is_in(ids))
    return [(row["workspace"], row["id"]) for row in gone]
