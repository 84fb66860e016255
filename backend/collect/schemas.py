"""Collect requests and responses: projects, collections, their crawl's progress, images, validation.

msgspec checks types and bounds (a wrong value is a 400 naming its field); the service
checks what needs more than one field and says which field is wrong.

Live progress comes over the jobs' event stream (`GET /events`): the crawl's jobs
(`collect.crawl`, its children `collect.chunk`, and `collect.validate`) publish
`job.item` events whose `payload.result.type` is `image_kept`, `image_duplicate` or
`image_rejected`, and `job.note` events whose `payload.type` is `warmup_step`,
`image_found` or `image_scored`; each carries `collection_id` (see `CollectEvent`).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

import msgspec

from backend.core.schemas import SINGLE_LINE

CollectionStatusName = Literal["draft", "running", "stopped", "completed", "failed"]
LevelName = Literal["fast", "medium", "thorough"]
SourceName = Literal["feed_search", "more_like_this", "board_ideas"]
ImageStatusName = Literal["approved", "disqualified", "pending", "duplicate", "rejected"]
ChunkStatusName = Literal["waiting", "running", "done", "failed"]
OverrideStatus = Literal["approved", "disqualified"]
CollectEventType = Literal[
    "warmup_step", "image_found", "image_kept", "image_duplicate", "image_rejected", "image_scored"
]

ProjectName = Annotated[str, msgspec.Meta(min_length=1, max_length=100, pattern=SINGLE_LINE)]
Description = Annotated[str, msgspec.Meta(max_length=4000)]
Brief = Annotated[
    str, msgspec.Meta(max_length=4000, description="What a good image is: the AI scores each image against it")
]
Keyword = Annotated[str, msgspec.Meta(min_length=1, max_length=100, pattern=SINGLE_LINE)]
Keywords = Annotated[list[Keyword], msgspec.Meta(min_length=1, max_length=50)]
Sources = Annotated[
    list[SourceName],
    msgspec.Meta(min_length=1, max_length=3, description="Where images are found: any of the three sources"),
]
MaxImages = Annotated[int, msgspec.Meta(ge=1, le=10_000, description="The most images kept (1–10,000)")]
Threshold = Annotated[
    float, msgspec.Meta(ge=0.0, le=1.0, description="Score from which an image is approved (0–1, thorough level)")
]
ChunkSize = Annotated[
    int, msgspec.Meta(ge=1, le=200, description="Images per chunk: each chunk reads this many results of one keyword")
]
WarmupPins = Annotated[
    int, msgspec.Meta(ge=0, le=50, description="Pins saved to the warm-up board before its ideas are read")
]


# --- projects -----------------------------------------------------------------------------------


class ProjectIn(msgspec.Struct, forbid_unknown_fields=True):
    name: ProjectName
    description: Description = ""


class ProjectUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """Only the fields sent change."""

    name: ProjectName | msgspec.UnsetType = msgspec.UNSET
    description: Description | msgspec.UnsetType = msgspec.UNSET


class ProjectOut(msgspec.Struct):
    id: uuid.UUID
    name: str
    description: str
    collections: int
    """How many collections the project holds."""
    created_at: datetime
    updated_at: datetime


# --- collections --------------------------------------------------------------------------------


class CollectionIn(msgspec.Struct, forbid_unknown_fields=True):
    """A draft collection: what to look for, where, as which account, how many and how strictly judged."""

    project_id: uuid.UUID
    name: ProjectName
    keywords: Keywords
    account_id: uuid.UUID
    """The platform account that crawls (its browser, proxy and cookies download the images)."""
    brief: Brief = ""
    sources: Sources = msgspec.field(default_factory=lambda: ["feed_search"])
    max_images: MaxImages = 100
    validation_level: LevelName = "fast"
    threshold: Threshold = 0.5
    chunk_size: ChunkSize = 20
    warmup_pins: WarmupPins = 5


class CollectionUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """Only the fields sent change. What is crawled (keywords, sources, account, chunk size) only in a draft."""

    name: ProjectName | msgspec.UnsetType = msgspec.UNSET
    brief: Brief | msgspec.UnsetType = msgspec.UNSET
    keywords: Keywords | msgspec.UnsetType = msgspec.UNSET
    sources: Sources | msgspec.UnsetType = msgspec.UNSET
    account_id: uuid.UUID | msgspec.UnsetType = msgspec.UNSET
    max_images: MaxImages | msgspec.UnsetType = msgspec.UNSET
    threshold: Threshold | msgspec.UnsetType = msgspec.UNSET
    chunk_size: ChunkSize | msgspec.UnsetType = msgspec.UNSET
    warmup_pins: WarmupPins | msgspec.UnsetType = msgspec.UNSET


class CollectionOut(msgspec.Struct):
    id: uuid.UUID
    project_id: uuid.UUID
    name: str
    brief: str
    keywords: list[str]
    sources: list[SourceName]
    account_id: uuid.UUID | None
    max_images: int
    validation_level: LevelName
    threshold: float
    chunk_size: int
    warmup_pins: int
    status: CollectionStatusName
    status_reason: str
    """Why it stopped, failed or completed early (e.g. "ran out of results"), for a person."""
    kept: int
    """Images kept so far (approved, disqualified or pending), never more than `max_images`."""
    board_id: str
    """The warm-up board on the platform (board_ideas), once made."""
    job_id: uuid.UUID | None
    """The crawl's parent job (its children are the chunks)."""
    validate_job_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


