"""AI providers behind one protocol: `openai` (any OpenAI-compatible server) and `local` (offline)."""

from __future__ import annotations

import base64
import colorsys
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol, cast

import openai
from PIL import Image, ImageDraw, ImageFilter, ImageStat

from backend.ai.schemas import InvalidDraft, ListingDraft, draft_json_schema, parse_draft
from backend.settings import AISettings, get_settings


@dataclass(frozen=True)
class ImageInput:
    data: bytes
    content_type: str
    name: str = ""


class ProviderUnavailable(Exception):
    """The provider could not be reached or kept failing after its retries (worth trying later)."""


class AIProvider(Protocol):
    name: str

    async def describe_listing(self, images: list[ImageInput]) -> ListingDraft: ...

    async def score_image(self, image: ImageInput, brief: str) -> float: ...

    async def write_caption(self, brief: str) -> str: ...

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
        return (
            await self._complete([{"type": "text", "text": f"Write a short social caption for: {brief}"}], None)
        ).strip()

    async def make_image(self, prompt: str) -> bytes:
        try:
            result = await self.client.images.generate(model="gpt-image-1", prompt=prompt, size="1024x1024")
        except (openai.APIConnectionError, openai.RateLimitError, openai.InternalServerError) as exc:
            raise ProviderUnavailable(f"{type(exc).__name__}: {exc}") from None
        if not result.data or not result.data[0].b64_json:
            raise InvalidDraft("the AI returned no image")
        return base64.b64decode(result.data[0].b64_json)


COLOUR_NAMES = [
    (0, "red"),
    (25, "orange"),
    (50, "yellow"),
    (90, "green"),
    (180, "cyan"),
    (220, "blue"),
    (275, "purple"),
    (320, "pink"),
    (360, "red"),
]


def _colour_name(rgb: tuple[int, int, int]) -> str:
    r, g, b = (c / 255 for c in rgb)
    hue, lightness, saturation = colorsys.rgb_to_hls(r, g, b)
    if lightness > 0.85:
        return "white"
    if lightness < 0.15:
        return "black"
    if saturation < 0.2:
        return "grey"
    degrees = hue * 360
    return min(COLOUR_NAMES, key=lambda c: abs(c[0] - degrees))[1]


class LocalProvider:
    """Offline and deterministic, so everything runs without a network. It is honest about being basic:
    colours and orientation from the pixels, words from the file name; price and category are placeholders
    for the seller to set."""

    name = "local"

    async def describe_listing(self, images: list[ImageInput]) -> ListingDraft:
        colours: list[str] = []
        orientations = set()
        for image in images:
            with Image.open(io.BytesIO(image.data)) as im:
                small = im.convert("RGB").resize((32, 32))
                orientations.add(
                    "portrait" if im.height > im.width else "landscape" if im.width > im.height else "square"
                )
            counts = small.getcolors(32 * 32) or []
            for _, rgb in sorted(counts, reverse=True)[:50]:
                name = _colour_name(cast("tuple[int, int, int]", rgb))
                if name not in colours:
                    colours.append(name)
        words = [w for image in images for w in re.split(r"[^A-Za-z0-9]+", image.name.rsplit(".", 1)[0]) if len(w) > 2]
        words = [w for w in words if not w.isdigit() and w.lower() not in {"img", "dsc", "photo", "image", "jpg"}]
        title_words = " ".join(dict.fromkeys(w.capitalize() for w in words)) or "Item"
        main_colour = colours[0] if colours else ""
        title = f"{title_words} ({main_colour})" if main_colour else title_words
        return ListingDraft(
            title=title[:100],
            description=(
                f"{title_words}. Main colours: {', '.join(colours[:3]) or 'unknown'}. "
                f"{len(images)} photo(s), {', '.join(sorted(orientations))}. "
                "Drafted offline from the photos' colours and file names: check the details, price and category."
            ),
            price=0.0,
            currency="EUR",
            category="Other",
            brand=None,
            size=None,
            condition="good",
            colours=colours[:5],
            materials=[],
            keywords=[w.lower() for w in dict.fromkeys(words)][:20],
        )

    async def score_image(self, image: ImageInput, brief: str) -> float:
        """Sharpness and contrast only: the brief is not understood offline."""
        with Image.open(io.BytesIO(image.data)) as im:
            grey = im.convert("L").resize((256, 256))
        edges = ImageStat.Stat(grey.filter(ImageFilter.FIND_EDGES)).mean[0] / 255
        contrast = ImageStat.Stat(grey).stddev[0] / 128
        return round(min(1.0, 0.5 * min(1.0, edges * 4) + 0.5 * min(1.0, contrast)), 4)

    async def write_caption(self, brief: str) -> str:
        words = [w for w in re.split(r"\s+", brief.strip()) if w]
        tags = " ".join(f"#{w.lower().strip('#,.!')}" for w in words[:5] if len(w) > 3)
        return f"{brief.strip()} {tags}".strip()

    async def make_image(self, prompt: str) -> bytes:
        """A plain card with the prompt's text: a placeholder, not a generated picture."""
        image = Image.new("RGB", (1024, 1024), (240, 240, 240))
        ImageDraw.Draw(image).multiline_text(
            (40, 40), "\n".join(re.findall(r".{1,40}(?:\s|$)", prompt))[:800], fill=(30, 30, 30)
        )
        out = io.BytesIO()
        image.save(out, format="PNG")
        return out.getvalue()


@lru_cache(maxsize=1)
def _cached_provider(provider: str, key: str | None, base_url: str | None, model: str) -> AIProvider:
    settings = get_settings().ai
    return OpenAIProvider(settings) if provider == "openai" else LocalProvider()


def get_provider() -> AIProvider:
    settings = get_settings().ai
    return _cached_provider(settings.provider, settings.openai_api_key, settings.openai_base_url, settings.openai_model)


__all__ = ["AIProvider", "ImageInput", "InvalidDraft", "ListingDraft", "ProviderUnavailable", "get_provider"]
