"""The `local` provider: offline and deterministic, so everything runs without a network.

It sees only the photos' pixels and file names, and says so in every draft:
- colour: the object's, not the background's. The border of a product photo is
  mostly background, so its dominant colour is taken as the background; the
  object is what differs enough from it in the centre of the picture.
- category: from file-name words ("red-sneakers.jpg" -> shoes), else a default
  leaf marked as a guess; price: the category's typical second-hand price
  (`taxonomy.json`), adjusted by condition.
Same photos and names in, same draft out.
"""

from __future__ import annotations

import asyncio
import io
import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from PIL import Image, ImageFilter, ImageStat

from backend.ai.local_content import compose_caption, draw_card
from backend.ai.schemas import Condition, ImageInput, ListingDraft

RGB = tuple[int, int, int]

# Reference shades per colour name; a pixel is named after the nearest one
# (CIE Lab distance), which copes with shadows better than hue thresholds.
COLOUR_TABLE: dict[str, tuple[RGB, ...]] = {
    "black": ((15, 15, 15), (40, 40, 45)),
    "white": ((250, 250, 250), (235, 235, 230)),
    "grey": ((128, 128, 128), (180, 180, 180), (90, 90, 95)),
    "beige": ((225, 205, 170), (205, 185, 150), (240, 225, 200)),
    "brown": ((120, 72, 40), (90, 55, 35), (150, 100, 60)),
    "navy": ((20, 30, 90), (30, 40, 70)),
    "blue": ((40, 90, 200), (60, 120, 190), (0, 0, 255)),
    "light blue": ((135, 180, 230), (170, 205, 235)),
    "turquoise": ((40, 180, 180), (0, 200, 200)),
    "green": ((40, 150, 60), (0, 200, 0), (30, 100, 50)),
    "khaki": ((130, 130, 70), (110, 110, 60)),
    "yellow": ((240, 210, 40), (255, 255, 0)),
    "orange": ((240, 130, 30), (255, 150, 0)),
    "red": ((200, 30, 30), (255, 0, 0), (170, 20, 25)),
    "burgundy": ((110, 20, 35), (90, 15, 30)),
    "pink": ((240, 140, 170), (255, 182, 193), (230, 80, 140)),
    "purple": ((120, 50, 150), (150, 90, 180), (80, 30, 110)),
}
COLOUR_WORDS = frozenset(word for name in COLOUR_TABLE for word in name.split()) | {"gray", "colour", "color"}
NOISE_WORDS = frozenset({"img", "dsc", "dscn", "pxl", "photo", "image", "pic", "picture", "jpg", "jpeg", "png", "webp"})
SAMPLE = 64  # photos are compared at 64x64: enough for colours, fast, and the same on every machine
OBJECT_DISTANCE = 25.0  # Lab distance from the background beyond which a pixel is part of the object
MIN_OBJECT_SHARE = 0.04  # below this share of the centre, nothing stands out: the item fills the frame


