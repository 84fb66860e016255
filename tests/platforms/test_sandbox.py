"""The sandbox marketplace, through its HTML forms (as a browser without JavaScript would) and its control API."""

from __future__ import annotations

import sqlite3
import time

import httpx
import pytest

from tests.images import photo
from tests.platforms.conftest import PASSWORD, Sandbox
from tests.platforms.html_reader import html


async def _sell(
    sandbox: Sandbox, client: httpx.AsyncClient, title: str = "Green bicycle", price: str = "99.90", photos: int = 2
) -> httpx.Response:
    files = [("photos", (f"p{n}.jpg", photo(seed=n, size=(64, 48)), "image/jpeg")) for n in range(photos)]
    return await client.post(
        "/sell", data={"title": title, "description": "Barely ridden.", "price": price}, files=files
    )


def _item_id(location: str) -> int:
    assert location.startswith("/items/"), location
    return int(location.rsplit("/", 1)[1])


async def test_login_wrong_then_right_and_logout(sandbox: Sandbox) -> None:
    async with sandbox.browser() as client:
        page = html(await client.get("/login", params={"next": "/my/listings"}))
        form = page.one("form#login-form")
        assert form.attrs["action"] == "/login"
        assert form.one("input[name=next]").attrs["value"] == "/my/listings"
        assert page.select("a#nav-login")

        wrong = await client.post("/login", data={"username": "alice", "password": "nope", "next": "/"})
        assert wrong.status_code == 200
        assert html(wrong).one(".form-error").text == "Wrong username or password."

        right = await client.post("/login", data={"username": "alice", "password": PASSWORD, "next": "/my/listings"})
        assert right.status_code == 303
        assert right.headers["location"] == "/my/listings"
        assert "httponly" in right.headers["set-cookie"].lower()
        assert client.cookies.get("sandbox_session")

        home = html(await client.get("/"))
        user = home.one("a#nav-user")
        assert user.attrs["data-username"] == "alice"
        assert user.attrs["href"] == "/users/alice"
        assert {a.attrs["href"] for a in home.select("nav a")} >= {"/sell", "/my/listings", "/messages", "/logout"}

        out = await client.get("/logout")
        assert (out.status_code, out.headers["location"]) == (303, "/")
        assert html(await client.get("/")).select("a#nav-login")


async def test_login_only_pages_send_to_login(sandbox: Sandbox) -> None:
    async with sandbox.browser() as client:
        for path in ("/sell", "/my/listings", "/messages", "/messages/bob"):
            response = await client.get(path)
            assert response.status_code == 303
            assert response.headers["location"] == f"/login?next={path}"
        response = await client.post("/items/1/like")
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=")


async def test_expired_session_is_logged_out(sandbox: Sandbox) -> None:
    async with sandbox.browser() as client:
        await sandbox.login(client, "alice")
        assert (await client.get("/my/listings")).status_code == 200
        await sandbox.expire_sessions("alice")
        response = await client.get("/my/listings")
        assert response.status_code == 303
        assert response.headers["location"] == "/login?next=/my/listings"


async def test_challenge_blocks_login_and_pages_until_solved(sandbox: Sandbox) -> None:
    await sandbox.set_challenge("bob")
    async with sandbox.browser() as client:
        response = await client.post("/login", data={"username": "bob", "password": PASSWORD, "next": "/messages"})
        assert (response.status_code, response.headers["location"]) == (303, "/challenge")
        for path in ("/", "/my/listings", "/users/alice"):
            blocked = await client.get(path)
            assert (blocked.status_code, blocked.headers["location"]) == (303, "/challenge")

        page = html(await client.get("/challenge"))
        assert page.one("div#challenge").attrs["data-challenge"] == "captcha"
        assert "Confirm you are human" in page.one("div#challenge").text
        assert page.one("form#challenge-form").select("input[name=answer]")
        image = await client.get("/challenge/image")
        assert image.headers["content-type"] == "image/png"

        wrong = await client.post("/challenge", data={"answer": "nope"})
        assert html(wrong).select(".form-error")

        # What a human reads off the picture (the driver never solves it).
        with sqlite3.connect(sandbox.db_path) as db:
            (answer,) = db.execute("SELECT challenge_answer FROM users WHERE username = 'bob'").fetchone()
        solved = await client.post("/challenge", data={"answer": answer.lower()})
        assert (solved.status_code, solved.headers["location"]) == (303, "/messages")
        assert (await client.get("/my/listings")).status_code == 200

    # The control API can also switch it off.
    await sandbox.set_challenge("carol")
    async with sandbox.browser() as client:
        await sandbox.login(client, "carol")
        assert (await client.get("/")).status_code == 303
        await sandbox.set_challenge("carol", enabled=False)
        assert (await client.get("/")).status_code == 200


