"""The crawl's jobs: `collect.crawl` (the collection) warms up, plans the chunks and fans out one
`collect.chunk` per chunk, which reads its results and handles each image (see `fetch`).

Both act as the collection's account through the platforms facade (its browser context,
proxy, cookies, pacing and caps; a challenge pauses the job for a person). A stopped
collection holds its jobs: a running chunk finishes its current image and pauses; start
sends them again and each continues after its last recorded image (items are keyed by
the image's URL). A chunk ends as soon as the collection has its maximum.
"""

from __future__ import annotations

import uuid
from typing import Any

import structlog

from backend.collect import service as core
from backend.collect.crawl import chunks, fetch
from backend.collect.crawl.chunks import Stream
from backend.collect.review.images import event, note
from backend.collect.tables import ChunkStatus, Collection, CollectionStatus, Source
from backend.core.errors import NotFound
from backend.jobs import service as jobs
from backend.jobs.service import JobDeferred, JobFailed, JobPaused, JobRun, RetryableJobError
from backend.platforms import service as platforms
from backend.settings import get_settings

log = structlog.get_logger(__name__)

CRAWL_KIND = "collect.crawl"
CHUNK_KIND = "collect.chunk"
STOPPED_REASON = "The collection is stopped"


async def _collection(run: JobRun) -> dict[str, Any]:
    try:
        return await core.collection_row(run.workspace_id, uuid.UUID(run.payload["collection_id"]))
    except NotFound:
        raise JobFailed("The collection no longer exists") from None


def max_attempts() -> int:
    attempts: int = get_settings().jobs.default_max_attempts
    return attempts


def _hold_if_stopped(collection: dict[str, Any]) -> None:
    if collection["status"] == CollectionStatus.stopped.value:
        raise JobPaused(STOPPED_REASON)


# --- the collection ------------------------------------------------------------------------------


async def crawl_collection(run: JobRun) -> Any:
    """Warm up (board ideas), learn each stream's page size, plan the chunks, start one job per chunk.

    When this fails for good (the platform refused, the account is unusable), so does the collection.
    """
    collection = await _collection(run)
    try:
        return await _crawl(run, collection)
    except RetryableJobError as exc:
        if run.attempt >= max_attempts():
            await _collection_failed(run, collection, str(exc))
        raise
    except JobFailed as exc:
        await _collection_failed(run, collection, str(exc))
        raise


async def _collection_failed(run: JobRun, collection: dict[str, Any], error: str) -> None:
    reason = f"The crawl could not start: {jobs.user_error(error)}"
    running = Collection.status == CollectionStatus.running.value
    await core.update(run.workspace_id, collection["id"], {"status": "failed", "status_reason": reason}, running)


async def _crawl(run: JobRun, collection: dict[str, Any]) -> Any:
    _hold_if_stopped(collection)
    if collection["status"] != CollectionStatus.running.value:
        return {"chunks": 0}
    async with (
        platforms.account_job(run, "crawl"),
        platforms.run_as_account(run.redis, run.workspace_id, collection["account_id"]) as session,
    ):
        board_id = collection["board_id"]
        if Source.board_ideas.value in collection["sources"]:
            board_id = await _warm_up(run, session, collection)
        streams = await _streams(session, collection, board_id)
    planned = chunks.plan(collection, streams)
    rows = await chunks.save_plan(run.workspace_id, collection, planned)
    await run.set_total(len(rows))
    for row in rows:
        child_id = await run.spawn_child(
            CHUNK_KIND,
            {"collection_id": str(collection["id"]), "chunk_id": str(row["id"])},
            key=row["key"],
            max_attempts=max_attempts(),
            account_id=collection["account_id"],
        )
        if row["job_id"] != child_id:
            await chunks.update_chunk(run.workspace_id, row["id"], job_id=child_id)
    if not rows:
        await chunks.finish_if_done(run.workspace_id, collection["id"])
    return jobs.WAIT_FOR_CHILDREN


