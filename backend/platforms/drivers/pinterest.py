"""Pinterest: publishing is creating a Pin.

UNVERIFIED against the live site: written from the structure of Pinterest's
public pages and tested only against HTML fixtures shaped like them
(`tests/platforms/drivers/fixtures/pinterest`). Selectors and paths are data in
`selectors/pinterest.json`.

A listing becomes a Pin: its first photo, title, description and destination
link (`ListingInput.link`); the category, when given, names the board (best
effort). Pins have no price and cannot be bumped: `bump` and `change_price`
raise `NotSupported`, and so does `likers` (Pinterest shows no list of who
reacted to a Pin). Follow works for users ("name") and boards
("name/board"). Stats: views are impressions where Pinterest shows them, likes
are reactions plus saves.

A social post (`publish_post`) is a Pin too: its first media file (an image or
a video), the caption's first line as the title and the whole caption as the
description. Both end with the post's ref tag (see `post_tags`), because the
own Pins grid shows only titles: that is where `find_post` looks for it.

Image collection: search, "more like this" (the related Pins under a Pin) and
a board's "more ideas" scroll forever, so page N is the N-th run of
`image_page_size` Pins read while scrolling. A board's id is its path,
"username/board-slug" (Pinterest's own pages name boards that way). Saving a
Pin picks the board by the name its page shows in the Pin's board dropdown.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from backend.platforms.drivers.base import (
    ActionFailed,
    Driver,
    FeedImage,
    ItemStats,
    ListingInput,
    OutcomeUnknown,
    PostInput,
    PublishedItem,
    PublishedPost,
    parse_count,
)
from backend.platforms.drivers.post_tags import caption_with_ref
from backend.platforms.drivers.web import WebDriver, normalize

if TYPE_CHECKING:
    from playwright.async_api import Locator

PIN_TITLE_MAX = 100
PIN_DESCRIPTION_MAX = 500


def pin_title(post: PostInput) -> str:
    """The caption's first line, cut to fit a Pin title with the ref tag at its end."""
    first_line = next((line.strip() for line in post.caption.splitlines() if line.strip()), "")
    return caption_with_ref(replace(post, caption=first_line), PIN_TITLE_MAX)


class PinterestDriver(WebDriver):
    """Pinterest through its web pages (unverified against the live site; fixture-tested)."""

    platform = "pinterest"
    title = "Pinterest"
    verified = False
    default_base_url = "https://www.pinterest.com"
    capabilities = (Driver.capabilities | Driver.POST_ACTIONS | Driver.BOARD_ACTIONS) - {
        "bump",
        "change_price",
        "likers",
    }

    async def publish_listing(self, listing: ListingInput) -> PublishedItem:
        await self.open(self.path("new_pin"))
        await self.upload("pin_image_input", list(listing.photos)[:1])
        await self.type_into("pin_title", listing.title)
        await self.type_into("pin_description", listing.description)
        if listing.link:
            await self.type_into("pin_link", listing.link)
        await self.choose("pin_board", listing.category)
        await self.submit("pin_publish", success="pin_published", error="form_error", action="publish Pin")
        return await self.published_item()

    async def publish_post(self, post: PostInput) -> PublishedPost:
        await self.open(self.path("new_pin"))
        await self.upload("pin_image_input", list(post.media)[:1])  # a Pin shows one image or video
        await self.type_into("pin_title", pin_title(post))
        await self.type_into("pin_description", caption_with_ref(post, PIN_DESCRIPTION_MAX))
        await self.submit("pin_publish", success="pin_published", error="form_error", action="publish Pin")
        return await self.published_post()

    async def bump(self, item_id: str) -> None:
        raise self.refuse("bumping: Pins stay in the feed without it")

    async def change_price(self, item_id: str, price: Decimal) -> None:
        raise self.refuse("prices on Pins")

    async def delete_listing(self, item_id: str) -> None:
        await self.open(self.path("item", item_id=item_id))
        await self.click_through("pin_options_button", "pin_edit_option", "delete_button")
        await self.submit("delete_confirm", success="delete_done", error="action_error", action="delete Pin")

    async def read_item_stats(self, item_id: str) -> ItemStats:
        await self.open(self.path("item", item_id=item_id), require_login=False)
        await self.find("item_marker")
        reactions = parse_count(await self.text_of("stat_likes"))
        saves = parse_count(await self.text_of("stat_saves"))
        return ItemStats(item_id=item_id, views=parse_count(await self.text_of("stat_views")), likes=reactions + saves)

    # Image collection and boards ------------------------------------------------------------

    async def search_images(self, query: str, page: int = 1) -> list[FeedImage]:
        return await self.image_page("feed_item", self.path("search", query=query), page, scrolled=True)

    async def more_like_this(self, item_id: str, page: int = 1) -> list[FeedImage]:
        return await self.image_page("related_item", self.path("item", item_id=item_id), page, scrolled=True)

    async def board_ideas(self, board_id: str, page: int = 1) -> list[FeedImage]:
        return await self.image_page("feed_item", self.path("board_ideas", board=board_id), page, scrolled=True)

    async def _own_boards(self) -> None:
        profile = await self.own_profile_path()
        await self.open(self.path("own_boards", profile=profile.rstrip("/")))

    async def create_board(self, name: str) -> str:
        await self._own_boards()
        await self.click_through("create_button", "create_board_option")
        await self.type_into("board_name_input", name)
        await self.submit("board_create_submit", success="board_marker", error="form_error", action="create board")
        board = self.match("board", urlsplit(self.page.url).path)
        if board is None:
            raise OutcomeUnknown("Pinterest: the board was made, but its address is not on the page")
        return board

    async def find_board(self, name: str) -> str | None:
        await self._own_boards()

        async def parse(card: Locator) -> tuple[str, str] | None:
            href = await self.attribute_of("board_card_link", "href", card)
            board = self.match("board", urlsplit(self.absolute(href)).path) if href else None
            return (board, await self.text_of("board_card_name", card)) if board else None

        boards = await self.collect("board_card", parse, key=lambda found: found[0], limit=500)
        return next((board for board, title in boards if normalize(title) == normalize(name)), None)

    async def save_to_board(self, board_id: str, item_id: str) -> None:
        await self.open(self.path("board", board=board_id))
        name = await self.text_of("board_title")
        if not name:
            raise ActionFailed(f"Pinterest shows no board at /{board_id}/")
        await self.open(self.path("item", item_id=item_id))
        await self.find("item_marker")
        if not await self.choose("save_board_dropdown", name):
            raise ActionFailed(f"Pinterest offers no board named {name!r} to save Pin {item_id} to")
        await self.submit("pin_save_button", success="pin_saved", error="action_error", action="save Pin")

    async def is_saved(self, board_id: str, item_id: str) -> bool:
        await self.open(self.path("board", board=board_id))
        await self.find("board_marker")
        pins = await self.collect("feed_item", self._feed_image, key=lambda image: image.item_id, limit=1000)
        return any(pin.item_id == item_id for pin in pins)
