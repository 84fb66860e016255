"""AI providers behind one protocol: `openai` (any OpenAI-compatible server) and `local` (offline).

Internal to the AI domain: other domains use `backend.ai.service`.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol

from backend.ai.local import LocalProvider
from backend.ai.schemas import ImageInput, InvalidDraft, ListingDraft, draft_json_schema, parse_draft
from backend.core.lazy import lazy_module
from backend.settings import AISettings, get_settings

if TYPE_CHECKING:
    import openai
else:
    openai = lazy_module("openai")  # imported when a provider is made, not with the API


class ProviderUnavailable(Exception):
    """The provider could not be reached or kept failing after its retries (worth trying later)."""


class AIProvider(Protocol):
    name: str

    async def describe_listing(self, images: list[ImageInput]) -> ListingDraft: ...

    async def score_image(self, image: ImageInput, brief: str) -> float: ...

    async def write_caption(self, brief: str) -> str: ...

    async def rewrite_message(self, text: str, recipient: str) -> str: ...

    async def make_image(self, prompt: str) -> bytes: ...


DESCRIBE_PROMPT = (
    "You write second-hand marketplace listings. From the photos of ONE item, fill every field: a clear title "
    "(at most 100 characters, brand and item type first), an honest description noting visible wear, a realistic "
    "second-hand price, the category from the given list, brand and size if visible (else null), the condition, "
    "main colours, materials and search keywords. Never invent details the photos do not show."
)


class OpenAIProvider:
    """The official SDK against OpenAI or any compatible server (`OPENAI_BASE_URL`).

    The SDK retries timeouts, 429 and 5xx with exponential backoff (`OPENAI_MAX_RETRIES`).
    """

    name = "openai"

    def __init__(self, settings: AISettings) -> None:
        self.model = settings.openai_model
        self.client = openai.AsyncOpenAI(
            api_key=settings.openai_api_key,
            base_url=settings.openai_base_url,
            timeout=settings.timeout_seconds,
            max_retries=settings.max_retries,
        )

    async def _complete(self, content: list[dict[str, object]], response_format: Mapping[str, object] | None) -> str:
        request: dict[str, Any] = {"model": self.model, "messages": [{"role": "user", "content": content}]}
        if response_format is not None:
            request["response_format"] = response_format
        try:
            response = await self.client.chat.completions.create(**request)
        except (openai.APIConnectionError, openai.RateLimitError, openai.InternalServerError) as exc:
            raise ProviderUnavailable(f"{type(exc).__name__}: {exc}") from None
        text: str | None = response.choices[0].message.content if response.choices else None
        if not text:
            raise InvalidDraft("the AI gave an empty answer")
        return str(text)

    async def describe_listing(self, images: list[ImageInput]) -> ListingDraft:
        content: list[dict[str, object]] = [{"type": "text", "text": DESCRIBE_PROMPT}]
        for image in images:
            data_url = f"data:{image.content_type};base64,{base64.b64encode(image.data).decode()}"
            content.append({"type": "image_url", "image_url": {"url": data_url}})
        schema = {
            "type": "json_schema",
            "json_schema": {"name": "listing_draft", "strict": True, "schema": draft_json_schema()},
        }
        return parse_draft(await self._complete(content, schema))

    async def score_image(self, image: ImageInput, brief: str) -> float:
        data_url = f"data:{image.content_type};base64,{base64.b64encode(image.data).decode()}"
        schema = {
            "type": "json_schema",
            "json_schema": {
                "name": "image_score",
                "strict": True,
                "schema": {
                    "type": "object",
                    "properties": {"score": {"type": "number"}},
                    "required": ["score"],
                    "additionalProperties": False,
                },
            },
        }
        text = await self._complete(
            [
                {"type": "text", "text": f"Score from 0 to 1 how well this image fits the brief: {brief}"},
                {"type": "image_url", "image_url": {"url": data_url}},
            ],
            schema,
        )
        try:
            score = float(json.loads(text)["score"])
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidDraft(f"the AI answer is not a score: {exc}") from None
        return min(1.0, max(0.0, score))

    async def write_caption(self, brief: str) -> str:
        prompt = (
            "Write one social media post caption for this brief: in its tone, for its audience, at most 2,200 "
            f"characters, a few fitting hashtags at the end. Answer with the caption only.\n{brief}"
        )
        return (await self._complete([{"type": "text", "text": prompt}], None)).strip()

    async def rewrite_message(self, text: str, recipient: str) -> str:
        prompt = (
            "Rewrite this marketplace message to another user so it reads naturally and personally, keeping its "
            "meaning, every name, price and item, its language and about its length. Answer with the message only."
            f"\nRecipient: {recipient}\nMessage: {text}"
        )
        return (await self._complete([{"type": "text", "text": prompt}], None)).strip()

    async def make_image(self, prompt: str) -> bytes:
        try:
            # gpt-image-1 always answers with base64 (it takes no response_format).
            request = f"A square social media picture for this post; no text in it but the brand's name.\n{prompt}"
            result = await self.client.images.generate(model="gpt-image-1", prompt=request, size="1024x1024")
        except (openai.APIConnectionError, openai.RateLimitError, openai.InternalServerError) as exc:
            raise ProviderUnavailable(f"{type(exc).__name__}: {exc}") from None
        except openai.BadRequestError as exc:  # e.g. a prompt its safety system refuses: this image only
            raise InvalidDraft(f"the AI refused to make the image: {exc.message}") from None
        if not result.data or not result.data[0].b64_json:
            raise InvalidDraft("the AI returned no image")
        return base64.b64decode(result.data[0].b64_json)


@lru_cache(maxsize=1)
def _cached_provider(provider: str, key: str | None, base_url: str | None, model: str) -> AIProvider:
    settings = get_settings().ai
    return OpenAIProvider(settings) if provider == "openai" else LocalProvider()


def get_provider() -> AIProvider:
    settings = get_settings().ai
    return _cached_provider(settings.provider, settings.openai_api_key, settings.openai_base_url, settings.openai_model)


__all__ = ["AIProvider", "ImageInput", "InvalidDraft", "ListingDraft", "ProviderUnavailable", "get_provider"]
