"""Items with generated pictures for a keyword, some of them duplicates: what image-collection tests crawl.

`add_gallery` lists `count` items whose titles carry the keyword (so a feed
search finds them) and whose tags and category are the keyword (so "more
ideas" for a board holding one of them finds the others). Most pictures are
distinct; a share are the exact bytes of an earlier item's picture (served
again under another item) and a share are an earlier picture re-encoded
(another JPEG quality and scale: a near-duplicate a byte comparison misses).
Everything follows from `seed`, so a test knows which items repeat which.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from typing import Any

from PIL import Image, ImageDraw

from backend.sandbox.store import NewPhoto, Store

SIZE = (512, 384)  # large enough that a 0.8 re-encode stays above the 256 px minimum of a validation
NEAR_SCALE = 0.8
NEAR_QUALITY = 60
MAX_COUNT = 1000


@dataclass
class Gallery:
    """What `add_gallery` made: item ids in listing order, and which item repeats which (item → original)."""

    keyword: str
    item_ids: list[int] = field(default_factory=list)
    exact_duplicates: dict[int, int] = field(default_factory=dict)
    near_duplicates: dict[int, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "keyword": self.keyword,
            "item_ids": self.item_ids,
            "distinct": len(self.item_ids) - len(self.exact_duplicates) - len(self.near_duplicates),
            "exact_duplicates": {str(k): v for k, v in self.exact_duplicates.items()},
            "near_duplicates": {str(k): v for k, v in self.near_duplicates.items()},
        }


def picture(rng: random.Random) -> bytes:
    """A busy picture of large shapes: sharp, far from blank, and far from any other in perceptual hash."""
    width, height = SIZE
    image = Image.new("RGB", SIZE, tuple(rng.randint(0, 255) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    # A coarse random checkerboard gives each picture its own low-frequency pattern (what a pHash sees).
    cell_w, cell_h = width // 8, height // 8
    for row in range(8):
        for col in range(8):
            if rng.random() < 0.5:
                shade = tuple(rng.randint(0, 255) for _ in range(3))
                draw.rectangle((col * cell_w, row * cell_h, (col + 1) * cell_w, (row + 1) * cell_h), fill=shade)
    for _ in range(rng.randint(4, 8)):
        colour = tuple(rng.randint(0, 255) for _ in range(3))
        x0, y0 = rng.randint(0, width - 60), rng.randint(0, height - 60)
        x1, y1 = x0 + rng.randint(30, 200), y0 + rng.randint(30, 160)
        if rng.random() < 0.5:
            draw.ellipse((x0, y0, x1, y1), fill=colour, outline=(0, 0, 0), width=3)
        else:
            draw.rectangle((x0, y0, x1, y1), fill=colour, outline=(255, 255, 255), width=3)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=88)
    return out.getvalue()


def reencoded(data: bytes) -> bytes:
    """The same picture scaled down and saved at a lower JPEG quality."""
    with Image.open(io.BytesIO(data)) as image:
        size = (int(image.width * NEAR_SCALE), int(image.height * NEAR_SCALE))
        smaller = image.resize(size, Image.Resampling.LANCZOS)
        out = io.BytesIO()
        smaller.save(out, format="JPEG", quality=NEAR_QUALITY)
    return out.getvalue()


def plan(count: int, exact_share: float, near_share: float, rng: random.Random) -> list[str]:
    """Which of `count` positions hold a distinct picture, an exact or a near duplicate (the first is distinct)."""
    exact = round(count * exact_share)
    near = round(count * near_share)
    if count < 1 or exact + near >= count:
        raise ValueError("count must exceed the duplicates it holds")
    kinds = ["exact"] * exact + ["near"] * near + ["distinct"] * (count - exact - near - 1)
    rng.shuffle(kinds)
    return ["distinct", *kinds]


def add_gallery(
    store: Store,
    seller_id: int,
    keyword: str,
    count: int,
    *,
    exact_share: float = 0.0,
    near_share: float = 0.0,
    seed: int = 0,
) -> Gallery:
    """List `count` items for `keyword` with generated pictures (see the module's docstring)."""
    rng = random.Random(f"{seed}:{keyword}")  # noqa: S311 - deterministic pictures, not secrets
    word = " ".join(keyword.lower().split())
    tag = word.replace(" ", "-")  # tags are stored space-separated
    gallery = Gallery(keyword=word)
    originals: list[tuple[int, bytes]] = []
    for n, kind in enumerate(plan(count, exact_share, near_share, rng), start=1):
        original_id, original = rng.choice(originals) if kind != "distinct" else (0, b"")
        data = picture(rng) if kind == "distinct" else original if kind == "exact" else reencoded(original)
        item_id = store.create_item(
            seller_id,
            f"{word.capitalize()} idea {n}",
            f"A picture about {word}, number {n}.",
            100 * rng.randint(5, 80),
            [NewPhoto("image/jpeg", data)],
            tags=[tag, f"{tag}-{'abc'[n % 3]}"],
            category=word,
        )
        gallery.item_ids.append(item_id)
        if kind == "distinct":
            originals.append((item_id, data))
        elif kind == "exact":
            gallery.exact_duplicates[item_id] = original_id
        else:
            gallery.near_duplicates[item_id] = original_id
    return gallery
