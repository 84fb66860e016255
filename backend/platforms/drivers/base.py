"""The driver protocol every platform implements, and what drivers share.

A driver drives one logged-in browser page of one platform account. It only
uses the platform's web pages, like a person would: no private APIs.

Errors say what happened, because callers act on them differently:
- `ChallengeRequired`: a captcha or challenge page. Never bypassed; the account
  goes to needs_attention and its work pauses until the user fixes it.
- `LoginRequired`: the session is gone or the credentials were refused; also
  needs_attention.
- `OutcomeUnknown`: a step that changes something timed out or failed unclearly;
  the caller must verify before trying again (see `actions.py`).
- `ActionFailed`: the platform clearly refused (item not found, form error).
"""

from __future__ import annotations

import asyncio
import random
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from backend.core.lazy import lazy_module
from backend.platforms.drivers.types import (
    Conversation,
    Credentials,
    FeedImage,
    FollowedUser,
    Follower,
    ItemStats,
    Liker,
    ListingInput,
    Message,
    OwnListing,
    PostInput,
    PublishedItem,
    PublishedPost,
    Sale,
)

if TYPE_CHECKING:
    import playwright.async_api as playwright_api
    from playwright.async_api import Locator, Page
else:
    playwright_api = lazy_module(
        "playwright.async_api"
    )  # the API process imports the platforms facade, never a browser

# The data types live in `types` (this file stays short); drivers and the facade import them from here.
__all__ = [
    "Conversation",
    "Credentials",
    "FeedImage",
    "FollowedUser",
    "Follower",
    "ItemStats",
    "Liker",
    "ListingInput",
    "Message",
    "OwnListing",
    "PostInput",
    "PublishedItem",
    "PublishedPost",
    "Sale",
]


class DriverError(Exception):
    """Base of every error a driver raises on purpose."""


class ChallengeRequired(DriverError):
    """The platform shows a captcha or challenge: a person must deal with it."""


class LoginRequired(DriverError):
    """Not logged in (session expired) or the platform refused the credentials."""


class OutcomeUnknown(DriverError):
    """A changing step timed out or failed unclearly: it may or may not have happened."""


class ActionFailed(DriverError):
    """The platform clearly refused the action; retrying the same thing will not help."""


class NotSupported(ActionFailed):
    """The platform has no such action (e.g. bumping a Pinterest pin)."""


class SelectorMissing(ActionFailed):
    """None of a selector's alternatives matched: the page changed or is not the expected one."""


class Selectors:
    """Selectors as data: each name maps to alternatives tried in order.

    When a platform changes its markup, the first alternative stops matching and
    a fallback still does; the data lives in one place per driver.
    """

    def __init__(self, platform: str, table: Mapping[str, Sequence[str]]) -> None:
        self.platform = platform
        self._table = {name: tuple(alternatives) for name, alternatives in table.items()}

    def alternatives(self, name: str) -> tuple[str, ...]:
        return self._table[name]

    def has(self, name: str) -> bool:
        """Whether the data names `name` at all (a field some flavours of a site have and others not)."""
        return name in self._table

    async def find(self, root: Page | Locator, name: str) -> Locator:
        """The first alternative with a match under `root`; `SelectorMissing` if none."""
        found = await self.find_optional(root, name)
        if found is None:
            raise SelectorMissing(
                f"{self.platform}: nothing on the page matches {name!r} (tried {', '.join(self._table[name])})"
            )
        return found

    async def find_optional(self, root: Page | Locator, name: str) -> Locator | None:
        for selector in self._table[name]:
            locator = root.locator(selector)
            if await locator.count() > 0:
                return locator
        return None

    async def present(self, root: Page | Locator, name: str) -> bool:
        return await self.find_optional(root, name) is not None

    async def text(self, root: Page | Locator, name: str, default: str = "") -> str:
        found = await self.find_optional(root, name)
        return default if found is None else (await found.first.inner_text()).strip()


@dataclass
class Pacing:
    """Human pacing: random pauses between steps and typing one key at a time.

    `fast=True` (tests, demos) skips the waits but keeps the same code path.
    """

    min_seconds: float = 2.0
    max_seconds: float = 6.0
    typing_min_ms: int = 40
    typing_max_ms: int = 160
    fast: bool = False
    rng: random.Random = field(default_factory=random.Random)

    async def pause(self) -> None:
        if not self.fast:
            await asyncio.sleep(self.rng.uniform(self.min_seconds, self.max_seconds))

    async def type(self, field_locator: Locator, text: str) -> None:
        """Type `text` into an (empty) field key by key with a random delay per key."""
        await field_locator.click()
        await field_locator.fill("")
        if self.fast:
            await field_locator.fill(text)
            return
        for char in text:
            await field_locator.press_sequentially(char)
            await asyncio.sleep(self.rng.uniform(self.typing_min_ms, self.typing_max_ms) / 1000)


