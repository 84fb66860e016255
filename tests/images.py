"""Images made on the fly for upload tests."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw


def photo(
    colour: tuple[int, int, int] = (200, 40, 40), size: tuple[int, int] = (640, 480), fmt: str = "JPEG", seed: int = 0
) -> bytes:
    """A picture with some structure (so perceptual hashes differ between seeds)."""
    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    w, h = size
    for i in range(6):
        x = (seed * 37 + i * 101) % max(1, w - w // 4)
        y = (seed * 53 + i * 67) % max(1, h - h // 4)
        shade = ((seed * 29 + i * 40) % 255, (i * 70) % 255, (seed * 11) % 255)
        draw.rectangle([x, y, x + w // 4, y + h // 4], fill=shade)
    out = io.BytesIO()
    image.save(out, format=fmt, quality=92) if fmt != "PNG" else image.save(out, format=fmt)
    return out.getvalue()


def resized(data: bytes, factor: float) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        smaller = image.resize((int(image.width * factor), int(image.height * factor)))
        out = io.BytesIO()
        smaller.save(out, format="JPEG", quality=85)
    return out.getvalue()


def with_exif(data: bytes, orientation: int) -> bytes:
    """The same photo with an EXIF orientation tag and a GPS position."""
    with Image.open(io.BytesIO(data)) as image:
        exif = image.getexif()
        exif[0x0112] = orientation
        gps = exif.get_ifd(0x8825)
        gps[1] = "N"
        gps[2] = (48.0, 51.0, 24.0)
        out = io.BytesIO()
        image.save(out, format="JPEG", exif=exif)
    return out.getvalue()
