"""Boards, "more ideas", search in stable pages and generated galleries on the sandbox, through its HTML forms."""

from __future__ import annotations

import io
import itertools
from typing import Any

import httpx
import imagehash
from PIL import Image

from tests.platforms.conftest import Sandbox
from tests.platforms.html_reader import Node, html


def _ids(page: Node) -> list[int]:
    return [int(card.attrs["data-item-id"]) for card in page.select("div.item-card")]


async def _make_board(client: httpx.AsyncClient, name: str) -> int:
    response = await client.post("/boards/new", data={"name": name})
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


async def _save(client: httpx.AsyncClient, board_id: int, item_id: int) -> str:
    response = await client.post(f"/items/{item_id}/save", data={"board_id": str(board_id)})
    assert response.status_code == 303
    assert response.headers["location"] == f"/items/{item_id}"
    return html(await client.get(response.headers["location"])).one("div.flash").text


async def test_a_user_makes_a_board_and_saves_items_to_it(sandbox: Sandbox) -> None:
    items = await sandbox.items(seller="bob")
    async with sandbox.browser() as client:
        await sandbox.login(client, "alice")
        form = html(await client.get("/boards/new")).one("form#board-form")
        assert form.attrs["action"] == "/boards/new"
        refused = await client.post("/boards/new", data={"name": "   "})
        assert html(refused).one(".form-error").text == "Board name is required."

        board_id = await _make_board(client, "Leather things")
        board = html(await client.get(f"/boards/{board_id}"))
        assert board.one("section#board").attrs["data-board-id"] == str(board_id)
        assert board.one("h1.board-name").text == "Leather things"
        assert _ids(board) == []

        item_id = items[0]["id"]
        save_form = html(await client.get(f"/items/{item_id}")).one("form#save-form")
        assert [o.attrs["value"] for o in save_form.select("option")] == [str(board_id)]
        assert await _save(client, board_id, item_id) == "Saved to Leather things."
        assert await _save(client, board_id, item_id) == "Already saved to Leather things."
        await _save(client, board_id, items[1]["id"])

        item_page = html(await client.get(f"/items/{item_id}"))
        assert [li.attrs["data-board-id"] for li in item_page.select("li.saved-board")] == [str(board_id)]
        assert _ids(html(await client.get(f"/boards/{board_id}"))) == [item_id, items[1]["id"]]
        rows = html(await client.get("/users/alice/boards")).select("li.board")
        assert [(r.attrs["data-board-id"], r.attrs["data-name"]) for r in rows] == [(str(board_id), "Leather things")]
    assert [(b["name"], b["item_ids"]) for b in await sandbox.boards("alice")] == [
        ("Leather things", [item_id, items[1]["id"]])
    ]

    async with sandbox.browser() as client:
        anonymous = await client.post(f"/items/{item_id}/save", data={"board_id": str(board_id)})
        assert anonymous.headers["location"].startswith("/login?next=")
        await sandbox.login(client, "bob")
        assert (await client.post(f"/items/{item_id}/save", data={"board_id": str(board_id)})).status_code == 403
        assert (await client.get("/boards/999999")).status_code == 404
    assert (await sandbox.boards("alice"))[0]["items"] == 2


async def test_more_ideas_share_the_boards_tags_leave_out_what_is_saved_and_page(sandbox: Sandbox) -> None:
    cats = (await sandbox.gallery("cats", 30, seed=1))["item_ids"]
    dogs = (await sandbox.gallery("dogs", 10, seed=2))["item_ids"]
    async with sandbox.browser() as client:
        await sandbox.login(client, "alice")
        board_id = await _make_board(client, "Cats")
        assert _ids(html(await client.get(f"/boards/{board_id}/ideas"))) == []  # nothing saved: no ideas yet
        for item_id in cats[:2]:
            await _save(client, board_id, item_id)

        first = html(await client.get(f"/boards/{board_id}/ideas"))
        second = html(await client.get(f"/boards/{board_id}/ideas", params={"page": 2}))
        past = html(await client.get(f"/boards/{board_id}/ideas", params={"page": 3}))
        assert len(_ids(first)) == 20
        assert first.one("a.next-page").attrs["href"] == f"/boards/{board_id}/ideas?page=2"
        assert len(_ids(second)) == 8
        assert not second.select("a.next-page")
        assert _ids(past) == []
        assert past.one("p.empty")
        assert sorted(_ids(first) + _ids(second)) == sorted(cats[2:])
        assert not set(_ids(first) + _ids(second)) & set(dogs)
        again = html(await client.get(f"/boards/{board_id}/ideas"))
        assert _ids(again) == _ids(first)