def parse_count(text: str) -> int:
    """'1,234', '1.2k', '3 likes' → an int (platforms print counts in many ways)."""
    cleaned = text.strip().lower().replace(",", "").replace("\u00a0", " ")
    number = ""
    for char in cleaned:
        if char.isdigit() or (char == "." and number):
            number += char
        elif number:
            break
    if not number:
        return 0
    value = float(number)
    suffix = cleaned[cleaned.find(number) + len(number) :].strip()[:1]
    value *= {"k": 1_000, "m": 1_000_000}.get(suffix, 1)
    return int(value)


def parse_time(text: str | None) -> datetime | None:
    """An ISO-8601 time as a page shows it → an aware UTC datetime; None if absent or unreadable."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class Driver(ABC):
    """The protocol. One instance drives one page of one account.

    `verified` says whether the driver was checked against the live site. Only
    the sandbox driver is; the others were written from the platforms' public
    pages and tested against fixtures.
    """

    platform: ClassVar[str]
    title: ClassVar[str]
    verified: ClassVar[bool] = False
    default_base_url: ClassVar[str]
    # Actions this platform has at all; the others raise `NotSupported`.
    capabilities: ClassVar[frozenset[str]] = frozenset(
        {
            "login",
            "check_session",
            "publish_listing",
            "bump",
            "change_price",
            "delete_listing",
            "follow",
            "unfollow",
            "list_followers",
            "my_followers",
            "my_following",
            "likers",
            "search_users",
            "send_message",
            "read_inbox",
            "collect_feed_images",
            "read_item_stats",
            "download_image",  # through the account's browser context, on every platform
        }
    )
    # A marketplace with a sales page ("my sales") adds `SALES_ACTIONS`.
    SALES_ACTIONS: ClassVar[frozenset[str]] = frozenset({"my_sales"})
    # Social posts (`publish_post`, `find_post`, `read_post_stats`): a driver that has them adds these.
    POST_ACTIONS: ClassVar[frozenset[str]] = frozenset({"publish_post", "find_post", "read_post_stats"})
    # Image collection: paged image reads and boards (a warm-up teaches recommendations a theme).
    BOARD_ACTIONS: ClassVar[frozenset[str]] = frozenset(
        {"search_images", "more_like_this", "create_board", "save_to_board", "board_ideas"}
    )

    def __init__(self, page: Page, pacing: Pacing, base_url: str | None = None) -> None:
        self.page = page
        self.pacing = pacing
        self.base_url = (base_url or self.configured_base_url()).rstrip("/")
        self.last_status = 0

    @classmethod
    def configured_base_url(cls) -> str:
        """Where the platform lives; the sandbox's comes from settings."""
        return cls.default_base_url

    def url(self, path: str) -> str:
        return self.base_url + path

    # Session
    @abstractmethod
    async def login(self, credentials: Credentials) -> None:
        """Log in with the form. `LoginRequired` if refused, `ChallengeRequired` on a challenge."""

    @abstractmethod
    async def check_session(self) -> bool:
        """True when the stored cookies still give a logged-in session; `ChallengeRequired` on a challenge."""

    # Listings (changing: publish, bump, change_price, delete)
    @abstractmethod
    async def publish_listing(self, listing: ListingInput) -> PublishedItem: ...

    @abstractmethod
    async def find_listing(self, listing: ListingInput) -> PublishedItem | None:
        """The account's own listing that matches `listing` (title and price), if any: verifies a publish."""

    @abstractmethod
    async def my_listings(self) -> list[OwnListing]:
        """The account's own listings, in the order the platform shows them."""

    @abstractmethod
    async def bump(self, item_id: str) -> None: ...

    @abstractmethod
    async def change_price(self, item_id: str, price: Decimal) -> None: ...

    @abstractmethod
    async def delete_listing(self, item_id: str) -> None: ...

    # People (changing: follow, unfollow, send_message)
    @abstractmethod
    async def follow(self, username: str) -> None: ...

    @abstractmethod
    async def unfollow(self, username: str) -> None: ...

    @abstractmethod
    async def is_following(self, username: str) -> bool: ...

    @abstractmethod
    async def list_followers(self, username: str) -> list[str]: ...

    @abstractmethod
    async def my_followers(self) -> list[Follower]:
        """Who follows this account, with the dates where the platform shows them."""

    @abstractmethod
    async def my_following(self) -> list[FollowedUser]:
        """Whom this account follows, since when, and whether each follows back."""

    @abstractmethod
    async def likers(self, item_id: str) -> list[Liker]:
        """Who liked one of this account's own items."""

    @abstractmethod
    async def search_users(self, query: str, limit: int = 50) -> list[str]:
        """Usernames found by a feed search (the sellers or authors of what matches), without this account."""

    @abstractmethod
    async def send_message(self, username: str, text: str) -> None: ...

    @abstractmethod
    async def read_conversation(self, username: str) -> list[Message]:
        """The thread with `username`, oldest first; opening it marks it read on the platform."""

    @abstractmethod
    async def read_inbox(self) -> list[Conversation]: ...

    # Reads
    @abstractmethod
    async def collect_feed_images(self, query: str | None = None, limit: int = 50) -> list[FeedImage]: ...

    @abstractmethod
    async def read_item_stats(self, item_id: str) -> ItemStats: ...

    async def my_sales(self) -> list[Sale]:
        """The account's sales (item, price paid, buyer, date), latest first, from its sales page."""
        raise NotSupported(f"{self.title} has no sales page")

    # Social posts (changing: publish_post). Not every platform has them: the defaults refuse.
    async def publish_post(self, post: PostInput) -> PublishedPost:
        """Publish a post: its media, and its caption ending with the ref tag (see `PostInput`)."""
        raise NotSupported(f"{self.title} has no social posts")

    async def find_post(self, post: PostInput) -> PublishedPost | None:
        """The account's own post that carries `post`'s ref tag, if any: verifies a publish."""
        raise NotSupported(f"{self.title} has no social posts")

    async def read_post_stats(self, post_id: str) -> ItemStats:
        """Views and likes of a post (`item_id` is the post's id)."""
        raise NotSupported(f"{self.title} has no social posts")

    # Image collection (changing: create_board, save_to_board); pages count from 1, a page past the end is [].
    async def search_images(self, query: str, page: int = 1) -> list[FeedImage]:
        raise NotSupported(f"{self.title} has no paged image search")

    async def more_like_this(self, item_id: str, page: int = 1) -> list[FeedImage]:
        raise NotSupported(f"{self.title} has no 'more like this'")

    async def create_board(self, name: str) -> str:
        """Make a board; returns its id."""
        raise NotSupported(f"{self.title} has no boards")

    async def find_board(self, name: str) -> str | None:
        """The id of the account's own board named `name`, if any: verifies a create."""
        raise NotSupported(f"{self.title} has no boards")

    async def save_to_board(self, board_id: str, item_id: str) -> None:
        raise NotSupported(f"{self.title} has no boards")

    async def is_saved(self, board_id: str, item_id: str) -> bool:
        """Whether the item is on the board: verifies a save."""
        raise NotSupported(f"{self.title} has no boards")

    async def board_ideas(self, board_id: str, page: int = 1) -> list[FeedImage]:
        """The board's "more ideas" (what the platform recommends for it)."""
        raise NotSupported(f"{self.title} has no boards")

    # Shared helpers
    def is_copy(self, own: OwnListing, listing: ListingInput) -> bool:
        """Whether an own listing the platform shows is `listing` (same title, and price where shown)."""
        return own.title == listing.title and (own.price is None or own.price == listing.price)

    async def goto(self, path_or_url: str) -> None:
        """Open a page; `OutcomeUnknown` when it does not load in time, `ChallengeRequired` on a challenge."""
        target = path_or_url if path_or_url.startswith("http") else self.url(path_or_url)
        try:
            response = await self.page.goto(target, wait_until="domcontentloaded")
            self.last_status = response.status if response is not None else 0  # a 5xx read is worth a retry
        except playwright_api.TimeoutError as exc:
            raise OutcomeUnknown(f"{self.title} did not answer in time ({target})") from exc
        await self.raise_for_challenge()

    @abstractmethod
    async def raise_for_challenge(self) -> None:
        """`ChallengeRequired` when the current page is a captcha or challenge."""
