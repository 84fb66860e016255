"""Vinted: a second-hand fashion marketplace.

UNVERIFIED against the live site: written from the structure of Vinted's public
pages and tested only against HTML fixtures shaped like them
(`tests/platforms/drivers/fixtures/vinted`). Selectors and paths are data in
`selectors/vinted.json`; when Vinted changes its markup, fix them there.

Vinted calls bumping "Bump" (formerly "Push up"): it is a paid feature. The
driver clicks the item's Bump button when it is there; when Vinted asks for a
payment it stops with `ActionFailed` (Sellpilot never pays on the user's behalf).
"""

from __future__ import annotations

from decimal import Decimal

from backend.platforms.drivers.base import ActionFailed, ListingInput, PublishedItem
from backend.platforms.drivers.web import WebDriver, format_price


class VintedDriver(WebDriver):
    """Vinted through its web pages (unverified against the live site; fixture-tested)."""

    platform = "vinted"
    title = "Vinted"
    verified = False
    default_base_url = "https://www.vinted.com"

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

    async def change_price(self, item_id: str, price: Decimal) -> None:
        await self.open(self.path("edit_item", item_id=item_id))
        await self.type_into("item_price", format_price(price))
        await self.submit("item_submit", success="item_marker", error="form_error", action="change price")

    async def delete_listing(self, item_id: str) -> None:
        await self.open(self.path("item", item_id=item_id))
        await self.click_through("delete_button")
        await self.submit("delete_confirm", success="delete_done", error="form_error", action="delete listing")
