"""One image a chunk found: claim it, download it as the account, check it, drop a repeat, keep it
within the collection's maximum, store it in media, judge it, and say what happened.

Claiming inserts the image's row first, unique on (collection, source URL): an image
another chunk (or an earlier page) already claimed is never fetched again. A claim of
this chunk left unfinished by a crash is taken up again by the chunk's re-run.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from typing import Any

from backend.collect.crawl import chunks, dedupe
from backend.collect.review import judge
from backend.collect.review.images import event, note, update_image
from backend.collect.tables import CollectedImage, ImageStatus
from backend.core.clock import utcnow
from backend.core.errors import ServiceError
from backend.core.scoped import scoped
from backend.jobs.service import JobRun
from backend.media import service as media
from backend.platforms import service as platforms
from backend.settings import get_settings

CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}


def item_key(url: str) -> str:
    """The job item of an image: its URL, hashed (a URL can be longer than an item key)."""
    return "img:" + hashlib.sha256(url.encode()).hexdigest()[:40]


async def claim(run: JobRun, collection: dict[str, Any], chunk: dict[str, Any], found: Any) -> tuple[uuid.UUID, bool]:
    """The image's row id and whether this chunk is to fetch it (False: another chunk had it first)."""
    row = CollectedImage(
        workspace=run.workspace_id,
        collection=collection["id"],
        chunk_key=chunk["key"],
        source=chunk["source"],
        keyword=chunk["keyword"],
        source_url=found.image_url[:2000],
        page_url=(found.page_url or "")[:2000],
        title=(found.title or "")[:300],
        platform_item_id=(found.item_id or "")[:200],
    )
    inserted = await CollectedImage.insert(row).on_conflict(action="DO NOTHING").returning(CollectedImage.id)
    if inserted:
        return inserted[0]["id"], True
    existing = await (
        scoped(CollectedImage, run.workspace_id)
        .select(CollectedImage.id, CollectedImage.chunk_key, CollectedImage.fetched)
        .where((CollectedImage.collection == collection["id"]) & (CollectedImage.source_url == row.source_url))
        .first()
    )
    if existing is None:  # deleted meanwhile with its collection
        return row.id, False
    mine = existing["chunk_key"] == chunk["key"] and not existing["fetched"]
    return existing["id"], mine


async def process(run: JobRun, session: Any, collection: dict[str, Any], chunk: dict[str, Any], found: Any) -> str:
    """Handle one found image; returns its outcome for the chunk's counts ("kept", "duplicates" or "")."""
    workspace_id, collection_id = run.workspace_id, collection["id"]
    key = item_key(found.image_url)
    image_id, fetch = await claim(run, collection, chunk, found)
    if not fetch:  # found before on another page or by another keyword: not fetched again
        again = event("image_duplicate", collection_id, duplicate_of=image_id, distance=0, reason="found before")
        await run.record_item(key, result=again)
        return "duplicates"
    await note(run, event("image_found", collection_id, image_id=image_id, source_url=found.image_url))
    try:
        data = await platforms.download_image(session, found.image_url, get_settings().media.max_file_bytes)
    except platforms.ActionFailed as exc:
        return await _rejected(run, key, collection_id, image_id, f"could not be downloaded: {exc}")
    facts = await judge.inspect(data, collection["validation_level"])
    if not facts.phash:  # not decoded: no image at all, or one that cannot be used (the checks say why)
        reason = "; ".join(facts.problems) or "not an image"
        return await _rejected(run, key, collection_id, image_id, f"not a usable image: {reason}")
    facts_values = {
        "sha256": facts.sha256,
        "phash": facts.phash,
        "width": facts.width,
        "height": facts.height,
        "size_bytes": facts.size_bytes,
        "format": facts.format,
        "sharpness": facts.sharpness,
        "problems": list(facts.problems),
    }
    repeat = await dedupe.find_repeat(workspace_id, collection_id, facts.sha256, facts.phash, facts.low_information)
    if repeat is not None:
        reason = "the same file" if repeat.exact else f"a near copy (hash distance {repeat.distance})"
        await update_image(
            workspace_id,
            image_id,
            status=ImageStatus.duplicate.value,
            reason=f"Repeats an image already kept: {reason}",
            duplicate_of=repeat.image_id,
            fetched=True,
            **facts_values,
        )
        result = event(
            "image_duplicate", collection_id, image_id=image_id, duplicate_of=repeat.image_id, distance=repeat.distance
        )
        await run.record_item(key, result=result)
        return "duplicates"
    if not await chunks.reserve_slot(workspace_id, collection_id):
        reason = f"the collection has its {collection['max_images']} images"
        return await _rejected(run, key, collection_id, image_id, reason, **facts_values)
    try:
        [stored] = await media.upload(workspace_id, [media.IncomingFile(_file_name(found, facts.format), data)])
    except ServiceError as exc:
        await chunks.release_slot(workspace_id, collection_id)
        return await _rejected(run, key, collection_id, image_id, f"refused by the media checks: {exc.detail}")
    await update_image(
        workspace_id,
        image_id,
        status=ImageStatus.pending.value,
        reason="Being judged",
        media_id=stored.id,
        fetched=True,
        hashed_at=utcnow(),
        **facts_values,
    )
    verdict = await judge.judge(
        run.redis,
        workspace_id,
        f"collect-score:{image_id}:{collection['validation_level']}",
        data,
        CONTENT_TYPES.get(facts.format.upper(), stored.content_type),
        list(facts.problems),
        collection["validation_level"],
        collection["brief"],
        float(collection["threshold"]),
    )
    await update_image(workspace_id, image_id, status=verdict.status.value, reason=verdict.reason, score=verdict.score)
    if verdict.score is not None:
        scored = event("image_scored", collection_id, image_id=image_id, score=verdict.score, status=verdict.status)
        await note(run, scored)
    kept = event(
        "image_kept", collection_id, image_id=image_id, status=verdict.status, score=verdict.score, media_id=stored.id
    )
    await run.record_item(key, result=kept)
    return "kept"


async def _rejected(
    run: JobRun, key: str, collection_id: uuid.UUID, image_id: uuid.UUID, reason: str, **values: Any
) -> str:
    reason = reason[:300]
    await update_image(
        run.workspace_id, image_id, status=ImageStatus.rejected.value, reason=reason, fetched=True, **values
    )
    await run.record_item(key, result=event("image_rejected", collection_id, image_id=image_id, reason=reason))
    return ""


def _file_name(found: Any, image_format: str) -> str:
    base = re.sub(r"[^\w-]+", "-", (found.title or found.item_id or "image").lower()).strip("-")[:60] or "image"
    return f"{base}.{(image_format or 'jpg').lower()}"
