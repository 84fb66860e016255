"""The automation reads of the real-platform drivers (unverified), against each platform's fixtures.

Own following (with "follows you"), own followers, users found by a search,
inbox unread counts, and who liked an item where the platform shows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from backend.platforms.drivers.base import Conversation, Driver, FollowedUser, Follower, Liker, NotSupported
from backend.platforms.drivers.pinterest import PinterestDriver
from backend.platforms.drivers.tiktok import TikTokDriver
from backend.platforms.drivers.vinted import VintedDriver
from tests.platforms.drivers.conftest import FakeSite, SiteFactory


@dataclass(frozen=True)
class Spec:
    driver: type[Driver]
    home: str
    own_followers: str
    own_following: str
    search: str
    inbox: str


SPECS = {
    "vinted": Spec(
        VintedDriver, "/", "/member/9001-seller/followers", "/member/9001-seller/following", "/catalog", "/inbox"
    ),
    "pinterest": Spec(
        PinterestDriver, "/", "/seller/_followers/", "/seller/_following/", "/search/pins/", "/messages/"
    ),
    "tiktok": Spec(TikTokDriver, "/foryou", "/@seller/followers", "/@seller/following", "/search/video", "/messages"),
}
PLATFORMS = pytest.mark.parametrize("platform", sorted(SPECS))
OCT_1 = datetime(2026, 10, 1, 9, 30, tzinfo=UTC)


def setup(make_site: SiteFactory, platform: str) -> tuple[FakeSite, Driver, Spec]:
    spec = SPECS[platform]
    site, driver = make_site(spec.driver)
    site.get(spec.home, "home_in.html")
    return site, driver, spec


@PLATFORMS
async def test_my_following_says_who_follows_back(make_site: SiteFactory, platform: str) -> None:
    site, driver, spec = setup(make_site, platform)
    site.get(spec.own_following, "following.html")
    site.get(spec.own_followers, "followers.html")
    # anna: the platform's badge; ben: found in the followers list; dora: follows nobody back.
    assert await driver.my_following() == [
        FollowedUser("anna", OCT_1, follows_me=True),
        FollowedUser("ben", None, follows_me=True),
        FollowedUser("dora", None, follows_me=False),
    ]


@PLATFORMS
async def test_my_followers(make_site: SiteFactory, platform: str) -> None:
    site, driver, spec = setup(make_site, platform)
    site.get(spec.own_followers, "followers.html")
    assert await driver.my_followers() == [Follower("anna"), Follower("ben"), Follower("carla")]


@PLATFORMS
async def test_search_users_finds_sellers_once_and_not_me(make_site: SiteFactory, platform: str) -> None:
    site, driver, spec = setup(make_site, platform)
    site.get(spec.search, "search_sellers.html")
    assert await driver.search_users("dress") == ["anna", "ben"]
    assert await driver.search_users("dress", limit=1) == ["anna"]


@PLATFORMS
async def test_inbox_unread_counts_and_times(make_site: SiteFactory, platform: str) -> None:
    site, driver, spec = setup(make_site, platform)
    site.get(spec.inbox, "inbox_counts.html")
    assert await driver.read_inbox() == [
        Conversation(
            "anna",
            "Still there?",
            unread=True,
            unread_count=3,
            last_message_at=datetime(2026, 11, 20, 10, 5, tzinfo=UTC),
        ),
        Conversation("ben", "Thanks!"),
    ]


async def test_vinted_likers_are_the_favourites_list(make_site: SiteFactory) -> None:
    site, driver, _ = setup(make_site, "vinted")
    site.get("/items/777/favourites", "favourites.html")
    assert "likers" in driver.capabilities
    assert await driver.likers("777") == [Liker("anna", datetime(2026, 11, 19, 8, 0, tzinfo=UTC)), Liker("ben")]


@pytest.mark.parametrize("platform", ["pinterest", "tiktok"])
async def test_no_likers_where_the_platform_shows_none(make_site: SiteFactory, platform: str) -> None:
    _, driver, _ = setup(make_site, platform)
    assert "likers" not in driver.capabilities
    with pytest.raises(NotSupported):
        await driver.likers("1")
