"""The sell form's fields beyond title, description, price and photos: what the shop (its flavour) asks for.

Sandbox Market: an optional category from Sellpilot's taxonomy. Sandbox Bazaar: a category and a
condition from its own lists, a size for clothing and shoes, a brand. A missing or unknown value is
refused with a sentence naming the field, which the page shows as it is.
"""

from __future__ import annotations

from typing import Any

from backend.sandbox.flavours import Flavour
from backend.sandbox.pages import form_field
from backend.sandbox.store import StoreError

FIELDS = ("title", "description", "price", "category", "condition", "size", "brand")
SIZE_MAX = 20
BRAND_MAX = 60


def form_values(form: Any | None = None) -> dict[str, str]:
    """What was typed in the sell form (all blank for a new form), so a refused form keeps it."""
    return {name: form_field(form, name) if form is not None else "" for name in FIELDS}


def check_details(values: dict[str, str], flavour: Flavour) -> dict[str, str]:
    """Category, condition, size and brand as the item keeps them ("" where the shop has no such field)."""
    category = values["category"].strip() if flavour.categories else ""
    condition = values["condition"].strip() if flavour.conditions else ""
    size = " ".join(values["size"].split()) if flavour.has_size else ""
    brand = " ".join(values["brand"].split()) if flavour.has_brand else ""
    if not category and "category" in flavour.required:
        raise StoreError("Category is required: choose one.")
    if category and category not in flavour.categories:
        raise StoreError("Category must be one of the shop's categories.")
    if not condition and "condition" in flavour.required:
        raise StoreError("Condition is required: choose one.")
    if condition and condition not in flavour.conditions:
        raise StoreError(f"Condition must be one of: {', '.join(flavour.conditions)}.")
    if not size and flavour.needs_size(category):
        raise StoreError("Size is required for clothing and shoes.")
    if len(size) > SIZE_MAX:
        raise StoreError(f"Size must be at most {SIZE_MAX} characters.")
    if len(brand) > BRAND_MAX:
        raise StoreError(f"Brand must be at most {BRAND_MAX} characters.")
    return {"category": category, "condition": condition, "size": size, "brand": brand}
