"""Image collection: projects group collections; a collection gathers images from a platform in chunks,
judges them, and keeps at most its maximum.

A collection's crawl is a parent job (`collect.crawl`: the warm-up, then one child job
`collect.chunk` per chunk); re-validation is a job too (`collect.validate`). The job rows
are the history of what ran; these tables hold what the user sees: the chunks and their
counts, and each image found with its outcome.
"""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import JSON, UUID, Boolean, ForeignKey, Integer, OnDelete, Real, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from backend.auth.tables import Workspace


class CollectionStatus(StrEnum):
    draft = "draft"
    running = "running"
    stopped = "stopped"  # chunks wait; start continues where it stopped
    completed = "completed"
    failed = "failed"  # some chunks failed: retry re-runs those only


class ValidationLevel(StrEnum):
    fast = "fast"  # decodes, minimum size, format, exact and near duplicates
    medium = "medium"  # + sharpness, aspect ratio, near-blank
    thorough = "thorough"  # + the AI scores each image 0-1 against the brief


class Source(StrEnum):
    feed_search = "feed_search"  # the platform's search results for each keyword
    more_like_this = "more_like_this"  # items like the first result of each keyword
    board_ideas = "board_ideas"  # after a warm-up board, the board's "more ideas"


class ImageStatus(StrEnum):
    """An image found by a crawl. Kept images (stored) are approved, disqualified or pending."""

    approved = "approved"
    disqualified = "disqualified"  # failed a check, or scored below the threshold
    pending = "pending"  # kept, not scored yet (thorough level, AI not reached)
    duplicate = "duplicate"  # repeats an image already in the collection: not stored, not counted
    rejected = "rejected"  # could not be used at all (not an image, too large, over the maximum)


KEPT = (ImageStatus.approved, ImageStatus.disqualified, ImageStatus.pending)


class ChunkStatus(StrEnum):
    waiting = "waiting"
    running = "running"
    done = "done"
    failed = "failed"


class Project(Table, tablename="collect_projects"):
    id = UUID(primary_key=True)
    workspace = ForeignKey(Workspace, null=False, on_delete=OnDelete.cascade, index=True)
    name = Varchar(length=100)
    description = Text(default="")
    created_by = UUID(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class Collection(Table, tablename="collect_collections"):
    id = UUID(primary_key=True)
    workspace = ForeignKey(Workspace, null=False, on_delete=OnDelete.cascade, index=True)
    project = ForeignKey(Project, null=False, on_delete=OnDelete.cascade, index=True)
    name = Varchar(length=100)
    # What a good image is: the AI scores against it (thorough), the warm-up board is named for the collection.
    brief = Text(default="")
    keywords = JSON(default="[]")
    sources = JSON(default='["feed_search"]')
    # The platform account that crawls (platforms' table: no cross-domain foreign key).
    account_id = UUID(null=True, default=None, index=True)
    max_images = Integer(default=100)
    validation_level = Varchar(length=16, choices=ValidationLevel, default=ValidationLevel.fast.value)
    threshold = Real(default=0.5)
    # Images per chunk: each chunk reads this many results of one stream (a keyword's search...).
    chunk_size = Integer(default=20)
    # Pins saved to the warm-up board (board_ideas) before its ideas are read.
    warmup_pins = Integer(default=5)
    status = Varchar(length=16, choices=CollectionStatus, default=CollectionStatus.draft.value, index=True)
    status_reason = Text(default="")
    # Kept images (approved, disqualified, pending): raised only while below max_images, in one
    # conditional statement, so chunks running at once cannot keep more than the maximum.
    kept = Integer(default=0)
    board_id = Varchar(length=200, default="")
    # The crawl's parent job, and the latest re-validation job.
    job_id = UUID(null=True, default=None)
    validate_job_id = UUID(null=True, default=None)
    created_by = UUID(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    started_at = Timestamptz(null=True, default=None)
    finished_at = Timestamptz(null=True, default=None)


class CrawlChunk(Table, tablename="collect_chunks"):
    """One piece of a crawl, run by one child job: `chunk_size` results of one stream (a keyword's
    search results, the items like a keyword's first result, or the warm-up board's ideas) from
    position `start`, read from the platform's pages of `page_size` results.

    Unique on (collection, key): planning the crawl again makes no second chunk.
    """

    id = UUID(primary_key=True)
    workspace = ForeignKey(Workspace, null=False, on_delete=OnDelete.cascade, index=True)
    collection = ForeignKey(Collection, null=False, on_delete=OnDelete.cascade, index=True)
    key = Varchar(length=200)
    source = Varchar(length=32, choices=Source)
    keyword = Varchar(length=100, default="")
    # What the stream reads: the keyword (search), an item id (more like this) or the board id.
    seed = Varchar(length=200, default="")
    start = Integer(default=0)
    size = Integer(default=20)
    page_size = Integer(default=1)
    status = Varchar(length=16, choices=ChunkStatus, default=ChunkStatus.waiting.value)
    found = Integer(default=0)
    kept = Integer(default=0)
    duplicates = Integer(default=0)
    job_id = UUID(null=True, default=None)
    error = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class CollectedImage(Table, tablename="collect_images"):
    """An image a crawl found. Unique on (collection, source_url): no image is fetched twice.

    A kept image's file is the workspace's media (`media_id`); a duplicate points at the
    image it repeats and stores nothing.
    """

    id = UUID(primary_key=True)
    workspace = ForeignKey(Workspace, null=False, on_delete=OnDelete.cascade, index=True)
    collection = ForeignKey(Collection, null=False, on_delete=OnDelete.cascade, index=True)
    chunk_key = Varchar(length=200, default="")
    source = Varchar(length=32, choices=Source)
    keyword = Varchar(length=100, default="")
    source_url = Varchar(length=2000)
    page_url = Varchar(length=2000, default="")
    title = Varchar(length=300, default="")
    platform_item_id = Varchar(length=200, default="")
    media_id = UUID(null=True, default=None)
    sha256 = Varchar(length=64, default="", index=True)
    # 64-bit perceptual hash as hex; near-duplicates differ in few bits.
    phash = Varchar(length=16, default="")
    width = Integer(default=0)
    height = Integer(default=0)
    size_bytes = Integer(default=0)
    format = Varchar(length=16, default="")
    sharpness = Real(null=True, default=None)
    score = Real(null=True, default=None)
    status = Varchar(length=16, choices=ImageStatus, default=ImageStatus.pending.value, index=True)
    reason = Text(default="")
    # The problems the checks found, in plain words (kept for re-validation and review).
    problems = JSON(default="[]")
    duplicate_of = UUID(null=True, default=None)
    # A person chose approved or disqualified: re-validation leaves it alone.
    overridden = Boolean(default=False)
    # False while the image is claimed by its chunk and being fetched.
    fetched = Boolean(default=False)
    # When a kept image's pHash was recorded: the near-duplicate index reads rows hashed since its last look.
    hashed_at = Timestamptz(null=True, default=None, index=True)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