async def test_sell_with_two_photos(sandbox: Sandbox) -> None:
    async with sandbox.browser() as client:
        await sandbox.login(client, "alice")
        form = html(await client.get("/sell")).one("form#sell-form")
        assert form.attrs["enctype"] == "multipart/form-data"
        assert form.one("input[type=file]").attrs["name"] == "photos"

        response = await _sell(sandbox, client)
        assert response.status_code == 303
        item_id = _item_id(response.headers["location"])

        page = await client.get(f"/items/{item_id}")
        doc = html(page)
        assert doc.one(".flash").text == "Listing published."
        article = doc.one("article#item")
        assert (article.attrs["data-item-id"], article.attrs["data-seller"]) == (str(item_id), "alice")
        assert article.one("h1.item-title").text == "Green bicycle"
        assert article.one(".item-price").attrs["data-price"] == "99.90"
        assert article.one(".item-description").text == "Barely ridden."
        photos = article.select("img.item-photo")
        assert len(photos) == 2
        served = await client.get(photos[0].attrs["src"])
        assert served.status_code == 200
        assert served.headers["content-type"] == "image/jpeg"
        # The flash shows once.
        assert not html(await client.get(f"/items/{item_id}")).select(".flash")

    newest = (await sandbox.items(seller="alice"))[0]
    assert newest["id"] == item_id
    assert (newest["title"], newest["price"], newest["photos"], newest["seller"]) == (
        "Green bicycle",
        "99.90",
        2,
        "alice",
    )
    async with sandbox.browser() as visitor:
        first_card = html(await visitor.get("/")).select(".item-card")[0]
    assert first_card.attrs["data-item-id"] == str(item_id)
    assert first_card.one("a.item-link").attrs["href"] == f"/items/{item_id}"
    assert first_card.one("img.item-image").attrs["src"].startswith("/photos/")
    assert first_card.one(".item-title").text == "Green bicycle"
    assert first_card.one(".item-price").attrs["data-price"] == "99.90"
    assert first_card.one(".item-seller").text == "alice"


@pytest.mark.parametrize(
    ("title", "price", "photos", "error"),
    [
        ("", "10", 1, "Title is required."),
        ("x" * 101, "10", 1, "Title must be at most 100 characters."),
        ("Lamp", "0", 1, "Price must be greater than 0."),
        ("Lamp", "100000.01", 1, "Price must be at most 100000."),
        ("Lamp", "1.234", 1, "Price must be a number with at most 2 decimals, e.g. 12.50."),
        ("Lamp", "10", 0, "Add at least one photo."),
    ],
)
async def test_sell_rejects_bad_input_and_keeps_values(
    sandbox: Sandbox, title: str, price: str, photos: int, error: str
) -> None:
    before = len(await sandbox.items())
    async with sandbox.browser() as client:
        await sandbox.login(client, "alice")
        response = await _sell(sandbox, client, title=title, price=price, photos=photos)
        assert response.status_code == 200
        doc = html(response)
        assert doc.one(".form-error").text == error
        form = doc.one("form#sell-form")
        assert form.one("input[name=title]").attrs["value"] == title
        assert form.one("input[name=price]").attrs["value"] == price
        assert form.one("textarea[name=description]").text == "Barely ridden."
    assert len(await sandbox.items()) == before


async def test_sell_rejects_a_file_that_is_not_an_image(sandbox: Sandbox) -> None:
    async with sandbox.browser() as client:
        await sandbox.login(client, "alice")
        response = await client.post(
            "/sell",
            data={"title": "Lamp", "description": "", "price": "10"},
            files=[("photos", ("notes.jpg", b"not a picture", "image/jpeg"))],
        )
        assert html(response).one(".form-error").text == "notes.jpg is not an image."