async def _warm_up(run: JobRun, session: Any, collection: dict[str, Any]) -> str:
    """A board named for the collection, with pins found by its keywords saved to it (each step an event)."""
    done = await run.completed_keys()
    collection_id = collection["id"]
    board_id = await platforms.create_board(session, collection["name"])
    if collection["board_id"] != board_id:
        await core.update(run.workspace_id, collection_id, {"board_id": board_id})
    if "warmup:board" not in done:
        step = event("warmup_step", collection_id, step="board", detail=f"Board {collection['name']!r} ready")
        await run.record_item("warmup:board", result=step)
    wanted = int(collection["warmup_pins"])
    saved = sum(1 for key in done if key.startswith("warmup:pin:"))
    keywords: list[str] = collection["keywords"]
    for index in range(len(keywords)):
        if saved >= wanted:
            break
        share = -(-(wanted - saved) // (len(keywords) - index))  # the rest spread over the keywords left
        found = [f for f in await platforms.search_images(session, keywords[index], 1) if f.item_id]
        for item in found[:share]:
            key = f"warmup:pin:{item.item_id}"[:200]
            if key in done:
                continue
            await platforms.save_to_board(session, board_id, item.item_id)
            step = event("warmup_step", collection_id, step="pin_saved", detail=item.title or item.item_id)
            await run.record_item(key, result=step)
            saved += 1
    await note(run, event("warmup_step", collection_id, step="ideas", detail="Reading the board's ideas"))
    return board_id


async def _streams(session: Any, collection: dict[str, Any], board_id: str) -> list[Stream]:
    """Every stream the sources read, with its page size learnt from its first page."""
    streams: list[Stream] = []
    for source in collection["sources"]:
        if source == Source.board_ideas.value:
            first = await platforms.board_ideas(session, board_id, 1)
            streams.append(_stream(source, "", board_id, first))
            continue
        for keyword in collection["keywords"]:
            found = await platforms.search_images(session, keyword, 1)
            if source == Source.feed_search.value:
                streams.append(_stream(source, keyword, keyword, found))
                continue
            seed = next((f.item_id for f in found if f.item_id), "")
            first = await platforms.more_like_this(session, seed, 1) if seed else []
            streams.append(_stream(source, keyword, seed, first))
    return streams


def _stream(source: str, keyword: str, seed: str, first_page: list[Any]) -> Stream:
    # An empty first page: nothing to read. Otherwise the page size is what one page holds; whether
    # it is the last page is not known from it, so the plan covers the collection's need.
    known = 0 if not first_page else None
    return Stream(source, keyword, seed, page_size=max(1, len(first_page)), known_total=known)


# --- one chunk -----------------------------------------------------------------------------------


async def run_chunk(run: JobRun) -> Any:
    """Read the chunk's results and handle each image not handled before (see the module's docstring)."""
    chunk = await chunks.chunk_row(run.workspace_id, uuid.UUID(run.payload["chunk_id"]))
    if chunk is None:
        raise JobFailed("The chunk no longer exists")
    if chunk["status"] == ChunkStatus.done.value:
        return _summary(chunk)
    collection = await _collection(run)
    try:
        return await _run_chunk(run, collection, chunk)
    except (JobPaused, JobDeferred) as exc:
        await chunks.update_chunk(run.workspace_id, chunk["id"], status=ChunkStatus.waiting.value, error=str(exc))
        raise
    except RetryableJobError as exc:
        if run.attempt >= max_attempts():
            await _failed(run, collection, chunk, str(exc))
        else:
            await chunks.update_chunk(run.workspace_id, chunk["id"], status=ChunkStatus.waiting.value, error=str(exc))
        raise
    except JobFailed as exc:
        await _failed(run, collection, chunk, str(exc))
        raise
    except Exception as exc:
        await _failed(run, collection, chunk, f"{type(exc).__name__}: {exc}")
        raise


async def _run_chunk(run: JobRun, collection: dict[str, Any], chunk: dict[str, Any]) -> Any:
    _hold_if_stopped(collection)
    if collection["status"] != CollectionStatus.running.value or collection["kept"] >= collection["max_images"]:
        return await _done(run, chunk, "The collection needs no more images")
    await chunks.update_chunk(run.workspace_id, chunk["id"], status=ChunkStatus.running.value, error="")
    done = await run.completed_keys()
    async with (
        platforms.account_job(run, chunk["key"]),
        platforms.run_as_account(run.redis, run.workspace_id, collection["account_id"]) as session,
    ):
        for found in await _results(session, chunk):
            if fetch.item_key(found.image_url) in done:
                continue
            # Between images: a stop holds the chunk here, a full collection ends it.
            await run.check_cancelled()
            collection = await core.collection_row(run.workspace_id, collection["id"])
            _hold_if_stopped(collection)
            if collection["kept"] >= collection["max_images"]:
                break
            outcome = await fetch.process(run, session, collection, chunk, found)
            await chunks.count_outcome(run.workspace_id, chunk["id"], outcome)
    return await _done(run, chunk, "")


async def _results(session: Any, chunk: dict[str, Any]) -> list[Any]:
    """The chunk's results: positions [start, start + size) of its stream, read page by page."""
    start, end, page_size = chunk["start"], chunk["start"] + chunk["size"], chunk["page_size"]
    found: list[Any] = []
    for page in range(start // page_size + 1, (end - 1) // page_size + 2):
        results = await _page(session, chunk, page)
        first = (page - 1) * page_size
        found.extend(r for i, r in enumerate(results) if start <= first + i < end)
        if len(results) < page_size:
            break  # the last page
    return found


async def _page(session: Any, chunk: dict[str, Any], page: int) -> list[Any]:
    if not chunk["seed"]:
        return []
    if chunk["source"] == Source.board_ideas.value:
        return list(await platforms.board_ideas(session, chunk["seed"], page))
    if chunk["source"] == Source.more_like_this.value:
        return list(await platforms.more_like_this(session, chunk["seed"], page))
    return list(await platforms.search_images(session, chunk["seed"], page))


async def _done(run: JobRun, chunk: dict[str, Any], reason: str) -> dict[str, Any]:
    await chunks.update_chunk(run.workspace_id, chunk["id"], status=ChunkStatus.done.value, error=reason)
    await chunks.finish_if_done(run.workspace_id, chunk["collection"])
    fresh = await chunks.chunk_row(run.workspace_id, chunk["id"])
    return _summary(fresh or chunk)


async def _failed(run: JobRun, collection: dict[str, Any], chunk: dict[str, Any], error: str) -> None:
    await chunks.update_chunk(
        run.workspace_id, chunk["id"], status=ChunkStatus.failed.value, error=jobs.user_error(error)
    )
    await chunks.finish_if_done(run.workspace_id, collection["id"])


def _summary(chunk: dict[str, Any]) -> dict[str, Any]:
    return {"found": chunk["found"], "kept": chunk["kept"], "duplicates": chunk["duplicates"]}
