"""The AI domain's door: other domains reach the providers through here only.

`get_provider()` gives the configured provider (`openai`, or the offline
`local` one); what it takes and returns, and the errors it raises, come along.
A caption or an image is asked for with a `ContentBrief`'s text.
"""

from __future__ import annotations

from backend.ai.briefs import ContentBrief
from backend.ai.providers import AIProvider, ProviderUnavailable, get_provider
from backend.ai.schemas import ImageInput, InvalidDraft, ListingDraft, categories

__all__ = [
    "AIProvider",
    "ContentBrief",
    "ImageInput",
    "InvalidDraft",
    "ListingDraft",
    "ProviderUnavailable",
    "categories",
    "get_provider",
    "rewrite_message",
]


async def rewrite_message(text: str, recipient: str) -> str:
    """`text` reworded for `recipient` by the configured provider (the offline `local` one keeps it as is).

    Raises `ProviderUnavailable` or `InvalidDraft` like the other calls; an empty answer keeps the text.
    """
    rewritten = await get_provider().rewrite_message(text, recipient)
    return rewritten.strip() or text
