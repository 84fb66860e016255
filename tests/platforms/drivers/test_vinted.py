"""The Vinted driver against fixtures shaped like Vinted's pages."""

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
    NotSupported,
    OutcomeUnknown,
    OwnListing,
    PublishedItem,
)
from backend.platforms.drivers.vinted import VintedDriver
from tests.platforms.drivers.conftest import HANG, SiteFactory, redirect


def listing(photos: list[Path], **extra: str) -> ListingInput:
    return ListingInput(
        title="Summer dress",
        description="Light cotton, worn twice.",
        price=Decimal("12.50"),
        photos=photos,
        **extra,  # type: ignore[arg-type]
    )


async def test_login_opens_the_email_form_fills_and_submits(make_site: SiteFactory) -> None:
    site, driver = make_site(VintedDriver)
    site.get("/member/signup/select_type", "login.html")
    site.post("/member/login", lambda r: redirect("/") if r.value("password") == "s3cret" else "login_refused.html")
    site.get("/", "home_in.html")

    await driver.login(Credentials("seller@example.com", "s3cret"))

    [post] = site.posts("/member/login")
    assert post.form == {"username": ["seller@example.com"], "password": ["s3cret"]}
    assert await driver.check_session() is True


async def test_refused_login_is_login_required_with_vinted_message(make_site: SiteFactory) -> None:
    site, driver = make_site(VintedDriver)
    site.get("/member/signup/select_type", "login.html")
    site.post("/member/login", "login_refused.html")

    with pytest.raises(LoginRequired, match="Wrong username or password"):
        await driver.login(Credentials("seller@example.com", "wrong"))


async def test_check_session_false_when_logged_out(make_site: SiteFactory) -> None:
    site, driver = make_site(VintedDriver)
    site.get("/", "home_out.html")
    assert await driver.check_session() is False


async def test_publish_uploads_photos_fills_the_form_and_returns_the_new_item(
    make_site: SiteFactory, photos: list[Path]
) -> None:
    site, driver = make_site(VintedDriver)
    site.get("/items/new", "new_item.html")
    site.post("/items/new", redirect("/items/4812345-summer-dress"))
    site.get("/items/4812345-summer-dress", site.fixture("item.html", title="Summer dress"))

    published = await driver.publish_listing(
        listing(photos, category="Dresses", brand="Zara", condition="Very good", size="M")
    )

    assert published == PublishedItem("4812345", "https://www.vinted.com/items/4812345-summer-dress")
    [post] = site.posts("/items/new")
    assert post.files == {"photos": ["front.jpg", "back.jpg"]}
    assert post.value("title") == "Summer dress"
    assert post.value("description") == "Light cotton, worn twice."
    assert post.value("price") == "12.50"
    # Optional details, best effort: a select, a field with suggestions; the size field is absent.
    assert post.value("category") == "2"
    assert post.value("brand") == "Zara"
    assert post.value("status") == "2"


async def test_publish_form_error_is_action_failed(make_site: SiteFactory, photos: list[Path]) -> None:
    site, driver = make_site(VintedDriver)
    site.get("/items/new", "new_item.html")
    site.post(
        "/items/new",
        site.fixture("new_item.html").replace(
            "<form", '<p data-testid="item-upload-form--error" role="alert">Price must be at least €1</p><form', 1
        ),
    )
    with pytest.raises(ActionFailed, match="Price must be at least"):
        await driver.publish_listing(listing(photos))


async def test_publish_without_an_answer_is_outcome_unknown(make_site: SiteFactory, photos: list[Path]) -> None:
    site, driver = make_site(VintedDriver)
    site.get("/items/new", "new_item.html")
    site.post("/items/new", HANG)
    with pytest.raises(OutcomeUnknown, match="check whether it happened"):
        await driver.publish_listing(listing(photos))
    assert len(site.posts("/items/new")) == 1


async def test_read_item_stats_parses_counters(make_site: SiteFactory) -> None:
    site, driver = make_site(VintedDriver)
    site.get("/items/4812345", site.fixture("item.html", title="Summer dress"))
    assert await driver.read_item_stats("4812345") == ItemStats("4812345", views=1200, likes=345)


async def test_fallback_selectors_match_when_the_primary_ones_are_gone(make_site: SiteFactory) -> None:
    site, driver = make_site(VintedDriver)
    site.get("/items/777", "item_fallback.html")
    assert await driver.read_item_stats("777") == ItemStats("777", views=2048, likes=7)


async def test_my_listings_and_find_listing(make_site: SiteFactory, photos: list[Path]) -> None:
    site, driver = make_site(VintedDriver)
    site.get("/", "home_in.html")
    site.get("/member/9001-seller", "closet.html")

    assert await driver.my_listings() == [
        OwnListing("777", "Summer dress", Decimal("12.50"), "https://www.vinted.com/items/777-summer-dress"),
        OwnListing("778", "Wool hat", Decimal("1234.00"), "https://www.vinted.com/items/778-wool-hat"),
    ]
    assert await driver.find_listing(listing(photos)) == PublishedItem(
        "777", "https://www.vinted.com/items/777-summer-dress"
    )
    assert await driver.find_listing(ListingInput("Summer dress", "", Decimal("99"), photos)) is None


