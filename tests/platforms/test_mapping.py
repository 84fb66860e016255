"""Per-platform field mapping (no browser): what each platform receives, what blocks it and what changes."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from backend.platforms import service as platforms
from backend.platforms.drivers.mapping import MAPPED_PLATFORMS, cut_text, load_mapping
from backend.platforms.drivers.requirements import REQUIREMENTS

TAXONOMY = json.loads((Path(__file__).parents[2] / "backend" / "ai" / "taxonomy.json").read_text())["categories"]
# Flavour B's sell form, exactly (common brief; `backend/sandbox/flavours.py` holds the same list).
BAZAAR_CATEGORIES = {
    "Clothing / Women / Dresses", "Clothing / Women / Tops", "Clothing / Women / Knitwear",
    "Clothing / Women / Outerwear", "Clothing / Women / Jeans", "Clothing / Women / Trousers",
    "Clothing / Women / Skirts", "Clothing / Women / Sportswear", "Shoes / Women", "Bags & Purses",
    "Jewellery & Watches", "Accessories", "Clothing / Men / Tops & Shirts", "Clothing / Men / Knitwear",
    "Clothing / Men / Outerwear", "Clothing / Men / Trousers & Jeans", "Clothing / Men / Sportswear", "Shoes / Men",
    "Kids & Baby", "Toys & Games", "Home & Living", "Electronics", "Video Games", "Books, Music & Film",
    "Sports & Outdoors", "Beauty & Health", "Pet Supplies", "Art & Collectibles",
}  # fmt: skip
BAZAAR_CONDITIONS = {"New with tags", "New without tags", "Very good", "Good", "Satisfactory"}

DRESS = platforms.DraftFields(
    title="Floral midi dress",
    description="A floral midi dress, worn twice.",
    price=Decimal("20.00"),
    currency="EUR",
    category="Women > Dresses",
    brand="Zara",
    size="M",
    condition="very_good",
    photos=2,
)


def fields_of(notes: list[platforms.FieldNote]) -> list[str]:
    return [note.field for note in notes]


def test_sandbox_bazaar_receives_its_own_words() -> None:
    mapped = platforms.map_listing("sandbox_b", DRESS)

    assert (mapped.category, mapped.condition, mapped.size, mapped.brand) == (
        "Clothing / Women / Dresses",
        "Very good",
        "M",
        "Zara",
    )
    assert mapped.problems == []
    assert mapped.as_fields() == {
        "title": "Floral midi dress",
        "description": "A floral midi dress, worn twice.",
        "price": "21.99",
        "currency": "EUR",
        "category": "Clothing / Women / Dresses",
        "condition": "Very good",
        "size": "M",
        "brand": "Zara",
    }
    listing = mapped.listing_input([Path("a.jpg")])
    assert (listing.category, listing.condition, listing.price) == (
        "Clothing / Women / Dresses",
        "Very good",
        Decimal("21.99"),
    )


def test_the_first_sandbox_keeps_sellpilots_category_and_takes_no_condition_or_size() -> None:
    mapped = platforms.map_listing("sandbox", DRESS)

    assert (mapped.category, mapped.condition, mapped.size, mapped.brand) == ("Women > Dresses", None, None, None)
    assert mapped.price == Decimal("20.00")
    assert mapped.problems == []
    assert mapped.warnings == []
    assert "condition" not in mapped.as_fields()


def test_a_long_title_is_cut_at_a_word_with_a_warning_not_a_problem() -> None:
    long_title = "Floral summer midi dress with puff sleeves and a tie waist, barely worn"  # 71 characters
    mapped = platforms.map_listing("sandbox_b", replace(DRESS, title=long_title))

    assert mapped.title == "Floral summer midi dress with puff sleeves and a tie waist"
    assert len(mapped.title) <= 60
    assert mapped.problems == []
    assert [note.message for note in mapped.warnings if note.field == "title"] == [
        "Title: cut to 58 characters, at a word (Sandbox Bazaar takes at most 60)"
    ]


def test_a_long_description_is_cut_and_said() -> None:
    description = "Soft cotton. " * 100
    mapped = platforms.map_listing("sandbox_b", replace(DRESS, description=description))

    assert len(mapped.description) <= 1000
    assert description.startswith(mapped.description)
    assert description[len(mapped.description)] == " "  # a whole word
    assert "description" in fields_of(mapped.warnings)


def test_cut_text_keeps_whole_words() -> None:
    assert cut_text("a" * 70, 60) == "a" * 60  # one long word: cut where it must
    assert cut_text("short", 60) == "short"
    assert cut_text("one two three", 7) == "one two"  # the limit falls right after a word: it stays
    assert cut_text("one two three", 9) == "one two"
    assert cut_text("one two, three", 8) == "one two"  # no dangling comma


def test_a_missing_size_on_sandbox_bazaar_is_named() -> None:
    mapped = platforms.map_listing("sandbox_b", replace(DRESS, size=None))

    assert [(note.field, note.message) for note in mapped.problems] == [
        ("size", "Size: Sandbox Bazaar needs a size for clothing and shoes")
    ]
    # Outside clothing and shoes no size is asked.
    assert platforms.map_listing("sandbox_b", replace(DRESS, size=None, category="Home > Decor")).problems == []


def test_other_has_no_counterpart_on_sandbox_bazaar() -> None:
    mapped = platforms.map_listing("sandbox_b", replace(DRESS, category="Other"))

    assert mapped.category is None
    assert [(note.field, note.message) for note in mapped.problems] == [
        ("category", "Category: choose a category — Sandbox Bazaar has no “Other”")
    ]
    # The first sandbox takes "Other" (its select offers Sellpilot's own taxonomy).
    assert platforms.map_listing("sandbox", replace(DRESS, category="Other")).problems == []


def test_a_broader_category_is_a_warning() -> None:
    mapped = platforms.map_listing("sandbox_b", replace(DRESS, category="Home > Decor", size=None))

    assert mapped.category == "Home & Living"
    assert [note.message for note in mapped.warnings if note.field == "category"] == [
        "Category: “Home > Decor” becomes “Home & Living” on Sandbox Bazaar, the nearest it has"
    ]


def test_the_publish_rules_are_problems_too_once() -> None:
    mapped = platforms.map_listing("sandbox_b", replace(DRESS, photos=0, condition=None, price=Decimal("6000")))

    assert fields_of(mapped.problems) == ["price", "photos", "condition"]
    assert mapped.problems[0].message == "Price: Sandbox Bazaar accepts at most 5000"
    assert mapped.problems[1].message == "Photos: add at least one photo"


@pytest.mark.parametrize(
    ("rounding", "expected"),
    [("none", "22.00"), ("whole", "22.00"), ("ends_99", "21.99"), ("ends_90", "21.90")],
)
def test_price_rules_round_as_asked(rounding: str, expected: str) -> None:
    rule = platforms.PriceRule(Decimal("10"), rounding)
    assert platforms.apply_price_rule(Decimal("20.00"), rule) == Decimal(expected)


@pytest.mark.parametrize(
    ("price", "rule", "expected"),
    [
        ("21.30", platforms.PriceRule(Decimal("0"), "ends_99"), "20.99"),
        ("21.70", platforms.PriceRule(Decimal("0"), "ends_99"), "21.99"),
        ("12.34", platforms.PriceRule(Decimal("15"), "whole"), "14.00"),
        ("12.34", platforms.PriceRule(Decimal("7.5"), "none"), "13.27"),
        ("0.30", platforms.PriceRule(Decimal("0"), "ends_90"), "0.90"),
        ("0.02", platforms.PriceRule(Decimal("-50"), "none"), "0.01"),
    ],
)
def test_price_rules_at_the_edges(price: str, rule: platforms.PriceRule, expected: str) -> None:
    assert platforms.apply_price_rule(Decimal(price), rule) == Decimal(expected)


def test_the_rule_applied_is_a_warning_and_a_workspace_rule_replaces_the_default() -> None:
    default = platforms.map_listing("sandbox_b", DRESS)
    assert [note.message for note in default.warnings] == ["Price: 20.00 → 21.99 (+10 %, ending .99)"]

    own_rule = platforms.map_listing("sandbox_b", DRESS, rule=platforms.PriceRule(Decimal("5"), "whole"))
    assert own_rule.price == Decimal("21.00")
    assert [note.message for note in own_rule.warnings] == ["Price: 20.00 → 21.00 (+5 %, rounded to a whole price)"]


def test_the_sellers_own_price_bypasses_the_rule() -> None:
    mapped = platforms.map_listing("sandbox_b", DRESS, price=Decimal("19.50"))

    assert mapped.price == Decimal("19.50")
    assert "price" not in fields_of(mapped.warnings)


def test_default_rules_and_crosslist_platforms() -> None:
    assert platforms.default_price_rule("sandbox") == platforms.PriceRule(Decimal("0"), "none")
    assert platforms.default_price_rule("sandbox_b") == platforms.PriceRule(Decimal("10"), "ends_99")
    assert platforms.crosslist_platforms() == ["sandbox", "sandbox_b", "vinted"]
    assert platforms.map_listing("pinterest", DRESS).price is None


def test_every_taxonomy_category_and_condition_is_mapped_to_bazaars_vocabulary() -> None:
    bazaar = load_mapping("sandbox_b")
    assert set(bazaar.categories) == set(TAXONOMY) - {"Other"}
    assert set(bazaar.categories.values()) == BAZAAR_CATEGORIES
    assert set(bazaar.conditions.values()) == BAZAAR_CONDITIONS
    assert set(load_mapping("sandbox").categories) == set(TAXONOMY)
    assert load_mapping("vinted").verified is False


@pytest.mark.parametrize("platform", MAPPED_PLATFORMS)
def test_mapping_limits_agree_with_the_publish_requirements(platform: str) -> None:
    mapping, needs = load_mapping(platform), REQUIREMENTS[platform]
    assert mapping.title_max <= needs.title_max
    assert needs.description_max is None or mapping.description_max <= needs.description_max
    assert set(mapping.categories) <= set(TAXONOMY)
