"""Deterministic seed data: five users, items with generated photos, follows, likes, a conversation.

Both flavours have the same users (alice…erin, one password); Sandbox Market has ~30 items,
Sandbox Bazaar a handful of its own, each with a category, condition and size in its words.

The photos come from `random.Random(seed)` and are made once per process, so a
reset only writes rows (well under half a second).
"""

from __future__ import annotations

import io
import random
from datetime import timedelta
from functools import lru_cache

from PIL import Image, ImageDraw

from backend.sandbox.flavours import MARKET, Flavour
from backend.sandbox.store import NewPhoto, Store, cached_password_hash, iso, utcnow

SEED = 20240601
PASSWORD = "sandbox-pass-1"  # noqa: S105 - the documented demo password
USERNAMES = ("alice", "bob", "carol", "dave", "erin")

# (seller, title, price, description)
ITEMS: tuple[tuple[str, str, str, str], ...] = (
    ("alice", "Vintage denim jacket", "45.00", "Classic blue denim, size M. Worn a few times, no stains."),
    ("bob", "Leather ankle boots", "60.00", "Brown leather boots, size 42. Resoled last year."),
    ("carol", "Wool winter scarf", "15.50", "Hand-knitted, soft merino wool, forest green."),
    ("dave", "Retro film camera", "120.00", "35mm film camera, tested and working. Strap included."),
    ("erin", "Floral summer dress", "28.00", "Light cotton dress, size S, perfect for summer."),
    ("alice", "Denim skirt", "22.00", "Mid-length denim skirt, size 38."),
    ("bob", "Running shoes", "35.00", "Lightweight running shoes, size 43, about 200 km on them."),
    ("carol", "Ceramic coffee mugs", "18.00", "Set of four handmade ceramic mugs, speckled glaze."),
    ("dave", "Vinyl record collection", "75.00", "Twenty jazz and soul records, all in good sleeves."),
    ("erin", "Straw sun hat", "12.00", "Wide-brim straw hat, barely used."),
    ("alice", "Wool knit sweater", "32.00", "Cream cable-knit wool sweater, size M."),
    ("bob", "Leather wallet", "20.00", "Bifold leather wallet, dark brown, six card slots."),
    ("carol", "Table lamp", "26.00", "Brass table lamp with linen shade, works perfectly."),
    ("dave", "Film camera lens", "90.00", "50mm f/1.8 lens for film cameras, clean glass."),
    ("erin", "Linen summer shirt", "24.00", "Relaxed linen shirt, sand colour, size M."),
    ("alice", "Canvas tote bag", "10.00", "Sturdy canvas tote with inner pocket."),
    ("bob", "Hiking boots", "70.00", "Waterproof hiking boots, size 42, broken in."),
    ("carol", "Ceramic plant pot", "14.00", "Large ceramic pot with drainage hole, white."),
    ("dave", "Record player", "150.00", "Belt-drive record player, new stylus fitted."),
    ("erin", "Silk scarf", "19.00", "Printed silk scarf, blue and gold pattern."),
    ("alice", "Denim jeans", "30.00", "Straight-leg jeans, W30 L32, dark wash."),
    ("bob", "Leather belt", "16.00", "Full-grain leather belt, 95 cm."),
    ("carol", "Wooden bookshelf", "55.00", "Small pine bookshelf, three shelves, easy to carry."),
    ("dave", "Camera tripod", "40.00", "Aluminium tripod, extends to 160 cm."),
    ("erin", "Summer sandals", "21.00", "Leather sandals, size 38, worn twice."),
    ("alice", "Wool beanie", "8.50", "Grey wool beanie, one size."),
    ("bob", "Sports backpack", "27.00", "30 litre backpack with laptop sleeve."),
    ("carol", "Glass vase", "13.00", "Tall ribbed glass vase, clear."),
    ("dave", "Jazz vinyl record", "18.00", "Original pressing, sleeve slightly worn."),
    ("erin", "Cotton summer skirt", "17.00", "Pleated cotton skirt, pale yellow, size S."),
)

# (seller, title, price, description, category, condition, size, brand): Sandbox Bazaar's own shelves.
BAZAAR_ITEMS: tuple[tuple[str, str, str, str, str, str, str, str], ...] = (
    ("alice", "Striped linen shirt dress", "34.00", "Blue and white stripes, knee length.",
     "Clothing / Women / Dresses", "Very good", "M", "Mango"),
    ("bob", "Suede chelsea boots", "55.00", "Tan suede, pull-on, barely worn.", "Shoes / Men", "Good", "43", ""),
    ("carol", "Rattan storage basket", "19.00", "Hand-woven, with a lid.", "Home & Living", "Very good", "", ""),
    ("dave", "Handheld game console", "85.00", "Works well, charger included.", "Video Games", "Good", "", ""),
    ("erin", "Merino roll-neck jumper", "29.00", "Charcoal merino wool, soft and warm.",
     "Clothing / Women / Knitwear", "New without tags", "S", "Uniqlo"),
    ("alice", "Leather crossbody bag", "42.00", "Cognac leather, adjustable strap.", "Bags & Purses", "Very good",
     "", ""),
    ("bob", "Trail running jacket", "48.00", "Windproof and light, packs into its pocket.",
     "Clothing / Men / Sportswear", "New with tags", "L", "Salomon"),
    ("carol", "Illustrated cookbook", "9.50", "Vegetarian recipes, hardback.", "Books, Music & Film", "Good", "", ""),
)  # fmt: skip

