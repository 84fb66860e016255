"""Judging a collection's images: each level's checks on crafted images, the AI's scores split at the
threshold (a local OpenAI-compatible server), a person's override kept through validation, duplicates
found by bytes and by picture, and the export zip matching the database."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import uuid
import zipfile
from typing import Any

import httpx
from PIL import Image, ImageFilter

from backend.collect.crawl import dedupe
from backend.collect.review import judge
from backend.collect.tables import CollectedImage, Collection
from backend.core.clock import utcnow
from backend.core.scoped import scoped
from backend.media import service as media
from tests.campaigns.conftest import FakeAI, worker_env
from tests.collect.helpers import API, collection, get, owner, run
from tests.helpers import Account
from tests.images import photo


def _jpeg(image: Image.Image, quality: int = 90) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality)
    return out.getvalue()


def blurred(seed: int) -> bytes:
    with Image.open(io.BytesIO(reddish(120, seed))) as image:
        return _jpeg(image.filter(ImageFilter.GaussianBlur(radius=14)))


def blank() -> bytes:
    return _jpeg(Image.new("RGB", (640, 480), (205, 205, 205)))


def reddish(red: int, seed: int) -> bytes:
    """A sharp picture whose red channel is `red` throughout: the fake AI scores it red / 255."""
    with Image.open(io.BytesIO(photo(seed=seed))) as image:
        _, _, blue = image.convert("RGB").split()
    # Green: a fine checkerboard, so the picture stays sharp whatever its red.
    green = Image.new("L", blue.size)
    green.putdata([255 * ((x // 40 + y // 40 + seed) % 2) for y in range(blue.height) for x in range(blue.width)])
    return _jpeg(Image.merge("RGB", (Image.new("L", blue.size, red), green, blue)))


async def kept_image(person: Account, collection_id: str, data: bytes, name: str) -> str:
    """An image as a crawl leaves it: stored in media, its facts recorded, kept (approved at `fast`)."""
    workspace_id = uuid.UUID(person.workspace_id)
    [stored] = await media.upload(workspace_id, [media.IncomingFile(f"{name}.jpg", data)])
    facts = await judge.inspect(data, "fast")
    row = CollectedImage(
        workspace=workspace_id,
        collection=uuid.UUID(collection_id),
        source="feed_search",
        keyword="cats",
        source_url=f"https://img.example/{name}.jpg",
        page_url=f"https://example/items/{name}",
        media_id=stored.id,
        sha256=facts.sha256,
        phash=facts.phash,
        width=facts.width,
        height=facts.height,
        size_bytes=facts.size_bytes,
        format=facts.format,
        status="approved",
        fetched=True,
        hashed_at=utcnow(),
    )
    await CollectedImage.insert(row)
    collections = scoped(Collection, workspace_id)
    await collections.update({Collection.kept: Collection.kept + 1}).where(Collection.id == uuid.UUID(collection_id))
    return str(row.id)


async def validate(client: httpx.AsyncClient, app: Any, person: Account, cid: str, level: str) -> None:
    response = await client.post(f"{API}/collections/{cid}/validate", headers=person.headers, json={"level": level})
    assert response.status_code == 200, response.text
    job = await run(app, person, response.json()["validate_job_id"])
    assert job.status == "succeeded", job.error


async def statuses(client: httpx.AsyncClient, person: Account, cid: str) -> dict[str, dict[str, Any]]:
    page = await get(client, person, f"/collections/{cid}/images", limit=100)
    return {image["id"]: image for image in page["items"]}


async def test_each_level_judges_crafted_images(client: httpx.AsyncClient, app: Any) -> None:
    person = await owner(client)
    cid = (await collection(client, person))["id"]
    good = await kept_image(person, cid, reddish(120, 1), "good")
    tiny = await kept_image(person, cid, photo(seed=2, size=(120, 90)), "tiny")
    flat = await kept_image(person, cid, blank(), "blank")
    soft = await kept_image(person, cid, blurred(3), "blurred")

    await validate(client, app, person, cid, "fast")
    found = await statuses(client, person, cid)
    assert found[good]["status"] == "approved"
    assert found[tiny]["status"] == "disqualified"
    assert "smaller" in found[tiny]["reason"]
    assert found[soft]["status"] == "approved"  # fast does not look at sharpness
    assert found[flat]["status"] == "approved"

    await validate(client, app, person, cid, "medium")
    found = await statuses(client, person, cid)
    assert found[good]["status"] == "approved"
    assert found[tiny]["status"] == "disqualified"
    assert found[soft]["status"] == "disqualified"
    assert "blur" in found[soft]["reason"]
    assert found[flat]["status"] == "disqualified"
    assert "blank" in found[flat]["reason"]
    assert found[soft]["sharpness"] is not None


async def test_duplicates_are_found_by_bytes_and_by_picture(client: httpx.AsyncClient) -> None:
    person = await owner(client)
    cid = (await collection(client, person))["id"]
    original = photo(seed=5)
    kept = await kept_image(person, cid, original, "original")
    workspace_id, collection_id = uuid.UUID(person.workspace_id), uuid.UUID(cid)

    async def repeat_of(data: bytes) -> dedupe.Repeat | None:
        facts = await judge.inspect(data, "fast")
        return await dedupe.find_repeat(workspace_id, collection_id, facts.sha256, facts.phash, facts.low_information)

    exact = await repeat_of(original)
    assert exact is not None
    assert (str(exact.image_id), exact.exact) == (kept, True)
    with Image.open(io.BytesIO(original)) as image:
        reencoded = _jpeg(image.resize((512, 384)), quality=55)
    near = await repeat_of(reencoded)
    assert near is not None
    assert (str(near.image_id), near.exact) == (kept, False)
    assert near.distance <= dedupe.max_distance()
    assert await repeat_of(photo(seed=6)) is None


async def test_scores_split_at_the_threshold_and_an_override_sticks(
    client: httpx.AsyncClient, app: Any, fake_ai: FakeAI, override_env: Any
) -> None:
    override_env(**worker_env(fake_ai))
    fake_ai.delay = 0
    person = await owner(client)
    cid = (await collection(client, person, brief="Red things", threshold=0.5))["id"]
    high = await kept_image(person, cid, reddish(230, 1), "high")
    low = await kept_image(person, cid, reddish(40, 2), "low")
    kept_low = await kept_image(person, cid, reddish(40, 3), "kept-low")
    response = await client.patch(
        f"{API}/collections/{cid}/images/{kept_low}", headers=person.headers, json={"status": "approved"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["overridden"] is True

    await validate(client, app, person, cid, "thorough")
    found = await statuses(client, person, cid)
    assert found[high]["status"] == "approved", found[high]
    assert found[high]["score"] > 0.8
    assert found[low]["status"] == "disqualified"
    assert found[low]["score"] < 0.3
    assert "below the threshold" in found[low]["reason"]
    assert found[kept_low]["status"] == "approved"  # a person's choice is left alone
    assert found[kept_low]["score"] is None

    response = await client.patch(
        f"{API}/collections/{cid}/images/{high}", headers=person.headers, json={"status": "disqualified"}
    )
    assert response.status_code == 200, response.text
    await validate(client, app, person, cid, "fast")
    found = await statuses(client, person, cid)
    assert found[high]["status"] == "disqualified"  # overridden: stays through re-validation
    assert found[low]["status"] == "approved"  # fast: no score needed
    assert found[low]["score"] is None
    progress = await get(client, person, f"/collections/{cid}/progress")
    assert (progress["images"]["approved"], progress["images"]["disqualified"]) == (2, 1)


async def test_the_export_zip_holds_exactly_the_approved_files_and_manifests_match(
    client: httpx.AsyncClient,
) -> None:
    person = await owner(client)
    cid = (await collection(client, person))["id"]
    for seed in range(4):
        await kept_image(person, cid, photo(seed=seed + 10), f"p{seed}")
    images = list((await statuses(client, person, cid)).values())
    dropped = images[1]["id"]
    response = await client.patch(
        f"{API}/collections/{cid}/images/{dropped}", headers=person.headers, json={"status": "disqualified"}
    )
    assert response.status_code == 200, response.text
    approved = {i["id"]: i for i in images if i["id"] != dropped}

    response = await client.get(f"{API}/collections/{cid}/export", headers=person.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.testzip() is None
    files = [n for n in archive.namelist() if n.startswith("images/")]
    assert len(files) == 3
    entries = json.loads(archive.read("manifest.json"))
    rows = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode())))
    assert [e["file"] for e in entries] == [r["file"] for r in rows] == files
    assert {e["image_id"] for e in entries} == set(approved)
    for entry in entries:
        data = archive.read(entry["file"])
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert len(data) == entry["size_bytes"]
        image = approved[entry["image_id"]]
        assert (entry["source_url"], entry["status"], entry["score"]) == (image["source_url"], "approved", None)

    other = await client.get(
        f"{API}/collections/{cid}/export", headers=person.headers, params={"status": "disqualified"}
    )
    assert len([n for n in zipfile.ZipFile(io.BytesIO(other.content)).namelist() if n.startswith("images/")]) == 1
