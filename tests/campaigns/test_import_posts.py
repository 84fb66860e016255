"""Importing posts from CSV or JSON: good rows created (scheduled when they name an account and a time), bad
rows reported with their number, field and reason; a media URL is fetched (from a local HTTP server)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from backend.core.clock import utcnow
from tests.campaigns.posting_helpers import (
    BASE,
    act,
    campaign,
    owner,
    posts_of,
    ready_posts,
    sandbox_account,
    upload_photo,
)
from tests.images import photo


@pytest.fixture
async def image_server() -> AsyncIterator[str]:
    """A local HTTP server: /photo.jpg is an image, /page.html is not, /hop redirects to the photo,
    /loop to itself, anything else is 404. On 127.0.0.1: a test that imports from it allows private URLs."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request = await reader.readuntil(b"\r\n\r\n")
        path = request.split(b" ", 2)[1].decode()
        if path == "/photo.jpg":
            status, kind, body = "200 OK", "image/jpeg", photo(seed=5)
        elif path == "/page.html":
            status, kind, body = "200 OK", "text/html", b"<html>not an image</html>"
        elif path in ("/hop", "/loop"):
            status, kind, body = "302 Found", "text/plain", b""
        else:
            status, kind, body = "404 Not Found", "text/plain", b"missing"
        where = {"/hop": "Location: /photo.jpg\r\n", "/loop": "Location: /loop\r\n"}.get(path, "")
        head = (
            f"HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {len(body)}\r\n{where}"
            "Connection: close\r\n\r\n"
        )
        writer.write(head.encode() + body)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.close()
    await server.wait_closed()


async def test_a_csv_of_twelve_posts_with_three_bad_rows(
    client: httpx.AsyncClient, image_server: str, override_env: Any
) -> None:
    override_env(IMPORT_ALLOW_PRIVATE_URLS="true")
    person = await owner(client)
    alice = await sandbox_account(client, person, "alice", label="Alice main")
    await sandbox_account(client, person, "bob")
    cid = (await campaign(client, person))["id"]
    soon = (utcnow() + timedelta(days=2)).replace(microsecond=0)
    lines = ["caption,media,scheduled_at,account,platform"]
    for i in range(9):
        at = (soon + timedelta(hours=i)).isoformat()
        account = "Alice main" if i % 2 == 0 else "bob"
        media = f"{image_server}/photo.jpg" if i == 0 else ""
        lines.append(f'"Post {i}, with a comma",{media},{at},{account},sandbox')
    lines.append(f",,{soon.isoformat()},bob,sandbox")  # row 10: no caption
    lines.append(f"Too late,,{(utcnow() - timedelta(days=1)).isoformat()},bob,sandbox")  # row 11: in the past
    lines.append(f"Nobody,,{soon.isoformat()},carol,sandbox")  # row 12: unknown account
    files = {"file": ("posts.csv", "\n".join(lines).encode(), "text/csv")}
    response = await client.post(f"{BASE}/{cid}/import", headers=person.headers, files=files)
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["created"], report["failed"]) == (9, 3)
    assert [(e["row"], e["field"]) for e in report["errors"]] == [
        (10, "caption"),
        (11, "scheduled_at"),
        (12, "account"),
    ]
    assert "past" in report["errors"][1]["reason"]
    assert "carol" in report["errors"][2]["reason"]

    posts = await posts_of(client, person, cid)
    assert len(posts) == 9
    assert {p["status"] for p in posts} == {"scheduled"}
    assert {p["source"] for p in posts} == {"imported"}
    first = next(p for p in posts if p["caption"] == "Post 0, with a comma")
    assert first["account_id"] == alice
    assert first["scheduled_at"][:19] == soon.isoformat()[:19]
    assert len(first["media_ids"]) == 1
    fetched = await client.get(f"/api/v1/media/{first['media_ids'][0]}", headers=person.headers)
    assert fetched.status_code == 200


