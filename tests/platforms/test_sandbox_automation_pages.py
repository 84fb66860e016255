"""The sandbox pages automation reads (likers, follow dates, item age, unread counts) and the control API behind them.

Through the HTML (as a browser without JavaScript would) and the control API only.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.images import photo
from tests.platforms.conftest import Sandbox
from tests.platforms.html_reader import html


def _ago(stamp: str) -> timedelta:
    return datetime.now(UTC) - datetime.fromisoformat(stamp)


async def test_likers_page_only_for_the_seller(sandbox: Sandbox) -> None:
    item = (await sandbox.items(seller="alice"))[0]
    await sandbox.like("erin", item["id"], days_ago=3)
    async with sandbox.browser() as client:
        anonymous = await client.get(f"/items/{item['id']}/likers")
        assert anonymous.status_code == 303
        assert anonymous.headers["location"].startswith("/login?next=")
        await sandbox.login(client, "bob")
        assert (await client.get(f"/items/{item['id']}/likers")).status_code == 403
    async with sandbox.browser() as client:
        await sandbox.login(client, "alice")
        page = html(await client.get(f"/items/{item['id']}/likers"))
        rows = page.select("li.liker")
        assert [r.attrs["data-username"] for r in rows] == ["carol", "bob", "erin"]
        erin = rows[-1].one("time.since")
        assert timedelta(days=2.9) < _ago(erin.attrs["datetime"]) < timedelta(days=3.1)
        listings = html(await client.get("/my/listings"))
        row = next(r for r in listings.select("div.my-item") if r.attrs["data-item-id"] == str(item["id"]))
        assert row.attrs["data-likes"] == "3"
        assert row.one("a.likers-link").attrs["href"] == f"/items/{item['id']}/likers"


async def test_following_shows_dates_and_who_follows_back(sandbox: Sandbox) -> None:
    await sandbox.follow("alice", "erin", days_ago=12)
    async with sandbox.browser() as client:
        assert (await client.get("/my/following")).status_code == 303
        await sandbox.login(client, "alice")
        following = html(await client.get("/my/following"))
        rows = {r.attrs["data-username"]: r for r in following.select("li.following")}
        assert list(rows) == ["erin", "bob"]  # oldest first: erin was followed 12 days ago
        assert rows["bob"].attrs["data-mutual"] == "true"
        assert "Follows you" in rows["bob"].text
        assert rows["erin"].attrs["data-mutual"] == "false"
        assert _ago(rows["erin"].one("time.since").attrs["datetime"]) > timedelta(days=11)
        followers = html(await client.get("/my/followers"))
        assert {r.attrs["data-username"] for r in followers.select("li.follower")} == {"bob", "carol", "dave"}
        public = html(await client.get("/users/alice/following"))
        assert "Follows alice" not in public.text  # alice looks at her own list
    links = await sandbox.follow_links("alice")
    assert [(f["username"], f["mutual"]) for f in links["following"]] == [("erin", False), ("bob", True)]
    await sandbox.follow("alice", "bob", days_ago=30)  # re-dated: now the oldest follow
    links = await sandbox.follow_links("alice")
    assert [f["username"] for f in links["following"]] == ["bob", "erin"]
    assert _ago(links["following"][0]["at"]) > timedelta(days=29)
    await sandbox.follow("alice", "erin", follow=False)
    assert [f["username"] for f in (await sandbox.follow_links("alice"))["following"]] == ["bob"]


async def test_item_age_and_sold_on_my_listings_and_the_feed(sandbox: Sandbox) -> None:
    item = (await sandbox.items(seller="alice"))[0]
    aged = await sandbox.age_item(item["id"], 20)
    assert _ago(aged["listed_at"]) > timedelta(days=20)
    assert (await sandbox.mark_sold(item["id"]))["sold"] is True
    async with sandbox.browser() as client:
        await sandbox.login(client, "alice")
        row = next(
            r
            for r in html(await client.get("/my/listings")).select("div.my-item")
            if r.attrs["data-item-id"] == str(item["id"])
        )
        assert row.attrs["data-sold"] == "true"
        assert _ago(row.attrs["data-listed-at"]) > timedelta(days=20)
        assert row.select("span.sold")
        feed = html(await client.get("/", params={"q": item["title"]}))
        card = next(c for c in feed.select("div.item-card") if c.attrs["data-item-id"] == str(item["id"]))
        assert card.attrs["data-seller"] == "alice"
        assert card.attrs["data-sold"] == "true"
    assert (await sandbox.control.post("/__control/items/999999/age", json={"days": 1})).status_code == 404
    assert (await sandbox.control.post("/__control/items/999999/sold", json={})).status_code == 404


async def test_inbox_counts_unread_messages_per_conversation(sandbox: Sandbox) -> None:
    first = await sandbox.send("erin", "alice", "Hello!")
    second = await sandbox.send("erin", "alice", "Still there?")
    assert second > first
    inbox = {c["with_user"]: c for c in await sandbox.inbox("alice")}
    assert inbox["erin"]["unread_count"] == 2
    assert inbox["erin"]["last_message_id"] == second
    assert inbox["bob"]["unread_count"] == 1
    async with sandbox.browser() as client:
        await sandbox.login(client, "alice")
        page = html(await client.get("/messages"))
        rows = {r.attrs["data-with"]: r for r in page.select("li.conversation")}
        assert rows["erin"].attrs["data-unread-count"] == "2"
        assert rows["erin"].attrs["data-last-message-id"] == str(second)
        assert rows["erin"].one("time.last-time").attrs["datetime"]
        thread = html(await client.get("/messages/erin"))
        assert [m.attrs["data-message-id"] for m in thread.select("div.message")] == [str(first), str(second)]
    assert next(c for c in await sandbox.inbox("alice") if c["with_user"] == "erin")["unread_count"] == 0
    bad = await sandbox.control.post("/__control/messages", json={"sender": "erin", "recipient": "alice", "body": " "})
    assert bad.status_code == 400
    missing = await sandbox.control.post("/__control/likes", json={"username": "nobody", "item_id": 1})
    assert missing.status_code == 404


async def test_a_deleted_items_id_is_never_given_again(sandbox: Sandbox) -> None:
    newest = max(i["id"] for i in await sandbox.items())
    assert newest == (await sandbox.items(seller="alice"))[0]["id"]  # the seed's newest item is alice's
    files = [("photos", ("p.jpg", photo(seed=3, size=(64, 48)), "image/jpeg"))]
    async with sandbox.browser() as client:
        await sandbox.login(client, "alice")
        assert (await client.post(f"/items/{newest}/delete")).status_code == 303
        sold = await client.post("/sell", data={"title": "Fresh id", "description": "", "price": "5"}, files=files)
        assert sold.status_code == 303
    assert _item_id(sold.headers["location"]) == newest + 1


def _item_id(location: str) -> int:
    return int(location.rsplit("/", 1)[1])


async def test_control_requests_need_real_users(sandbox: Sandbox) -> None:
    response = await sandbox.control.post("/__control/follows", json={"follower": "alice", "followee": "ghost"})
    assert response.status_code == 404
    response = await sandbox.control.get("/__control/inbox", params={"username": "ghost"})
    assert response.status_code == 404
