"""The sandbox's two shops: the same program, a different name, look, vocabulary and rules.

Flavour A ("Sandbox Market", platform `sandbox`) is the original shop; its sell form has an optional
category picked from Sellpilot's own taxonomy. Flavour B ("Sandbox Bazaar", platform `sandbox_b`,
`sellpilot sandbox --flavour b`) is a second marketplace so crosslisting runs end to end across two:
its own categories (no "Other"), conditions, a size for clothing and shoes, shorter texts, a lower
price cap. The API mirrors these values as data (`backend/platforms/drivers/mappings/sandbox_b.json`
and `requirements.py`), since the sandbox imports nothing of the API and the API nothing of the sandbox.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from backend.sandbox.store.rules import DESCRIPTION_MAX, MAX_PRICE, TITLE_MAX

# Flavour A offers Sellpilot's taxonomy as it is: read from its data file (a file, not an import of the API).
_TAXONOMY = Path(__file__).resolve().parents[1] / "ai" / "taxonomy.json"

BAZAAR_CATEGORIES = (
    "Clothing / Women / Dresses",
    "Clothing / Women / Tops",
    "Clothing / Women / Knitwear",
    "Clothing / Women / Outerwear",
    "Clothing / Women / Jeans",
    "Clothing / Women / Trousers",
    "Clothing / Women / Skirts",
    "Clothing / Women / Sportswear",
    "Shoes / Women",
    "Bags & Purses",
    "Jewellery & Watches",
    "Accessories",
    "Clothing / Men / Tops & Shirts",
    "Clothing / Men / Knitwear",
    "Clothing / Men / Outerwear",
    "Clothing / Men / Trousers & Jeans",
    "Clothing / Men / Sportswear",
    "Shoes / Men",
    "Kids & Baby",
    "Toys & Games",
    "Home & Living",
    "Electronics",
    "Video Games",
    "Books, Music & Film",
    "Sports & Outdoors",
    "Beauty & Health",
    "Pet Supplies",
    "Art & Collectibles",
)
BAZAAR_CONDITIONS = ("New with tags", "New without tags", "Very good", "Good", "Satisfactory")


@dataclass(frozen=True)
class Flavour:
    key: str
    """`a` or `b`, as `sellpilot sandbox --flavour` takes it."""
    name: str
    """Shown in every page's header, title and footer."""
    default_port: int
    categories: tuple[str, ...]
    """The sell form's category choices (empty: no category field)."""
    conditions: tuple[str, ...]
    """The sell form's condition choices (empty: no condition field)."""
    required: frozenset[str]
    """Of category, condition, size, brand: what the sell form refuses to do without."""
    size_required_for: tuple[str, ...]
    """Category prefixes that also need a size (clothing and shoes)."""
    title_max: int
    description_max: int
    max_price: Decimal
    accent: str
    """The shop's colour (the CSS variable --brand), so a person sees two shops."""
    accent_dark: str
    has_size: bool = False
    has_brand: bool = False

    def needs_size(self, category: str) -> bool:
        return self.has_size and bool(category) and category.startswith(self.size_required_for)


def _taxonomy() -> tuple[str, ...]:
    return tuple(json.loads(_TAXONOMY.read_text(encoding="utf-8"))["categories"])


MARKET = Flavour(
    key="a",
    name="Sandbox Market",
    default_port=8100,
    categories=_taxonomy(),
    conditions=(),
    required=frozenset(),
    size_required_for=(),
    title_max=TITLE_MAX,
    description_max=DESCRIPTION_MAX,
    max_price=MAX_PRICE,
    accent="#0f766e",
    accent_dark="#115e59",
)

BAZAAR = Flavour(
    key="b",
    name="Sandbox Bazaar",
    default_port=8101,
    categories=BAZAAR_CATEGORIES,
    conditions=BAZAAR_CONDITIONS,
    required=frozenset({"category", "condition"}),
    size_required_for=("Clothing /", "Shoes /"),
    title_max=60,
    description_max=1000,
    max_price=Decimal("5000"),
    accent="#7c3aed",
    accent_dark="#5b21b6",
    has_size=True,
    has_brand=True,
)

FLAVOURS = {flavour.key: flavour for flavour in (MARKET, BAZAAR)}


def flavour_named(key: str) -> Flavour:
    """The flavour for `a` or `b` (ValueError naming the choices otherwise)."""
    try:
        return FLAVOURS[key.lower()]
    except KeyError:
        raise ValueError(f"unknown sandbox flavour {key!r}: use {' or '.join(FLAVOURS)}") from None
