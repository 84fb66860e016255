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


# --- image collection and boards -----------------------------------------------------------------


async def test_search_images_pages_through_the_scrolled_results(make_site: SiteFactory) -> None:
    site, driver = make_site(PinterestDriver)
    site.get(r"/search/pins/\?q=summer%20dress", "search.html")
    assert isinstance(driver, PinterestDriver)
    driver.image_page_size = 2
    pages = [await driver.search_images("summer dress", page) for page in (1, 2, 3)]
    assert [[image.item_id for image in page] for page in pages] == [["101", "102"], ["103"], []]
    assert pages[0][0].image_url == "https://i.pinimg.com/236x/aa/101.jpg"


async def test_more_like_this_reads_the_related_pins_not_the_pin(make_site: SiteFactory) -> None:
    site, driver = make_site(PinterestDriver)
    site.get("/pin/555/", "pin_related.html")
    related = await driver.more_like_this("555")
    assert [(image.item_id, image.title) for image in related] == [
        ("201", "Linen dress"),
        ("202", "Straw hat for summer"),
    ]


async def test_board_ideas_read_the_more_ideas_tab(make_site: SiteFactory) -> None:
    site, driver = make_site(PinterestDriver)
    site.get("/seller/summer-looks/_tools/more-ideas/", "search.html")
    ideas = await driver.board_ideas("seller/summer-looks")
    assert [image.item_id for image in ideas] == ["101", "102", "103"]


async def test_create_board_then_find_it_by_name(make_site: SiteFactory) -> None:
    site, driver = make_site(PinterestDriver)
    site.get("/", "home_in.html")
    site.get("/seller/_saved/", "boards.html")
    site.post("/boards/create/", redirect("/seller/beach-days/"))
    site.get("/seller/beach-days/", site.fixture("board.html").replace("Summer looks", "Beach days"))

    assert await driver.create_board("Beach days") == "seller/beach-days"
    assert site.posts("/boards/create/")[0].value("name") == "Beach days"
    assert await driver.find_board("  summer   LOOKS ") == "seller/summer-looks"
    assert await driver.find_board("Nope") is None


async def test_create_board_without_an_answer_is_outcome_unknown(make_site: SiteFactory) -> None:
    site, driver = make_site(PinterestDriver)
    site.get("/", "home_in.html")
    site.get("/seller/_saved/", "boards.html")
    site.post("/boards/create/", HANG)
    with pytest.raises(OutcomeUnknown):
        await driver.create_board("Beach days")


async def test_save_a_pin_to_a_board_by_its_name_and_check_it(make_site: SiteFactory) -> None:
    site, driver = make_site(PinterestDriver)
    site.get("/seller/summer-looks/", "board.html")
    site.get("/pin/555/", "pin_save.html")
    site.post("/pin/555/save/", "saved.html")

    await driver.save_to_board("seller/summer-looks", "555")
    assert site.posts("/pin/555/save/")[0].value("board") == "summer-looks"
    assert await driver.is_saved("seller/summer-looks", "301") is True
    assert await driver.is_saved("seller/summer-looks", "555") is False
