"""Each validation level's checks on crafted images: what passes, and the plain reason for what does not."""

from __future__ import annotations

import io
import random

import pytest
from PIL import Image, ImageDraw, ImageFilter

from backend.collect.checks import inspect
from backend.media.images import hash_distance


def _scene(seed: int = 1, size: tuple[int, int] = (800, 600)) -> Image.Image:
    """A busy picture: shapes and lines in many colours, edges everywhere (sharp)."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test images
    image = Image.new("RGB", size, (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    draw = ImageDraw.Draw(image)
    for _ in range(120):
        x, y, r = rng.randrange(size[0]), rng.randrange(size[1]), rng.randrange(5, 80)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)([x, y, x + r, y + r], fill=colour)
    for _ in range(60):
        points = [rng.randrange(size[0]), rng.randrange(size[1]), rng.randrange(size[0]), rng.randrange(size[1])]
        draw.line(points, fill=(0, 0, 0), width=2)
    return image


def _bytes(image: Image.Image, fmt: str = "JPEG", quality: int = 92) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, quality=quality) if fmt in {"JPEG", "WEBP"} else image.save(out, format=fmt)
    return out.getvalue()


def test_a_sharp_photo_passes_every_level() -> None:
    data = _bytes(_scene())
    for level in ("fast", "medium", "thorough"):
        facts = inspect(data, level)
        assert facts.passed, facts.problems
        assert (facts.width, facts.height, facts.format) == (800, 600, "JPEG")
        assert facts.size_bytes == len(data)
        assert len(facts.sha256) == 64
        assert len(facts.phash) == 16
        assert facts.aspect == pytest.approx(800 / 600)
    medium = inspect(data, "medium")
    assert medium.sharpness is not None
    assert medium.sharpness > 60
    assert medium.blank is False
    assert medium.low_information is False
    assert inspect(data, "fast").sharpness is None  # fast does not measure it


def test_tiny_is_refused_at_every_level() -> None:
    facts = inspect(_bytes(_scene(size=(120, 90))), "fast")
    assert facts.problems == ["smaller than 256×256 (120×90)"]


def test_blurred_fails_medium_but_not_fast() -> None:
    blurred = _bytes(_scene().filter(ImageFilter.GaussianBlur(4)))
    assert inspect(blurred, "fast").passed
    facts = inspect(blurred, "medium")
    assert facts.sharpness is not None
    assert facts.sharpness < 60
    assert len(facts.problems) == 1
    assert facts.problems[0].startswith("blurry (sharpness ")
    assert facts.problems[0].endswith(" < 60)")
    assert not inspect(blurred, "thorough").passed


@pytest.mark.parametrize("kind", ["one colour", "two colours", "faint noise"])
def test_nearly_blank_fails_medium(kind: str) -> None:
    image = Image.new("RGB", (640, 480), (240, 240, 240))
    draw = ImageDraw.Draw(image)
    if kind == "two colours":
        draw.rectangle([0, 0, 320, 480], fill=(10, 10, 10))
    elif kind == "faint noise":
        rng = random.Random(3)  # noqa: S311 - reproducible test images
        for _ in range(4000):
            draw.point((rng.randrange(640), rng.randrange(480)), fill=(236, 238, 241))
    facts = inspect(_bytes(image, "PNG"), "medium")
    assert facts.blank is True
    assert facts.problems == ["nearly blank"]  # not also "blurry": one reason is clearer
    assert inspect(_bytes(image, "PNG"), "fast").passed  # fast does not look for it


def test_too_wide_fails_medium() -> None:
    facts = inspect(_bytes(_scene(size=(1600, 300))), "medium")
    assert facts.problems == ["too narrow or too wide (aspect 5.3:1 > 3:1)"]


def test_wrong_format_and_not_an_image() -> None:
    gif = inspect(_bytes(_scene(), "GIF"), "fast")
    assert gif.problems == ["unsupported format GIF; JPEG, PNG or WebP expected"]
    assert (gif.format, gif.width, gif.height, gif.phash) == ("GIF", 800, 600, "")
    text = inspect(b"<html>not a picture</html>" * 10, "fast")
    assert text.problems == ["not an image"]
    assert text.format == ""
    assert len(text.sha256) == 64


def test_truncated_file_is_damaged() -> None:
    data = _bytes(_scene(), "PNG")
    facts = inspect(data[: len(data) // 2], "fast")
    assert len(facts.problems) == 1
    assert facts.problems[0].startswith("damaged or incomplete")


def test_decompression_bomb_and_oversized_file(override_env: object) -> None:
    bomb = io.BytesIO()
    Image.new("1", (20000, 20000)).save(bomb, format="PNG")  # 400 megapixels in a small file
    facts = inspect(bomb.getvalue(), "fast")
    assert len(facts.problems) == 1
    assert "too many pixels" in facts.problems[0]
    override_env(COLLECT_MAX_IMAGE_BYTES="2048")  # type: ignore[operator]
    big = inspect(_bytes(_scene()), "fast")
    assert big.problems == ["larger than 2 KB"]
    assert big.phash == ""


def test_reencoded_copy_has_a_close_phash_and_another_picture_does_not() -> None:
    original = inspect(_bytes(_scene(seed=5)), "fast")
    copy = inspect(_bytes(_scene(seed=5).resize((640, 480)), "WEBP", quality=50), "fast")
    other = inspect(_bytes(_scene(seed=6)), "fast")
    assert copy.sha256 != original.sha256
    assert hash_distance(original.phash, copy.phash) <= 6
    assert hash_distance(original.phash, other.phash) > 12


def test_unknown_level_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown validation level"):
        inspect(_bytes(_scene()), "slow")  # type: ignore[arg-type]
