"""What every real-platform driver does the same way, against each platform's fixtures.

Each platform's fixture directory has the same pages (profile, followers,
inbox, conversation, captcha...) in that platform's markup; `SPECS` says where
they live on its site.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from backend.platforms.drivers.base import (
    ChallengeRequired,
    Conversation,
    Driver,
    Message,
    NotSupported,
    OutcomeUnknown,
)
from backend.platforms.drivers.pinterest import PinterestDriver
from backend.platforms.drivers.registry import DRIVERS, driver_for
from backend.platforms.drivers.tiktok import TikTokDriver
from backend.platforms.drivers.vinted import VintedDriver
from tests.platforms.drivers.conftest import HANG, Captured, FakeSite, SiteFactory, redirect


@dataclass(frozen=True)
class Spec:
    driver: type[Driver]
    home: str
    profile: str  # of "anna"
    followers: str
    conversation: str
    inbox: str
    feed: str


SPECS = {
    "vinted": Spec(VintedDriver, "/", "/member/anna", "/member/anna/followers", "/inbox/501", "/inbox", "/catalog"),
    "pinterest": Spec(PinterestDriver, "/", "/anna/", "/anna/_followers/", "/messages/501/", "/messages/", "/ideas/"),
    "tiktok": Spec(TikTokDriver, "/foryou", "/@anna", "/@anna/followers", "/messages/501", "/messages", "/explore"),
}
PLATFORMS = pytest.mark.parametrize("platform", sorted(SPECS))


def setup(make_site: SiteFactory, platform: str) -> tuple[FakeSite, Driver, Spec]:
    spec = SPECS[platform]
    site, driver = make_site(spec.driver)
    return site, driver, spec


def test_registry_has_every_real_platform_driver_unverified() -> None:
    for platform, spec in SPECS.items():
        assert DRIVERS[platform] is spec.driver is driver_for(platform)
        assert spec.driver.platform == platform
        assert spec.driver.verified is False
        assert "unverified" in (spec.driver.__doc__ or "").lower()
    assert PinterestDriver.default_base_url == "https://www.pinterest.com"
    assert TikTokDriver.default_base_url == "https://www.tiktok.com"
    assert VintedDriver.default_base_url == "https://www.vinted.com"


@PLATFORMS
async def test_check_session(make_site: SiteFactory, platform: str) -> None:
    site, driver, spec = setup(make_site, platform)
    site.get(spec.home, "home_in.html")
    assert await driver.check_session() is True
    site.get(spec.home, "home_out.html")
    assert await driver.check_session() is False


@PLATFORMS
async def test_captcha_page_is_challenge_required(make_site: SiteFactory, platform: str) -> None:
    site, driver, spec = setup(make_site, platform)
    site.get(spec.home, "captcha.html")
    with pytest.raises(ChallengeRequired):
        await driver.check_session()
    site.get(spec.profile, "captcha.html")
    with pytest.raises(ChallengeRequired):
        await driver.follow("anna")
    assert site.posts() == []


@PLATFORMS
async def test_follow_and_unfollow(make_site: SiteFactory, platform: str) -> None:
    site, driver, spec = setup(make_site, platform)
    following = False

    def profile(_: Captured) -> str:
        return "profile_following.html" if following else "profile.html"

    def toggle(to: bool) -> str:
        nonlocal following
        following = to
        return redirect(spec.profile)

    site.get(spec.profile, profile)
    site.post(spec.profile.rstrip("/") + "/follow", lambda _: toggle(True))
    site.post(spec.profile.rstrip("/") + "/unfollow", lambda _: toggle(False))

    assert await driver.is_following("anna") is False
    await driver.follow("anna")
    assert await driver.is_following("anna") is True
    await driver.follow("anna")  # already following: nothing to submit
    assert len(site.posts()) == 1
    await driver.unfollow("anna")
    assert await driver.is_following("anna") is False
    assert len(site.posts()) == 2


@PLATFORMS
async def test_follow_without_an_answer_is_outcome_unknown(make_site: SiteFactory, platform: str) -> None:
    site, driver, spec = setup(make_site, platform)
    site.get(spec.profile, "profile.html")
    site.post(spec.profile.rstrip("/") + "/follow", HANG)
    with pytest.raises(OutcomeUnknown):
        await driver.follow("anna")


@PLATFORMS
async def test_list_followers(make_site: SiteFactory, platform: str) -> None:
    site, driver, spec = setup(make_site, platform)
    site.get(spec.followers, "followers.html")
    assert await driver.list_followers("anna") == ["anna", "ben", "carla"]


@PLATFORMS
async def test_read_inbox(make_site: SiteFactory, platform: str) -> None:
    site, driver, spec = setup(make_site, platform)
    site.get(spec.inbox, "inbox.html")
    assert await driver.read_inbox() == [
        Conversation("anna", "Is it still available?", unread=True, unread_count=1),
        Conversation("ben", "Thanks!", unread=False),
    ]


@PLATFORMS
async def test_send_message_and_read_the_conversation(make_site: SiteFactory, platform: str) -> None:
    site, driver, spec = setup(make_site, platform)
    sent: list[str] = []

    def conversation(_: Captured) -> str:
        return site.fixture("conversation.html", sent="".join(site.fixture("sent.html", text=t) for t in sent))

    def receive(request: Captured) -> str:
        sent.append(request.value("message"))
        return conversation(request)

    site.get(spec.profile, "profile.html")
    site.get(spec.conversation, conversation)
    site.post(spec.conversation, receive)

    await driver.send_message("anna", "Yes, it is! Happy to ship tomorrow.")

    assert sent == ["Yes, it is! Happy to ship tomorrow."]
    assert await driver.read_conversation("anna") == [
        Message("anna", "Is it still available?", datetime(2026, 11, 20, 10, 0, tzinfo=UTC)),
        Message("me", "Yes, it is! Happy to ship tomorrow.", None),
    ]


@PLATFORMS
async def test_feed_images_without_a_query(make_site: SiteFactory, platform: str) -> None:
    site, driver, spec = setup(make_site, platform)
    site.get(spec.feed, "search.html")
    images = await driver.collect_feed_images(limit=50)
    assert [image.item_id for image in images] == ["101", "102", "103"]
    assert all(image.image_url.startswith("https://") and image.page_url.startswith("https://") for image in images)


@pytest.mark.parametrize("platform", ["pinterest", "tiktok"])
async def test_no_bump_and_no_price_where_the_platform_has_none(make_site: SiteFactory, platform: str) -> None:
    _, driver, _ = setup(make_site, platform)
    assert {"bump", "change_price"}.isdisjoint(driver.capabilities)
    with pytest.raises(NotSupported):
        await driver.bump("1")
    with pytest.raises(NotSupported):
        await driver.change_price("1", Decimal("5"))
