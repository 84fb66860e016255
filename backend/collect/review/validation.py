"""Re-validation: the kept images judged again at another level (and threshold), as a job
(`collect.validate`, one item per image). A person's override stays as they set it.

The stored file is checked (it is the downloaded image re-encoded without metadata, so
its size and sharpness are what the dataset holds). Duplicates and rejected images are
not judged again: they hold no file.
"""

from __future__ import annotations

import uuid
from typing import Any

from arq.connections import ArqRedis

from backend.collect import service as core
from backend.collect.review import judge
from backend.collect.review.images import KEPT_VALUES, event, note, update_image
from backend.collect.schemas import CollectionOut, ValidateIn
from backend.collect.tables import CollectedImage, CollectionStatus
from backend.core.errors import Conflict, NotFound
from backend.core.scoped import scoped
from backend.jobs import service as jobs
from backend.jobs.service import JobFailed, JobRun
from backend.media import service as media

VALIDATE_KIND = "collect.validate"


async def validate(
    redis: ArqRedis, workspace_id: uuid.UUID, collection_id: uuid.UUID, data: ValidateIn, user_id: uuid.UUID | None
) -> CollectionOut:
    """Judge the kept images again at `data.level` (409 while the crawl runs: stop it first)."""
    row = await core.collection_row(workspace_id, collection_id)
    if row["status"] == CollectionStatus.running.value:
        raise Conflict("The collection is crawling: stop it (or let it finish) before validating it again")
    values: dict[str, Any] = {"validation_level": data.level}
    if data.threshold is not None:
        values["threshold"] = data.threshold
    await core.update(workspace_id, collection_id, values)
    job = await jobs.enqueue(
        redis,
        workspace_id,
        VALIDATE_KIND,
        {"collection_id": str(collection_id)},
        idempotency_key=f"collect:{collection_id}:validate:{uuid.uuid4()}",
        created_by=user_id,
    )
    await core.update(workspace_id, collection_id, {"validate_job_id": job.id})
    return await core.get_collection(workspace_id, collection_id)


async def run_validation(run: JobRun) -> dict[str, int]:
    try:
        collection = await core.collection_row(run.workspace_id, uuid.UUID(run.payload["collection_id"]))
    except NotFound:
        raise JobFailed("The collection no longer exists") from None
    rows = await (
        scoped(CollectedImage, run.workspace_id)
        .select(CollectedImage.id, CollectedImage.media_id, CollectedImage.overridden)
        .where((CollectedImage.collection == collection["id"]) & CollectedImage.status.is_in(KEPT_VALUES))
        .where(CollectedImage.media_id.is_not_null())
        .order_by(CollectedImage.created_at)
    )
    await run.set_total(len(rows))
    done = await run.completed_keys()
    judged = 0
    for row in rows:
        key = str(row["id"])
        if key in done:
            continue
        await run.check_cancelled()
        if row["overridden"]:
            await run.record_item(key, result={"image_id": key, "skipped": "set by a person"})
            continue
        await _judge_again(run, collection, row)
        judged += 1
    return {"images": len(rows), "judged": judged}


async def _judge_again(run: JobRun, collection: dict[str, Any], row: dict[str, Any]) -> None:
    key, level = str(row["id"]), collection["validation_level"]
    try:
        stored = (await media.rows_for(run.workspace_id, [row["media_id"]]))[row["media_id"]]
        data = await media.read_bytes(stored)
        facts = await judge.inspect(data, level)
    except (NotFound, OSError, ValueError) as exc:
        await run.record_item(key, error=f"The stored file cannot be read: {exc}")
        return
    verdict = await judge.judge(
        run.redis,
        run.workspace_id,
        f"collect-score:{row['id']}:{run.id}",
        data,
        stored["content_type"],
        list(facts.problems),
        level,
        collection["brief"],
        float(collection["threshold"]),
    )
    # Not over a person's choice made while this ran.
    not_overridden = CollectedImage.overridden == False  # noqa: E712 - Piccolo builds SQL from it
    await update_image(
        run.workspace_id,
        row["id"],
        not_overridden,
        status=verdict.status.value,
        reason=verdict.reason,
        score=verdict.score,
        sharpness=facts.sharpness,
        problems=list(facts.problems),
    )
    collection_id = collection["id"]
    if verdict.score is not None:
        await note(run, event("image_scored", collection_id, image_id=row["id"], score=verdict.score))
    result = event("image_kept", collection_id, image_id=row["id"], status=verdict.status, score=verdict.score)
    await run.record_item(key, result=result)