async def test_bump_moves_a_listing_to_the_top(sandbox: Sandbox) -> None:
    async with sandbox.browser() as client:
        await sandbox.login(client, "alice")
        rows = html(await client.get("/my/listings")).select("div.my-item")
        assert len(rows) == 6
        stamps = [r.attrs["data-bumped-at"] for r in rows]
        assert stamps == sorted(stamps, reverse=True)
        oldest = rows[-1]
        form = oldest.one("form.bump-form")
        response = await client.post(form.attrs["action"])
        assert (response.status_code, response.headers["location"]) == (303, "/my/listings")

        doc = html(await client.get("/my/listings"))
        assert doc.one(".flash").text == "Listing bumped."
        top = doc.select("div.my-item")[0]
        assert top.attrs["data-item-id"] == oldest.attrs["data-item-id"]
        assert top.attrs["data-bumped-at"] > stamps[0]
        assert top.attrs["data-bumped-at"].endswith("+00:00")
        assert "." in top.attrs["data-bumped-at"]  # microseconds

    assert str((await sandbox.items(seller="alice"))[0]["id"]) == oldest.attrs["data-item-id"]
    assert str((await sandbox.items())[0]["id"]) == oldest.attrs["data-item-id"]


async def test_price_edit_and_delete_only_by_the_seller(sandbox: Sandbox) -> None:
    item = (await sandbox.items(seller="alice"))[0]
    item_id = item["id"]
    async with sandbox.browser() as bob:
        await sandbox.login(bob, "bob")
        assert (await bob.post(f"/items/{item_id}/price", data={"price": "1"})).status_code == 403
        assert (await bob.post(f"/items/{item_id}/delete")).status_code == 403
        assert (await bob.post(f"/items/{item_id}/bump")).status_code == 403
    async with sandbox.browser() as client:
        await sandbox.login(client, "alice")
        response = await client.post(f"/items/{item_id}/price", data={"price": "19.9"})
        assert (response.status_code, response.headers["location"]) == (303, "/my/listings")
        doc = html(await client.get("/my/listings"))
        assert doc.one(".flash").text == "Price updated."
        row = doc.one(f"div.my-item[data-item-id={item_id}]")
        assert row.one(".item-price").attrs["data-price"] == "19.90"

        bad = await client.post(f"/items/{item_id}/price", data={"price": "cheap"})
        assert html(bad).one(f"div.my-item[data-item-id={item_id}] .form-error").text.startswith("Price must be")
        assert (await sandbox.items(seller="alice"))[0]["price"] == "19.90"

        response = await client.post(f"/items/{item_id}/delete")
        assert response.status_code == 303
        doc = html(await client.get("/my/listings"))
        assert doc.one(".flash").text == "Listing deleted."
        assert not doc.select(f"div.my-item[data-item-id={item_id}]")
        assert (await client.get(f"/items/{item_id}")).status_code == 404
    assert item_id not in [i["id"] for i in await sandbox.items()]


async def test_follow_and_unfollow(sandbox: Sandbox) -> None:
    async with sandbox.browser() as client:
        await sandbox.login(client, "erin")
        profile = html(await client.get("/users/dave")).one("section#profile")
        assert profile.attrs["data-username"] == "dave"
        assert profile.one(".followers-count").text == "0"
        assert profile.one("a.message-link").attrs["href"] == "/messages/dave"
        assert len(profile.select(".item-card")) == 6
        action = profile.one("form.follow-form").attrs["action"]
        for _ in range(2):  # idempotent
            response = await client.post(action)
            assert (response.status_code, response.headers["location"]) == (303, "/users/dave")
        profile = html(await client.get("/users/dave")).one("section#profile")
        assert profile.one(".followers-count").text == "1"
        assert profile.select("form.unfollow-form")
        assert await sandbox.follows("erin") == {"followers": [], "following": ["carol", "dave"]}
        followers = html(await client.get(profile.one("a.followers-link").attrs["href"]))
        assert [li.attrs["data-username"] for li in followers.select("li.follower")] == ["erin"]
        following = html(await client.get("/users/erin/following"))
        assert [li.attrs["data-username"] for li in following.select("li.following")] == ["carol", "dave"]

        await client.post("/users/dave/unfollow")
        await client.post("/users/dave/unfollow")
        assert (await sandbox.follows("dave"))["followers"] == []
        assert html(await client.get("/users/dave")).select("form.follow-form")
        # No follow button on your own page.
        own = html(await client.get("/users/erin"))
        assert not own.select("form.follow-form")
        assert not own.select("form.unfollow-form")


