"""TikTok: publishing is uploading a post (a video, or a photo post) with a caption.

UNVERIFIED against the live site: written from the structure of TikTok's public
pages (and TikTok Studio's upload page) and tested only against HTML fixtures
shaped like them (`tests/platforms/drivers/fixtures/tiktok`). Selectors and
paths are data in `selectors/tiktok.json`.

A listing becomes a post: one video file, or up to 35 photos, with a caption
made of the title and the description. Posts have no price and cannot be
bumped: `bump` and `change_price` raise `NotSupported`; TikTok shows nobody
the list of who liked a post, so `likers` does too. Stats: likes from the
post's page, views from the page or else from the account's post grid.

A social post (`publish_post`) is the same upload with the caption as given,
ending with the post's ref tag (see `post_tags`); `find_post` looks for the tag
in the account's grid, where each post's image alt text is its caption.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from backend.platforms.drivers.base import (
    ActionFailed,
    Driver,
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

VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".webm", ".m4v"})
MAX_PHOTOS = 35
MAX_CAPTION_CHARS = 2200


def caption_for(listing: ListingInput) -> str:
    parts = [listing.title.strip(), listing.description.strip()]
    return "\n\n".join(part for part in parts if part)[:MAX_CAPTION_CHARS]


class TikTokDriver(WebDriver):
    """TikTok through its web pages (unverified against the live site; fixture-tested)."""

    platform = "tiktok"
    title = "TikTok"
    verified = False
    default_base_url = "https://www.tiktok.com"
    capabilities = (Driver.capabilities | Driver.POST_ACTIONS) - {"bump", "change_price", "likers"}

    async def _upload(self, media: Sequence[Path], caption: str) -> None:
        """Upload one video or up to 35 photos with a caption, and post."""
        files = [Path(file) for file in media]
        videos = [file for file in files if file.suffix.lower() in VIDEO_SUFFIXES]
        if videos and len(files) > 1:
            raise ActionFailed("TikTok: a post is one video or several photos, not both")
        if len(files) > MAX_PHOTOS:
            raise ActionFailed(f"TikTok: a photo post has at most {MAX_PHOTOS} photos")
        await self.open(self.path("upload"))
        await self.upload("upload_input", files)
        # The caption editor shows once TikTok has taken the upload.
        await self.type_into("caption_input", caption)
        await self.submit("post_button", success="post_done", error="form_error", action="post")

    async def publish_post(self, post: PostInput) -> PublishedPost:
        await self._upload(post.media, caption_with_ref(post, MAX_CAPTION_CHARS))
        try:
            return await self.published_post()
        except OutcomeUnknown:
            # TikTok's "uploaded" dialog may have no link to the post: look for it on the profile.
            found = await self.find_post(post)
            if found is None:
                raise
            return found

    async def publish_listing(self, listing: ListingInput) -> PublishedItem:
        await self._upload(listing.photos, caption_for(listing))
        try:
            return await self.published_item()
        except OutcomeUnknown:
            # TikTok's "uploaded" dialog may have no link to the post: look for it on the profile.
            found = await self.find_listing(listing)
            if found is None:
                raise
            return found

    def title_matches(self, shown: str, listing: ListingInput) -> bool:
        # The grid shows the whole caption, which starts with the title.
        return normalize(shown).startswith(normalize(listing.title))

    async def bump(self, item_id: str) -> None:
        raise self.refuse("bumping: posts cannot be pushed back up")

    async def change_price(self, item_id: str, price: Decimal) -> None:
        raise self.refuse("prices on posts")

    async def delete_listing(self, item_id: str) -> None:
        await self.open(self.path("item", item_id=item_id))
        await self.click_through("item_options_button", "delete_button")
        await self.submit("delete_confirm", success="delete_done", error="action_error", action="delete post")

    async def read_item_stats(self, item_id: str) -> ItemStats:
        await self.open(self.path("item", item_id=item_id), require_login=False)
        await self.find("item_marker")
        likes = parse_count(await self.text_of("stat_likes"))
        views_text = await self.text_of("stat_views")
        if not views_text:
            views_text = await self._views_from_grid(item_id)
        return ItemStats(item_id=item_id, views=parse_count(views_text), likes=likes)

    async def _views_from_grid(self, item_id: str) -> str:
        """A post's page shows no play count; the account's grid does, on each post."""
        await self.open(self.path("my_listings", profile=(await self.own_profile_path()).rstrip("/")))
        await self.find("own_item")
        for card in await self.all_of("own_item"):
            if self.match("item_id", await self.attribute_of("own_item_link", "href", card)) == item_id:
                return await self.text_of("own_item_views", card)
        return ""
