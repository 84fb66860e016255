"""The AI domain's door: other domains reach the providers through here only.

`get_provider()` gives the configured provider (`openai`, or the offline
`local` one); what it takes and returns, and the errors it raises, come along.
"""

from __future__ import annotations

from backend.ai.providers import AIProvider, ProviderUnavailable, get_provider
from backend.ai.schemas import ImageInput, InvalidDraft, ListingDraft, categories

__all__ = [
    "AIProvider",
    "ImageInput",
    "InvalidDraft",
    "ListingDraft",
    "ProviderUnavailable",
    "categories",
    "get_provider",
]