# --- crawl control and progress -----------------------------------------------------------------


class ChunkCounts(msgspec.Struct):
    total: int = 0
    done: int = 0
    failed: int = 0
    running: int = 0
    waiting: int = 0


class ImageCounts(msgspec.Struct):
    found: int = 0
    """Every image a chunk looked at (rows of every status)."""
    kept: int = 0
    duplicates: int = 0
    approved: int = 0
    disqualified: int = 0
    pending: int = 0
    rejected: int = 0


class ChunkOut(msgspec.Struct):
    key: str
    source: SourceName
    keyword: str
    start: int
    """Position of the chunk's first result in its stream (0-based); it reads `size` results."""
    size: int
    status: ChunkStatusName
    found: int
    kept: int
    duplicates: int
    job_id: uuid.UUID | None
    error: str


class ProgressOut(msgspec.Struct):
    collection_id: uuid.UUID
    status: CollectionStatusName
    status_reason: str
    max_images: int
    chunks: ChunkCounts
    images: ImageCounts
    chunk_list: list[ChunkOut]
    """Every chunk in crawl order (at most a few hundred: the plan is bounded by `max_images`)."""


class ValidateIn(msgspec.Struct, forbid_unknown_fields=True):
    level: LevelName
    threshold: Threshold | None = None
    """A new approval threshold too (thorough); the collection's own when left out."""


# --- images -------------------------------------------------------------------------------------


class ImageOut(msgspec.Struct):
    id: uuid.UUID
    collection_id: uuid.UUID
    status: ImageStatusName
    reason: str
    """Why it is disqualified, a duplicate or rejected, in plain words; empty when approved."""
    problems: list[str]
    score: float | None
    overridden: bool
    """A person set the status: re-validation leaves it."""
    source: SourceName
    keyword: str
    source_url: str
    page_url: str
    title: str
    media_id: uuid.UUID | None
    file_url: str | None
    thumbnail_url: str | None
    duplicate_of: uuid.UUID | None
    sha256: str
    phash: str
    width: int
    height: int
    size_bytes: int
    format: str
    sharpness: float | None
    chunk_key: str
    created_at: datetime


class ImageUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """A person's decision: approved or disqualified (only kept images: approved, disqualified or pending)."""

    status: OverrideStatus
    reason: Annotated[str, msgspec.Meta(max_length=300, pattern=SINGLE_LINE)] = ""


class CollectEvent(msgspec.Struct, omit_defaults=True):
    """What a collect job's `job.item` result or `job.note` payload holds (documented for the SPA).

    `warmup_step`: `step` ("board", "pin_saved", "ideas"), `detail`; `image_found`: `source_url`;
    `image_kept`: `image_id`, `status`, `score`, `media_id`; `image_duplicate`: `image_id`,
    `duplicate_of`, `distance`; `image_rejected`: `reason`; `image_scored`: `image_id`, `score`, `status`.
    """

    type: CollectEventType
    collection_id: uuid.UUID
    image_id: uuid.UUID | None = None
    source_url: str | None = None
    status: ImageStatusName | None = None
    score: float | None = None
    media_id: uuid.UUID | None = None
    duplicate_of: uuid.UUID | None = None
    distance: int | None = None
    reason: str | None = None
    step: str | None = None
    detail: str | None = None
