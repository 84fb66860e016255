"""Repeats found through the near-duplicate index: re-encoded copies, rows other processes wrote or deleted."""

from __future__ import annotations

import io
import uuid

import httpx
import imagehash
from PIL import Image

from backend.media import service as media
from backend.media.tables import MediaFile
from tests.helpers import Account, register
from tests.images import photo


def _reencoded(data: bytes, fmt: str, quality: int = 60) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        out = io.BytesIO()
        image.convert("RGB").save(out, format=fmt, quality=quality)
    return out.getvalue()


async def _upload(client: httpx.AsyncClient, account: Account, name: str, data: bytes) -> dict[str, str | None]:
    kind = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}[name.rsplit(".", 1)[1]]
    response = await client.post("/api/v1/media", headers=account.headers, files=[("files", (name, data, kind))])
    assert response.status_code == 201, response.text
    item: dict[str, str | None] = response.json()["items"][0]
    return item


async def test_reencoded_copies_are_repeats_of_the_first(client: httpx.AsyncClient) -> None:
    account = await register(client)
    original = photo(seed=21)
    first = await _upload(client, account, "a.jpg", original)
    other = await _upload(client, account, "b.jpg", photo(colour=(30, 160, 60), seed=77))
    for name, data in (("a.webp", _reencoded(original, "WEBP")), ("a-low.jpg", _reencoded(original, "JPEG", 35))):
        assert (await _upload(client, account, name, data))["duplicate_of"] == first["id"]
    assert other["duplicate_of"] is None
    # The door answers the distance, nearest first, for the workspace's own media only.
    phash = str(imagehash.phash(Image.open(io.BytesIO(original))))
    found = await media.near_duplicates(uuid.UUID(account.workspace_id), phash, 8)
    assert found[0][0] == uuid.UUID(str(first["id"]))
    assert all(d <= 8 for _, d in found)
    assert await media.near_duplicates(uuid.uuid4(), phash, 8) == []


async def test_a_row_another_process_wrote_is_seen_on_the_next_upload(client: httpx.AsyncClient) -> None:
    account = await register(client)
    workspace = uuid.UUID(account.workspace_id)
    await _upload(client, account, "warm.jpg", photo(seed=3))  # the index is loaded and held now
    theirs = photo(colour=(40, 40, 200), seed=42)
    their_id = uuid.uuid4()
    await MediaFile.insert(
        MediaFile(
            id=their_id,
            workspace=workspace,
            original_name="theirs.jpg",
            content_type="image/jpeg",
            sha256="0" * 64,
            storage_key="elsewhere",
            thumbnail_key="elsewhere",
            width=640,
            height=480,
            size_bytes=len(theirs),
            phash=str(imagehash.phash(Image.open(io.BytesIO(theirs)))),
        )
    )
    again = await _upload(client, account, "mine.webp", _reencoded(theirs, "WEBP"))
    assert again["duplicate_of"] == str(their_id)


async def test_a_deleted_photo_is_not_named_as_the_earlier_copy(client: httpx.AsyncClient) -> None:
    account = await register(client)
    original = photo(seed=55)
    first = await _upload(client, account, "a.jpg", original)
    await MediaFile.delete().where(MediaFile.id == uuid.UUID(str(first["id"])))  # by another process
    again = await _upload(client, account, "a-again.webp", _reencoded(original, "WEBP"))
    assert again["duplicate_of"] is None
    third = await _upload(client, account, "a-third.jpg", _reencoded(original, "JPEG", 50))
    assert third["duplicate_of"] == again["id"]


def _nearly_flat(colour: tuple[int, int, int], seed: int) -> bytes:
    """One colour with a faint speckle: too little for a pHash to mean anything, but not a flat pHash."""
    image = Image.new("RGB", (320, 240), colour)
    pixels = image.load()
    assert pixels is not None
    for i in range(60):
        x, y = (seed * 31 + i * 47) % 320, (seed * 17 + i * 29) % 240
        pixels[x, y] = tuple(min(255, c + 6) for c in colour)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


async def test_nearly_flat_pictures_repeat_only_the_same_bytes(client: httpx.AsyncClient) -> None:
    account = await register(client)
    pale = await _upload(client, account, "pale.png", _nearly_flat((230, 230, 225), seed=1))
    other = await _upload(client, account, "pale-2.png", _nearly_flat((230, 230, 225), seed=2))
    assert other["duplicate_of"] is None
    again = await _upload(client, account, "pale-copy.png", _nearly_flat((230, 230, 225), seed=1))
    assert again["duplicate_of"] == pale["id"]
