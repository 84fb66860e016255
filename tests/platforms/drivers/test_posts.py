"""Social posts on the real-site drivers (Pinterest, TikTok) against fixtures, Vinted's refusal, and the ref tag."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.platforms.drivers.base import ItemStats, NotSupported, OutcomeUnknown, PostInput, PublishedPost
from backend.platforms.drivers.pinterest import PinterestDriver
from backend.platforms.drivers.post_tags import caption_with_ref, has_ref, ref_tag
from backend.platforms.drivers.tiktok import TikTokDriver
from backend.platforms.drivers.vinted import VintedDriver
from tests.platforms.drivers.conftest import HANG, SiteFactory

REF = "0b7f2a8e-5d51-4c6e-9f0a-7a3c2e1d9b44"
OTHER_REF = "4a1c9e3f-0000-4000-8000-000000000001"
CAPTION = "Autumn knitwear is in.\nTen colours, one price."


def post(media: list[Path], ref: str = REF, caption: str = CAPTION) -> PostInput:
    return PostInput(caption=caption, media=media, ref=ref)


def test_the_ref_tag_is_short_stable_and_ends_the_caption_once() -> None:
    tag = ref_tag(REF)
    assert tag == ref_tag(REF) != ref_tag(OTHER_REF)
    assert tag.startswith("#sp")
    assert len(tag) == 13
    assert caption_with_ref(post([])) == f"{CAPTION} {tag}"
    assert caption_with_ref(post([], caption=f"{CAPTION} {tag}")) == f"{CAPTION} {tag}"  # not twice
    cut = caption_with_ref(post([], caption="x" * 3000), 100)
    assert len(cut) == 100
    assert cut.endswith(tag)  # the caption is cut, never the tag
    assert has_ref(f"Nice {tag.upper()}!", post([]))
    assert not has_ref(f"{tag}0", post([]))  # a longer tag is another tag
    assert caption_with_ref(post([], caption="  ")) == tag


async def test_pinterest_posts_a_pin_with_the_tag_in_title_and_description(
    make_site: SiteFactory, photos: list[Path]
) -> None:
    site, driver = make_site(PinterestDriver)
    site.get("/pin-creation-tool/", "create_pin.html")
    site.post("/pin-creation-tool/", "published.html")

    published = await driver.publish_post(post(photos))

    assert published == PublishedPost("987654321012", "https://www.pinterest.com/pin/987654321012/")
    [sent] = site.posts("/pin-creation-tool/")
    assert sent.files == {"image": ["front.jpg"]}  # a Pin shows one image
    assert sent.value("title") == f"Autumn knitwear is in. {ref_tag(REF)}"
    assert sent.value("description").replace("\r\n", "\n") == f"{CAPTION} {ref_tag(REF)}"


async def test_pinterest_finds_its_post_among_the_own_pins_by_the_tag(make_site: SiteFactory) -> None:
    site, driver = make_site(PinterestDriver)
    site.get("/", "home_in.html")
    site.get("/seller/_created/", site.fixture("created.html", tag=ref_tag(REF), other=ref_tag(OTHER_REF)))
    found = await driver.find_post(post([]))
    assert found == PublishedPost("555000111", "https://www.pinterest.com/pin/555000111/")
    assert await driver.find_post(post([], ref="not-posted")) is None


async def test_pinterest_post_stats_are_the_pins(make_site: SiteFactory) -> None:
    site, driver = make_site(PinterestDriver)
    site.get("/pin/987654321012/", "pin.html")
    assert await driver.read_post_stats("987654321012") == ItemStats("987654321012", views=12_300, likes=1_740)


async def test_tiktok_posts_a_video_with_the_tagged_caption(make_site: SiteFactory, tmp_path: Path) -> None:
    site, driver = make_site(TikTokDriver)
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"not really a video")
    site.get("/tiktokstudio/upload", "upload.html")
    link = '<a data-e2e="post-success-view-post" href="/@seller/video/7300000000000000009">View post</a>'
    site.post("/tiktokstudio/upload", site.fixture("posted.html", link=link))

    published = await driver.publish_post(post([video]))

    assert published == PublishedPost("7300000000000000009", "https://www.tiktok.com/@seller/video/7300000000000000009")
    [sent] = site.posts()
    assert sent.files == {"media": ["clip.mp4"]}
    assert sent.value("caption").replace("\r\n", "\n") == f"{CAPTION} {ref_tag(REF)}"


async def test_tiktok_finds_the_post_on_the_profile_when_the_dialog_has_no_link(
    make_site: SiteFactory, photos: list[Path]
) -> None:
    site, driver = make_site(TikTokDriver)
    site.get("/tiktokstudio/upload", "upload.html")
    site.post("/tiktokstudio/upload", "posted.html")
    site.get("/foryou", "home_in.html")
    site.get("/@seller", site.fixture("grid_posts.html", tag=ref_tag(REF)))
    expected = PublishedPost("7300000000000000009", "https://www.tiktok.com/@seller/video/7300000000000000009")
    assert await driver.publish_post(post(photos)) == expected
    assert await driver.find_post(post(photos, ref=OTHER_REF)) is None


async def test_tiktok_post_without_an_answer_is_not_reported_as_published(
    make_site: SiteFactory, photos: list[Path]
) -> None:
    site, driver = make_site(TikTokDriver)
    site.get("/tiktokstudio/upload", "upload.html")
    site.post("/tiktokstudio/upload", HANG)
    with pytest.raises(OutcomeUnknown, match="no answer in time"):
        await driver.publish_post(post(photos))


async def test_vinted_has_no_social_posts(make_site: SiteFactory, photos: list[Path]) -> None:
    site, driver = make_site(VintedDriver)
    for call in (driver.publish_post(post(photos)), driver.find_post(post(photos)), driver.read_post_stats("1")):
        with pytest.raises(NotSupported, match="social posts"):
            await call
    assert site.requests == []  # refused before any page is opened
