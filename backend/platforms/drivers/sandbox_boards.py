"""The sandbox driver's image-collection actions: paged image reads and boards, through its pages like a person."""

from __future__ import annotations

from urllib.parse import urlencode

from backend.platforms.drivers.base import ActionFailed, FeedImage, OutcomeUnknown
from backend.platforms.drivers.sandbox_site import SandboxSite


def _page_number(page: int) -> int:
    if page < 1:
        raise ActionFailed(f"Page numbers start at 1 (got {page})")
    return page


class SandboxBoards(SandboxSite):
    """Search, more like this and more ideas read one page of cards each; boards are made and filled by forms."""

    async def _image_page(self, path: str, page: int, missing: str, **query: str) -> list[FeedImage]:
        images = await self.cards(path + "?" + urlencode({**query, "page": _page_number(page)}))
        if not await self.selectors.present(self.page, "images_page"):
            if self.last_status >= 500:  # a passing failure: the read is tried again
                raise OutcomeUnknown(f"{self.title} answered {self.last_status} for {path}")
            raise ActionFailed(missing)
        return images

    async def search_images(self, query: str, page: int = 1) -> list[FeedImage]:
        return await self._image_page(self.path("feed_search"), page, "The sandbox search page is missing", q=query)

    async def more_like_this(self, item_id: str, page: int = 1) -> list[FeedImage]:
        missing = f"Listing {item_id} does not exist on the sandbox marketplace"
        return await self._image_page(self.path("similar", item_id=item_id), page, missing)

    async def board_ideas(self, board_id: str, page: int = 1) -> list[FeedImage]:
        missing = f"Board {board_id} does not exist on the sandbox marketplace"
        return await self._image_page(self.path("board_ideas", board_id=board_id), page, missing)

    async def create_board(self, name: str) -> str:
        await self.goto(self.path("new_board"))
        await self._require_login()
        await self.pacing.type(await self.selectors.find(self.page, "board_name_input"), name)
        await self.pacing.pause()
        await self.submit_form(await self.selectors.find(self.page, "board_submit"), f"Creating the board {name!r}")
        error = await self.selectors.text(self.page, "form_error")
        if error:
            raise ActionFailed(f"The sandbox marketplace refused the board: {error}")
        shown = await self.selectors.find_optional(self.page, "board_page")
        board_id = await shown.first.get_attribute("data-board-id") if shown is not None else None
        if not board_id:
            raise OutcomeUnknown("Creating the board: the sandbox marketplace did not show the board it made")
        return board_id

    async def find_board(self, name: str) -> str | None:
        """The account's oldest board of that name (the sandbox, like a person, allows two of a name)."""
        await self.goto(self.path("user_boards", username=await self._me()))
        wanted = " ".join(name.split())
        rows = await self.selectors.find_optional(self.page, "board_row")
        for row in await rows.all() if rows is not None else []:
            if await row.get_attribute("data-name") == wanted:
                return await row.get_attribute("data-board-id")
        return None

    async def _item(self, item_id: str) -> None:
        await self.goto(self.path("item", item_id=item_id))
        await self._require_login()
        if not await self.selectors.present(self.page, "item_page"):
            raise ActionFailed(f"Listing {item_id} does not exist on the sandbox marketplace")

    async def save_to_board(self, board_id: str, item_id: str) -> None:
        await self._item(item_id)
        select = await self.selectors.find_optional(self.page, "save_board_select")
        options = await select.first.locator("option").evaluate_all("os => os.map(o => o.value)") if select else []
        if select is None or board_id not in options:
            raise ActionFailed(f"Board {board_id} is not one of this account's boards on the sandbox marketplace")
        await select.first.select_option(value=board_id)
        await self.pacing.pause()
        await self.submit_form(await self.selectors.find(self.page, "save_submit"), f"Saving to board {board_id}")

    async def is_saved(self, board_id: str, item_id: str) -> bool:
        await self._item(item_id)
        rows = await self.selectors.find_optional(self.page, "saved_board")
        return any([await row.get_attribute("data-board-id") == board_id for row in await rows.all()] if rows else [])
