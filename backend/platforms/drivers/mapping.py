"""A draft in each platform's own words: category, condition, limits and price rule, as data.

Each platform has `mappings/<platform>.json`:

- `fields`: what its sell form takes (the others are not sent: `None` in the mapped listing);
- `title_max`, `description_max`: longer text is cut at a word boundary (a warning, not a problem);
- `required`: fields the platform refuses to do without; `size_required_for`: prefixes of the
  platform's categories that also need a size (clothing and shoes);
- `categories`: Sellpilot's taxonomy (`backend/ai/taxonomy.json`) → the platform's category; a
  category missing there has no counterpart on the platform (a problem when the platform needs one);
  `near_categories`: those that land on a broader or nearest category (a warning);
- `conditions`: Sellpilot's `new_with_tags|new_without_tags|very_good|good|satisfactory` → the platform's words;
- `price_rule`: the default rule (`markup_percent`, `rounding` none|whole|ends_99|ends_90), used until
  the workspace sets its own;
- `verified`: False while the values are not checked against the live site; `crosslist`: the platform takes listings.

What blocks a publish reuses `requirements.publish_problems` (checked on the mapped values), so the
two never disagree; a FieldNote's message is the whole sentence, starting with the field's label.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

from backend.platforms.drivers import requirements
from backend.platforms.drivers.types import ListingInput

MAPPINGS_DIR = Path(__file__).with_name("mappings")
MAPPED_PLATFORMS = ("sandbox", "sandbox_b", "vinted", "pinterest", "tiktok")
ROUNDINGS = ("none", "whole", "ends_99", "ends_90")
FIELDS = ("title", "description", "price", "category", "condition", "size", "brand")
NOTE_ORDER = ("title", "description", "price", "photos", "category", "condition", "size", "brand")
CENT = Decimal("0.01")
_ROUNDING_WORDS = {"none": "", "whole": "rounded to a whole price", "ends_99": "ending .99", "ends_90": "ending .90"}


@dataclass(frozen=True)
class DraftFields:
    """The draft as Sellpilot holds it (its taxonomy category, its condition key)."""

    title: str
    description: str
    price: Decimal
    currency: str
    category: str | None
    brand: str | None
    size: str | None
    condition: str | None
    photos: int


@dataclass(frozen=True)
class FieldNote:
    field: str
    """The draft's field: title, description, price, category, condition, size, brand or photos."""
    message: str


@dataclass(frozen=True)
class PriceRule:
    markup_percent: Decimal
    rounding: str
    """none | whole | ends_99 | ends_90"""


@dataclass(frozen=True)
class MappedListing:
    """What the platform will receive, in its own words, with what blocks it and what changed on the way."""

    platform: str
    title: str
    description: str
    price: Decimal | None
    currency: str
    category: str | None
    condition: str | None
    size: str | None
    brand: str | None
    problems: list[FieldNote]
    """Blocking: a required field missing, a value the platform refuses."""
    warnings: list[FieldNote]
    """Title or description cut, price rule applied, category mapped to a near one."""

    def as_fields(self) -> dict[str, str]:
        """The non-empty values, as strings (for `PlatformListing.fields`)."""
        values = {
            "title": self.title,
            "description": self.description,
            "price": f"{self.price:.2f}" if self.price is not None else "",
            "currency": self.currency if self.price is not None else "",
            "category": self.category or "",
            "condition": self.condition or "",
            "size": self.size or "",
            "brand": self.brand or "",
        }
        return {name: value for name, value in values.items() if value}

    def listing_input(self, photos: Sequence[Path], link: str | None = None) -> ListingInput:
        """What the driver publishes: these values (the platform's words) with the draft's photos."""
        return ListingInput(
            title=self.title,
            description=self.description,
            price=self.price if self.price is not None else Decimal(0),
            photos=photos,
            currency=self.currency,
            category=self.category,
            brand=self.brand,
            size=self.size,
            condition=self.condition,
            link=link,
        )


@dataclass(frozen=True)
class PlatformMapping:
    """One platform's `mappings/<platform>.json`, loaded and checked."""

    platform: str
    verified: bool
    crosslist: bool
    fields: frozenset[str]
    title_max: int
    description_max: int
    required: frozenset[str]
    size_required_for: tuple[str, ...]
    categories: dict[str, str]
    near_categories: frozenset[str]
    conditions: dict[str, str]
    price_rule: PriceRule


