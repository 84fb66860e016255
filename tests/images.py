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


def video(kind: str = "mp4", seed: int = 0, size: int = 4096) -> bytes:
    """The opening bytes of a real container of `kind` (mp4, mov, webm) padded to `size`: the upload
    checks what a file is by these bytes only, so no codec is needed."""
    heads = {
        # ftyp box: size 24, major brand, minor version, compatible brands
        "mp4": b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2",
        "mov": b"\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00qt  ",
        # EBML header naming its DocType "webm"
        "webm": b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08\x42\x82\x84webm",
    }
    head = heads[kind]
    body = bytes((seed * 31 + i * 7) % 256 for i in range(size - len(head)))
    return head + body