async def test_bump_clicks_the_button_and_reports_success(make_site: SiteFactory) -> None:
    site, driver = make_site(VintedDriver)
    bump = (
        '<form method="post" action="/items/777/push_up"><button data-testid="item-push-up-button">Bump</button></form>'
    )
    site.get("/items/777", site.fixture("item.html", title="Summer dress", extra=bump))
    site.post("/items/777/push_up", '<div data-testid="push-up-success" role="status">Your item was bumped</div>')
    await driver.bump("777")
    assert len(site.posts("/items/777/push_up")) == 1


async def test_bump_is_paid_and_never_paid_for(make_site: SiteFactory) -> None:
    site, driver = make_site(VintedDriver)
    bump = (
        '<form method="post" action="/items/777/push_up"><button data-testid="item-push-up-button">Bump</button></form>'
    )
    site.get("/items/777", site.fixture("item.html", title="Summer dress", extra=bump))
    site.post("/items/777/push_up", "bump_checkout.html")
    with pytest.raises(ActionFailed, match="paid feature"):
        await driver.bump("777")
    assert site.posts("/checkout/pay") == []


async def test_bump_without_a_button_says_why(make_site: SiteFactory) -> None:
    site, driver = make_site(VintedDriver)
    site.get("/items/777", site.fixture("item.html", title="Summer dress"))
    with pytest.raises(ActionFailed, match="no Bump button"):
        await driver.bump("777")


async def test_change_price_submits_the_edit_form(make_site: SiteFactory) -> None:
    site, driver = make_site(VintedDriver)
    site.get("/items/777/edit", site.fixture("new_item.html").replace('action="/items/new"', 'action="/items/777"'))
    site.post("/items/777", redirect("/items/777-summer-dress"))
    site.get("/items/777-summer-dress", site.fixture("item.html", title="Summer dress"))
    await driver.change_price("777", Decimal("9"))
    [post] = site.posts("/items/777")
    assert post.value("price") == "9"


async def test_delete_confirms_in_the_dialog(make_site: SiteFactory) -> None:
    site, driver = make_site(VintedDriver)
    dialog = (
        '<button data-testid="item-delete-button" onclick="document.getElementById(\'d\').hidden=false">Delete</button>'
        '<div id="d" role="dialog" hidden><form method="post" action="/items/777/delete">'
        '<button data-testid="item-delete-modal--confirm">Confirm and delete</button></form></div>'
    )
    site.get("/items/777", site.fixture("item.html", title="Summer dress", extra=dialog))
    site.post("/items/777/delete", '<div data-testid="item-deleted" role="status">Item deleted</div>')
    await driver.delete_listing("777")
    assert len(site.posts("/items/777/delete")) == 1


async def test_catalog_search_collects_loaded_images(make_site: SiteFactory) -> None:
    site, driver = make_site(VintedDriver)
    site.get(r"/catalog\?search_text=red%20dress", "search.html")
    images = await driver.collect_feed_images("red dress", limit=10)
    assert [(image.item_id, image.title) for image in images] == [
        ("101", "Red dress"),
        ("102", "Blue jeans"),
        ("103", "Green coat"),  # no title element: the image's alt text
    ]
    assert images[0].image_url == "https://images1.vinted.net/t/101.jpg"
    assert images[0].page_url == "https://www.vinted.com/items/101-red-dress"
    assert len(await driver.collect_feed_images("red dress", limit=2)) == 2


async def test_search_images_opens_the_numbered_catalog_page(make_site: SiteFactory) -> None:
    site, driver = make_site(VintedDriver)
    site.get(r"/catalog\?search_text=red%20dress&page=2", "search.html")
    site.get(r"/catalog\?search_text=red%20dress&page=3", "<html><body><main>No results</main></body></html>")
    assert [image.item_id for image in await driver.search_images("red dress", page=2)] == ["101", "102", "103"]
    assert await driver.search_images("red dress", page=3) == []
    with pytest.raises(NotSupported):
        await driver.create_board("Dresses")


async def test_text_only_challenge_page(make_site: SiteFactory) -> None:
    site, driver = make_site(VintedDriver)
    site.get("/catalog", "captcha_text.html")
    with pytest.raises(ChallengeRequired):
        await driver.collect_feed_images()


async def test_login_wall_on_a_page_that_needs_a_session(make_site: SiteFactory) -> None:
    site, driver = make_site(VintedDriver)
    site.get("/inbox", "login_wall.html")
    with pytest.raises(LoginRequired):
        await driver.read_inbox()
