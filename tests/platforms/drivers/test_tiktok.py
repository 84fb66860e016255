"""The TikTok driver against fixtures shaped like TikTok's pages."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from backend.platforms.drivers.base import (
    ActionFailed,
    ChallengeRequired,
    Credentials,
    ItemStats,
    ListingInput,
    LoginRequired,
    PublishedItem,
)
from backend.platforms.drivers.tiktok import TikTokDriver
from tests.platforms.drivers.conftest import SiteFactory, redirect

POST_ID = "7300000000000000002"


def post(photos: list[Path]) -> ListingInput:
    return ListingInput(
        title="Summer dress", description="Light cotton, worn twice.", price=Decimal("12.50"), photos=photos
    )


async def test_login_fills_and_submits(make_site: SiteFactory) -> None:
    site, driver = make_site(TikTokDriver)
    site.get("/login/phone-or-email/email", "login.html")
    site.post(
        "/login/phone-or-email/email",
        lambda r: redirect("/foryou") if r.value("password") == "s3cret" else "login_refused.html",
    )
    site.get("/foryou", "home_in.html")

    await driver.login(Credentials("seller", "s3cret"))
    assert site.posts()[0].form == {"username": ["seller"], "password": ["s3cret"]}

    with pytest.raises(LoginRequired, match="Incorrect account or password"):
        await driver.login(Credentials("seller", "wrong"))


async def test_publish_uploads_a_photo_post_with_caption(make_site: SiteFactory, photos: list[Path]) -> None:
    site, driver = make_site(TikTokDriver)
    site.get("/tiktokstudio/upload", "upload.html")
    link = f'<a data-e2e="post-success-view-post" href="/@seller/photo/{POST_ID}">View post</a>'
    site.post("/tiktokstudio/upload", site.fixture("posted.html", link=link))

    published = await driver.publish_listing(post(photos))

    assert published == PublishedItem(POST_ID, f"https://www.tiktok.com/@seller/photo/{POST_ID}")
    [sent] = site.posts()
    assert sent.files == {"media": ["front.jpg", "back.jpg"]}
    assert sent.value("caption").replace("\r\n", "\n") == "Summer dress\n\nLight cotton, worn twice."


async def test_publish_finds_the_post_on_the_profile_when_the_dialog_has_no_link(
    make_site: SiteFactory, photos: list[Path]
) -> None:
    site, driver = make_site(TikTokDriver)
    site.get("/tiktokstudio/upload", "upload.html")
    site.post("/tiktokstudio/upload", "posted.html")
    site.get("/foryou", "home_in.html")
    site.get("/@seller", "grid.html")
    assert await driver.publish_listing(post(photos)) == PublishedItem(
        POST_ID, f"https://www.tiktok.com/@seller/photo/{POST_ID}"
    )


async def test_a_post_is_one_video_or_photos(make_site: SiteFactory, tmp_path: Path, photos: list[Path]) -> None:
    _, driver = make_site(TikTokDriver)
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"not really a video")
    with pytest.raises(ActionFailed, match="one video or several photos"):
        await driver.publish_listing(post([video, *photos]))


async def test_stats_likes_from_the_post_and_views_from_the_grid(make_site: SiteFactory) -> None:
    site, driver = make_site(TikTokDriver)
    site.get(f"/@/video/{POST_ID}", "video.html")
    site.get("/foryou", "home_in.html")
    site.get("/@seller", "grid.html")
    assert await driver.read_item_stats(POST_ID) == ItemStats(POST_ID, views=3_400_000, likes=12_500)


async def test_captcha_overlay_on_a_normal_page(make_site: SiteFactory) -> None:
    site, driver = make_site(TikTokDriver)
    site.get("/explore", "captcha.html")
    with pytest.raises(ChallengeRequired, match="captcha"):
        await driver.collect_feed_images()


async def test_search_collects_thumbnails(make_site: SiteFactory) -> None:
    site, driver = make_site(TikTokDriver)
    site.get(r"/search/video\?q=summer%20dress", "search.html")
    images = await driver.collect_feed_images("summer dress")
    assert [(image.item_id, image.title) for image in images] == [
        ("101", "Red dress"),
        ("102", "Blue jeans"),
        ("103", "Green coat"),
    ]