async def test_search_pages_stay_the_same_when_items_are_added(sandbox: Sandbox) -> None:
    birds = (await sandbox.gallery("birds", 45, seed=3))["item_ids"]
    async with sandbox.browser() as client:
        pages = [_ids(html(await client.get("/feed", params={"q": "birds", "page": n}))) for n in (1, 2, 3)]
        assert [len(p) for p in pages] == [20, 20, 5]
        assert list(itertools.chain(*pages)) == birds
        more = (await sandbox.gallery("birds", 5, seed=4))["item_ids"]
        assert _ids(html(await client.get("/feed", params={"q": "birds", "page": 2}))) == pages[1]
        last = html(await client.get("/feed", params={"q": "birds", "page": 3}))
        assert _ids(last) == pages[2] + more
        assert _ids(html(await client.get("/feed", params={"q": "birds", "page": 4}))) == []

        similar = html(await client.get(f"/items/{birds[0]}/similar"))
        assert len(_ids(similar)) == 20
        assert birds[0] not in _ids(similar)
        assert similar.one("a.next-page").attrs["href"] == f"/items/{birds[0]}/similar?page=2"


async def test_an_armed_failure_answers_500_the_given_number_of_times(sandbox: Sandbox) -> None:
    await sandbox.gallery("owls", 25, seed=5)
    await sandbox.fail_path("/feed?q=owls&page=2", count=2)
    async with sandbox.browser() as client:
        assert (await client.get("/feed", params={"q": "owls", "page": 1})).status_code == 200
        codes = [(await client.get("/feed", params={"q": "owls", "page": 2})).status_code for _ in range(3)]
    assert codes == [500, 500, 200]


async def _picture(client: httpx.AsyncClient, item: dict[str, Any]) -> bytes:
    response = await client.get(f"/photos/{item['photo_ids'][0]}")
    assert response.headers["content-type"] == "image/jpeg"
    return response.content


async def test_a_gallery_serves_distinct_pictures_and_chosen_duplicates(sandbox: Sandbox) -> None:
    made = await sandbox.gallery("kites", 80, exact_share=0.1, near_share=0.1, seed=9)
    assert (made["distinct"], len(made["exact_duplicates"]), len(made["near_duplicates"])) == (64, 8, 8)
    items = {item["id"]: item for item in await sandbox.items(seller="dave")}
    async with sandbox.browser() as client:
        data = {item_id: await _picture(client, items[item_id]) for item_id in made["item_ids"]}
        found = _ids(html(await client.get("/feed", params={"q": "kites", "page": 4})))
    assert found == made["item_ids"][60:]  # every one is reachable by the keyword
    hashes = {item_id: imagehash.phash(Image.open(io.BytesIO(raw))) for item_id, raw in data.items()}
    repeats = {int(k): v for k, v in {**made["exact_duplicates"], **made["near_duplicates"]}.items()}
    distinct = [i for i in made["item_ids"] if i not in repeats]
    assert len({data[i] for i in distinct}) == 64
    assert min(hashes[a] - hashes[b] for a, b in itertools.combinations(distinct, 2)) > 10
    for copy, original in made["exact_duplicates"].items():
        assert data[int(copy)] == data[original]
    for copy, original in made["near_duplicates"].items():
        assert data[int(copy)] != data[original]
        assert hashes[int(copy)] - hashes[original] <= 6
        with Image.open(io.BytesIO(data[int(copy)])) as image:
            assert min(image.size) >= 256

    (await sandbox.control.post("/__control/reset")).raise_for_status()
    again = await sandbox.gallery("kites", 80, exact_share=0.1, near_share=0.1, seed=9)
    assert again["exact_duplicates"] == made["exact_duplicates"]  # ids start again from 1 after a reset
    first = next(i for i in await sandbox.items(seller="dave") if i["id"] == again["item_ids"][0])
    async with sandbox.browser() as client:
        assert await _picture(client, first) == data[made["item_ids"][0]]
