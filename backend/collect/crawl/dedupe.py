"""Whether a fetched image repeats one the collection kept: the same bytes, or a near-identical picture.

Exact copies are found by their SHA-256 (indexed); near ones by perceptual hash through
the media domain's index, one namespace per collection (`collect:<collection id>`), fed
from this table: the kept images hashed since the index last looked. No lookup scans
every hash of the collection.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from backend.collect.tables import KEPT, CollectedImage
from backend.core.scoped import scoped
from backend.media import service as media
from backend.settings import get_settings

PREFIX = "collect:"
FLAT_PHASH = "8000000000000000"
KEPT_VALUES = [s.value for s in KEPT]


@dataclass(frozen=True)
class Repeat:
    image_id: uuid.UUID
    distance: int
    exact: bool
    """The same bytes (else a near-identical picture: a re-encoded or resized copy)."""


def namespace(collection_id: uuid.UUID) -> str:
    return f"{PREFIX}{collection_id}"


def max_distance() -> int:
    return get_settings().media.duplicate_distance


def _kept(collection_id: uuid.UUID) -> Any:
    return (
        (CollectedImage.collection == collection_id)
        & CollectedImage.status.is_in(KEPT_VALUES)
        & (CollectedImage.fetched == True)  # noqa: E712 - Piccolo builds SQL from the comparison
    )


async def _kept_hashes(
    workspace_id: uuid.UUID, name: str, since: datetime | None
) -> Sequence[tuple[uuid.UUID, str, datetime]]:
    """The collection's kept pictures by pHash (flat ones left out: their hash says nothing)."""
    collection_id = uuid.UUID(name.removeprefix(PREFIX))
    query = (
        scoped(CollectedImage, workspace_id)
        .select(CollectedImage.id, CollectedImage.phash, CollectedImage.hashed_at)
        .where(_kept(collection_id) & CollectedImage.hashed_at.is_not_null())
        .where((CollectedImage.phash != "") & (CollectedImage.phash != FLAT_PHASH))
    )
    if since is not None:
        query = query.where(CollectedImage.hashed_at >= since)
    return [(row["id"], row["phash"], row["hashed_at"]) for row in await query]


media.register_hash_namespace(PREFIX, _kept_hashes)


async def find_repeat(
    workspace_id: uuid.UUID, collection_id: uuid.UUID, sha256: str, phash: str, low_information: bool
) -> Repeat | None:
    """The kept image this one repeats, if any. A nearly one-colour picture repeats only the same bytes
    (its perceptual hash says nothing)."""
    same = await (
        scoped(CollectedImage, workspace_id)
        .select(CollectedImage.id)
        .where(_kept(collection_id) & (CollectedImage.sha256 == sha256))
        .order_by(CollectedImage.created_at)
        .first()
    )
    if same is not None:
        return Repeat(same["id"], 0, exact=True)
    if low_information or not phash or phash == FLAT_PHASH:
        return None
    found = await media.near_duplicates(workspace_id, phash, max_distance(), namespace=namespace(collection_id))
    if not found:
        return None
    image_id, distance = found[0]
    return Repeat(image_id, distance, exact=False)
