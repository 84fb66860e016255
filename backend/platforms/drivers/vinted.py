"""Vinted: a second-hand fashion marketplace.

UNVERIFIED against the live site: written from the structure of Vinted's public
pages and tested only against HTML fixtures shaped like them
(`tests/platforms/drivers/fixtures/vinted`). Selectors and paths are data in
`selectors/vinted.json`; when Vinted changes its markup, fix them there.

Vinted calls bumping "Bump" (formerly "Push up"): it is a paid feature. The
driver clicks the item's Bump button when it is there; when Vinted asks for a
payment it stops with `ActionFailed` (Sellpilot never pays on the user's behalf).

Likers are the members who favourited an item (its favourites list, seen by
the seller); Vinted prints no follow dates, so `followed_at` is None there.
Vinted is a marketplace with no social posts: `publish_post`, `find_post` and
`read_post_stats` raise `NotSupported`. Its catalogue search has page numbers
(`search_images`); it has no boards and no "more like this" list to page through.

Sales are the "Sold" tab of My orders (`my_sales`): each order's item link, title,
price, buyer and date where the row prints one (`time[datetime]`); an order whose
item page is gone (no item link) is skipped, since the sync matches sales by item id.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from backend.platforms.drivers.base import (
    ActionFailed,
    Driver,
    FeedImage,
    Liker,
    ListingInput,
    PublishedItem,
    Sale,
    parse_time,
)
from backend.platforms.drivers.web import WebDriver, currency_of, format_price, parse_price

if TYPE_CHECKING:
    from playwright.async_api import Locator


class VintedDriver(WebDriver):
    """Vinted through its web pages (unverified against the live site; fixture-tested)."""

    platform = "vinted"
    title = "Vinted"
    verified = False
    default_base_url = "https://www.vinted.com"
    capabilities = Driver.capabilities | Driver.SALES_ACTIONS | {"search_images"}

    async def search_images(self, query: str, page: int = 1) -> list[FeedImage]:
        path = self.path("search_page", query=query, page=str(page))
        return await self.image_page("feed_item", path, page, scrolled=False)

    async def publish_listing(self, listing: ListingInput) -> PublishedItem:
        await self.open(self.path("new_item"))
        await self.upload("item_photo_input", listing.photos)
        await self.type_into("item_title", listing.title)
        await self.type_into("item_description", listing.description)
        await self.choose("item_category", listing.category)
        await self.choose("item_brand", listing.brand)
        await self.choose("item_size", listing.size)
        await self.choose("item_condition", listing.condition)
        await self.type_into("item_price", format_price(listing.price))
        await self.submit("item_submit", success="item_marker", error="form_error", action="publish listing")
        return await self.published_item()

    async def bump(self, item_id: str) -> None:
        await self.open(self.path("item", item_id=item_id))
        await self.find("item_marker")
        if not await self.present("bump_button"):
            raise ActionFailed(
                f"Vinted shows no Bump button on item {item_id}: bumping is a paid feature offered only"
                " on your own active items (it may be sold, hidden, or already bumped)"
            )
        outcome = await self.submit(
            "bump_button", success="bump_done", error="form_error", action="bump", also=("bump_payment",)
        )
        if outcome == "bump_payment":
            raise ActionFailed(
                "Vinted's Bump is a paid feature and asks for a payment; Sellpilot does not pay for you."
                " Buy the bump in Vinted, or turn off bumping for this account"
            )

    async def likers(self, item_id: str) -> list[Liker]:
        """Who favourited one of the account's items: the item's favourites list (only its seller sees it)."""
        await self.open(self.path("likers", item_id=item_id))

        async def parse(row: Locator) -> Liker | None:
            href = await self.attribute_of("liker_link", "href", row)
            name = self._username_in(href, await self.text_of("liker_link", row))
            return Liker(name, parse_time(await self.attribute_of("follow_since", "datetime", row))) if name else None

        return await self.collect("liker_item", parse, key=lambda liker: liker.username, limit=10_000)

    async def my_sales(self) -> list[Sale]:
        """The "Sold" tab of My orders, latest first as Vinted lists them."""
        await self.open(self.path("my_sales"))

        async def parse(row: Locator) -> Sale | None:
            href = await self.attribute_of("sale_item_link", "href", row)
            item_id = self.match("item_id", href)
            if item_id is None:
                return None
            price_text = await self.text_of("sale_price", row)
            buyer_href = await self.attribute_of("sale_buyer", "href", row)
            return Sale(
                item_id=item_id,
                title=await self.text_of("sale_title", row),
                price=parse_price(price_text) if price_text else None,
                currency=currency_of(price_text),
                buyer=self._username_in(buyer_href, await self.text_of("sale_buyer", row)) or "",
                sold_at=parse_time(await self.attribute_of("sale_time", "datetime", row)),
            )

        return await self.collect("sale_item", parse, key=lambda sale: sale.item_id, limit=10_000)

    async def change_price(self, item_id: str, price: Decimal) -> None:
        await self.open(self.path("edit_item", item_id=item_id))
        await self.type_into("item_price", format_price(price))
        await self.submit("item_submit", success="item_marker", error="form_error", action="change price")

    async def delete_listing(self, item_id: str) -> None:
        await self.open(self.path("item", item_id=item_id))
        await self.click_through("delete_button")
        await self.submit("delete_confirm", success="delete_done", error="form_error", action="delete listing")
