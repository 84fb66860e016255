"""A collection's images of one status as a zip, streamed: the files (read from storage as the zip is
sent, never all in memory) with `manifest.csv` and `manifest.json` describing each one."""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import Iterator
from typing import Any

import msgspec
from zipstream import ZipStream

from backend.audit import service as audit
from backend.collect import service as core
from backend.collect.tables import CollectedImage, ImageStatus
from backend.core.actor import SYSTEM, Actor
from backend.core.errors import InvalidInput, NotFound
from backend.core.scoped import scoped
from backend.media import service as media

MANIFEST_FIELDS = ("file", "source_url", "page_url", "size_bytes", "sha256", "score", "status", "reason", "image_id")
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
# Only images with a stored file can be exported.
EXPORTABLE = (ImageStatus.approved.value, ImageStatus.disqualified.value, ImageStatus.pending.value)


def _manifest_csv(entries: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=MANIFEST_FIELDS, lineterminator="\n")
    writer.writeheader()
    for entry in entries:
        writer.writerow({k: "" if entry[k] is None else entry[k] for k in MANIFEST_FIELDS})
    return out.getvalue().encode()


def _safe(name: str) -> str:
    return re.sub(r"[^\w.-]+", "-", name).strip("-")[:80] or "collection"


async def export(
    workspace_id: uuid.UUID, collection_id: uuid.UUID, status: str, actor: Actor = SYSTEM
) -> tuple[Iterator[bytes], str, int]:
    """(the zip's bytes as they are made, its file name, its size). 400 for a status without files."""
    if status not in EXPORTABLE:
        raise InvalidInput("status", f"choose one of {', '.join(EXPORTABLE)} (only kept images have files)")
    collection = await core.collection_row(workspace_id, collection_id)
    rows = await (
        scoped(CollectedImage, workspace_id)
        .select()
        .where((CollectedImage.collection == collection_id) & (CollectedImage.status == status))
        .where(CollectedImage.media_id.is_not_null())
        .order_by(CollectedImage.created_at)
        .order_by(CollectedImage.id)
    )
    stored = await media.rows_for(workspace_id, [row["media_id"] for row in rows]) if rows else {}
    archive = ZipStream(sized=True)
    entries = []
    for number, row in enumerate(rows, start=1):
        file_row = stored[row["media_id"]]
        extension = EXTENSIONS.get(file_row["content_type"], "bin")
        name = f"images/{number:05d}-{row['id']}.{extension}"
        try:
            path = media.file_path(file_row)
        except NotFound:
            continue
        archive.add_path(str(path), name)
        entries.append(
            {
                "file": name,
                "source_url": row["source_url"],
                "page_url": row["page_url"],
                "size_bytes": file_row["size_bytes"],
                "sha256": file_row["sha256"],
                "score": row["score"],
                "status": row["status"],
                "reason": row["reason"],
                "image_id": str(row["id"]),
            }
        )
    archive.add(_manifest_csv(entries), "manifest.csv")
    archive.add(msgspec.json.format(msgspec.json.encode(entries)), "manifest.json")
    filename = f"{_safe(collection['name'])}-{status}.zip"
    await audit.record(
        "export.collection_dataset",
        workspace_id=workspace_id,
        actor_id=actor.user_id,
        actor_email=actor.email,
        target=f"collection:{collection_id}",
        details={"status": status, "images": len(entries), "name": collection["name"]},
        ip=actor.ip,
    )
    return iter(archive), filename, len(archive)
