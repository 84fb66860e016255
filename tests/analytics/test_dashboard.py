"""The dashboard for a hand-built event set (tests/analytics/conftest.py): every figure, read in Paris time."""

from __future__ import annotations

from typing import Any

import httpx

from tests.analytics.conftest import Shop, make_shop, seed_events
from tests.helpers import register

PERIOD = {"from": "2026-11-02", "to": "2026-11-08", "tz": "Europe/Paris"}


async def _dashboard(client: httpx.AsyncClient, shop: Shop, **params: str) -> dict[str, Any]:
    response = await client.get("/api/v1/analytics/dashboard", params={**PERIOD, **params}, headers=shop.user.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _titles(rows: list[dict[str, Any]]) -> list[str]:
    return [row["title"] for row in rows]


async def test_every_figure_of_the_dashboard(client: httpx.AsyncClient, shop: Shop) -> None:
    await seed_events(shop)
    body = await _dashboard(client, shop)

    assert body["period"] == {"from": "2026-11-02", "to": "2026-11-08", "days": 7, "tz": "Europe/Paris"}
    assert body["previous_period"] == {"from": "2026-10-26", "to": "2026-11-01", "days": 7, "tz": "Europe/Paris"}
    # The view at 00:30 on 9 November (Paris) is outside; the one at 23:30 on 1 November is the period before.
    assert body["totals"] == {"views": 200, "likes": 8, "messages": 2, "follows": 1, "sales": 2, "revenue": 55.5}
    assert body["previous_totals"] == {
        "views": 50,
        "likes": 0,
        "messages": 0,
        "follows": 0,
        "sales": 1,
        "revenue": 20.0,
    }
    assert body["change"] == {
        "views": 300.0,
        "likes": None,
        "messages": None,
        "follows": None,
        "sales": 100.0,
        "revenue": 177.5,
    }

    series = {point["date"]: point for point in body["series"]}
    assert list(series) == [f"2026-11-0{d}" for d in range(2, 9)]
    assert series["2026-11-03"] == {
        "date": "2026-11-03",
        "views": 160,
        "likes": 5,
        "messages": 0,
        "sales": 0,
        "revenue": 0.0,
    }
    assert series["2026-11-04"]["sales"] == 1
    assert series["2026-11-04"]["revenue"] == 40.0
    # 23:30 UTC on the 7th is the 8th in Paris.
    assert series["2026-11-07"]["views"] == 0
    assert series["2026-11-08"] == {
        "date": "2026-11-08",
        "views": 30,
        "likes": 3,
        "messages": 2,
        "sales": 1,
        "revenue": 15.5,
    }
    assert sum(point["views"] for point in body["series"]) == 200

    cells = {(c["weekday"], c["hour"]): c for c in body["heatmap"]}
    assert len(cells) == 168
    assert cells[(1, 10)] == {"weekday": 1, "hour": 10, "views": 160, "sales": 0}  # Tuesday 10:00-11:00
    assert cells[(6, 0)]["views"] == 30  # Sunday just after midnight
    assert cells[(2, 19)]["sales"] == 1
    assert cells[(6, 11)]["sales"] == 1
    assert cells[(3, 13)]["views"] == 10
    assert sum(c["views"] for c in body["heatmap"]) == 200

    top, bottom = body["top"], body["bottom"]
    assert _titles(top["views"]) == ["Red dress", "Blue jeans", "Green dress", "a3"]
    assert _titles(bottom["views"]) == ["a3", "Green dress", "Blue jeans", "Red dress"]
    assert _titles(top["likes"]) == ["Red dress", "Green dress", "Blue jeans", "a3"]
    assert _titles(top["conversion"]) == ["Green dress", "Red dress", "Blue jeans", "a3"]
    assert _titles(bottom["conversion"]) == ["Blue jeans", "a3", "Red dress", "Green dress"]
    assert [(r["title"], r["days_to_sell"]) for r in top["days_to_sell"]] == [("Red dress", 3.0), ("Green dress", 5.0)]
    assert _titles(bottom["days_to_sell"]) == ["Green dress", "Red dress"]
    dress = top["views"][0]
    assert dress["listing_id"] == str(shop.dress)
    assert dress["conversion"] == 0.01
    assert dress["revenue"] == 40.0
    assert top["views"][3]["listing_id"] is None  # an item with no draft here

    categories = {c["name"]: c for c in body["categories"]}
    assert [c["name"] for c in body["categories"]] == ["Women > Dresses", "Men > Jeans & Trousers", "Unknown"]
    assert categories["Women > Dresses"] == {
        "name": "Women > Dresses",
        "listings": 2,
        "views": 130,
        "likes": 8,
        "sales": 2,
        "revenue": 55.5,
        "views_share": 0.65,
        "sales_share": 1.0,
    }
    assert categories["Unknown"]["views_share"] == 0.05
    brands = {b["name"]: (b["views"], b["views_share"], b["listings"]) for b in body["brands"]}
    assert brands == {"Zara": (100, 0.5, 1), "Levi's": (60, 0.3, 1), "Unknown": (40, 0.2, 2)}

    accounts = [(a["label"], a["views"], a["sales"], a["revenue"], a["follows"]) for a in body["accounts"]]
    assert accounts == [("Alpha", 170, 1, 40.0, 1), ("Beta", 30, 1, 15.5, 0)]
    # 60 views and no like (the threshold is 50); the item with 10 views is under it.
    assert _titles(body["reprice"]) == ["Blue jeans"]
    assert body["reprice_min_views"] == 50


async def test_filters_by_account_and_platform(client: httpx.AsyncClient, shop: Shop) -> None:
    await seed_events(shop)
    beta = await _dashboard(client, shop, account=str(shop.beta))
    assert beta["totals"]["views"] == 30
    assert beta["totals"]["sales"] == 1
    assert [a["label"] for a in beta["accounts"]] == ["Beta"]
    sandbox = await _dashboard(client, shop, platform="sandbox")
    assert sandbox["totals"]["views"] == 170
    assert sandbox["previous_totals"]["sales"] == 1
    assert _titles(sandbox["top"]["views"]) == ["Red dress", "Blue jeans", "a3"]


async def test_an_empty_period_and_bad_parameters(client: httpx.AsyncClient, shop: Shop) -> None:
    body = await _dashboard(client, shop)
    assert body["totals"]["views"] == 0
    assert body["change"]["views"] is None
    assert len(body["series"]) == 7
    assert body["top"]["views"] == []
    assert body["categories"] == []
    for params, field in (
        ({"tz": "Mars/Base"}, "tz"),
        ({"from": "2026-11-09"}, "to"),
        ({"from": "2020-01-01"}, "from"),
    ):
        response = await client.get(
            "/api/v1/analytics/dashboard", params={**PERIOD, **params}, headers=shop.user.headers
        )
        assert response.status_code == 400, response.text
        assert field in response.json()["detail"]


async def test_another_workspace_sees_none_of_it(client: httpx.AsyncClient, shop: Shop) -> None:
    await seed_events(shop)
    other = await make_shop(client)
    body = await _dashboard(client, other)
    assert body["totals"]["views"] == 0
    assert body["accounts"] == []
    assert body["top"]["views"] == []
    # Naming the first workspace's account changes nothing.
    body = await _dashboard(client, other, account=str(shop.alpha))
    assert body["totals"]["views"] == 0
    stranger = await register(client)
    response = await client.get("/api/v1/analytics/dashboard", params=PERIOD, headers=stranger.headers)
    assert response.status_code == 200
    assert response.json()["totals"]["views"] == 0