async def test_message_reaches_the_other_inbox_and_is_read_when_viewed(sandbox: Sandbox) -> None:
    async with sandbox.browser() as carol:
        await sandbox.login(carol, "carol")
        form = html(await carol.get("/messages/dave")).one("form#message-form")
        assert form.attrs["action"] == "/messages/dave"
        empty = await carol.post("/messages/dave", data={"body": "   "})
        assert html(empty).select(".form-error")
        sent = await carol.post("/messages/dave", data={"body": "Is the camera still for sale?"})
        assert (sent.status_code, sent.headers["location"]) == (303, "/messages/dave")
        thread = html(await carol.get("/messages/dave"))
        message = thread.one("div.message")
        assert message.attrs["data-sender"] == "carol"
        assert message.one("p.message-body").text == "Is the camera still for sale?"
        assert message.one("time.message-time").attrs["datetime"].endswith("+00:00")

    async with sandbox.browser() as dave:
        await sandbox.login(dave, "dave")
        inbox = html(await dave.get("/messages"))
        conversation = inbox.one("li.conversation")
        assert (conversation.attrs["data-with"], conversation.attrs["data-unread"]) == ("carol", "true")
        assert conversation.one(".last-message").text == "Is the camera still for sale?"
        await dave.get(conversation.one("a").attrs["href"])
        assert html(await dave.get("/messages")).one("li.conversation").attrs["data-unread"] == "false"

    messages = await sandbox.messages("dave", "carol")
    assert [(m["sender"], m["recipient"], m["body"], m["read"]) for m in messages] == [
        ("carol", "dave", "Is the camera still for sale?", True)
    ]


async def test_seeded_conversation(sandbox: Sandbox) -> None:
    messages = await sandbox.messages("alice", "bob")
    assert len(messages) == 4
    assert [m["read"] for m in messages] == [True, True, True, False]
    async with sandbox.browser() as alice:
        await sandbox.login(alice, "alice")
        conversation = html(await alice.get("/messages")).one("li.conversation")
        assert (conversation.attrs["data-with"], conversation.attrs["data-unread"]) == ("bob", "true")


async def test_dropped_publish_creates_one_listing_and_no_answer(sandbox: Sandbox) -> None:
    before = await sandbox.items(seller="bob")
    await sandbox.drop_next_publish(hang_seconds=3)
    async with sandbox.browser() as client:
        await sandbox.login(client, "bob")
        client.timeout = httpx.Timeout(0.8)
        with pytest.raises(httpx.ReadTimeout):
            await _sell(sandbox, client, title="Lost answer lamp")
    after = await sandbox.items(seller="bob")
    assert len(after) == len(before) + 1
    assert after[0]["title"] == "Lost answer lamp"
    assert [i["title"] for i in after].count("Lost answer lamp") == 1

    # The fault fires once; a client that waits gets a 504 without the redirect.
    await sandbox.drop_next_publish(hang_seconds=0.1)
    async with sandbox.browser() as client:
        await sandbox.login(client, "bob")
        response = await _sell(sandbox, client, title="Slow lamp")
        assert response.status_code == 504
        assert "location" not in response.headers
        response = await _sell(sandbox, client, title="Normal lamp")
        assert response.status_code == 303
    assert [i["title"] for i in await sandbox.items(seller="bob")][:3] == [
        "Normal lamp",
        "Slow lamp",
        "Lost answer lamp",
    ]


