"""Checking and normalising an uploaded image with Pillow (CPU work: call from a thread)."""

from __future__ import annotations

import io
from dataclasses import dataclass

import imagehash
from PIL import Image, ImageOps, ImageStat, UnidentifiedImageError

ACCEPTED = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}


# Below this spread of grey levels (0-255) at the perceptual hash's own 32x32
# scale, a picture is nearly one colour: its pHash is only the DC bit (every
# flat image hashes to 8000000000000000) or noise, so it says nothing.
LOW_INFORMATION_STDDEV = 4.0
FLAT_PHASH = "8000000000000000"


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
    low_information: bool
    """Nearly one colour: only an exact copy counts as a repeat (its pHash matches any flat image)."""


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
        raise ImageRejected("not an image or a video (JPEG, PNG, WebP, MP4, WebM or MOV expected)") from None
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
        phash=perceptual_hash(upright),
        low_information=is_low_information(upright),
    )


def perceptual_hash(image: Image.Image) -> str:
    """The 64-bit pHash as 16 hex digits, of the image as it is shown (EXIF orientation applied)."""
    return str(imagehash.phash(image))


def is_low_information(image: Image.Image) -> bool:
    small = image.convert("L").resize((32, 32), Image.Resampling.LANCZOS)
    return float(ImageStat.Stat(small).stddev[0]) < LOW_INFORMATION_STDDEV


def hash_distance(a: str, b: str) -> int:
    return int(imagehash.hex_to_hash(a) - imagehash.hex_to_hash(b))


def same_picture(sha_a: str, phash_a: str, low_information_a: bool, sha_b: str, phash_b: str, distance: int) -> bool:
    """Whether image a repeats image b: the same bytes, or (for pictures with content) close pHashes.

    A flat or nearly flat picture is a repeat only of the same bytes; an earlier
    image whose pHash is the flat one is never matched by pHash either.
    """
    if sha_a == sha_b:
        return True
    if low_information_a or phash_b == FLAT_PHASH:
        return False
    return hash_distance(phash_a, phash_b) <= distance
