"""The media step: old unnamed and temporary files go, recent ones and every file a row names stay,
rows whose file is gone go; a second run does nothing, and a run deletes at most its limit."""

from __future__ import annotations

import hashlib
import io
import os
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from PIL import Image

from backend.admin import maintenance
from backend.core.clock import utcnow
from backend.media.tables import MediaFile
from tests.helpers import register

NOW = utcnow()
GRACE = timedelta(hours=24)


def _photo(seed: int) -> bytes:
    image = Image.new("RGB", (64, 48), (seed * 40 % 256, 90, 200))
    for x in range(0, 64, 8):
        for y in range(0, 48, 8):
            image.putpixel((x + seed % 8, y), (255 - x * 3, y * 5 % 256, seed % 256))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _age(path: Path, age: timedelta) -> None:
    moment = (NOW - age).timestamp()
    os.utime(path, (moment, moment))


def _stray(root: Path, name: str | None, age: timedelta) -> Path:
    """A file under the media root that no row names (a failed upload's, or a temporary one)."""
    digest = hashlib.sha256(uuid.uuid4().bytes).hexdigest()
    path = root / digest[:2] / digest[2:4] / (name or f"{digest}.jpg")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"stray bytes")
    _age(path, age)
    return path


async def _upload(client: httpx.AsyncClient, headers: dict[str, str], seed: int) -> dict[str, Any]:
    files = [("files", (f"photo-{seed}.png", _photo(seed), "image/png"))]
    response = await client.post("/api/v1/media", headers=headers, files=files)
    assert response.status_code == 201, response.text
    media_id = uuid.UUID(response.json()["items"][0]["id"])
    row: dict[str, Any] = await MediaFile.select().where(MediaFile.id == media_id).first()
    return row


async def test_old_orphans_and_rows_without_files_go_and_nothing_else(
    client: httpx.AsyncClient, app: Any, override_env: Any, tmp_path: Path
) -> None:
    override_env(DATA_DIR=str(tmp_path), MEDIA_ORPHAN_GRACE_HOURS="24")
    root = tmp_path / "media"
    account = await register(client)
    kept_row = await _upload(client, account.headers, 1)
    for key in (kept_row["storage_key"], kept_row["thumbnail_key"]):
        _age(root / key, timedelta(days=10))  # old, but named by a row: stays
    lost_row = await _upload(client, account.headers, 2)
    (root / lost_row["storage_key"]).unlink()  # its bytes are gone
    _age(root / lost_row["thumbnail_key"], timedelta(days=10))
    await MediaFile.update({MediaFile.created_at: NOW - timedelta(days=3)}, force=True).where(
        MediaFile.id.is_in([kept_row["id"], lost_row["id"]])
    )
    fresh_lost = await _upload(client, account.headers, 3)  # its file gone too, but the row is recent
    (root / fresh_lost["storage_key"]).unlink()
    old_orphan = _stray(root, None, GRACE + timedelta(seconds=5))
    old_temporary = _stray(root, "tmpq8x1_2ab", GRACE + timedelta(seconds=5))
    recent_orphan = _stray(root, None, GRACE - timedelta(minutes=5))  # an upload in flight: its row may come
    recent_temporary = _stray(root, "tmpzz91_0cd", timedelta(seconds=1))
    redis = app.state.redis

    report = await maintenance.run_step(redis, "media", now=NOW)

    assert report["rows_without_file"] == 1
    # The stray one, and the thumbnail of the row that went (named by no row any more).
    assert report["orphaned_files"] == 2
    assert report["temporary_files"] == 1
    assert {row["id"] for row in await MediaFile.select(MediaFile.id)} == {kept_row["id"], fresh_lost["id"]}
    assert not old_orphan.exists()
    assert not old_temporary.exists()
    assert not (root / lost_row["thumbnail_key"]).exists()
    for path in (recent_orphan, recent_temporary, root / kept_row["storage_key"], root / kept_row["thumbnail_key"]):
        assert path.exists(), path
    response = await client.get(f"/api/v1/media/{kept_row['id']}/file", headers=account.headers)
    assert response.status_code == 200

    again = await maintenance.run_step(redis, "media", now=NOW)
    assert again == {"orphaned_files": 0, "temporary_files": 0, "bytes_freed": 0, "rows_without_file": 0}


async def test_storing_the_same_bytes_again_protects_an_old_orphan(
    client: httpx.AsyncClient, app: Any, override_env: Any, tmp_path: Path
) -> None:
    override_env(DATA_DIR=str(tmp_path))
    root = tmp_path / "media"
    account = await register(client)
    row = await _upload(client, account.headers, 4)
    await MediaFile.delete(force=True)  # the file is now an orphan…
    _age(root / row["storage_key"], timedelta(days=3))
    await _upload(client, account.headers, 4)  # …until the same photo is uploaded again
    await maintenance.run_step(app.state.redis, "media", now=NOW)
    assert (root / row["storage_key"]).exists()


async def test_a_media_run_deletes_at_most_its_limit(
    client: httpx.AsyncClient, app: Any, override_env: Any, tmp_path: Path
) -> None:
    override_env(DATA_DIR=str(tmp_path), MAINTENANCE_MEDIA_FILES_PER_RUN="2")
    root = tmp_path / "media"
    strays = [_stray(root, None, timedelta(days=2)) for _ in range(5)]
    report = await maintenance.run_step(app.state.redis, "media", now=NOW)
    assert report["orphaned_files"] == 2
    assert sum(path.exists() for path in strays) == 3


async def test_rows_are_kept_when_the_media_folder_is_missing(
    client: httpx.AsyncClient, app: Any, override_env: Any, tmp_path: Path
) -> None:
    override_env(DATA_DIR=str(tmp_path))
    account = await register(client)
    row = await _upload(client, account.headers, 5)
    await MediaFile.update({MediaFile.created_at: NOW - timedelta(days=3)}, force=True)
    override_env(DATA_DIR=str(tmp_path / "not-mounted"))  # e.g. a volume that did not mount
    report = await maintenance.run_step(app.state.redis, "media", now=NOW)
    assert report["rows_without_file"] == 0
    assert await MediaFile.exists().where(MediaFile.id == row["id"])
