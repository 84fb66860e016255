"""Video uploads: recognised by their first bytes, stored as sent, a placeholder for a thumbnail."""

from __future__ import annotations

import io
from typing import Any

import httpx
import pytest
from PIL import Image

from backend.media.tables import MediaFile
from tests.helpers import register
from tests.images import photo, video


async def _upload(client: httpx.AsyncClient, headers: dict[str, str], *items: tuple[str, bytes, str]) -> httpx.Response:
    return await client.post("/api/v1/media", headers=headers, files=[("files", item) for item in items])


@pytest.mark.parametrize(
    ("kind", "sent_as", "content_type"),
    [
        ("mp4", "video/mp4", "video/mp4"),
        ("webm", "video/webm", "video/webm"),
        ("mov", "application/octet-stream", "video/quicktime"),
    ],
)
async def test_a_video_is_stored_as_sent_with_a_placeholder_thumbnail(
    client: httpx.AsyncClient, kind: str, sent_as: str, content_type: str
) -> None:
    account = await register(client)
    data = video(kind, seed=1)
    response = await _upload(client, account.headers, (f"clip.{kind}", data, sent_as))
    assert response.status_code == 201, response.text
    [item] = response.json()["items"]
    assert item["kind"] == "video"
    assert item["content_type"] == content_type  # from the bytes, not what the client said
    assert (item["width"], item["height"], item["size_bytes"]) == (0, 0, len(data))
    stored = await client.get(item["file_url"], headers=account.headers)
    assert stored.status_code == 200
    assert stored.content == data
    assert stored.headers["content-type"].startswith(content_type)
    thumb = await client.get(item["thumbnail_url"], headers=account.headers)
    assert thumb.status_code == 200
    with Image.open(io.BytesIO(thumb.content)) as image:
        assert image.format == "JPEG"
    # The same bytes again are a repeat; another video is not.
    again = (await _upload(client, account.headers, ("again.bin", data, sent_as))).json()["items"][0]
    assert again["duplicate_of"] == item["id"]
    other = (await _upload(client, account.headers, ("other", video(kind, seed=2), sent_as))).json()["items"][0]
    assert other["duplicate_of"] is None


async def test_photos_and_a_video_in_one_upload(client: httpx.AsyncClient) -> None:
    account = await register(client)
    response = await _upload(
        client, account.headers, ("a.jpg", photo(seed=1), "image/jpeg"), ("b.mp4", video("mp4"), "video/mp4")
    )
    assert response.status_code == 201, response.text
    assert [i["kind"] for i in response.json()["items"]] == ["image", "video"]


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("fake.mp4", b"definitely not a video, just text " * 50, "not an image or a video"),
        ("song.m4a", b"\x00\x00\x00\x18ftypM4A \x00\x00\x02\x00isomiso2" + b"\x00" * 500, "not a video"),
        ("film.mkv", b"\x1a\x45\xdf\xa3\x9f\x42\x82\x88matroska" + b"\x00" * 500, "MKV"),
    ],
)
async def test_a_file_that_only_claims_to_be_a_video_is_refused(
    client: httpx.AsyncClient, name: str, data: bytes, words: str
) -> None:
    account = await register(client)
    response = await _upload(
        client, account.headers, ("good.jpg", photo(seed=3), "image/jpeg"), (name, data, "video/mp4")
    )
    assert response.status_code == 400, response.text
    detail = response.json()["detail"]
    assert words in detail
    assert name in detail
    assert await MediaFile.count() == 0


async def test_videos_have_their_own_size_limit(client: httpx.AsyncClient, override_env: Any) -> None:
    account = await register(client)
    data = video("mp4", size=8192)
    override_env(MEDIA_MAX_VIDEO_BYTES=str(len(data) - 1), MEDIA_MAX_FILE_BYTES="2048")
    refused = await _upload(client, account.headers, ("big.mp4", data, "video/mp4"))
    assert refused.status_code == 413, refused.text
    assert "big.mp4" in refused.json()["detail"]
    assert "per video" in refused.json()["detail"]
    override_env(MEDIA_MAX_VIDEO_BYTES=str(len(data)), MEDIA_MAX_FILE_BYTES="2048")
    # Larger than a photo may be, within a video's limit.
    assert (await _upload(client, account.headers, ("big.mp4", data, "video/mp4"))).status_code == 201


async def test_a_video_is_not_a_listing_photo(client: httpx.AsyncClient) -> None:
    account = await register(client)
    response = await _upload(
        client, account.headers, ("a.jpg", photo(seed=1), "image/jpeg"), ("clip.mp4", video("mp4"), "video/mp4")
    )
    photo_id, video_id = [item["id"] for item in response.json()["items"]]
    analyze = await client.post(
        "/api/v1/listings/analyze", headers=account.headers, json={"media_ids": [photo_id, video_id]}
    )
    assert analyze.status_code == 400, analyze.text
    assert "media_ids" in analyze.json()["detail"]
    assert video_id in analyze.json()["detail"]
    grouped = await client.post(
        "/api/v1/listings/analyze", headers=account.headers, json={"groups": [[photo_id, video_id]]}
    )
    assert grouped.status_code == 400
    assert "groups" in grouped.json()["detail"]
