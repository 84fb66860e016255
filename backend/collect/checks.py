"""What a collected image is and what is wrong with it, at a validation level (pure: no database, no I/O).

CPU work (decoding, hashing, a Laplacian): call `inspect` from a thread. The duplicate
checks (same sha256, a pHash within the collection's distance) and the AI score of
`thorough` need the collection's other images and the provider, so the caller does those
with the facts found here.

- fast: decodes (refusing decompression bombs and truncated files), size in bytes and
  pixels, format (JPEG, PNG, WebP), minimum width and height, sha256 and pHash;
- medium: + sharpness (variance of the Laplacian on a downscaled grey copy: edges make
  it large, blur flattens it), aspect ratio bounds, nearly blank (a tiny grey-level
  spread or a handful of colours);
- thorough: the same facts as medium.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass, field
from typing import Literal, get_args

import numpy as np
from PIL import Image, ImageOps, ImageStat, UnidentifiedImageError

from backend.media import service as media
from backend.settings import CollectSettings, get_settings

Level = Literal["fast", "medium", "thorough"]
LEVELS: tuple[str, ...] = get_args(Level)
FORMATS = ("JPEG", "PNG", "WEBP")


@dataclass(frozen=True)
class ImageFacts:
    width: int
    height: int
    format: str
    """Pillow's name for what the bytes are ("JPEG", "PNG", "WEBP", "GIF"…); "" when not an image."""
    size_bytes: int
    sha256: str
    phash: str
    """64-bit perceptual hash as 16 hex digits; "" when the image could not be decoded."""
    aspect: float
    """width / height (0 when unknown)."""
    sharpness: float | None = None
    """Variance of the Laplacian (medium and thorough)."""
    blank: bool | None = None
    """Nearly blank (medium and thorough)."""
    low_information: bool = False
    """Nearly one colour at the pHash's scale: a repeat only of the same bytes, never by pHash."""
    problems: list[str] = field(default_factory=list)
    """Plain reasons it fails, e.g. "smaller than 256×256 (120×90)"; empty when it passes."""

    @property
    def passed(self) -> bool:
        return not self.problems


def inspect(data: bytes, level: Level, settings: CollectSettings | None = None) -> ImageFacts:
    """The facts about `data` at `level`, and every check it fails (see the module docstring)."""
    if level not in LEVELS:
        raise ValueError(f"unknown validation level {level!r}; use one of {', '.join(LEVELS)}")
    limits = settings or get_settings().collect
    max_pixels = get_settings().media.max_pixels
    facts = _Bytes(len(data), hashlib.sha256(data).hexdigest())
    if len(data) > limits.max_image_bytes:
        return _refused(facts, f"larger than {_amount(limits.max_image_bytes)}")
    try:
        # Pillow warns (or raises past twice its own limit) on huge images; ours is checked below.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                kind, (width, height) = probe.format or "", probe.size
                if kind in FORMATS and width * height <= max_pixels:
                    probe.load()  # decodes everything: a truncated file fails here
                    upright = ImageOps.exif_transpose(probe)
    except Image.DecompressionBombError:
        return _refused(facts, f"too many pixels (the limit is {max_pixels // 1_000_000} megapixels)")
    except UnidentifiedImageError:
        return _refused(facts, "not an image")
    except (OSError, SyntaxError, ValueError) as exc:
        return _refused(facts, f"damaged or incomplete ({exc})")
    if kind not in FORMATS:
        return _refused(facts, f"unsupported format {kind}; JPEG, PNG or WebP expected", kind, width, height)
    if width * height > max_pixels:
        return _refused(
            facts, f"{width}×{height} is too many pixels (the limit is {max_pixels // 1_000_000} megapixels)"
        )
    return _checked(upright, kind, level, limits, facts)


def _amount(size: int) -> str:
    return f"{size / 1024 / 1024:g} MB" if size >= 1024 * 1024 else f"{size / 1024:g} KB"


@dataclass(frozen=True)
class _Bytes:
    size: int
    sha256: str


def _refused(facts: _Bytes, problem: str, kind: str = "", width: int = 0, height: int = 0) -> ImageFacts:
    return ImageFacts(
        width=width,
        height=height,
        format=kind,
        size_bytes=facts.size,
        sha256=facts.sha256,
        phash="",
        aspect=width / height if height else 0.0,
        problems=[problem],
    )


def _checked(image: Image.Image, kind: str, level: Level, limits: CollectSettings, facts: _Bytes) -> ImageFacts:
    width, height = image.size
    problems = []
    if width < limits.min_width or height < limits.min_height:
        problems.append(f"smaller than {limits.min_width}×{limits.min_height} ({width}×{height})")
    phash, low_information = media.picture_hash(image)
    sharpness: float | None = None
    blank: bool | None = None
    if level != "fast":
        grey = image.convert("L")
        blank = _nearly_blank(image, grey, limits)
        sharpness = laplacian_variance(grey, limits.sharpness_px)
        if blank:
            problems.append("nearly blank")
        elif sharpness < limits.min_sharpness:
            # A blank image is also "blurry"; one reason is clearer than two.
            problems.append(f"blurry (sharpness {sharpness:.0f} < {limits.min_sharpness:.0f})")
        ratio = max(width, height) / min(width, height)
        if ratio > limits.max_aspect:
            problems.append(f"too narrow or too wide (aspect {ratio:.1f}:1 > {limits.max_aspect:g}:1)")
    return ImageFacts(
        width=width,
        height=height,
        format=kind,
        phash=phash,
        aspect=width / height,
        sharpness=sharpness,
        blank=blank,
        low_information=low_information,
        problems=problems,
        size_bytes=facts.size,
        sha256=facts.sha256,
    )


def laplacian_variance(grey: Image.Image, max_side: int) -> float:
    """Variance of the 4-neighbour Laplacian on `grey` scaled so its longest side is at most
    `max_side`: the same photo scores the same at any resolution, and large images stay cheap."""
    small = grey.copy()
    small.thumbnail((max_side, max_side), Image.Resampling.BILINEAR)
    a = np.asarray(small, dtype=np.float32)
    if a.shape[0] < 3 or a.shape[1] < 3:
        return 0.0
    laplacian = a[1:-1, :-2] + a[1:-1, 2:] + a[:-2, 1:-1] + a[2:, 1:-1] - 4 * a[1:-1, 1:-1]
    return float(laplacian.var())


def _nearly_blank(image: Image.Image, grey: Image.Image, limits: CollectSettings) -> bool:
    if float(ImageStat.Stat(grey).stddev[0]) < limits.blank_stddev:
        return True
    # getcolors answers None as soon as there are more colours than asked for: cheap on photos.
    return image.convert("RGB").getcolors(limits.blank_max_colours) is not None
