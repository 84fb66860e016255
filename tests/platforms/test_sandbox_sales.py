"""Sandbox buyers: a control-API purchase shows on the seller's pages, in "my sales" and as the shop's order
notice in the seller's messages (from its own account, which nobody registers or logs in as); views and likes added.

Through the HTML (as a browser without JavaScript would) and the control API only.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.platforms.conftest import Sandbox
from tests.platforms.html_reader import Node, html


def _row(page: Node, item_id: int) -> Node:
    return next(r for r in page.select("div.my-item") if r.attrs["data-item-id"] == str(item_id))


async def test_a_buy_shows_as_sold_and_in_my_sales(sandbox: Sandbox) -> None:
    jacket, skirt = (await sandbox.items(seller="alice"))[:2]
    older = await sandbox.buy("bob", skirt["id"], days_ago=2)
    sale = await sandbox.buy("carol", jacket["id"], price="40.00")
    assert (sale["buyer"], sale["seller"], sale["price"]) == ("carol", "alice", "40.00")
    assert older["price"] == skirt["price"]  # no price given: the listing's own
    async with sandbox.browser() as client:
        await sandbox.login(client, "alice")
        listings = html(await client.get("/my/listings"))
        assert _row(listings, jacket["id"]).attrs["data-sold"] == "true"
        assert "Sold" in _row(listings, jacket["id"]).text
        assert _row(listings, (await sandbox.items(seller="alice"))[2]["id"]).attrs["data-sold"] == "false"
        item = html(await client.get(f"/items/{jacket['id']}"))
        assert item.one("#item").attrs["data-sold"] == "true"
        note = item.one("p.sale-note")
        assert (note.attrs["data-buyer"], note.attrs["data-price"]) == ("carol", "40.00")
        rows = html(await client.get("/my/sales")).select("tr.sale")
        assert [r.attrs["data-item-id"] for r in rows] == [str(jacket["id"]), str(skirt["id"])]  # latest first
        first = rows[0]
        assert first.one("a.sale-title").text == jacket["title"]
        assert first.one("td.sale-price").attrs["data-price"] == "40.00"
        assert first.one("a.sale-buyer").attrs["data-username"] == "carol"
        when = datetime.fromisoformat(rows[1].one("time.sale-time").attrs["datetime"])
        assert timedelta(days=1.9) < datetime.now(UTC) - when < timedelta(days=2.1)
    async with sandbox.browser() as client:
        await sandbox.login(client, "dave")  # neither seller nor buyer: sees it sold, not to whom
        item = html(await client.get(f"/items/{jacket['id']}"))
        assert item.one("#item").attrs["data-sold"] == "true"
        assert item.select("p.sale-note") == []
        assert html(await client.get("/my/sales")).select("tr.sale") == []


async def test_a_sale_stays_in_my_sales_after_the_item_is_deleted(sandbox: Sandbox) -> None:
    jacket = (await sandbox.items(seller="alice"))[0]
    await sandbox.buy("bob", jacket["id"])
    async with sandbox.browser() as client:
        await sandbox.login(client, "alice")
        assert (await client.post(f"/items/{jacket['id']}/delete")).status_code == 303
        [row] = html(await client.get("/my/sales")).select("tr.sale")
        assert row.one("a.sale-title").text == jacket["title"]


async def test_buying_refused_for_the_seller_twice_or_unknown(sandbox: Sandbox) -> None:
    jacket = (await sandbox.items(seller="alice"))[0]
    own = await sandbox.control.post(f"/__control/items/{jacket['id']}/buy", json={"buyer": "alice"})
    assert own.status_code == 400
    assert "own listing" in own.text
    await sandbox.buy("bob", jacket["id"])
    again = await sandbox.control.post(f"/__control/items/{jacket['id']}/buy", json={"buyer": "carol"})
    assert again.status_code == 400
    assert "sold already" in again.text
    nobody = await sandbox.control.post(f"/__control/items/{jacket['id']}/buy", json={"buyer": "zed"})
    assert nobody.status_code == 404
    assert (await sandbox.control.post("/__control/items/9999/buy", json={"buyer": "bob"})).status_code == 404
    bad_price = await sandbox.control.post(
        f"/__control/items/{(await sandbox.items(seller='alice'))[1]['id']}/buy", json={"buyer": "bob", "price": "-3"}
    )
    assert bad_price.status_code == 400


async def test_views_and_likes_added_over_time_and_by_visits(sandbox: Sandbox) -> None:
    jacket = (await sandbox.items(seller="alice"))[0]  # seeded: liked by bob and carol
    assert (jacket["views"], jacket["likes"]) == (0, 2)
    after = await sandbox.add_item_stats(jacket["id"], views=4, likes=1)
    assert (after["views"], after["likes"]) == (4, 3)
    after = await sandbox.add_item_stats(jacket["id"], views=2, likes=3)  # more than the seeded users left
    assert (after["views"], after["likes"]) == (6, 6)
    async with sandbox.browser() as client:
        await sandbox.login(client, "bob")
        page = html(await client.get(f"/items/{jacket['id']}"))  # another user's visit counts
        assert page.one("span.views-count").text == "7"
    async with sandbox.browser() as client:
        await sandbox.login(client, "alice")
        page = html(await client.get(f"/items/{jacket['id']}"))  # the seller's own visit does not
        assert (page.one("span.views-count").text, page.one("span.likes-count").text) == ("7", "6")
        row = _row(html(await client.get("/my/listings")), jacket["id"])
        assert (row.attrs["data-views"], row.attrs["data-likes"]) == ("7", "6")
        likers = [
            r.attrs["data-username"] for r in html(await client.get(f"/items/{jacket['id']}/likers")).select("li.liker")
        ]
        assert sorted(likers) == ["bob", "carol", "dave", "erin", "shopper-1", "shopper-2"]
    refused = await sandbox.control.post(f"/__control/items/{jacket['id']}/stats", json={"views": -1})
    assert refused.status_code == 400


@pytest.mark.parametrize("shop", ["sandbox", "sandbox_b"])
async def test_a_buy_sends_the_seller_the_shops_order_notice(sandbox: Sandbox, sandbox_b: Sandbox, shop: str) -> None:
    market = sandbox if shop == "sandbox" else sandbox_b
    name = "Sandbox Market" if shop == "sandbox" else "Sandbox Bazaar"
    item = (await market.items(seller="alice"))[0]
    await market.buy("carol", item["id"], price="40.00")
    notice = (
        f"Order confirmed: \u201c{item['title']}\u201d (item #{item['id']}) was bought by carol for 40.00 €."
        f" Please send it within 5 days. \u2014 {name}"
    )
    (latest, *_) = await market.inbox("alice")
    assert (latest["with_user"], latest["last_message"], latest["unread_count"]) == ("orders", notice, 1)
    async with market.browser() as client:
        await market.login(client, "alice")
        inbox = html(await client.get("/messages")).select("li.conversation")
        assert inbox[0].attrs["data-with"] == "orders"
        assert inbox[0].one("span.last-message").text == notice
        thread = html(await client.get("/messages/orders"))
        [message] = thread.select("div.message")
        assert (message.attrs["data-sender"], message.one("p.message-body").text) == ("orders", notice)
        assert thread.select("#message-form") == []  # the shop's account reads no replies
        refused = html(await client.post("/messages/orders", data={"body": "Thanks!"}))
        assert "does not read replies" in refused.one("p.form-error").text
    assert [m["body"] for m in await market.messages("alice", "orders")] == [notice]


async def test_nobody_registers_or_logs_in_as_the_shops_account(sandbox: Sandbox) -> None:
    for name in ("orders", "Orders"):
        refused = await sandbox.create_user(name)
        assert refused.status_code == 400
        assert "reserved" in refused.text
    await sandbox.buy("bob", (await sandbox.items(seller="alice"))[0]["id"])  # the account exists now
    assert (await sandbox.create_user("orders")).status_code == 400
    async with sandbox.browser() as client:
        for password in ("", "!", "sandbox-pass-1"):
            page = await client.post("/login", data={"username": "orders", "password": password, "next": "/"})
            assert page.status_code == 200
            assert "sandbox_session" not in client.cookies
    # Nor does it show up among the people liking an item.
    liked = await sandbox.add_item_stats((await sandbox.items(seller="bob"))[0]["id"], likes=5)
    async with sandbox.browser() as client:
        await sandbox.login(client, "bob")
        likers = html(await client.get(f"/items/{liked['id']}/likers")).select("li.liker")
        assert "orders" not in {r.attrs["data-username"] for r in likers}