FOLLOWS = (("alice", "bob"), ("bob", "alice"), ("carol", "alice"), ("dave", "alice"), ("erin", "carol"))
LIKES = (("bob", 0), ("carol", 0), ("alice", 1), ("dave", 4), ("erin", 3), ("alice", 8))
CONVERSATION = (
    ("bob", "alice", "Hi Alice! Is the denim jacket still available?"),
    ("alice", "bob", "Hi Bob, yes it is. Would you like more photos?"),
    ("bob", "alice", "Yes please, a close-up of the buttons."),
)
UNREAD = ("bob", "alice", "Thanks! Would you take 40 for it?")


def seed_photos(flavour: Flavour = MARKET) -> tuple[tuple[bytes, ...], ...]:
    """One to three small JPEGs per seed item of the flavour, the same bytes on every machine and every run."""
    return _photos(flavour.key)


@lru_cache(maxsize=2)
def _photos(flavour_key: str) -> tuple[tuple[bytes, ...], ...]:
    items = len(ITEMS) if flavour_key == MARKET.key else len(BAZAAR_ITEMS)
    rng = random.Random(SEED if flavour_key == MARKET.key else SEED + 1)  # noqa: S311 - pictures, not secrets
    result: list[tuple[bytes, ...]] = []
    for _ in range(items):
        result.append(tuple(_picture(rng) for _ in range(rng.randint(1, 3))))
    return tuple(result)


def _picture(rng: random.Random) -> bytes:
    size = (320, 240)
    background = tuple(rng.randint(150, 250) for _ in range(3))
    image = Image.new("RGB", size, background)
    draw = ImageDraw.Draw(image)
    for _ in range(rng.randint(3, 6)):
        colour = tuple(rng.randint(20, 220) for _ in range(3))
        x0, y0 = rng.randint(0, 260), rng.randint(0, 180)
        x1, y1 = x0 + rng.randint(30, 120), y0 + rng.randint(30, 100)
        shape = rng.choice(("rect", "ellipse", "triangle"))
        if shape == "rect":
            draw.rectangle((x0, y0, x1, y1), fill=colour)
        elif shape == "ellipse":
            draw.ellipse((x0, y0, x1, y1), fill=colour)
        else:
            draw.polygon([(x0, y1), ((x0 + x1) // 2, y0), (x1, y1)], fill=colour)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


def _items(flavour: Flavour) -> list[tuple[str, str, str, str, dict[str, str]]]:
    """(seller, title, price, description, details) of the flavour's seed items, newest first."""
    if flavour.key == MARKET.key:
        return [(*item, {}) for item in ITEMS]
    return [
        (
            seller,
            title,
            price,
            description,
            {"category": category, "condition": condition, "size": size, "brand": brand},
        )
        for seller, title, price, description, category, condition, size, brand in BAZAAR_ITEMS
    ]


def seed(store: Store, flavour: Flavour = MARKET) -> None:
    """Wipe and fill with the flavour's demo data. Item i is listed i hours ago (item 0 is newest)."""
    store.wipe()
    users = {
        name: store.create_user(name, PASSWORD, password_hash=cached_password_hash(name, PASSWORD))
        for name in USERNAMES
    }
    now = utcnow()
    photos = seed_photos(flavour)
    items = _items(flavour)
    item_ids: list[int] = []
    # Insert oldest first so ids grow with time, like real listings.
    for index in reversed(range(len(items))):
        seller, title, price, description, details = items[index]
        cents = int(price.replace(".", ""))
        item_ids.append(
            store.create_item(
                users[seller].id,
                title,
                description,
                cents,
                [NewPhoto("image/jpeg", data) for data in photos[index]],
                at=iso(now - timedelta(hours=index + 1)),
                **details,
            )
        )
    item_ids.reverse()
    for follower, followee in FOLLOWS:
        store.follow(users[follower].id, users[followee].id)
    for liker, index in LIKES:
        if index < len(item_ids):
            store.like(users[liker].id, item_ids[index])
    for n, (sender, recipient, body) in enumerate(CONVERSATION):
        at = iso(now - timedelta(minutes=30 - n * 5))
        store.send_message(users[sender].id, users[recipient].id, body, at=at)
    # Both have read what came before; Bob's last message waits unread in Alice's inbox.
    store.mark_read(users["alice"].id, users["bob"].id)
    store.mark_read(users["bob"].id, users["alice"].id)
    sender, recipient, body = UNREAD
    store.send_message(users[sender].id, users[recipient].id, body, at=iso(now - timedelta(minutes=10)))
