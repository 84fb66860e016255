"""Importing an account's existing listings: each one on the platform (not sold) becomes a live platform listing
of an item, linked to a draft the seller already has or to a new one.

Matching, for a listing not linked yet: a draft of the workspace with the same title (case and spaces aside)
that has no listing on this account and is not sold, and, where both have a photo, whose first photo is the
same picture (a close perceptual hash: platforms re-encode and resize photos). Two photos that differ mean two
items, even under one title (resellers list many "Levi's 501 jeans"). A draft whose first photo matches is
preferred; then one where photos cannot be compared (either has none). Without a match a new draft is made,
published, with the platform's title and price and its photo. Re-running links nothing twice: a platform item
is linked once (a unique key), and one already linked is skipped.
"""

from __future__ import annotations

import io
import uuid
from decimal import Decimal
from typing import Any

import anyio.to_thread
from arq.connections import ArqRedis
from PIL import Image, ImageOps, UnidentifiedImageError

from backend import db
from backend.core.errors import InvalidInput, NotFound, ServiceError
from backend.core.scoped import scoped
from backend.jobs import service as jobs
from backend.jobs.schemas import JobOut
from backend.jobs.service import JobFailed, JobRun
from backend.listings import inventory
from backend.listings.publishing import account_name, in_flight_or_key
from backend.listings.tables import Listing, PlatformListing
from backend.media import service as media
from backend.platforms import service as platforms
from backend.settings import get_settings

IMPORT_KIND = "listings.import"
READ_KEY = "listings"
OUTCOMES = ("linked", "created", "skipped")


async def start_import(redis: ArqRedis, workspace_id: uuid.UUID, user_id: uuid.UUID, account_id: uuid.UUID) -> JobOut:
    """Start importing the account's listings (the import already running for it, if any)."""
    account = await platforms.get_account(workspace_id, account_id)  # 404 for another workspace's
    if account.platform not in platforms.crosslist_platforms():
        title = platforms.platform_title(account.platform)
        raise InvalidInput(
            "account_id", f"{account_name(account)} is a {title} account; {title} has no listings to import"
        )
    running, key = await in_flight_or_key(workspace_id, IMPORT_KIND, f"import:{account_id}:")
    if running is not None:
        return running
    payload = {"account_id": str(account_id), "platform": account.platform}
    return await jobs.enqueue(
        redis, workspace_id, IMPORT_KIND, payload, idempotency_key=key, created_by=user_id, account_id=account_id
    )


def normalised(title: str) -> str:
    return " ".join(title.casefold().split())


