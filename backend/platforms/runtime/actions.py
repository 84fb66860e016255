"""Platform actions with safe retries.

An action that changes something on a platform (publish, bump, price, delete,
follow, unfollow, message, create a board, save to a board) is never retried blindly. When its outcome is
unknown (a timeout, a page that never came back), the action's own check runs
first — is the listing there? was the message sent? — and only if it did not
take effect is it tried again. So one publish never becomes two.

Reads (inbox, stats, feed, followers) change nothing and retry with backoff.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

import structlog

from backend.core.lazy import lazy_module
from backend.platforms.drivers.base import (
    Driver,
    ListingInput,
    OutcomeUnknown,
    OwnListing,
    PostInput,
    PublishedItem,
    PublishedPost,
)

if TYPE_CHECKING:
    import playwright.async_api as playwright_api
else:
    playwright_api = lazy_module(
        "playwright.async_api"
    )  # the API process imports the platforms facade, never a browser

log = structlog.get_logger(__name__)

T = TypeVar("T")

CHANGE_ATTEMPTS = 3
READ_ATTEMPTS = 3
READ_BACKOFF_SECONDS = 0.5


async def read(fetch: Callable[[], Awaitable[T]], what: str, attempts: int = READ_ATTEMPTS) -> T:
    """Run a read, retrying timeouts and browser hiccups with exponential backoff."""
    for attempt in range(1, attempts + 1):
        try:
            return await fetch()
        except (OutcomeUnknown, playwright_api.Error) as exc:
            if attempt == attempts:
                raise OutcomeUnknown(f"{what}: no answer after {attempts} tries ({exc})") from exc
            log.info("read_retry", what=what, attempt=attempt, error=str(exc))
            await asyncio.sleep(READ_BACKOFF_SECONDS * 2 ** (attempt - 1))
    raise AssertionError("unreachable")


async def change(
    do: Callable[[], Awaitable[T]],
    took_effect: Callable[[], Awaitable[T | None]],
    what: str,
    attempts: int = CHANGE_ATTEMPTS,
) -> T:
    """Run a changing action; after an unknown outcome, check `took_effect` before any new try.

    `took_effect` returns the action's result when it did happen, else None.
    """
    for attempt in range(1, attempts + 1):
        try:
            return await do()
        except (OutcomeUnknown, playwright_api.Error) as exc:
            log.warning("outcome_unknown", what=what, attempt=attempt, error=str(exc))
            found = await read(took_effect, f"checking whether {what} took effect")
            if found is not None:
                log.info("outcome_confirmed", what=what, attempt=attempt)
                return found
    raise OutcomeUnknown(f"{what}: the platform did not answer after {attempts} tries, and it did not take effect")


# --- the changing verbs, each with its check ------------------------------------


async def publish_listing(driver: Driver, listing: ListingInput, check_first: bool) -> PublishedItem:
    """Publish `listing`; with `check_first` (a re-run after a crash or retry) an existing copy is the result."""
    if check_first and (existing := await read(lambda: driver.find_listing(listing), "looking for the listing")):
        return existing
    return await change(lambda: driver.publish_listing(listing), lambda: driver.find_listing(listing), "publishing")


async def publish_post(driver: Driver, post: PostInput, check_first: bool) -> PublishedPost:
    """Publish `post`; with `check_first` a post already carrying its ref tag (an earlier run's) is the result."""
    if check_first and (existing := await read(lambda: driver.find_post(post), "looking for the post")):
        return existing
    return await change(lambda: driver.publish_post(post), lambda: driver.find_post(post), "publishing the post")


async def _bumped_at(driver: Driver, item_id: str) -> str | None:
    for own in await driver.my_listings():
        if own.item_id == item_id:
            return own.bumped_at
    return None


async def bump(driver: Driver, item_id: str) -> bool:
    before = await read(lambda: _bumped_at(driver, item_id), "reading the listing")

    async def do() -> bool:
        await driver.bump(item_id)
        return True

    async def bumped() -> bool | None:
        return True if await _bumped_at(driver, item_id) != before else None

    return await change(do, bumped, "bumping")


async def change_price(driver: Driver, item_id: str, price: Decimal) -> bool:
    async def do() -> bool:
        await driver.change_price(item_id, price)
        return True

    async def changed() -> bool | None:
        own = [o for o in await driver.my_listings() if o.item_id == item_id]
        return True if own and own[0].price == price else None

    return await change(do, changed, "changing the price")


async def is_listed(driver: Driver, item_id: str) -> bool:
    """Whether the item is among the account's own listings now."""
    own = await read(driver.my_listings, "reading the account's listings")
    return any(o.item_id == item_id for o in own)


async def delete_listing(driver: Driver, item_id: str) -> bool:
    async def do() -> bool:
        await driver.delete_listing(item_id)
        return True

    async def gone() -> bool | None:
        return True if all(o.item_id != item_id for o in await driver.my_listings()) else None

    return await change(do, gone, "deleting")


async def follow(driver: Driver, username: str, following: bool = True) -> bool:
    async def do() -> bool:
        await (driver.follow(username) if following else driver.unfollow(username))
        return True

    async def done() -> bool | None:
        return True if await driver.is_following(username) == following else None

    return await change(do, done, "following" if following else "unfollowing")


async def send_message(driver: Driver, username: str, text: str, sender: str) -> bool:
    """Send `text`; a check counts this account's messages with the same text before and after."""

    async def copies() -> int:
        return sum(m.sender == sender and m.body == text for m in await driver.read_conversation(username))

    before = await read(copies, "reading the conversation")

    async def do() -> bool:
        await driver.send_message(username, text)
        return True

    async def sent() -> bool | None:
        return True if await copies() > before else None

    return await change(do, sent, "sending the message")


async def create_board(driver: Driver, name: str) -> str:
    """Make the board; after an unknown outcome a board of that name (the one just made) is the result."""
    return await change(lambda: driver.create_board(name), lambda: driver.find_board(name), "creating the board")


async def save_to_board(driver: Driver, board_id: str, item_id: str) -> bool:
    async def do() -> bool:
        await driver.save_to_board(board_id, item_id)
        return True

    async def saved() -> bool | None:
        return True if await driver.is_saved(board_id, item_id) else None

    return await change(do, saved, "saving to the board")


def _new_copy(own: list[OwnListing], driver: Driver, old_item_id: str, listing: ListingInput) -> PublishedItem | None:
    for item in own:
        if item.item_id != old_item_id and driver.is_copy(item, listing):
            return PublishedItem(item_id=item.item_id, url=item.url)
    return None


async def relist(
    driver: Driver, old_item_id: str, listing: ListingInput, spend: Callable[[], Awaitable[None]]
) -> PublishedItem:
    """Delete `old_item_id` (verified gone), then publish `listing` again; safe to re-run after a crash anywhere.

    Each run starts from what the platform shows: the old item still there is
    deleted first; a copy of the listing under another id (an earlier run got
    that far) is the result instead of publishing again. So a re-run ends with
    exactly one live copy with a new id: never none, never two. `spend` runs
    before each change that is really made (a daily action each).
    A caveat the platform cannot tell apart: another live listing of this
    account with the same title and price counts as the copy.
    """
    own = await read(driver.my_listings, "reading the account's listings")
    if any(o.item_id == old_item_id for o in own):
        await spend()
        await delete_listing(driver, old_item_id)
    if (copy := _new_copy(own, driver, old_item_id, listing)) is not None:
        return copy

    async def published_copy() -> PublishedItem | None:
        return _new_copy(await driver.my_listings(), driver, old_item_id, listing)

    await spend()
    return await change(lambda: driver.publish_listing(listing), published_copy, "publishing the listing again")