async def test_json_rows_each_checked_on_their_own(
    client: httpx.AsyncClient, image_server: str, override_env: Any
) -> None:
    override_env(IMPORT_ALLOW_PRIVATE_URLS="true")
    person = await owner(client)
    await sandbox_account(client, person, "alice")
    cid = (await campaign(client, person))["id"]
    rows: list[dict[str, Any]] = [
        {"caption": "A draft for the planner"},
        {"caption": "Bad time", "scheduled_at": "next tuesday"},
        {"caption": "Wrong platform", "account": "alice", "platform": "tiktok"},
        {"caption": "Not an image", "media": f"{image_server}/page.html"},
        {"caption": "Gone", "media": f"{image_server}/gone.jpg"},
        {"caption": "Unknown media", "media": "3f2b8c1e-0000-4000-8000-000000000000"},
        {"caption": "Round and round", "media": f"{image_server}/loop"},
        {"caption": "Redirected", "media": f"{image_server}/hop"},
    ]
    response = await client.post(f"{BASE}/{cid}/import", headers=person.headers, json=rows)
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["created"], report["failed"]) == (2, 6)
    assert [(e["row"], e["field"]) for e in report["errors"]] == [
        (2, "scheduled_at"),
        (3, "platform"),
        (4, "media"),
        (5, "media"),
        (6, "media"),
        (7, "media"),
    ]
    assert "redirects more than 5 times" in report["errors"][5]["reason"]
    post, redirected = await posts_of(client, person, cid)
    assert (post["caption"], post["status"], post["account_id"]) == ("A draft for the planner", "draft", None)
    assert (redirected["caption"], len(redirected["media_ids"])) == ("Redirected", 1)

    too_many = [{"caption": f"p{i}"} for i in range(1001)]
    refused = await client.post(f"{BASE}/{cid}/import", headers=person.headers, json=too_many)
    assert refused.status_code == 413
    assert "1000" in refused.json()["detail"]


async def test_rows_imported_into_a_running_campaign_get_their_jobs(client: httpx.AsyncClient) -> None:
    person = await owner(client)
    await sandbox_account(client, person, "alice")
    later = {"starts_at": (utcnow() + timedelta(days=1)).isoformat()}
    cid = (await campaign(client, person, schedule=later))["id"]
    await ready_posts(person, cid, ["Planned"], await upload_photo(client, person, 1))
    await act(client, person, cid, "start")
    at = (utcnow() + timedelta(days=3)).isoformat()
    row = {"caption": "Late add", "account": "alice", "scheduled_at": at}
    response = await client.post(f"{BASE}/{cid}/import", headers=person.headers, json=[row])
    assert response.status_code == 200, response.text
    late = next(p for p in await posts_of(client, person, cid) if p["caption"] == "Late add")
    assert late["status"] == "scheduled"
    job = (await client.get(f"/api/v1/jobs/{late['job_id']}", headers=person.headers)).json()
    assert job["kind"] == "campaign.post"
    assert job["parent_id"] is not None


async def test_media_on_a_private_address_is_refused_and_the_other_rows_kept(
    client: httpx.AsyncClient, image_server: str
) -> None:
    """With IMPORT_ALLOW_PRIVATE_URLS off (the default), a URL on 127.0.0.1 or localhost is never fetched."""
    person = await owner(client)
    cid = (await campaign(client, person))["id"]
    port = image_server.rsplit(":", 1)[1]
    rows: list[dict[str, Any]] = [
        {"caption": "Fine without media"},
        {"caption": "Loopback", "media": f"{image_server}/photo.jpg"},
        {"caption": "By name", "media": f"http://localhost:{port}/photo.jpg"},
        {"caption": "Metadata", "media": "http://169.254.169.254/latest/meta-data/"},
    ]
    response = await client.post(f"{BASE}/{cid}/import", headers=person.headers, json=rows)
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["created"], report["failed"]) == (1, 3)
    assert [(e["row"], e["field"]) for e in report["errors"]] == [(2, "media"), (3, "media"), (4, "media")]
    assert all("private address" in e["reason"] for e in report["errors"]), report["errors"]
    assert "127.0.0.1" in report["errors"][0]["reason"]
    [post] = await posts_of(client, person, cid)
    assert post["caption"] == "Fine without media"
