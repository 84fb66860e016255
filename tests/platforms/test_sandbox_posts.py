"""The sandbox's social posts, through their HTML forms (as a browser without JavaScript would) and the control API."""

from __future__ import annotations

import httpx

from tests.images import photo
from tests.platforms.conftest import PASSWORD, Sandbox
from tests.platforms.html_reader import html

# The first bytes of an MP4 file (an `ftyp` box): what the sandbox looks at to tell a video.
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


async def _post(client: httpx.AsyncClient, caption: str, files: list[tuple[str, bytes, str]]) -> httpx.Response:
    return await client.post(
        "/posts/new",
        data={"caption": caption},
        files=[("media", (name, data, kind)) for name, data, kind in files],
    )


def _post_id(location: str) -> int:
    assert location.startswith("/p/"), location
    return int(location.rsplit("/", 1)[1])


async def test_a_post_made_with_the_form_shows_on_the_users_posts_and_its_own_page(sandbox: Sandbox) -> None:
    caption = "Spring drop is here: linen shirts in five colours, all handmade.\nShop the link in bio #sp1a2b3c4d5e"
    async with sandbox.browser() as client:
        await sandbox.login(client, "alice")
        form = html(await client.get("/posts/new")).one("form#post-form")
        assert form.attrs["enctype"] == "multipart/form-data"
        assert form.one("input[type=file]").attrs["name"] == "media"
        assert form.select("textarea[name=caption]")

        older = await _post(client, "An older post", [("a.jpg", photo(seed=3, size=(64, 48)), "image/jpeg")])
        response = await _post(
            client,
            caption,
            [("1.jpg", photo(seed=1, size=(64, 48)), "image/jpeg"), ("2.png", photo(seed=2, fmt="PNG"), "image/png")],
        )
        assert response.status_code == 303
        post_id = _post_id(response.headers["location"])

        page = html(await client.get(f"/p/{post_id}"))
        assert page.one(".flash").text == "Post published."
        article = page.one("article#post")
        assert (article.attrs["data-post-id"], article.attrs["data-author"]) == (str(post_id), "alice")
        assert article.one(".post-caption").text == " ".join(caption.split())
        assert article.one("a.post-author").text == "alice"
        assert article.one("time.post-time").attrs["datetime"]
        photos = article.select("img.post-photo")
        assert len(photos) == 2
        served = await client.get(photos[1].attrs["src"])
        assert (served.status_code, served.headers["content-type"]) == (200, "image/png")
        # The author's own visits are not views.
        assert article.one(".views-count").text == "0"

    async with sandbox.browser() as visitor:
        listing = html(await visitor.get("/u/alice/posts"))
        rows = listing.select("div.post-row")
        assert [row.attrs["data-post-id"] for row in rows] == [str(post_id), str(_post_id(older.headers["location"]))]
        newest = rows[0]
        excerpt = newest.one(".post-excerpt")
        assert excerpt.text.startswith("Spring drop is here")
        assert excerpt.text.endswith("…")  # a long caption is cut in the list…
        assert excerpt.attrs["title"] == caption  # …and whole in the title, as platforms put it in alt texts
        assert newest.one("a.post-link").attrs["href"] == f"/p/{post_id}"
        assert newest.one(".views-count").text == "0"
        visited = html(await visitor.get(f"/p/{post_id}"))
        assert visited.one(".views-count").text == "1"

    [stored, _] = await sandbox.posts("alice")
    assert (stored["id"], stored["caption"], stored["views"], stored["likes"]) == (post_id, caption, 1, 0)
    assert [m["content_type"] for m in stored["media"]] == ["image/jpeg", "image/png"]


async def test_views_and_likes_from_the_control_api_show_on_both_pages(sandbox: Sandbox) -> None:
    async with sandbox.browser() as client:
        await sandbox.login(client, "bob")
        response = await _post(client, "Boots restock", [("b.jpg", photo(seed=5, size=(64, 48)), "image/jpeg")])
        post_id = _post_id(response.headers["location"])
        counted = await sandbox.add_post_stats(post_id, views=120, likes=7)
        assert (counted["views"], counted["likes"]) == (120, 7)
        await sandbox.add_post_stats(post_id, likes=3)
        row = html(await client.get("/u/bob/posts")).one("div.post-row")
        assert (row.one(".views-count").text, row.one(".likes-count").text) == ("120", "10")
        page = html(await client.get(f"/p/{post_id}"))
        assert (page.one(".views-count").text, page.one(".likes-count").text) == ("120", "10")
    refused = await sandbox.control.post(f"/__control/posts/{post_id}/stats", json={"views": -1})
    assert refused.status_code == 400
    missing = await sandbox.control.post("/__control/posts/99999/stats", json={"views": 1})
    assert missing.status_code == 404


async def test_a_video_post_and_the_forms_refusals(sandbox: Sandbox) -> None:
    async with sandbox.browser() as client:
        await sandbox.login(client, "carol")
        video = await _post(client, "Behind the scenes", [("clip.mp4", MP4, "video/mp4")])
        assert video.status_code == 303
        page = html(await client.get(video.headers["location"]))
        assert page.one("video.post-video").attrs["src"].startswith("/post-media/")

        cases = {
            "Add a photo or a video.": [],
            "notes.txt is not an image.": [("notes.txt", b"just text", "text/plain")],
            "A post is one video, or photos; not both.": [
                ("clip.mp4", MP4, "video/mp4"),
                ("a.jpg", photo(seed=1, size=(32, 24)), "image/jpeg"),
            ],
        }
        for message, files in cases.items():
            refused = await _post(client, "Refused", files)
            assert refused.status_code == 200
            doc = html(refused)
            assert doc.one("form#post-form .form-error").text == message
            assert doc.one("textarea[name=caption]").text == "Refused"  # what was typed is kept
        too_long = await _post(client, "x" * 2201, [("a.jpg", photo(seed=1, size=(32, 24)), "image/jpeg")])
        assert html(too_long).one(".form-error").text == "Captions are at most 2200 characters."
    assert [p["caption"] for p in await sandbox.posts("carol")] == ["Behind the scenes"]


async def test_posting_needs_a_login_and_a_flagged_user_sees_the_challenge(sandbox: Sandbox) -> None:
    async with sandbox.browser() as client:
        response = await client.get("/posts/new")
        assert (response.status_code, response.headers["location"]) == (303, "/login?next=/posts/new")
        await sandbox.set_challenge("dave")
        await client.post("/login", data={"username": "dave", "password": PASSWORD, "next": "/posts/new"})
        for blocked in (await client.get("/posts/new"), await _post(client, "Hi", [])):
            assert (blocked.status_code, blocked.headers["location"]) == (303, "/challenge")
    assert await sandbox.posts("dave") == []
    assert (await sandbox.control.get("/__control/posts", params={"author": "nobody"})).status_code == 404


async def test_a_dropped_answer_still_creates_the_post(sandbox: Sandbox) -> None:
    await sandbox.drop_next_post(hang_seconds=0)
    async with sandbox.browser() as client:
        await sandbox.login(client, "erin")
        lost = await _post(client, "Lost answer", [("a.jpg", photo(seed=9, size=(32, 24)), "image/jpeg")])
        assert lost.status_code == 504
        kept = await _post(client, "Next one", [("b.jpg", photo(seed=8, size=(32, 24)), "image/jpeg")])
        assert kept.status_code == 303  # only the next post loses its answer
    assert [p["caption"] for p in await sandbox.posts("erin")] == ["Next one", "Lost answer"]
