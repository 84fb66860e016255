"""The offline provider's captions and pictures: composed from the brief's fields, not written.

A caption is the topic, the details and the audience put together with hashtags from
the brand and topic; a picture is a card with the brand and the topic on a colour
picked from the brand. Same brief in, same caption and the same bytes out.
"""

from __future__ import annotations

import colorsys
import hashlib
import io
import re
import textwrap

from PIL import Image, ImageDraw, ImageFont

from backend.ai.briefs import ContentBrief, parse_brief

CAPTION_LIMIT = 2200
CARD_PX = 1024
LIVELY_TONES = ("playful", "fun", "bold", "excited", "energetic", "cheerful", "enthusiastic")


def _sentence(text: str, lively: bool) -> str:
    text = " ".join(text.split())
    if not text or text[-1] in ".!?…":
        return text
    return text + ("!" if lively else ".")


def _hashtags(brief: ContentBrief) -> list[str]:
    tags: list[str] = []
    brand = re.sub(r"\W+", "", brief.brand)
    if brand:
        tags.append(brand)
    tags += [w for w in re.findall(r"\w+", brief.topic) if len(w) > 3][:4]
    return list(dict.fromkeys(f"#{t.lower()}" for t in tags))


def compose_caption(text: str) -> str:
    brief = parse_brief(text)
    lively = any(word in brief.tone.lower() for word in LIVELY_TONES)
    details = " ".join(brief.details.split())
    headline = brief.topic or details.split(". ")[0] or brief.brand or "Something new"
    parts = [_sentence(headline, lively)]
    if details and details.rstrip(".") != headline.rstrip("."):
        parts.append(_sentence(details[:600], lively=False))
    if brief.audience:
        parts.append(_sentence(f"Made for {brief.audience}", lively=False))
    caption = " ".join(parts)
    tags = " ".join(_hashtags(brief))
    return f"{caption}\n\n{tags}".strip()[:CAPTION_LIMIT] if tags else caption[:CAPTION_LIMIT]


def _colour(seed: str) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """A background from the seed's hash (the same brand, the same colour) and a text colour that reads on it."""
    digest = hashlib.sha256(seed.encode()).digest()
    r, g, b = colorsys.hls_to_rgb(digest[0] / 255, 0.35 + digest[1] / 255 * 0.3, 0.45 + digest[2] / 255 * 0.4)
    background = (round(r * 255), round(g * 255), round(b * 255))
    luminance = 0.2126 * background[0] + 0.7152 * background[1] + 0.0722 * background[2]
    return background, ((20, 20, 25) if luminance > 150 else (250, 250, 250))


def draw_card(prompt: str) -> bytes:
    """A 1024x1024 PNG: the brand at the top, the topic large in the middle, on the brand's colour."""
    brief = parse_brief(prompt)
    headline = brief.topic or " ".join(brief.details.split())[:120] or "New post"
    background, ink = _colour(brief.brand or headline)
    image = Image.new("RGB", (CARD_PX, CARD_PX), background)
    draw = ImageDraw.Draw(image)
    margin = 80
    draw.rectangle([margin, margin + 110, CARD_PX - margin, margin + 116], fill=ink)
    if brief.brand:
        draw.text((margin, margin), brief.brand[:40], font=ImageFont.load_default(size=72), fill=ink)
    lines = textwrap.wrap(headline, width=22)[:6]
    font = ImageFont.load_default(size=76)
    top = CARD_PX // 2 - len(lines) * 48
    for i, line in enumerate(lines):
        draw.text((margin, top + i * 96), line, font=font, fill=ink)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
