"""The Pinterest driver against fixtures shaped like Pinterest's pages."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from backend.platforms.drivers.base import (
    Credentials,
    ItemStats,
    ListingInput,
    LoginRequired,
    OutcomeUnknown,
    PublishedItem,
)
from backend.platforms.drivers.pinterest import PinterestDriver
from tests.platforms.drivers.conftest import HANG, SiteFactory, redirect


def pin(photos: list[Path]) -> ListingInput:
    return ListingInput(
        title="Summer dress",
        description="Light cotton dress for hot days",
        price=Decimal("12.50"),
        photos=photos,
        category="Summer looks",
        link="https://shop.example.com/summer-dress",
    )


async def test_login_fills_and_submits(make_site: SiteFactory) -> None:
    site, driver = make_site(PinterestDriver)
    site.get("/login/", "login.html")
    site.post("/login/", lambda r: redirect("/") if r.value("password") == "s3cret" else "login_refused.html")
    site.get("/", "home_in.html")

    await driver.login(Credentials("seller@example.com", "s3cret"))
    assert site.posts("/login/")[0].form == {"id": ["seller@example.com"], "password": ["s3cret"]}

    with pytest.raises(LoginRequired, match="password you entered is incorrect"):
        await driver.login(Credentials("seller@example.com", "wrong"))


async def test_publish_creates_a_pin(make_site: SiteFactory, photos: list[Path]) -> None:
    site, driver = make_site(PinterestDriver)
    site.get("/pin-creation-tool/", "create_pin.html")
    site.post("/pin-creation-tool/", "published.html")

    published = await driver.publish_listing(pin(photos))

    assert published == PublishedItem("987654321012", "https://www.pinterest.com/pin/987654321012/")
    [post] = site.posts("/pin-creation-tool/")
    assert post.files == {"image": ["front.jpg"]}  # a Pin has one image
    assert post.value("title") == "Summer dress"
    assert post.value("description") == "Light cotton dress for hot days"
    assert post.value("link") == "https://shop.example.com/summer-dress"
    assert post.value("board") == "11"


async def test_publish_without_an_answer_is_outcome_unknown(make_site: SiteFactory, photos: list[Path]) -> None:
    site, driver = make_site(PinterestDriver)
    site.get("/pin-creation-tool/", "create_pin.html")
    site.post("/pin-creation-tool/", HANG)
    with pytest.raises(OutcomeUnknown):
        await driver.publish_listing(pin(photos))


async def test_pin_stats_impressions_and_reactions_plus_saves(make_site: SiteFactory) -> None:
    site, driver = make_site(PinterestDriver)
    site.get("/pin/555/", "pin.html")
    assert await driver.read_item_stats("555") == ItemStats("555", views=12_300, likes=1_500 + 240)


async def test_pin_stats_from_fallback_selectors(make_site: SiteFactory) -> None:
    site, driver = make_site(PinterestDriver)
    site.get("/pin/556/", "pin_fallback.html")
    assert await driver.read_item_stats("556") == ItemStats("556", views=0, likes=42 + 8)


async def test_search_collects_pins(make_site: SiteFactory) -> None:
    site, driver = make_site(PinterestDriver)
    site.get(r"/search/pins/\?q=summer%20dress", "search.html")
    images = await driver.collect_feed_images("summer dress")
    assert [(image.item_id, image.title) for image in images] == [
        ("101", "Red dress"),
        ("102", "Blue jeans"),
        ("103", "Green coat"),
    ]
    assert images[0].page_url == "https://www.pinterest.com/pin/101/"


async def test_follow_a_board(make_site: SiteFactory) -> None:
    site, driver = make_site(PinterestDriver)
    board = site.fixture("profile.html").replace("/anna/follow", "/anna/summer/follow")
    site.get("/anna/summer/", board)
    site.post("/anna/summer/follow", redirect("/anna/summer/following"))
    site.get("/anna/summer/following", "profile_following.html")
    await driver.follow("anna/summer")
    assert len(site.posts("/anna/summer/follow")) == 1