def _rule(platform: str, raw: Any) -> PriceRule:
    rule = PriceRule(Decimal(str(raw["markup_percent"])), str(raw["rounding"]))
    if rule.rounding not in ROUNDINGS:
        raise ValueError(f"{platform}.json: price_rule.rounding must be one of {', '.join(ROUNDINGS)}")
    return rule


@cache
def load_mapping(platform: str) -> PlatformMapping:
    """Read and check `mappings/<platform>.json` (once per process); KeyError for a platform without one."""
    if platform not in MAPPED_PLATFORMS:
        raise KeyError(f"no field mapping for platform {platform!r}")
    raw = json.loads((MAPPINGS_DIR / f"{platform}.json").read_text(encoding="utf-8"))
    fields = frozenset(raw["fields"])
    if not fields <= set(FIELDS) or not set(raw["required"]) <= fields:
        raise ValueError(f"{platform}.json: fields and required name the draft's fields ({', '.join(FIELDS)})")
    near = frozenset(raw["near_categories"])
    if not near <= set(raw["categories"]):
        raise ValueError(f"{platform}.json: near_categories must be mapped in categories")
    return PlatformMapping(
        platform=platform,
        verified=bool(raw["verified"]),
        crosslist=bool(raw["crosslist"]),
        fields=fields,
        title_max=int(raw["title_max"]),
        description_max=int(raw["description_max"]),
        required=frozenset(raw["required"]),
        size_required_for=tuple(raw["size_required_for"]),
        categories=dict(raw["categories"]),
        near_categories=near,
        conditions=dict(raw["conditions"]),
        price_rule=_rule(platform, raw["price_rule"]),
    )


def crosslist_platforms() -> list[str]:
    """The platforms that take listings (crosslist targets), in a stable order."""
    return [platform for platform in MAPPED_PLATFORMS if load_mapping(platform).crosslist]


def default_price_rule(platform: str) -> PriceRule:
    """The platform's rule until the workspace sets its own (none, or e.g. +10 % ending .99 where fees are higher)."""
    return load_mapping(platform).price_rule


def _round(price: Decimal, rounding: str) -> Decimal:
    whole = price.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if rounding == "whole":
        return max(whole, Decimal(1))
    if rounding in ("ends_99", "ends_90"):
        # The nearest price with that ending (22.00 → 21.99, 21.30 → 20.99); never the ending below 1.
        ending = Decimal("0.99") if rounding == "ends_99" else Decimal("0.90")
        step_up = Decimal(1) - ending
        rounded = (price + step_up).quantize(Decimal(1), rounding=ROUND_HALF_UP) - step_up
        return rounded if rounded > 0 else ending
    return price.quantize(CENT, rounding=ROUND_HALF_UP)


def apply_price_rule(price: Decimal, rule: PriceRule) -> Decimal:
    """`price` plus the rule's markup (in %), then rounded as the rule says; never below 0.01."""
    marked = price * (Decimal(100) + rule.markup_percent) / Decimal(100)
    return max(_round(marked, rule.rounding).quantize(CENT), CENT)


