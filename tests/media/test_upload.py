"""Uploads: checked by content, normalised, de-duplicated, private to the workspace."""

from __future__ import annotations

import io
from typing import Any

import httpx
import pytest
from PIL import Image

from backend.media.tables import MediaFile
from tests.helpers import register
from tests.images import photo, resized, with_exif


def _files(*items: tuple[str, bytes, str]) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (name, data, content_type)) for name, data, content_type in items]


async def _upload(client: httpx.AsyncClient, headers: dict[str, str], *items: tuple[str, bytes, str]) -> httpx.Response:
    return await client.post("/api/v1/media", headers=headers, files=_files(*items))


def _huge_png() -> bytes:
    # 20000 x 20000 of one colour compresses to a small file: a classic bomb.
    image = Image.new("1", (20000, 20000))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("case", "status", "words"),
    [
        ("text-named-jpg", 400, "not an image"),
        ("truncated-jpeg", 400, "damaged or incomplete"),
        ("huge-dimensions", 400, "too large"),
        ("oversized-file", 413, "limit"),
        ("gif", 400, "not accepted"),
    ],
)
async def test_bad_files_are_refused_and_nothing_is_stored(
    client: httpx.AsyncClient, override_env: Any, case: str, status: int, words: str
) -> None:
    account = await register(client)
    good = photo(seed=1)
    bad = {
        "text-named-jpg": ("notes.jpg", b"just some text, honestly " * 20, "image/jpeg"),
        "truncated-jpeg": ("cut.jpg", good[: len(good) // 2], "image/jpeg"),
        "huge-dimensions": ("huge.png", _huge_png(), "image/png"),
        "oversized-file": ("big.jpg", photo(size=(3000, 3000), seed=3), "image/jpeg"),
        "gif": ("anim.gif", _gif(), "image/gif"),
    }[case]
    if case == "oversized-file":
        override_env(MEDIA_MAX_FILE_BYTES=str(len(bad[1]) - 1))
    response = await _upload(client, account.headers, ("good.jpg", good, "image/jpeg"), bad)
    assert response.status_code == status, response.text
    detail = response.json()["detail"]
    assert words in detail
    assert bad[0] in detail  # names the file
    assert await MediaFile.count() == 0  # all or nothing: the good one is not stored either


def _gif() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="GIF")
    return out.getvalue()


async def test_zero_files_is_a_400(client: httpx.AsyncClient) -> None:
    account = await register(client)
    response = await client.post(
        "/api/v1/media", headers=account.headers, files={"other": ("x.txt", b"x", "text/plain")}
    )
    assert response.status_code == 400
    assert "at least one image" in response.json()["detail"]


async def test_orientation_applied_gps_stripped_thumbnail_made(client: httpx.AsyncClient) -> None:
    account = await register(client)
    original = with_exif(photo(size=(640, 480), seed=4), orientation=6)  # "rotate 90° to view"
    response = await _upload(client, account.headers, ("IMG_1234.jpg", original, "image/jpeg"))
    assert response.status_code == 201, response.text
    item = response.json()["items"][0]
    assert (item["width"], item["height"]) == (480, 640)
    assert item["content_type"] == "image/jpeg"
    stored = await client.get(item["file_url"], headers=account.headers)
    assert stored.status_code == 200
    with Image.open(io.BytesIO(stored.content)) as image:
        exif = image.getexif()
        assert 0x0112 not in exif
        assert not exif.get_ifd(0x8825)  # no GPS
        assert image.size == (480, 640)
    thumb = await client.get(item["thumbnail_url"], headers=account.headers)
    assert thumb.headers["content-type"] == "image/jpeg"
    with Image.open(io.BytesIO(thumb.content)) as image:
        assert max(image.size) == 400


async def test_repeats_are_flagged_with_the_earlier_photo(client: httpx.AsyncClient) -> None:
    account = await register(client)
    first_bytes = photo(seed=7)
    first = (await _upload(client, account.headers, ("a.jpg", first_bytes, "image/jpeg"))).json()["items"][0]
    assert first["duplicate_of"] is None
    again = (await _upload(client, account.headers, ("a-again.jpg", first_bytes, "image/jpeg"))).json()["items"][0]
    assert again["duplicate_of"] == first["id"]
    smaller = (await _upload(client, account.headers, ("a-small.jpg", resized(first_bytes, 0.5), "image/jpeg"))).json()
    assert smaller["items"][0]["duplicate_of"] == first["id"]
    different = (
        await _upload(client, account.headers, ("b.jpg", photo(colour=(20, 90, 200), seed=99), "image/jpeg"))
    ).json()
    assert different["items"][0]["duplicate_of"] is None
    # Another workspace's identical photo is not "a repeat" there.
    other = await register(client)
    theirs = (await _upload(client, other.headers, ("a.jpg", first_bytes, "image/jpeg"))).json()["items"][0]
    assert theirs["duplicate_of"] is None


async def test_another_workspaces_media_is_404(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    other = await register(client)
    item = (await _upload(client, owner.headers, ("a.jpg", photo(seed=8), "image/jpeg"))).json()["items"][0]
    for path in (f"/api/v1/media/{item['id']}", item["file_url"], item["thumbnail_url"]):
        assert (await client.get(path, headers=other.headers)).status_code == 404
        assert (await client.get(path, headers=owner.headers)).status_code == 200


def _flat(colour: tuple[int, int, int], fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), colour).save(out, format=fmt)
    return out.getvalue()


async def test_flat_images_are_repeats_only_of_the_same_image(client: httpx.AsyncClient) -> None:
    # Every one-colour picture has the same perceptual hash, so it alone cannot tell them apart.
    account = await register(client)
    red = (await _upload(client, account.headers, ("red.png", _flat((220, 20, 20)), "image/png"))).json()["items"][0]
    blue = (await _upload(client, account.headers, ("blue.png", _flat((20, 20, 220)), "image/png"))).json()["items"][0]
    grey = (await _upload(client, account.headers, ("grey.jpg", _flat((128, 128, 128), "JPEG"), "image/jpeg"))).json()
    assert red["duplicate_of"] is None
    assert blue["duplicate_of"] is None
    assert grey["items"][0]["duplicate_of"] is None
    again = (await _upload(client, account.headers, ("red-2.png", _flat((220, 20, 20)), "image/png"))).json()
    assert again["items"][0]["duplicate_of"] == red["id"]
    # A real photo is never called a repeat of a flat one, nor the other way round.
    real = (await _upload(client, account.headers, ("p.jpg", photo(seed=5), "image/jpeg"))).json()["items"][0]
    assert real["duplicate_of"] is None
