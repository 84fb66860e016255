"""What drivers take and give back: plain frozen dataclasses, no browser in sight.

Re-exported by `base` (and the facade), so callers keep importing them from there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path


@dataclass(frozen=True)
class Credentials:
    login: str
    password: str


@dataclass(frozen=True)
class ListingInput:
    title: str
    description: str
    price: Decimal
    photos: Sequence[Path]
    currency: str = "EUR"
    category: str | None = None
    brand: str | None = None
    size: str | None = None
    condition: str | None = None
    link: str | None = None
    """Destination link where the platform has one (a Pin's website link)."""


@dataclass(frozen=True)
class PublishedItem:
    item_id: str
    url: str


@dataclass(frozen=True)
class PostInput:
    """A social post: a caption and its media (photos, or one video file).

    `ref` is a unique reference of the post on Sellpilot's side (a campaign
    post's id). Platforms have no field for it, so the driver ends the caption
    with a short hashtag made from it (`post_tags.ref_tag`: `#sp` and 10 hex
    digits of its SHA-256), which a person reads as a harmless tag;
    `find_post` looks for that tag among the account's own posts, so a publish
    whose answer was lost is found again rather than posted twice.
    """

    caption: str
    media: Sequence[Path]
    ref: str


@dataclass(frozen=True)
class PublishedPost:
    post_id: str
    url: str


@dataclass(frozen=True)
class ItemStats:
    item_id: str
    views: int
    likes: int


@dataclass(frozen=True)
class Message:
    sender: str
    body: str
    sent_at: datetime | None = None
    message_id: str = ""
    """The platform's id of the message ("" where the platform shows none)."""


@dataclass(frozen=True)
class Conversation:
    with_user: str
    last_message: str
    unread: bool = False
    messages: tuple[Message, ...] = ()
    unread_count: int = 0
    """Messages not read yet (1 where the platform only marks a thread unread)."""
    last_message_at: datetime | None = None


@dataclass(frozen=True)
class FeedImage:
    item_id: str
    image_url: str
    title: str
    page_url: str


@dataclass(frozen=True)
class OwnListing:
    item_id: str
    title: str
    price: Decimal | None
    url: str
    bumped_at: str | None = None
    """As the platform shows it; compared only for change (a bump moved it)."""
    listed_at: datetime | None = None
    """When it was listed (its age), where the platform shows it."""
    views: int = 0
    likes: int = 0
    sold: bool = False
    image_url: str | None = None
    """The first photo's absolute URL, where the platform shows one (an import matches drafts by it)."""


@dataclass(frozen=True)
class FollowedUser:
    """Someone this account follows: since when, and whether they follow back."""

    username: str
    followed_at: datetime | None = None
    follows_me: bool = False


@dataclass(frozen=True)
class Follower:
    """Someone who follows this account, and since when."""

    username: str
    followed_at: datetime | None = None


@dataclass(frozen=True)
class Liker:
    """Someone who liked one of this account's items, and when."""

    username: str
    liked_at: datetime | None = None


@dataclass(frozen=True)
class Sale:
    """One sale as the account's sales page shows it (the platform's item id; `buyer` "" where not shown)."""

    item_id: str
    title: str
    price: Decimal | None
    currency: str
    buyer: str
    sold_at: datetime | None
