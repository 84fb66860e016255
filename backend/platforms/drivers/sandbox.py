"""The sandbox marketplace driver: verified, because the sandbox ships with Sellpilot.

It uses the sandbox's pages and forms through the browser like the other
drivers use theirs; the sandbox's control API is for tests and never used here.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, ClassVar
from urllib.parse import urlencode

from backend.core.lazy import lazy_module
from backend.platforms.drivers.base import (
    ActionFailed,
    Conversation,
    Credentials,
    Driver,
    FeedImage,
    FollowedUser,
    Follower,
    ItemStats,
    Liker,
    ListingInput,
    LoginRequired,
    Message,
    OutcomeUnknown,
    OwnListing,
    PostInput,
    PublishedItem,
    PublishedPost,
    Sale,
    parse_count,
    parse_time,
)
from backend.platforms.drivers.post_tags import caption_with_ref, has_ref
from backend.platforms.drivers.sandbox_boards import SandboxBoards

if TYPE_CHECKING:
    import playwright.async_api as playwright_api
    from playwright.async_api import Locator
else:
    playwright_api = lazy_module(
        "playwright.async_api"
    )  # the API process imports the platforms facade, never a browser

# The sandbox's longest caption (`backend/sandbox/post_pages.py`, which the API does not import).
CAPTION_MAX = 2200


def _price(text: str | None) -> Decimal | None:
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None


class SandboxDriver(SandboxBoards):
    """Drives the bundled sandbox marketplace (`sellpilot sandbox`)."""

    capabilities: ClassVar[frozenset[str]] = (
        Driver.capabilities | Driver.SALES_ACTIONS | Driver.POST_ACTIONS | Driver.BOARD_ACTIONS
    )

    # Session
    async def login(self, credentials: Credentials) -> None:
        await self.goto(self.path("login"))
        await self.pacing.type(await self.selectors.find(self.page, "login_username"), credentials.login)
        await self.pacing.pause()
        await self.pacing.type(await self.selectors.find(self.page, "login_password"), credentials.password)
        await self.submit_form(await self.selectors.find(self.page, "login_submit"), "Logging in")
        error = await self.selectors.text(self.page, "form_error")
        if error:
            raise LoginRequired(f"The sandbox marketplace refused the login: {error}")
        if not await self.selectors.present(self.page, "logged_in_user"):
            raise LoginRequired("The sandbox marketplace did not log this account in")

    async def check_session(self) -> bool:
        await self.goto(self.path("my_listings"))
        return "/login" not in self.page.url and await self.selectors.present(self.page, "logged_in_user")

    # Listings
    async def publish_listing(self, listing: ListingInput) -> PublishedItem:
        await self.goto(self.path("sell"))
        await self.pacing.type(await self.selectors.find(self.page, "sell_title"), listing.title)
        await (await self.selectors.find(self.page, "sell_description")).fill(listing.description)
        await self.pacing.pause()
        await (await self.selectors.find(self.page, "sell_price")).fill(f"{listing.price:.2f}")
        await (await self.selectors.find(self.page, "sell_photos")).set_input_files([str(p) for p in listing.photos])
        # The details the shop's form asks for, in its own words (the listing is mapped for this platform).
        await self._pick("sell_category", listing.category)
        await self._pick("sell_condition", listing.condition)
        await self._fill("sell_size", listing.size)
        await self._fill("sell_brand", listing.brand)
        await self.pacing.pause()
        await self.submit_form(await self.selectors.find(self.page, "sell_submit"), "Publishing the listing")
        error = await self.selectors.text(self.page, "form_error")
        if error:
            raise ActionFailed(f"The sandbox marketplace refused the listing: {error}")
        item = await self.selectors.find(self.page, "item_page")
        item_id = await item.first.get_attribute("data-item-id")
        if not item_id:
            raise ActionFailed("The sandbox marketplace did not show the published listing")
        return PublishedItem(item_id=item_id, url=self.url(self.path("item", item_id=item_id)))

    async def _pick(self, name: str, value: str | None) -> None:
        """Choose `value` in the sell form's select `name` where the form has it and offers that value.

        A value the shop does not offer stays unchosen: where the field is required the shop
        refuses the listing naming it, which says more than a timeout on a missing option.
        """
        field = await self.selectors.find_optional(self.page, name) if value and self.selectors.has(name) else None
        if field is None:
            return
        offered = await field.first.locator("option").evaluate_all("options => options.map(o => o.value)")
        if value in offered:
            await self.pacing.pause()
            await field.first.select_option(value=value)

    async def _fill(self, name: str, value: str | None) -> None:
        """Type `value` into the sell form's field `name` where the form has it."""
        field = await self.selectors.find_optional(self.page, name) if value and self.selectors.has(name) else None
        if field is not None and value:
            await self.pacing.type(field.first, value)

    async def find_listing(self, listing: ListingInput) -> PublishedItem | None:
        for own in await self.my_listings():
            if own.title == listing.title and own.price == listing.price:
                return PublishedItem(item_id=own.item_id, url=own.url)
        return None

    async def my_listings(self) -> list[OwnListing]:
        await self.goto(self.path("my_listings"))
        await self._require_login()
        rows = await self.selectors.find_optional(self.page, "my_item")
        listings = []
        for row in await rows.all() if rows is not None else []:
            item_id = await row.get_attribute("data-item-id") or ""
            price = await self.selectors.find_optional(row, "item_price")
            cover = await self.selectors.find_optional(row, "my_item_photo")
            src = await cover.first.get_attribute("src") if cover is not None else None
            listings.append(
                OwnListing(
                    item_id=item_id,
                    title=await self.selectors.text(row, "item_title"),
                    price=_price(await price.first.get_attribute("data-price")) if price is not None else None,
                    url=self.url(self.path("item", item_id=item_id)),
                    bumped_at=await row.get_attribute("data-bumped-at"),
                    listed_at=parse_time(await row.get_attribute("data-listed-at")),
                    views=parse_count(await row.get_attribute("data-views") or "0"),
                    likes=parse_count(await row.get_attribute("data-likes") or "0"),
                    sold=await row.get_attribute("data-sold") == "true",
                    image_url=(src if src.startswith("http") else self.url(src)) if src else None,
                )
            )
        return listings

    async def _own_row(self, item_id: str) -> Locator:
        await self.goto(self.path("my_listings"))
        await self._require_login()
        rows = await self.selectors.find_optional(self.page, "my_item")
        for row in await rows.all() if rows is not None else []:
            if await row.get_attribute("data-item-id") == item_id:
                return row
        raise ActionFailed(f"Listing {item_id} is not among this account's listings on the sandbox marketplace")

    async def bump(self, item_id: str) -> None:
        row = await self._own_row(item_id)
        await self.pacing.pause()
        await self.submit_form(await self.selectors.find(row, "bump_button"), "Bumping the listing")

    async def change_price(self, item_id: str, price: Decimal) -> None:
        row = await self._own_row(item_id)
        await (await self.selectors.find(row, "price_input")).fill(f"{price:.2f}")
        await self.pacing.pause()
        await self.submit_form(await self.selectors.find(row, "price_submit"), "Changing the price")
        error = await self.selectors.text(self.page, "form_error")
        if error:
            raise ActionFailed(f"The sandbox marketplace refused the price: {error}")

    async def delete_listing(self, item_id: str) -> None:
        row = await self._own_row(item_id)
        await self.pacing.pause()
        await self.submit_form(await self.selectors.find(row, "delete_button"), "Deleting the listing")

    # People
    async def _profile(self, username: str) -> None:
        await self.goto(self.path("profile", username=username))
        if not await self.selectors.present(self.page, "profile"):
            raise ActionFailed(f"There is no user {username!r} on the sandbox marketplace")

    async def follow(self, username: str) -> None:
        await self._profile(username)
        await self._require_login()
        if await self.selectors.present(self.page, "unfollow_button"):
            return  # already following
        await self.pacing.pause()
        await self.submit_form(await self.selectors.find(self.page, "follow_button"), f"Following {username}")

    async def unfollow(self, username: str) -> None:
        await self._profile(username)
        await self._require_login()
        if await self.selectors.present(self.page, "follow_button"):
            return  # not following
        await self.pacing.pause()
        await self.submit_form(await self.selectors.find(self.page, "unfollow_button"), f"Unfollowing {username}")

    async def is_following(self, username: str) -> bool:
        await self._profile(username)
        await self._require_login()
        return await self.selectors.present(self.page, "unfollow_button")

    async def list_followers(self, username: str) -> list[str]:
        await self.goto(self.path("followers", username=username))
        found = await self.selectors.find_optional(self.page, "follower")
        return [await f.get_attribute("data-username") or "" for f in await found.all()] if found else []

    async def _links(self, path: str, row: str) -> list[tuple[str, datetime | None, bool]]:
        """(username, since, mutual) of each row of a people list (followers, following, likers)."""
        await self.goto(path)
        await self._require_login()
        found = await self.selectors.find_optional(self.page, row)
        links = []
        for node in await found.all() if found else []:
            since = await self.selectors.find_optional(node, "since")
            links.append(
                (
                    await node.get_attribute("data-username") or "",
                    parse_time(await since.first.get_attribute("datetime")) if since else None,
                    await node.get_attribute("data-mutual") == "true",
                )
            )
        return links

    async def my_followers(self) -> list[Follower]:
        return [Follower(name, since) for name, since, _ in await self._links(self.path("my_followers"), "follower")]

    async def my_following(self) -> list[FollowedUser]:
        links = await self._links(self.path("my_following"), "followee")
        return [FollowedUser(name, since, mutual) for name, since, mutual in links]

    async def likers(self, item_id: str) -> list[Liker]:
        links = await self._links(self.path("likers", item_id=item_id), "liker")
        if not await self.selectors.present(self.page, "likers_page"):
            raise ActionFailed(f"Listing {item_id} is not among this account's listings on the sandbox marketplace")
        return [Liker(name, since) for name, since, _ in links]

    async def search_users(self, query: str, limit: int = 50) -> list[str]:
        me = await self._me()
        path = self.path("feed") + f"?{urlencode({'q': query})}"
        names: list[str] = []
        while path and len(names) < limit:
            await self.goto(path)
            cards = await self.selectors.find_optional(self.page, "feed_card")
            for card in await cards.all() if cards else []:
                seller = await card.get_attribute("data-seller") or await self.selectors.text(card, "card_seller")
                if seller and seller != me and seller not in names:
                    names.append(seller)
                    if len(names) >= limit:
                        break
            next_link = await self.selectors.find_optional(self.page, "next_page")
            path = (await next_link.first.get_attribute("href") or "") if next_link else ""
        return names

    async def send_message(self, username: str, text: str) -> None:
        await self.goto(self.path("conversation", username=username))
        await self._require_login()
        await self.pacing.type(await self.selectors.find(self.page, "message_input"), text)
        await self.submit_form(
            await self.selectors.find(self.page, "message_submit"), f"Sending a message to {username}"
        )
        error = await self.selectors.text(self.page, "form_error")
        if error:
            raise ActionFailed(f"The sandbox marketplace refused the message: {error}")

    async def read_conversation(self, username: str) -> list[Message]:
        await self.goto(self.path("conversation", username=username))
        await self._require_login()
        found = await self.selectors.find_optional(self.page, "message")
        messages = []
        for node in await found.all() if found else []:
            time_node = await self.selectors.find_optional(node, "message_time")
            messages.append(
                Message(
                    sender=await node.get_attribute("data-sender") or "",
                    body=await self.selectors.text(node, "message_body"),
                    sent_at=parse_time(await time_node.first.get_attribute("datetime")) if time_node else None,
                    message_id=await node.get_attribute("data-message-id") or "",
                )
            )
        return messages

    async def read_inbox(self) -> list[Conversation]:
        await self.goto(self.path("inbox"))
        await self._require_login()
        found = await self.selectors.find_optional(self.page, "conversation")
        conversations = []
        for node in await found.all() if found else []:
            unread = await node.get_attribute("data-unread") == "true"
            last_time = await self.selectors.find_optional(node, "last_time")
            conversations.append(
                Conversation(
                    with_user=await node.get_attribute("data-with") or "",
                    last_message=await self.selectors.text(node, "last_message"),
                    unread=unread,
                    unread_count=parse_count(await node.get_attribute("data-unread-count") or str(int(unread))),
                    last_message_at=parse_time(await last_time.first.get_attribute("datetime")) if last_time else None,
                )
            )
        return conversations

    # Reads
    async def collect_feed_images(self, query: str | None = None, limit: int = 50) -> list[FeedImage]:
        path = self.path("feed") + (f"?{urlencode({'q': query})}" if query else "")
        images: list[FeedImage] = []
        while path and len(images) < limit:
            images += await self.cards(path)
            path = await self.next_page()
        return images[:limit]

    async def read_item_stats(self, item_id: str) -> ItemStats:
        await self.goto(self.path("item", item_id=item_id))
        if not await self.selectors.present(self.page, "item_page"):
            raise ActionFailed(f"Listing {item_id} does not exist on the sandbox marketplace")
        return ItemStats(
            item_id=item_id,
            views=parse_count(await self.selectors.text(self.page, "views_count", "0")),
            likes=parse_count(await self.selectors.text(self.page, "likes_count", "0")),
        )

    async def my_sales(self) -> list[Sale]:
        await self.goto(self.path("my_sales"))
        await self._require_login()
        rows = await self.selectors.find_optional(self.page, "sale_row")
        sales = []
        for row in await rows.all() if rows is not None else []:
            price = await self.selectors.find_optional(row, "sale_price")
            buyer = await self.selectors.find_optional(row, "sale_buyer")
            when = await self.selectors.find_optional(row, "sale_time")
            sales.append(
                Sale(
                    item_id=await row.get_attribute("data-item-id") or "",
                    title=await self.selectors.text(row, "sale_title"),
                    price=_price(await price.first.get_attribute("data-price")) if price is not None else None,
                    currency=(await price.first.get_attribute("data-currency") or "EUR") if price is not None else "",
                    buyer=(await buyer.first.get_attribute("data-username") or "") if buyer is not None else "",
                    sold_at=parse_time(await when.first.get_attribute("datetime")) if when is not None else None,
                )
            )
        return sales

    # Social posts
    async def publish_post(self, post: PostInput) -> PublishedPost:
        if not post.media:
            raise ActionFailed("The sandbox marketplace needs a photo or a video for a post")
        await self.goto(self.path("new_post"))
        await self._require_login()
        await (await self.selectors.find(self.page, "post_media")).set_input_files([str(p) for p in post.media])
        await self.pacing.pause()
        await self.pacing.type(
            await self.selectors.find(self.page, "post_caption"), caption_with_ref(post, CAPTION_MAX)
        )
        await self.pacing.pause()
        await self.submit_form(await self.selectors.find(self.page, "post_submit"), "Publishing the post")
        error = await self.selectors.text(self.page, "form_error")
        if error:
            raise ActionFailed(f"The sandbox marketplace refused the post: {error}")
        shown = await self.selectors.find_optional(self.page, "post_page")
        post_id = await shown.first.get_attribute("data-post-id") if shown is not None else None
        if not post_id:
            # An error page instead of the post: the post may exist all the same.
            raise OutcomeUnknown("Publishing the post: the sandbox marketplace did not show the post it made")
        return PublishedPost(post_id=post_id, url=self.url(self.path("post", post_id=post_id)))

    async def find_post(self, post: PostInput) -> PublishedPost | None:
        """Looks through the account's posts page, where each post's whole caption is the excerpt's title."""
        await self.goto(self.path("user_posts", username=await self._me()))
        rows = await self.selectors.find_optional(self.page, "post_row")
        for row in await rows.all() if rows is not None else []:
            excerpt = await self.selectors.find_optional(row, "post_excerpt")
            caption = (await excerpt.first.get_attribute("title") or "") if excerpt is not None else ""
            post_id = await row.get_attribute("data-post-id")
            if post_id and has_ref(caption, post):
                return PublishedPost(post_id=post_id, url=self.url(self.path("post", post_id=post_id)))
        return None

    async def read_post_stats(self, post_id: str) -> ItemStats:
        await self.goto(self.path("post", post_id=post_id))
        if not await self.selectors.present(self.page, "post_page"):
            raise ActionFailed(f"Post {post_id} does not exist on the sandbox marketplace")
        return ItemStats(
            item_id=post_id,
            views=parse_count(await self.selectors.text(self.page, "views_count", "0")),
            likes=parse_count(await self.selectors.text(self.page, "likes_count", "0")),
        )
