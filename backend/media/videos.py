"""Recognising an uploaded video by its first bytes (never its name or the client's content type).

Videos are stored as sent: no decoding, no perceptual hash (a repeat is only the same
bytes), no frame grabbed for a thumbnail — they all share one placeholder picture.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw

# ISO base media (MP4, QuickTime): a box `size(4) type(4)`; a modern file opens with `ftyp`
# and its major brand. Brands of audio-only or still-image files in the same container are
# not videos.
AUDIO_OR_STILL_BRANDS = {b"M4A ", b"M4B ", b"M4P ", b"heic", b"heix", b"mif1", b"msf1", b"avif", b"avis"}
# Older QuickTime files open with one of these boxes instead of `ftyp`.
QUICKTIME_FIRST_BOXES = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}
EBML_MAGIC = b"\x1a\x45\xdf\xa3"  # Matroska and WebM


@dataclass(frozen=True)
class VideoKind:
    content_type: str
    extension: str


MP4 = VideoKind("video/mp4", "mp4")
QUICKTIME = VideoKind("video/quicktime", "mov")
WEBM = VideoKind("video/webm", "webm")


class VideoRejected(Exception):
    """Looks like a container we know, but not a video we accept; the message says why."""


def identify_video(raw: bytes) -> VideoKind | None:
    """The video kind the bytes are, None when they are not a video container at all."""
    head = raw[:64]
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in AUDIO_OR_STILL_BRANDS:
            raise VideoRejected(f"an {brand.decode(errors='replace').strip()} file is not a video")
        return QUICKTIME if brand == b"qt  " else MP4
    if len(head) >= 8 and head[4:8] in QUICKTIME_FIRST_BOXES:
        return QUICKTIME
    if head.startswith(EBML_MAGIC):
        # The EBML header names its document type near the start: WebM, or other Matroska (refused).
        if b"webm" in raw[:256]:
            return WEBM
        raise VideoRejected("Matroska (MKV) videos are not accepted; use MP4, WebM or MOV")
    return None


@lru_cache(maxsize=4)
def placeholder_thumbnail(size: int) -> bytes:
    """A dark square with a play triangle: what a video's thumbnail shows (the same bytes every time)."""
    image = Image.new("RGB", (size, size), (38, 42, 51))
    third = size // 3
    ImageDraw.Draw(image).polygon(
        [(third + size // 12, third), (third + size // 12, 2 * third), (2 * third + size // 12, size // 2)],
        fill=(235, 235, 240),
    )
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()
