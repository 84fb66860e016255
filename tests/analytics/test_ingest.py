"""POST /analytics/events: checked events recorded once; each refusal names the event's field."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from backend.core.clock import utcnow
from tests.analytics.conftest import Shop, make_shop
from tests.helpers import names_field

URL = "/api/v1/analytics/events"


def _when(minutes_ago: int = 30) -> str:
    return (utcnow() - timedelta(minutes=minutes_ago)).isoformat()


async def _post(client: httpx.AsyncClient, shop: Shop, *events: dict[str, Any]) -> httpx.Response:
    return await client.post(URL, json={"events": list(events)}, headers=shop.user.headers)


async def _views_today(client: httpx.AsyncClient, shop: Shop) -> int:
    response = await client.get("/api/v1/analytics/dashboard", headers=shop.user.headers)
    assert response.status_code == 200, response.text
    views: int = response.json()["totals"]["views"]
    return views


async def test_events_count_once_and_repeated_client_ids_are_ignored(client: httpx.AsyncClient, shop: Shop) -> None:
    first = await _post(
        client,
        shop,
        {"kind": "view", "value": 3, "occurred_at": _when(), "listing_id": str(shop.dress), "client_event_id": "x"},
        {"kind": "view", "occurred_at": _when(), "account_id": str(shop.alpha), "platform_item_id": "a2"},
        {"kind": "like", "occurred_at": _when(), "listing_id": str(shop.skirt), "client_event_id": "y"},
    )
    assert first.status_code == 200, first.text
    assert first.json() == {"accepted": 3, "duplicates": 0}
    again = await _post(
        client,
        shop,
        {"kind": "view", "value": 3, "occurred_at": _when(), "listing_id": str(shop.dress), "client_event_id": "x"},
        {"kind": "view", "value": 5, "occurred_at": _when(), "listing_id": str(shop.dress), "client_event_id": "z"},
        {"kind": "view", "value": 5, "occurred_at": _when(), "listing_id": str(shop.dress), "client_event_id": "z"},
    )
    assert again.json() == {"accepted": 1, "duplicates": 2}
    assert await _views_today(client, shop) == 3 + 1 + 5


async def test_each_wrong_event_is_refused_naming_its_field(client: httpx.AsyncClient, shop: Shop) -> None:
    good = {"kind": "view", "occurred_at": _when(), "listing_id": str(shop.dress)}
    cases = [
        ({**good, "kind": "purchase"}, 400, "events[0].kind"),
        ({**good, "value": -1}, 400, "events[0].value"),
        ({**good, "occurred_at": (utcnow() + timedelta(hours=1)).isoformat()}, 400, "events[0].occurred_at"),
        ({**good, "occurred_at": (utcnow() - timedelta(days=91)).isoformat()}, 400, "events[0].occurred_at"),
        (
            {"kind": "view", "occurred_at": _when(), "account_id": str(shop.alpha), "platform_item_id": "nope"},
            400,
            "events[0].platform_item_id",
        ),
        ({"kind": "view", "occurred_at": _when()}, 400, "events[0]"),
    ]
    for event, status, field in cases:
        response = await _post(client, shop, event)
        assert response.status_code == status, (event, response.text)
        assert names_field(response.json(), field), (field, response.json())
    # A wrong event anywhere in the batch: nothing of the batch is recorded.
    response = await _post(client, shop, good, {**good, "occurred_at": (utcnow() + timedelta(days=1)).isoformat()})
    assert response.status_code == 400
    assert names_field(response.json(), "events[1].occurred_at")
    assert await _views_today(client, shop) == 0
    too_many = await client.post(URL, json={"events": [good] * 1001}, headers=shop.user.headers)
    assert too_many.status_code == 400


async def test_another_workspaces_listing_or_account_is_not_found(client: httpx.AsyncClient, shop: Shop) -> None:
    other = await make_shop(client)
    response = await _post(client, other, {"kind": "view", "occurred_at": _when(), "listing_id": str(shop.dress)})
    assert response.status_code == 404
    assert names_field(response.json(), "events[0].listing_id")
    response = await _post(
        client, other, {"kind": "view", "occurred_at": _when(), "account_id": str(shop.alpha), "platform_item_id": "a1"}
    )
    assert response.status_code == 404
    assert names_field(response.json(), "events[0].account_id")
    assert await _views_today(client, shop) == 0