def _distance(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


def _hash_of(data: bytes) -> str | None:
    """The picture's perceptual hash as uploads compute it; None for what is not a picture or nearly flat
    (a flat picture's hash matches any other flat one)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            upright = ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError):
        return None
    phash, low_information = media.picture_hash(upright)
    return None if low_information else phash


async def _candidates(workspace_id: uuid.UUID, account_id: uuid.UUID, title: str) -> list[dict[str, Any]]:
    """Unsold drafts with the same normalised title and no listing on the account, oldest first."""
    # Words joined by a wildcard find the titles spaced differently; `_` and `%` in a title stay wildcards
    # (they match themselves), and the exact comparison below drops what they let through.
    pattern = "%".join(word.replace("\\", "_") for word in title.split())
    on_account = inventory.platform_listings(workspace_id).select(PlatformListing.listing)
    rows = (
        await scoped(Listing, workspace_id)
        .select(Listing.id, Listing.title, Listing.media_ids, Listing.currency)
        .where(
            Listing.title.ilike(pattern)
            & (Listing.status != "sold")
            & Listing.id.not_in(on_account.where(PlatformListing.account_id == account_id))
        )
        .order_by(Listing.created_at)
        .output(load_json=True)
    )
    return [row for row in rows if normalised(row["title"]) == normalised(title)]


async def _first_photo_hash(workspace_id: uuid.UUID, row: dict[str, Any]) -> str | None:
    if not row["media_ids"]:
        return None
    try:
        found = await media.rows_for(workspace_id, [uuid.UUID(str(row["media_ids"][0]))])
    except NotFound:
        return None  # the photo was deleted: nothing to compare
    phash: str = next(iter(found.values()))["phash"]
    return phash or None


async def _match(
    workspace_id: uuid.UUID, account_id: uuid.UUID, title: str, picture: str | None
) -> dict[str, Any] | None:
    """The draft this listing is (see the module), or None."""
    without_photo = []
    nearest: tuple[int, dict[str, Any]] | None = None
    for row in await _candidates(workspace_id, account_id, title):
        phash = await _first_photo_hash(workspace_id, row)
        if picture is None or phash is None:
            without_photo.append(row)
            continue
        distance = _distance(picture, phash)
        if distance <= get_settings().media.duplicate_distance and (nearest is None or distance < nearest[0]):
            nearest = (distance, row)
    if nearest is not None:
        return nearest[1]
    return without_photo[0] if without_photo else None


async def _photo(session: platforms.AccountSession, own: platforms.OwnListing) -> bytes | None:
    if not own.image_url:
        return None
    try:
        return await platforms.download_image(session, own.image_url, get_settings().media.max_file_bytes)
    except platforms.ActionFailed:
        return None  # no photo to compare or keep: matched by title alone


async def _link(
    workspace_id: uuid.UUID,
    account: platforms.AccountOut,
    own: platforms.OwnListing,
    listing_id: uuid.UUID,
    currency: str,
) -> dict[str, Any]:
    """The item's live listing on the account is this platform item. Joins the caller's transaction."""
    found = await inventory.ensure_queued(
        workspace_id, listing_id, account.id, account.platform, own.price, currency, {"title": own.title}
    )
    return await inventory.mark_live(workspace_id, found["id"], own.item_id, own.url)


async def _new_draft(
    workspace_id: uuid.UUID, account: platforms.AccountOut, own: platforms.OwnListing, photo: bytes | None
) -> dict[str, Any]:
    media_ids: list[str] = []
    if photo is not None:
        try:
            stored = await media.upload(
                workspace_id, [media.IncomingFile(f"{account.platform}-{own.item_id}.jpg", photo)]
            )
            media_ids = [str(stored[0].id)]
        except ServiceError:
            pass  # not a picture the media store takes: the draft has no photo
    listing_id = uuid.uuid4()
    async with db.transaction():
        await Listing.insert(
            Listing(
                id=listing_id,
                workspace=workspace_id,
                title=" ".join(own.title.split())[:100] or f"Item {own.item_id}",
                price=own.price if own.price is not None else Decimal("0"),
                media_ids=media_ids,
            )
        )
        return await _link(workspace_id, account, own, listing_id, "EUR")


async def _import_one(
    run: JobRun, session: platforms.AccountSession, account: platforms.AccountOut, own: platforms.OwnListing
) -> None:
    known = await inventory.find_by_item(run.workspace_id, account.id, own.item_id)
    if known is not None:
        outcome, found = "skipped", known
    else:
        photo = await _photo(session, own)
        picture = await anyio.to_thread.run_sync(_hash_of, photo) if photo is not None else None
        draft = await _match(run.workspace_id, account.id, own.title, picture)
        if draft is not None:
            async with db.transaction():
                found = await _link(run.workspace_id, account, own, draft["id"], draft["currency"])
            outcome = "linked"
        else:
            found = await _new_draft(run.workspace_id, account, own, photo)
            outcome = "created"
    result = {
        "listing_id": str(found["listing"]),
        "platform_listing_id": str(found["id"]),
        "status": found["status"],
        "outcome": outcome,
        "title": own.title,
    }
    await run.record_item(own.item_id, result=result)


async def run_import(run: JobRun) -> dict[str, int]:
    """The job: the account's listings read once, each linked (or skipped when it is already); the counts."""
    account_id = uuid.UUID(run.payload["account_id"])
    try:
        account = await platforms.get_account(run.workspace_id, account_id)
    except NotFound:
        raise JobFailed("The account was removed; nothing was imported") from None
    done = await run.completed_keys()
    async with (
        platforms.account_job(run, READ_KEY),
        platforms.run_as_account(run.redis, run.workspace_id, account_id) as session,
    ):
        own = [item for item in await platforms.my_listings(session) if not item.sold]
        await run.set_total(len(own))
        for item in own:
            if item.item_id not in done:
                await run.check_cancelled()
                await _import_one(run, session, account, item)
    return await _counts(run)


async def _counts(run: JobRun) -> dict[str, int]:
    """How many listings were linked, created and skipped, over every run of the job (a re-run after a crash
    does not do again what an earlier one recorded)."""
    counts = dict.fromkeys(OUTCOMES, 0)
    offset = 0
    while True:
        page = await jobs.list_items(run.workspace_id, run.id, "done", 100, offset)
        for item in page.items:
            outcome = item.result.get("outcome") if isinstance(item.result, dict) else None
            if outcome in counts:
                counts[outcome] += 1
        offset += len(page.items)
        if not page.items or offset >= page.total:
            return counts
