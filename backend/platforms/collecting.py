"""Image collection as a platform account: search pages, "more like this", boards and their ideas, downloads.

Re-exported by the facade (`backend.platforms.service`), which other domains use; kept apart so the
facade stays one screenful per concern. Pages count from 1; a page past the end is []. `FeedImage`:
item_id (the platform's, "" where none), image_url, title (or the image's alt text), page_url. A platform
without the action raises `NotSupported`: ask `supports(platform, "search_images" | "more_like_this" |
"create_board" | "save_to_board" | "board_ideas")`.
"""

from __future__ import annotations

from backend.platforms.drivers.base import FeedImage
from backend.platforms.runtime import actions, downloads
from backend.platforms.runtime.sessions import AccountSession
from backend.settings import get_settings


async def search_images(session: AccountSession, query: str, page: int = 1) -> list[FeedImage]:
    """One page of the platform's search results for `query`, as images."""
    return await actions.read(lambda: session.driver.search_images(query, page), f"searching images for {query!r}")


async def more_like_this(session: AccountSession, item_id: str, page: int = 1) -> list[FeedImage]:
    """One page of what the platform shows as "more like this" for an item."""
    return await actions.read(lambda: session.driver.more_like_this(item_id, page), "reading more like this")


async def create_board(session: AccountSession, name: str) -> str:
    """The id of the account's board named `name`, made if there is none (then one daily action).

    Verify-then-retry: after a lost answer the board is looked for before any new try, so a board is never doubled.
    """
    if existing := await actions.read(lambda: session.driver.find_board(name), f"looking for the board {name!r}"):
        return existing
    await session.count_action()
    return await actions.create_board(session.driver, name)


async def save_to_board(session: AccountSession, board_id: str, item_id: str) -> bool:
    """Save an item (a pin) to one of the account's boards; False (no daily action spent) if it is there already."""
    if await actions.read(lambda: session.driver.is_saved(board_id, item_id), "checking the board"):
        return False
    await session.count_action()
    return await actions.save_to_board(session.driver, board_id, item_id)


async def board_ideas(session: AccountSession, board_id: str, page: int = 1) -> list[FeedImage]:
    """One page of the board's "more ideas" (what the platform recommends for what is saved on it)."""
    return await actions.read(lambda: session.driver.board_ideas(board_id, page), "reading the board's ideas")


async def download_image(session: AccountSession, url: str, max_bytes: int) -> bytes:
    """The image at `url`, fetched through the account's browser context (its proxy, cookies, user agent).

    Only http(s), also at each redirect (never `file:` or `data:`); `ActionFailed` "image larger than N MB"
    past `max_bytes` (by Content-Length, then by the body), "image not found" on 404; other failures retry.
    """
    timeout_ms = get_settings().platforms.action_timeout_seconds * 1000
    context = session.driver.page.context
    return await actions.read(lambda: downloads.download(context, url, max_bytes, timeout_ms), "downloading an image")