async def test_views_and_likes(sandbox: Sandbox) -> None:
    item = (await sandbox.items(seller="carol"))[0]
    url = f"/items/{item['id']}"
    async with sandbox.browser() as seller, sandbox.browser() as buyer, sandbox.browser() as anonymous:
        await sandbox.login(seller, "carol")
        await sandbox.login(buyer, "dave")
        doc = html(await seller.get(url))
        assert doc.one(".views-count").text == "0"
        assert not doc.select("form.like-form")  # the seller can't like their own
        doc = html(await buyer.get(url))
        assert doc.one(".views-count").text == "1"
        await anonymous.get(url)
        await seller.get(url)
        doc = html(await buyer.get(url))
        assert doc.one(".views-count").text == "3"
        likes = int(doc.one(".likes-count").text)

        response = await buyer.post(doc.one("form.like-form").attrs["action"])
        assert (response.status_code, response.headers["location"]) == (303, url)
        await buyer.post(f"{url}/like")  # twice is still one like
        doc = html(await buyer.get(url))
        assert doc.one(".likes-count").text == str(likes + 1)
        assert doc.select("form.unlike-form")
        await buyer.post(doc.one("form.unlike-form").attrs["action"])
        doc = html(await buyer.get(url))
        assert doc.one(".likes-count").text == str(likes)
        assert doc.select("form.like-form")
    counters = next(i for i in await sandbox.items() if i["id"] == item["id"])
    assert (counters["views"], counters["likes"]) == (5, likes)


async def test_feed_pages_search_and_more_like_this(sandbox: Sandbox) -> None:
    async with sandbox.browser() as client:
        first = html(await client.get("/"))
        cards = first.select(".item-card")
        assert len(cards) == 24
        expected = [str(i["id"]) for i in await sandbox.items()]
        assert [c.attrs["data-item-id"] for c in cards] == expected[:24]
        second = html(await client.get(first.one("a.next-page").attrs["href"]))
        assert [c.attrs["data-item-id"] for c in second.select(".item-card")] == expected[24:]
        assert not second.select("a.next-page")

        found = html(await client.get("/", params={"q": "denim"}))
        titles = [c.one(".item-title").text for c in found.select(".item-card")]
        assert titles
        assert all("denim" in t.lower() for t in titles)
        assert not html(await client.get("/", params={"q": "zeppelin"})).select(".item-card")

        item = await client.get(f"/items/{cards[0].attrs['data-item-id']}")
        similar = html(item).one("section#more-like-this").select(".item-card")
        assert similar
        again = html(await client.get(f"/items/{cards[0].attrs['data-item-id']}"))
        assert [c.attrs["data-item-id"] for c in again.one("section#more-like-this").select(".item-card")] == [
            c.attrs["data-item-id"] for c in similar
        ]
        missing = await client.get("/items/999999")
        assert missing.status_code == 404
        assert "does not exist" in missing.text or "No such listing." in missing.text


@pytest.mark.serial  # times the reset
async def test_reset_is_fast_and_deterministic(sandbox: Sandbox) -> None:
    first = await sandbox.items()
    photo_one = (await sandbox.control.get("/photos/1")).content
    started = time.monotonic()
    (await sandbox.control.post("/__control/reset")).raise_for_status()
    assert time.monotonic() - started < 0.5
    second = await sandbox.items()
    assert len(first) == 30

    def strip(items: list[dict[str, object]]) -> list[tuple[object, ...]]:
        return [(i["id"], i["title"], i["price"], i["seller"], i["photos"], i["likes"]) for i in items]

    assert strip(first) == strip(second)
    assert (await sandbox.control.get("/photos/1")).content == photo_one
    assert photo_one[:2] == b"\xff\xd8"  # a JPEG
    assert await sandbox.follows("alice") == {"followers": ["bob", "carol", "dave"], "following": ["bob"]}


async def test_control_create_user(sandbox: Sandbox) -> None:
    assert (await sandbox.create_user("frank", "frank-pass-1")).status_code == 201
    assert (await sandbox.create_user("frank", "other")).status_code == 409
    async with sandbox.browser() as client:
        response = await client.post("/login", data={"username": "frank", "password": "frank-pass-1", "next": "/"})
        assert response.status_code == 303
        assert html(await client.get("/")).one("a#nav-user").attrs["data-username"] == "frank"
    assert (await sandbox.control.get("/healthz")).text == "ok"