@lru_cache(maxsize=65536)  # photos repeat their pixel values a lot
def _lab(rgb: tuple[int, int, int]) -> tuple[float, float, float]:
    def linear(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


@lru_cache(maxsize=1)
def _reference_labs() -> tuple[tuple[str, tuple[float, float, float]], ...]:
    return tuple((name, _lab(shade)) for name, shades in COLOUR_TABLE.items() for shade in shades)


@lru_cache(maxsize=65536)
def colour_name(rgb: tuple[int, int, int]) -> str:
    lab = _lab(rgb)
    return min(_reference_labs(), key=lambda ref: math.dist(lab, ref[1]))[0]


def _mean(pixels: Sequence[RGB]) -> RGB:
    n = len(pixels)
    return cast("RGB", tuple(round(sum(p[i] for p in pixels) / n) for i in range(3)))


def _dominant(pixels: Sequence[RGB]) -> tuple[RGB, float]:
    """The mean of the most common coarse colour bin, and that bin's share."""
    bins = Counter((r // 32, g // 32, b // 32) for r, g, b in pixels)
    top, count = min(bins.items(), key=lambda kv: (-kv[1], kv[0]))  # ties broken by bin, for determinism
    return _mean([p for p in pixels if (p[0] // 32, p[1] // 32, p[2] // 32) == top]), count / len(pixels)


def object_colours(data: bytes) -> list[str]:
    """Colour names of the photographed object, main colour first (the background left out)."""
    with Image.open(io.BytesIO(data)) as image:
        image.draft("RGB", (SAMPLE * 4, SAMPLE * 4))  # a JPEG decodes at a fraction of its size: faster
        flat: Image.Image = image
        if image.mode in {"RGBA", "LA", "PA"} or "transparency" in image.info:
            # A cut-out product on a transparent background: that background is white, as it shows.
            rgba = image.convert("RGBA")
            flat = Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba)
        small = flat.convert("RGB").resize((SAMPLE, SAMPLE), Image.Resampling.BILINEAR)
    pixels = cast("list[RGB]", list(small.getdata()))
    edge = SAMPLE // 16

    def on_border(i: int) -> bool:
        x, y = i % SAMPLE, i // SAMPLE
        return min(x, y) < edge or max(x, y) >= SAMPLE - edge

    border = [p for i, p in enumerate(pixels) if on_border(i)]
    background, _ = _dominant(border)
    background_lab = _lab(background)
    low, high = SAMPLE // 5, SAMPLE - SAMPLE // 5
    centre = [pixels[y * SAMPLE + x] for y in range(low, high) for x in range(low, high)]
    objects = [p for p in centre if math.dist(_lab(p), background_lab) > OBJECT_DISTANCE]
    if len(objects) < MIN_OBJECT_SHARE * len(centre):
        return [colour_name(_dominant(pixels)[0])]
    names = Counter(colour_name(p) for p in objects)
    ranked = sorted(names.items(), key=lambda kv: (-kv[1], kv[0]))
    main = ranked[0][0]
    # Other colours count when they cover a fair part of the object (not edges or shadows).
    others = [name for name, count in ranked[1:] if count >= 0.2 * len(objects)]
    return [main, *others[:2]]


# --- category and price ------------------------------------------------------


@lru_cache(maxsize=1)
def _taxonomy() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((Path(__file__).parent / "taxonomy.json").read_text())
    return data


@lru_cache(maxsize=1)
def _keyword_index() -> dict[str, str]:
    return {word: category for category, words in _taxonomy()["keywords"].items() for word in words}


def _category_of(word: str) -> str | None:
    index = _keyword_index()
    for form in (word, word[:-1] if word.endswith("s") else "", word[:-2] if word.endswith("es") else ""):
        if form and form in index:
            return index[form]
    return None


def _audience(words: Sequence[str]) -> str | None:
    for audience, cues in _taxonomy()["audience_words"].items():
        if any(w in cues for w in words):
            return str(audience)
    return None


@dataclass(frozen=True)
class CategoryGuess:
    category: str
    from_words: bool
    noun: str


def guess_category(names: Sequence[Sequence[str]]) -> CategoryGuess:
    """The category most photos' file names point at (the last item word of a name is its head noun:
    "dress-shoes" is shoes); the taxonomy's default leaf when no name says anything."""
    taxonomy = _taxonomy()
    votes: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    nouns: dict[str, str] = {}
    for order, words in enumerate(names):
        hits = [(w, c) for w in words if (c := _category_of(w)) is not None]
        if hits:
            word, category = hits[-1]
            votes[category] += 1
            first_seen.setdefault(category, order)
            nouns.setdefault(category, word)
    if not votes:
        default = str(taxonomy["default_category"])
        return CategoryGuess(default, False, str(taxonomy["nouns"][default]))
    category = min(votes, key=lambda c: (-votes[c], first_seen[c]))
    noun = nouns[category]
    audience = _audience([w for words in names for w in words])
    if audience in taxonomy["kids_clothing"] and category.startswith(("Women > ", "Men > ")):
        category = taxonomy["kids_clothing"][audience]
    elif audience is not None:
        category = taxonomy["audience_categories"].get(audience, {}).get(category, category)
    return CategoryGuess(category, True, noun)


def typical_price(category: str, condition: str) -> float:
    """A plausible second-hand price: the category's typical price, scaled by condition, in whole euros."""
    taxonomy = _taxonomy()
    base = float(taxonomy["typical_prices_eur"].get(category, taxonomy["typical_prices_eur"]["Other"]))
    return float(max(1, round(base * float(taxonomy["condition_price_factors"].get(condition, 1.0)))))


def _name_words(name: str) -> list[str]:
    """The meaningful words of a file name, as written ('IMG_0042.jpg' has none)."""
    stem = name.rsplit(".", 1)[0]
    words = [w for w in re.split(r"[^\w]+|_", stem) if w]
    return [w for w in words if not w.isdigit() and w.lower() not in NOISE_WORDS and len(w) > 1]


CONDITION_WORDS: dict[str, Condition] = {
    "nwt": "new_with_tags",
    "tags": "new_with_tags",
    "tagged": "new_with_tags",
    "new": "new_without_tags",
    "unworn": "new_without_tags",
    "unused": "new_without_tags",
}


def _condition(words: Sequence[str]) -> Condition:
    """A condition the file name states ("dress-nwt.jpg"); else "good", the usual second-hand one."""
    stated = [CONDITION_WORDS[w] for w in words if w in CONDITION_WORDS]
    return "new_with_tags" if "new_with_tags" in stated else stated[0] if stated else "good"


# --- the provider ------------------------------------------------------------


class LocalProvider:
    """Offline and deterministic; honest about being basic (see the module docstring)."""

    name = "local"

    async def describe_listing(self, images: list[ImageInput]) -> ListingDraft:
        # Pixel work takes tens of milliseconds a photo: off the event loop, which serves other items.
        return await asyncio.to_thread(self._describe, images)

    def _describe(self, images: list[ImageInput]) -> ListingDraft:
        colours: list[str] = []
        for image in images:
            for name in object_colours(image.data):
                if name not in colours:
                    colours.append(name)
        per_file = [_name_words(image.name) for image in images]
        lowered = [[w.lower() for w in words] for words in per_file]
        guess = guess_category(lowered)
        condition = _condition([w for words in lowered for w in words])
        price = typical_price(guess.category, condition)
        # Title words: the file names' own words (brand, model, item) without colour words, which the
        # pixels decide; else the category's noun.
        item_words = list(dict.fromkeys(w for words in per_file for w in words if w.lower() not in COLOUR_WORDS))
        item_words = [w for w in item_words if w.lower() not in CONDITION_WORDS] or [guess.noun]
        title = " ".join([*colours[:1], *item_words])
        title = (title[:1].upper() + title[1:])[:100]
        category_note = (
            f"Category {guess.category} from the file names."
            if guess.from_words
            else f"Category {guess.category} is a guess: the file names do not say what the item is."
        )
        description = (
            f"{title}. Colour: {', '.join(colours) or 'unknown'}. {category_note} "
            f"Suggested price €{price:.0f}, typical for this category in {condition.replace('_', ' ')} condition. "
            "Drafted offline by the basic local AI from the photos' colours and file names only: "
            "check the category, condition and price, and add the brand, size and any wear."
        )
        keywords = list(dict.fromkeys([*(w for words in lowered for w in words), *colours]))
        return ListingDraft(
            title=title,
            description=description,
            price=price,
            currency="EUR",
            category=guess.category,
            brand=None,
            size=None,
            condition=condition,
            colours=colours[:5],
            materials=[],
            keywords=keywords[:20],
        )

    async def score_image(self, image: ImageInput, brief: str) -> float:
        """Sharpness and contrast only: the brief is not understood offline."""
        with Image.open(io.BytesIO(image.data)) as im:
            grey = im.convert("L").resize((256, 256))
        edges = ImageStat.Stat(grey.filter(ImageFilter.FIND_EDGES)).mean[0] / 255
        contrast = ImageStat.Stat(grey).stddev[0] / 128
        return round(min(1.0, 0.5 * min(1.0, edges * 4) + 0.5 * min(1.0, contrast)), 4)

    async def write_caption(self, brief: str) -> str:
        """Composed from the brief's fields (see `local_content`): the topic, details, audience and hashtags."""
        return compose_caption(brief)

    async def rewrite_message(self, text: str, recipient: str) -> str:
        """Offline there is no one to rewrite it: the text is kept as is."""
        return text

    async def make_image(self, prompt: str) -> bytes:
        """A branded card (the brand and topic on the brand's colour), not a generated picture."""
        return await asyncio.to_thread(draw_card, prompt)
