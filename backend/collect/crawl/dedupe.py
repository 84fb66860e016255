"""Whether a fetched image repeats one the collection kept: the same bytes, or a near-identical picture.

Exact copies are found by their SHA-256 (indexed); near ones by perceptual hash through
the media domain's index for the namespace `collect:<collection id>`, fed from this table.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from backend.collect.tables import KEPT, CollectedImage
from backend.core.scoped import scoped
from backend.settings import get_settings

FLAT_PHASH = "8000000000000000"


@dataclass(frozen=True)
class Repeat:
    image_id: uuid.UUID
    distance: int
    exact: bool
    """The same bytes (else a near-identical picture: a re-encoded or resized copy)."""


def namespace(collection_id: uuid.UUID) -> str:
    return f"collect:{collection_id}"


def max_distance() -> int:
    return get_settings().media.duplicate_distance


def _kept(collection_id: uuid.UUID, image_id: uuid.UUID) -> Any:
    return (
        (CollectedImage.collection == collection_id)
        & CollectedImage.status.is_in([s.value for s in KEPT])
        & (CollectedImage.id != image_id)
        & (CollectedImage.fetched == True)  # noqa: E712 - Piccolo builds SQL from the comparison
    )


async def find_repeat(
    workspace_id: uuid.UUID, collection_id: uuid.UUID, image_id: uuid.UUID, sha256: str, phash: str, flat: bool
) -> Repeat | None:
    """The kept image this one repeats, if any. A nearly one-colour picture repeats only the same bytes
    (its perceptual hash says nothing)."""
    images = scoped(CollectedImage, workspace_id)
    same = await (
        images.select(CollectedImage.id)
        .where(_kept(collection_id, image_id) & (CollectedImage.sha256 == sha256))
        .order_by(CollectedImage.created_at)
        .first()
    )
    if same is not None:
        return Repeat(same["id"], 0, exact=True)
    if flat or not phash or phash == FLAT_PHASH:
        return None
    target = int(phash, 16)
    limit = max_distance()
    best: Repeat | None = None
    rows = await images.select(CollectedImage.id, CollectedImage.phash).where(
        _kept(collection_id, image_id) & (CollectedImage.phash != "") & (CollectedImage.phash != FLAT_PHASH)
    )
    for row in rows:
        distance = (int(row["phash"], 16) ^ target).bit_count()
        if distance <= limit and (best is None or distance < best.distance):
            best = Repeat(row["id"], distance, exact=False)
    return best