def _percent(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return ("+" if value >= 0 else "") + text + " %"


def describe_price_rule(rule: PriceRule) -> str:
    """The rule in words: "+10 %, ending .99"; "" for no change."""
    parts = [_percent(rule.markup_percent)] if rule.markup_percent else []
    if words := _ROUNDING_WORDS.get(rule.rounding, ""):
        parts.append(words)
    return ", ".join(parts)


def cut_text(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters at a word boundary (mid-word only when one word is that long)."""
    if len(text) <= limit:
        return text
    head = text[: limit + 1]
    if head[-1].isspace():  # the limit falls at the end of a word: keep that word
        cut = head
    elif any(char.isspace() for char in head.strip()):
        cut = head.rsplit(None, 1)[0]
    else:  # one word longer than the limit
        cut = text[:limit]
    return cut[:limit].rstrip().rstrip(",;:-–—").rstrip()


def _needs_size(mapping: PlatformMapping, category: str | None) -> bool:
    return "size" in mapping.fields and category is not None and category.startswith(mapping.size_required_for)


def _category(mapping: PlatformMapping, title: str, draft: DraftFields, notes: _Notes) -> str | None:
    if "category" not in mapping.fields:
        return None
    chosen = (draft.category or "").strip()
    mapped = mapping.categories.get(chosen) if chosen else None
    if mapped is None and "category" in mapping.required:
        if not chosen or chosen == requirements.VAGUE_CATEGORY:
            notes.problem("category", f"Category: choose a category — {title} has no “{requirements.VAGUE_CATEGORY}”")
        else:
            notes.problem("category", f"Category: {title} has nothing like “{chosen}”; choose another category")
    elif mapped is not None and chosen in mapping.near_categories:
        notes.warn("category", f"Category: “{chosen}” becomes “{mapped}” on {title}, the nearest it has")
    return mapped


def _condition(mapping: PlatformMapping, title: str, draft: DraftFields, notes: _Notes) -> str | None:
    if "condition" not in mapping.fields:
        return None
    mapped = mapping.conditions.get(draft.condition or "")
    if mapped is None and "condition" in mapping.required:
        if draft.condition:
            notes.problem("condition", f"Condition: {title} has no condition like “{draft.condition}”")
        else:
            notes.problem("condition", f"Condition: {title} needs the item's condition")
    return mapped


class _Notes:
    """Problems and warnings, at most one problem per field (the first, most specific one)."""

    def __init__(self) -> None:
        self.problems: list[FieldNote] = []
        self.warnings: list[FieldNote] = []

    def problem(self, field: str, message: str) -> None:
        if all(note.field != field for note in self.problems):
            self.problems.append(FieldNote(field, message))

    def warn(self, field: str, message: str) -> None:
        self.warnings.append(FieldNote(field, message))


def _text(field: str, text: str, limit: int, title: str, notes: _Notes) -> str:
    cut = cut_text(text, limit)
    if cut != text:
        label = field.capitalize()
        notes.warn(field, f"{label}: cut to {len(cut)} characters, at a word ({title} takes at most {limit})")
    return cut


def _price(
    mapping: PlatformMapping, draft: DraftFields, rule: PriceRule | None, own: Decimal | None, notes: _Notes
) -> Decimal | None:
    if "price" not in mapping.fields:
        return None
    if own is not None:  # the seller's own price for this platform: sent as it is
        return own.quantize(CENT, rounding=ROUND_HALF_UP)
    rule = rule or mapping.price_rule
    price = apply_price_rule(draft.price, rule) if draft.price > 0 else draft.price
    if price != draft.price:
        notes.warn("price", f"Price: {draft.price:.2f} → {price:.2f} ({describe_price_rule(rule)})")
    return price


def map_listing(
    platform: str, draft: DraftFields, rule: PriceRule | None = None, price: Decimal | None = None
) -> MappedListing:
    """The draft as `platform` will receive it, what blocks it there (`problems`) and what changed (`warnings`).

    `price` given is the seller's own price for this platform (no rule applies); otherwise the draft's
    price goes through `rule`, or the platform's default rule when `rule` is None.
    """
    mapping = load_mapping(platform)
    title = requirements.REQUIREMENTS[platform].platform_title
    notes = _Notes()
    category = _category(mapping, title, draft, notes)
    condition = _condition(mapping, title, draft, notes)
    size = ((draft.size or "").strip() or None) if "size" in mapping.fields else None
    if size is None and _needs_size(mapping, category):
        notes.problem("size", f"Size: {title} needs a size for clothing and shoes")
    brand = ((draft.brand or "").strip() or None) if "brand" in mapping.fields else None
    if brand is None and "brand" in mapping.required:
        notes.problem("brand", f"Brand: {title} needs a brand")
    mapped_title = _text("title", " ".join(draft.title.split()), mapping.title_max, title, notes)
    description = _text("description", draft.description.strip(), mapping.description_max, title, notes)
    mapped_price = _price(mapping, draft, rule, price, notes)
    facts = requirements.DraftFacts(
        title=mapped_title,
        description=description,
        price=mapped_price if mapped_price is not None else draft.price,
        photos=draft.photos,
        category=category if "category" in mapping.fields else draft.category,
        condition=condition if "condition" in mapping.fields else draft.condition,
    )
    for sentence in requirements.publish_problems(platform, facts):
        label = sentence.split(":", 1)[0].strip().lower()
        notes.problem(label if label in NOTE_ORDER else "title", sentence)
    order = {field: index for index, field in enumerate(NOTE_ORDER)}
    notes.problems.sort(key=lambda note: order.get(note.field, len(order)))
    return MappedListing(
        platform=platform,
        title=mapped_title,
        description=description,
        price=mapped_price,
        currency=draft.currency,
        category=category,
        condition=condition,
        size=size,
        brand=brand,
        problems=notes.problems,
        warnings=notes.warnings,
    )
