"""Top/bottom lists over more listings than they show: the 10th place goes to the right listing when
views tie (the title decides), and the breakdowns still count every listing with activity."""

from __future__ import annotations

from decimal import Decimal

import httpx

from backend.analytics import service
from backend.analytics.service import NewEvent
from tests.analytics.conftest import Shop, at

PERIOD = {"from": "2026-11-02", "to": "2026-11-08", "tz": "Europe/Paris"}
# Item id (its title: no draft here) -> views in the period.
VIEWS = {f"n{k}": 100 * k for k in range(1, 10)} | {"b-tie": 50, "a-tie": 50} | {f"low{k}": k for k in range(1, 10)}


def _titles(rows: list[dict[str, object]]) -> list[str]:
    return [str(row["title"]) for row in rows]


async def test_the_tenth_place_and_the_flags_over_twenty_listings(client: httpx.AsyncClient, shop: Shop) -> None:
    events = [
        NewEvent(shop.alpha, "sandbox", item, None, "view", Decimal(views), at("2026-11-04 12:00"), "")
        for item, views in VIEWS.items()
    ]
    # One sale: 1 of n3's 300 views.
    events.append(NewEvent(shop.alpha, "sandbox", "n3", None, "sale", Decimal("12"), at("2026-11-05 12:00"), "EUR"))
    await service.record_events(shop.workspace_id, events)

    response = await client.get("/api/v1/analytics/dashboard", params=PERIOD, headers=shop.user.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    top, bottom = body["top"], body["bottom"]

    most_viewed = [f"n{k}" for k in range(9, 0, -1)]
    assert _titles(top["views"]) == [*most_viewed, "a-tie"]
    assert _titles(bottom["views"]) == [*(f"low{k}" for k in range(1, 10)), "a-tie"]
    # No likes anywhere: both like lists follow the views.
    assert _titles(top["likes"]) == [*most_viewed, "a-tie"]
    assert _titles(bottom["likes"]) == [*most_viewed, "a-tie"]
    assert _titles(top["conversion"])[:2] == ["n3", "n9"]
    assert top["conversion"][0]["conversion"] == 0.0033
    # Lowest conversion first, then the most viewed: n3 (the only sale) is last of all, so not shown.
    assert _titles(bottom["conversion"]) == [*(t for t in most_viewed if t != "n3"), "a-tie", "b-tie"]
    # 50 views or more and no like: all eleven, most viewed first, the tie by title.
    assert _titles(body["reprice"]) == [*most_viewed, "a-tie", "b-tie"]

    assert [(c["name"], c["listings"], c["views"], c["sales"]) for c in body["categories"]] == [
        ("Unknown", 20, sum(VIEWS.values()), 1)
    ]
    assert [(a["label"], a["listings"], a["views"]) for a in body["accounts"]] == [("Alpha", 20, sum(VIEWS.values()))]
