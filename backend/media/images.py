"""Checking and normalising an uploaded image with Pillow (CPU work: call from a thread)."""

from __future__ import annotations

import io
from dataclasses import dataclass

import imagehash
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}


class ImageRejected(Exception):
    """The file is not an image we accept; the message says why."""


@dataclass(frozen=True)
class NormalisedImage:
    data: bytes
    content_type: str
    extension: str
    width: int
    height: int
    thumbnail: bytes
    phash: str


def normalise(raw: bytes, max_pixels: int, thumbnail_px: int) -> NormalisedImage:
    """Identify by content (never the name), refuse bombs and broken files, apply the EXIF
    orientation and re-encode without metadata (so GPS and camera data are gone)."""
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            kind = probe.format or ""
            width, height = probe.size
    except Image.DecompressionBombError:
        raise ImageRejected(f"too large: too many pixels; the limit is {max_pixels // 1_000_000} megapixels") from None
    except (UnidentifiedImageError, OSError):
        raise ImageRejected("not an image (JPEG, PNG or WebP expected)") from None
    if kind not in ACCEPTED:
        raise ImageRejected(f"{kind or 'this'} images are not accepted; use JPEG, PNG or WebP")
    if width * height > max_pixels:
        raise ImageRejected(f"{width}×{height} pixels is too large; the limit is {max_pixels // 1_000_000} megapixels")
    try:
        with Image.open(io.BytesIO(raw)) as image:
            image.load()  # decodes everything: a truncated file fails here
            upright = ImageOps.exif_transpose(image)
    except (OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ImageRejected(f"the image is damaged or incomplete ({exc})") from None
    content_type, extension = ACCEPTED[kind]
    if kind == "JPEG" and upright.mode not in ("RGB", "L"):
        upright = upright.convert("RGB")
    out = io.BytesIO()
    # No exif= argument: the saved file carries no EXIF (GPS included).
    upright.save(out, format=kind, quality=90) if kind != "PNG" else upright.save(out, format=kind, optimize=True)
    thumb = upright.convert("RGB")
    thumb.thumbnail((thumbnail_px, thumbnail_px))
    thumb_out = io.BytesIO()
    thumb.save(thumb_out, format="JPEG", quality=80)
    return NormalisedImage(
        data=out.getvalue(),
        content_type=content_type,
        extension=extension,
        width=upright.width,
        height=upright.height,
        thumbnail=thumb_out.getvalue(),
        phash=str(imagehash.phash(upright)),
    )


def hash_distance(a: str, b: str) -> int:
    return int(imagehash.hex_to_hash(a) - imagehash.hex_to_hash(b))
