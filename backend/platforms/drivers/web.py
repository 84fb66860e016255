"""What the real-site drivers (Vinted, Pinterest, TikTok) share: the flows that are the same on every platform.

Login with a form, session check, own listings (and finding a published one),
follow, followers, messages, inbox, feed images and stats live here; the
drivers add what differs (publish, bump, price, delete). The page helpers these
flows are made of are in `web_page`, the platforms' page knowledge (selectors,
paths, patterns, texts) is data loaded by `site_data`; their public names are
importable from here too, so a driver imports everything shared from this module.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from backend.core.lazy import lazy_module
from backend.platforms.drivers.base import (
    ActionFailed,
    Conversation,
    Credentials,
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
    SelectorMissing,
    parse_count,
    parse_time,
)
from backend.platforms.drivers.post_tags import has_ref
from backend.platforms.drivers.site_data import DATA_SECTIONS, SELECTORS_DIR, PlatformData, load_platform_data
from backend.platforms.drivers.web_page import WebPage, currency_of, format_price, normalize, parse_price

if TYPE_CHECKING:
    import playwright.async_api as playwright_api
    from playwright.async_api import Locator
else:
    playwright_api = lazy_module(
        "playwright.async_api"
    )  # the API process imports the platforms facade, never a browser

__all__ = [
    "DATA_SECTIONS",
    "SELECTORS_DIR",
    "PlatformData",
    "WebDriver",
    "currency_of",
    "format_price",
    "load_platform_data",
    "normalize",
    "parse_price",
]


class WebDriver(WebPage):
    """A driver for a real platform's web pages, described by its JSON data: the flows every platform shares."""

    # Session -----------------------------------------------------------------

    async def login(self, credentials: Credentials) -> None:
        await self.open(self.path("login"), require_login=False)
        if await self.which("login_username", "login_start") == "login_start":
            await self.pacing.pause()
            await (await self.find("login_start")).click()
        await self.type_into("login_username", credentials.login)
        await self.type_into("login_password", credentials.password)
        await self.submit(
            "login_submit",
            success="logged_in_marker",
            error="login_error",
            action="login",
            refused=LoginRequired,
            watch_login_wall=False,
        )

    async def check_session(self) -> bool:
        await self.open(self.path("home"), require_login=False)
        try:
            return await self.wait_any("logged_in_marker", "login_wall", "logged_out_marker") == "logged_in_marker"
        except playwright_api.TimeoutError:
            await self.raise_for_challenge()
            return False

    # Own listings -------------------------------------------------------------

    async def own_profile_path(self) -> str:
        await self.open(self.path("home"))
        href = await (await self.find("own_profile_link")).get_attribute("href")
        if not href:
            raise SelectorMissing(f"{self.platform}: the profile link has no address")
        return urlsplit(self.absolute(href)).path

    async def my_listings(self) -> list[OwnListing]:
        profile = await self.own_profile_path()
        await self.open(self.path("my_listings", profile=profile.rstrip("/")))

        async def parse(card: Locator) -> OwnListing | None:
            href = await self.attribute_of("own_item_link", "href", card)
            item_id = self.match("item_id", href)
            if item_id is None:
                return None
            price_text = await self.text_of("own_item_price", card)
            return OwnListing(
                item_id=item_id,
                title=await self.text_of("own_item_title", card)
                or await self.attribute_of("own_item_title", "alt", card),
                price=parse_price(price_text) if price_text else None,
                url=self.absolute(href),
            )

        return await self.collect("own_item", parse, key=lambda listing: listing.item_id, limit=500)

    async def find_listing(self, listing: ListingInput) -> PublishedItem | None:
        for own in await self.my_listings():
            if self.title_matches(own.title, listing) and (own.price is None or own.price == listing.price):
                return PublishedItem(item_id=own.item_id, url=own.url)
        return None

    def is_copy(self, own: OwnListing, listing: ListingInput) -> bool:
        return self.title_matches(own.title, listing) and (own.price is None or own.price == listing.price)

    def title_matches(self, shown: str, listing: ListingInput) -> bool:
        """Whether a title shown in the own-listings page is this listing's."""
        return normalize(shown) == normalize(listing.title)

    async def published_item(self) -> PublishedItem:
        """The item a publish just created: from the page's address, else from its 'view item' link."""
        item_id = self.match("item_id", self.page.url)
        if item_id is not None:
            return PublishedItem(item_id=item_id, url=self.page.url)
        href = await self.attribute_of("published_item_link", "href")
        item_id = self.match("item_id", href)
        if item_id is None:
            raise OutcomeUnknown(f"{self.title}: published, but the new item's address is not on the page")
        return PublishedItem(item_id=item_id, url=self.absolute(href))

    # Social posts (for the platforms that have them: see `capabilities`) -------------

    async def find_post(self, post: PostInput) -> PublishedPost | None:
        """The own post whose caption, as the own grid shows it (text or image alt), carries the ref tag."""
        if "find_post" not in self.capabilities:
            raise self.refuse("social posts")
        for own in await self.my_listings():
            if has_ref(own.title, post):
                return PublishedPost(post_id=own.item_id, url=own.url)
        return None

    async def read_post_stats(self, post_id: str) -> ItemStats:
        if "read_post_stats" not in self.capabilities:
            raise self.refuse("social posts")
        return await self.read_item_stats(post_id)

    async def published_post(self) -> PublishedPost:
        """The post a publish just created (from the page's address or its 'view' link)."""
        item = await self.published_item()
        return PublishedPost(post_id=item.item_id, url=item.url)

    # People --------------------------------------------------------------------

    async def follow(self, username: str) -> None:
        await self.open(self.path("profile", username=username))
        if await self.which("follow_button", "unfollow_button") == "unfollow_button":
            return
        await self.submit("follow_button", success="unfollow_button", error="action_error", action="follow")

    async def unfollow(self, username: str) -> None:
        await self.open(self.path("profile", username=username))
        if await self.which("follow_button", "unfollow_button") == "follow_button":
            return
        await self.submit("unfollow_button", success="follow_button", error="action_error", action="unfollow")

    async def is_following(self, username: str) -> bool:
        await self.open(self.path("profile", username=username))
        return await self.which("follow_button", "unfollow_button") == "unfollow_button"

    async def list_followers(self, username: str) -> list[str]:
        await self.open(self.path("followers", username=username))

        async def parse(row: Locator) -> str | None:
            href = await self.attribute_of("follower_link", "href", row)
            name = self.match("username", urlsplit(href).path) if href else None
            return name or await self.text_of("follower_link", row) or None

        return await self.collect("follower_item", parse, key=lambda name: name, limit=10_000)

    def _username_in(self, href: str, shown: str) -> str | None:
        """The username a people-list link points to (else the name it shows)."""
        name = self.match("username", urlsplit(href).path) if href else None
        return name or shown or None

    async def my_followers(self) -> list[Follower]:
        """The own followers page; follow dates where the platform prints them (most show none)."""
        profile = await self.own_profile_path()
        await self.open(self.path("own_followers", profile=profile.rstrip("/")))

        async def parse(row: Locator) -> Follower | None:
            href = await self.attribute_of("follower_link", "href", row)
            name = self._username_in(href, await self.text_of("follower_link", row))
            since = parse_time(await self.attribute_of("follow_since", "datetime", row))
            return Follower(name, since) if name else None

        return await self.collect("follower_item", parse, key=lambda f: f.username, limit=10_000)

    async def my_following(self) -> list[FollowedUser]:
        """The own following page; `follows_me` from the platform's badge, else from the own followers list."""
        profile = await self.own_profile_path()
        await self.open(self.path("own_following", profile=profile.rstrip("/")))

        async def parse(row: Locator) -> FollowedUser | None:
            href = await self.attribute_of("following_link", "href", row)
            name = self._username_in(href, await self.text_of("following_link", row))
            if not name:
                return None
            since = parse_time(await self.attribute_of("follow_since", "datetime", row))
            return FollowedUser(name, since, await self.present("follows_you_badge", row))

        following = await self.collect("following_item", parse, key=lambda f: f.username, limit=10_000)
        if all(f.follows_me for f in following):
            return following
        followers = {f.username for f in await self.my_followers()}
        return [replace(f, follows_me=f.follows_me or f.username in followers) for f in following]

    async def likers(self, item_id: str) -> list[Liker]:
        raise self.refuse("list of who liked a post")

    async def search_users(self, query: str, limit: int = 50) -> list[str]:
        """The authors or sellers of what a search finds, without this account."""
        me = self.match("username", await self.own_profile_path())
        await self.open(self.path("search", query=query), require_login=False)

        async def parse(card: Locator) -> str | None:
            href = await self.attribute_of("feed_item_seller", "href", card)
            name = self.match("username", urlsplit(self.absolute(href)).path) if href else None
            name = name or await self.text_of("feed_item_seller", card)
            return name if name and name != me else None

        return await self.collect("feed_item", parse, key=lambda name: name, limit=limit)

    async def open_conversation(self, username: str) -> None:
        await self.open(self.path("profile", username=username))
        await self.click_through("profile_message_button")
        await self.find("message_input")

    async def send_message(self, username: str, text: str) -> None:
        await self.open_conversation(username)
        await self.type_into("message_input", text)
        # Sent when a message with (the start of) this text shows in the conversation.
        first_line = text.strip().splitlines()[0][:60] if text.strip() else text
        await self.submit(
            "message_send", success="message_body", error="action_error", action="send message", success_text=first_line
        )

    async def _messages(self) -> list[Message]:
        messages: list[Message] = []
        for row in await self.all_of("message_item"):
            time = await self.attribute_of("message_time", "datetime", row) or await self.text_of("message_time", row)
            messages.append(
                Message(
                    sender=await self.text_of("message_sender", row),
                    body=await self.text_of("message_body", row),
                    sent_at=parse_time(time),
                )
            )
        return messages

    async def read_conversation(self, username: str) -> list[Message]:
        await self.open_conversation(username)
        return await self._messages()

    async def read_inbox(self) -> list[Conversation]:
        await self.open(self.path("inbox"))

        async def parse(row: Locator) -> Conversation | None:
            user = await self.text_of("inbox_thread_user", row)
            if not user:
                return None
            unread = await self.present("inbox_thread_unread", row)
            count = parse_count(await self.text_of("inbox_thread_unread_count", row))
            return Conversation(
                with_user=user,
                last_message=await self.text_of("inbox_thread_preview", row),
                unread=unread or count > 0,
                unread_count=count or int(unread),
                last_message_at=parse_time(await self.attribute_of("inbox_thread_time", "datetime", row)),
            )

        return await self.collect("inbox_thread", parse, key=lambda conversation: conversation.with_user, limit=500)

    # Reads ------------------------------------------------------------------------

    async def _feed_image(self, card: Locator) -> FeedImage | None:
        """A result card as an image: its item link and picture (promoted cards without an item are skipped)."""
        href = await self.attribute_of("feed_item_link", "href", card)
        item_id = self.match("item_id", href)
        image = await self.find_optional("feed_item_image", card)
        if item_id is None or image is None:
            return None
        source = await image.get_attribute("src") or ""
        if not source or source.startswith("data:"):
            return None
        title = await self.text_of("feed_item_title", card) or (await image.get_attribute("alt") or "").strip()
        return FeedImage(item_id=item_id, image_url=self.absolute(source), title=title, page_url=self.absolute(href))

    async def collect_feed_images(self, query: str | None = None, limit: int = 50) -> list[FeedImage]:
        await self.open(self.path("search", query=query) if query else self.path("feed"), require_login=False)
        return await self.collect("feed_item", self._feed_image, key=lambda image: image.item_id, limit=limit)

    # Image pages (see `Driver.search_images`): a platform with page numbers opens page N; one that
    # scrolls forever reads `image_page_size` times N entries and keeps the last `image_page_size`.
    image_page_size = 25

    async def image_page(self, cards: str, path: str, page: int, *, scrolled: bool) -> list[FeedImage]:
        if page < 1:
            raise ActionFailed(f"Page numbers start at 1 (got {page})")
        await self.open(path)
        wanted = self.image_page_size * page if scrolled else 500
        found = await self.collect(cards, self._feed_image, key=lambda image: image.item_id, limit=wanted)
        return found[self.image_page_size * (page - 1) :] if scrolled else found

    async def read_item_stats(self, item_id: str) -> ItemStats:
        await self.open(self.path("item", item_id=item_id), require_login=False)
        await self.find("item_marker")
        return ItemStats(
            item_id=item_id,
            views=parse_count(await self.text_of("stat_views")),
            likes=parse_count(await self.text_of("stat_likes")),
        )
