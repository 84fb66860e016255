"""The sandbox's second shop, Sandbox Bazaar (`--flavour b`), and what flavour A gained: through their HTML forms."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from tests.images import photo
from tests.platforms.conftest import Sandbox
from tests.platforms.html_reader import Node, html

TAXONOMY = json.loads((Path(__file__).parents[2] / "backend" / "ai" / "taxonomy.json").read_text())["categories"]
BAZAAR_CATEGORIES = [
    "Clothing / Women / Dresses", "Clothing / Women / Tops", "Clothing / Women / Knitwear",
    "Clothing / Women / Outerwear", "Clothing / Women / Jeans", "Clothing / Women / Trousers",
    "Clothing / Women / Skirts", "Clothing / Women / Sportswear", "Shoes / Women", "Bags & Purses",
    "Jewellery & Watches", "Accessories", "Clothing / Men / Tops & Shirts", "Clothing / Men / Knitwear",
    "Clothing / Men / Outerwear", "Clothing / Men / Trousers & Jeans", "Clothing / Men / Sportswear", "Shoes / Men",
    "Kids & Baby", "Toys & Games", "Home & Living", "Electronics", "Video Games", "Books, Music & Film",
    "Sports & Outdoors", "Beauty & Health", "Pet Supplies", "Art & Collectibles",
]  # fmt: skip
BAZAAR_CONDITIONS = ["New with tags", "New without tags", "Very good", "Good", "Satisfactory"]
DRESS = {
    "title": "Striped summer dress",
    "description": "Cotton, knee length.",
    "price": "24.00",
    "category": "Clothing / Women / Dresses",
    "condition": "Very good",
    "size": "M",
    "brand": "Mango",
}


async def _sell(client: httpx.AsyncClient, **fields: str) -> httpx.Response:
    files = [("photos", ("p.jpg", photo(seed=3, size=(64, 48)), "image/jpeg"))]
    return await client.post("/sell", data=fields, files=files)


def _options(select: Node) -> list[str]:
    return [option.text for option in select.select("option") if option.attrs.get("value") != ""]


async def test_two_shops_a_person_tells_apart(sandbox: Sandbox, sandbox_b: Sandbox) -> None:
    async with sandbox.browser() as market, sandbox_b.browser() as bazaar:
        a, b = html(await market.get("/")), html(await bazaar.get("/"))
    assert a.one("nav .brand").text == "Sandbox Market"
    assert b.one("nav .brand").text == "Sandbox Bazaar"
    assert b.one("title").text.endswith("Sandbox Bazaar")
    styles_a = " ".join(style.text for style in a.select("style"))
    styles_b = " ".join(style.text for style in b.select("style"))
    assert "--brand:#0f766e" in styles_a
    assert "--brand:#7c3aed" in styles_b  # another accent colour


async def test_bazaar_seeds_the_same_users_and_its_own_items(sandbox_b: Sandbox) -> None:
    async with sandbox_b.browser() as client:
        await sandbox_b.login(client, "alice")
        assert html(await client.get("/my/listings")).select(".my-item")
    items = await sandbox_b.items()
    assert 5 <= len(items) <= 12
    assert {item["category"] for item in items} <= set(BAZAAR_CATEGORIES)
    assert {item["condition"] for item in items} <= set(BAZAAR_CONDITIONS)
    assert all(item["size"] for item in items if item["category"].startswith(("Clothing /", "Shoes /")))


async def test_bazaar_sell_form_asks_its_own_fields_and_shows_them(sandbox_b: Sandbox) -> None:
    async with sandbox_b.browser() as client:
        await sandbox_b.login(client, "alice")
        form = html(await client.get("/sell")).one("form#sell-form")
        assert _options(form.one("select[name=category]")) == BAZAAR_CATEGORIES
        assert _options(form.one("select[name=condition]")) == BAZAAR_CONDITIONS
        assert form.one("input[name=size]")
        assert form.one("input[name=brand]")
        assert form.one("input[name=title]").attrs["maxlength"] == "60"

        response = await _sell(client, **DRESS)
        assert response.status_code == 303, response.text
        item_id = int(response.headers["location"].rsplit("/", 1)[1])
        article = html(await client.get(f"/items/{item_id}")).one("article#item")
        assert article.one(".item-category").text == "Clothing / Women / Dresses"
        assert article.one(".item-condition").text == "Very good"
        assert article.one(".item-size").text == "M"
        assert article.one(".item-brand").text == "Mango"
        row = next(
            row
            for row in html(await client.get("/my/listings")).select(".my-item")
            if row.attrs["data-item-id"] == str(item_id)
        )
        assert (row.attrs["data-category"], row.attrs["data-condition"], row.attrs["data-size"]) == (
            "Clothing / Women / Dresses",
            "Very good",
            "M",
        )
    shown = next(item for item in await sandbox_b.items(seller="alice") if item["id"] == item_id)
    assert (shown["category"], shown["condition"], shown["size"], shown["brand"]) == (
        "Clothing / Women / Dresses",
        "Very good",
        "M",
        "Mango",
    )


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"size": ""}, "Size is required for clothing and shoes."),
        ({"category": ""}, "Category is required: choose one."),
        ({"category": "Other"}, "Category must be one of the shop's categories."),
        ({"condition": ""}, "Condition is required: choose one."),
        ({"condition": "Like new"}, "Condition must be one of: " + ", ".join(BAZAAR_CONDITIONS) + "."),
        ({"title": "x" * 61}, "Title must be at most 60 characters."),
        ({"description": "x" * 1001}, "Description must be at most 1000 characters."),
        ({"price": "5000.01"}, "Price must be at most 5000."),
    ],
)
async def test_bazaar_refuses_what_it_lacks_naming_the_field(
    sandbox_b: Sandbox, change: dict[str, str], error: str
) -> None:
    before = len(await sandbox_b.items())
    async with sandbox_b.browser() as client:
        await sandbox_b.login(client, "bob")
        response = await _sell(client, **{**DRESS, **change})
        assert response.status_code == 200
        doc = html(response)
        assert doc.one(".form-error").text == error
        assert doc.one("form#sell-form input[name=title]").attrs["value"] == {**DRESS, **change}["title"]
    assert len(await sandbox_b.items()) == before


async def test_bazaar_asks_no_size_outside_clothing_and_shoes(sandbox_b: Sandbox) -> None:
    async with sandbox_b.browser() as client:
        await sandbox_b.login(client, "carol")
        response = await _sell(client, **{**DRESS, "title": "Rattan lamp", "category": "Home & Living", "size": ""})
        assert response.status_code == 303, html(response).select(".form-error")


async def test_market_has_an_optional_category_from_sellpilots_taxonomy(sandbox: Sandbox) -> None:
    async with sandbox.browser() as client:
        await sandbox.login(client, "alice")
        form = html(await client.get("/sell")).one("form#sell-form")
        assert _options(form.one("select[name=category]")) == TAXONOMY
        assert not form.select("select[name=condition]")
        assert not form.select("input[name=size]")

        plain = await _sell(client, title="Lamp", description="", price="10")
        assert plain.status_code == 303
        assert not html(await client.get(plain.headers["location"])).select(".item-category")

        dressed = await _sell(client, title="Dress", description="", price="10", category="Women > Dresses")
        assert dressed.status_code == 303
        page = html(await client.get(dressed.headers["location"]))
        assert page.one(".item-category").text == "Women > Dresses"

        unknown = await _sell(client, title="Thing", description="", price="10", category="Gadgets")
        assert html(unknown).one(".form-error").text == "Category must be one of the shop's categories."


async def test_a_delete_whose_answer_is_lost_happens_once(sandbox: Sandbox, sandbox_b: Sandbox) -> None:
    for shop in (sandbox, sandbox_b):
        await _lose_a_delete(shop)


async def _lose_a_delete(sandbox: Sandbox) -> None:
    item = (await sandbox.items(seller="dave"))[0]
    await sandbox.drop_next_delete(hang_seconds=0.2)
    async with sandbox.browser() as client:
        await sandbox.login(client, "dave")
        response = await client.post(f"/items/{item['id']}/delete")
        assert response.status_code == 504
        assert "location" not in response.headers
    assert item["id"] not in [i["id"] for i in await sandbox.items()]
    # The fault fires once.
    faults = (await sandbox.control.post("/__control/faults", json={})).json()
    assert faults["drop_next_delete"] is False
