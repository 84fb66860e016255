"""What each platform needs before a listing or a social post can be published there, as data.

Checked by the API before a publish job is created, so a draft the platform
would refuse is a 400 at once: no browser work, no daily action spent. The
values mirror each platform's sell form (for the sandbox: `backend/sandbox/listing_pages.py`
and `backend/sandbox/store/rules.py`, which the API does not import).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from backend.platforms.drivers.pinterest import PIN_DESCRIPTION_MAX
from backend.platforms.drivers.sandbox import CAPTION_MAX as SANDBOX_CAPTION_MAX
from backend.platforms.drivers.tiktok import MAX_CAPTION_CHARS as TIKTOK_CAPTION_MAX
from backend.platforms.drivers.tiktok import MAX_PHOTOS as TIKTOK_MAX_PHOTOS

# A category that says nothing: platforms with a category picker have no such choice.
VAGUE_CATEGORY = "Other"


@dataclass(frozen=True)
class PublishRequirements:
    platform_title: str
    title_max: int = 100
    priced: bool = True
    """The platform sells at a price (a Pin or a TikTok post has none)."""
    max_price: Decimal | None = None
    max_photos: int | None = None
    needs_description: bool = False
    description_max: int | None = None
    needs_category: bool = False
    needs_condition: bool = False


REQUIREMENTS: dict[str, PublishRequirements] = {
    "sandbox": PublishRequirements(
        "Sandbox marketplace", max_price=Decimal("100000"), max_photos=10, description_max=5000
    ),
    # Sandbox Bazaar, the sandbox's flavour B (`backend/sandbox/flavours.py`): shorter texts, a lower price cap,
    # and a category and condition from its own vocabulary (`mappings/sandbox_b.json`).
    "sandbox_b": PublishRequirements(
        "Sandbox Bazaar",
        title_max=60,
        max_price=Decimal("5000"),
        max_photos=10,
        description_max=1000,
        needs_category=True,
        needs_condition=True,
    ),
    "vinted": PublishRequirements(
        "Vinted", max_photos=20, needs_description=True, needs_category=True, needs_condition=True
    ),
    "pinterest": PublishRequirements("Pinterest", priced=False, description_max=500),
    "tiktok": PublishRequirements("TikTok", priced=False, max_photos=TIKTOK_MAX_PHOTOS),
}


@dataclass(frozen=True)
class DraftFacts:
    """The parts of a draft that platforms check."""

    title: str
    description: str
    price: Decimal
    photos: int
    category: str | None
    condition: str | None


def publish_problems(platform: str, draft: DraftFacts) -> list[str]:
    """What keeps `draft` from being published on `platform`, each as "Field: what to do"; empty when ready."""
    needs = REQUIREMENTS[platform]
    where = needs.platform_title
    problems: list[str] = []
    title = draft.title.strip()
    if not title:
        problems.append("Title: write a title")
    elif len(title) > needs.title_max:
        problems.append(f"Title: shorten it to at most {needs.title_max} characters for {where}")
    description = draft.description.strip()
    if needs.needs_description and not description:
        problems.append(f"Description: {where} needs a description")
    elif needs.description_max is not None and len(description) > needs.description_max:
        problems.append(f"Description: shorten it to at most {needs.description_max} characters for {where}")
    if needs.priced and draft.price <= 0:
        problems.append("Price: set a price above 0")
    elif needs.priced and needs.max_price is not None and draft.price > needs.max_price:
        problems.append(f"Price: {where} accepts at most {needs.max_price:f}")
    if draft.photos < 1:  # every platform here publishes pictures
        problems.append("Photos: add at least one photo")
    elif needs.max_photos is not None and draft.photos > needs.max_photos:
        problems.append(f"Photos: {where} takes at most {needs.max_photos}, remove {draft.photos - needs.max_photos}")
    if needs.needs_category and (not draft.category or draft.category == VAGUE_CATEGORY):
        problems.append(f"Category: choose a category ({where} has no “{VAGUE_CATEGORY}”)")
    if needs.needs_condition and not draft.condition:
        problems.append("Condition: choose the item's condition")
    return problems


@dataclass(frozen=True)
class PostRequirements:
    """What a social post needs on a platform (the drivers' `publish_post`)."""

    platform_title: str
    caption_max: int
    """The caption is cut to this (with the post's ref tag) rather than refused: a longer one is a problem."""
    needs_media: bool = True
    max_photos: int | None = None
    video_alone: bool = True
    """A post is one video, or photos; not both."""


POST_REQUIREMENTS: dict[str, PostRequirements] = {
    "sandbox": PostRequirements("Sandbox marketplace", caption_max=SANDBOX_CAPTION_MAX, max_photos=10),
    "sandbox_b": PostRequirements("Sandbox Bazaar", caption_max=SANDBOX_CAPTION_MAX, max_photos=10),
    "tiktok": PostRequirements("TikTok", caption_max=TIKTOK_CAPTION_MAX, max_photos=TIKTOK_MAX_PHOTOS),
    # A Pin shows the first file only, and the whole caption is its description.
    "pinterest": PostRequirements("Pinterest", caption_max=PIN_DESCRIPTION_MAX),
}


def post_problems(platform: str, caption: str, media_count: int, has_video: bool) -> list[str]:
    """What keeps a social post from being published on `platform`, each as "Field: what is wrong; what the
    platform takes" (it reads after "3 posts have …"); empty when ready.

    A platform without social posts is one problem (check `supports(platform, "publish_post")` first).
    """
    needs = POST_REQUIREMENTS.get(platform)
    if needs is None:
        return [f"Platform: no way to post; {platform} takes no posts"]
    where = needs.platform_title
    problems: list[str] = []
    text = caption.strip()
    if not text:
        problems.append(f"Caption: no caption; {where} needs one")
    elif len(text) > needs.caption_max:
        problems.append(f"Caption: a caption over {needs.caption_max:,} characters; {where} takes no more")
    if needs.needs_media and media_count < 1:
        problems.append(f"Media: no photo or video; {where} needs one")
    elif has_video and needs.video_alone and media_count > 1:
        problems.append(f"Media: a video with other files; {where} takes one video, or photos")
    elif needs.max_photos is not None and media_count > needs.max_photos:
        problems.append(f"Media: more than {needs.max_photos} photos; {where} takes no more")
    return problems
