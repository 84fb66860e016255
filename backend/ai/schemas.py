"""What the AI providers produce, validated before anything is stored."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec

from backend.core.errors import explain_pattern

Condition = Literal["new_with_tags", "new_without_tags", "very_good", "good", "satisfactory"]
CONDITIONS: tuple[str, ...] = ("new_with_tags", "new_without_tags", "very_good", "good", "satisfactory")
Currency = Annotated[str, msgspec.Meta(pattern=explain_pattern(r"^[A-Z]{3}$", "use a 3-letter code like EUR"))]
ShortText = Annotated[str, msgspec.Meta(max_length=100)]


@lru_cache(maxsize=1)
def categories() -> tuple[str, ...]:
    """The fixed taxonomy shipped with Sellpilot."""
    data = json.loads((Path(__file__).parent / "taxonomy.json").read_text())
    return tuple(data["categories"])


@dataclass(frozen=True)
class ImageInput:
    data: bytes
    content_type: str
    name: str = ""


class ListingDraft(msgspec.Struct, forbid_unknown_fields=True):
    title: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    description: Annotated[str, msgspec.Meta(max_length=5000)]
    price: Annotated[float, msgspec.Meta(ge=0, le=1_000_000)]
    currency: Currency
    category: str
    brand: ShortText | None
    size: ShortText | None
    condition: Condition
    colours: Annotated[list[ShortText], msgspec.Meta(max_length=10)]
    materials: Annotated[list[ShortText], msgspec.Meta(max_length=10)]
    keywords: Annotated[list[ShortText], msgspec.Meta(max_length=20)]


class InvalidDraft(ValueError):
    """The provider answered something that is not a valid draft."""


def parse_draft(raw: str | bytes) -> ListingDraft:
    try:
        draft = msgspec.json.decode(raw, type=ListingDraft)
    except msgspec.DecodeError as exc:
        raise InvalidDraft(f"the AI answer is not a valid draft: {exc}") from None
    if draft.category not in categories():
        raise InvalidDraft(f"the AI answer has category {draft.category!r}, which is not in the taxonomy")
    return draft


def draft_json_schema() -> dict[str, Any]:
    """JSON schema for OpenAI structured outputs (strict: every field required, no extras)."""
    text = {"type": "string"}
    nullable_text = {"type": ["string", "null"], "maxLength": 100}
    text_list = {"type": "array", "items": {"type": "string", "maxLength": 100}}
    properties = {
        "title": {"type": "string", "maxLength": 100, "description": "Marketplace title, at most 100 characters"},
        "description": {**text, "description": "Honest, detailed description for buyers"},
        "price": {"type": "number", "description": "Suggested price for a second-hand sale"},
        "currency": {"type": "string", "description": "ISO 4217 code, e.g. EUR"},
        "category": {"type": "string", "enum": list(categories())},
        "brand": nullable_text,
        "size": nullable_text,
        "condition": {"type": "string", "enum": list(CONDITIONS)},
        "colours": text_list,
        "materials": text_list,
        "keywords": text_list,
    }
    return {"type": "object", "properties": properties, "required": list(properties), "additionalProperties": False}
