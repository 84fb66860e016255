"""Browser profiles: templates, CRUD, validation (timezone, locale, viewport), tenancy."""

from __future__ import annotations

import httpx

from tests.helpers import names_field, register
from tests.platforms.helpers import create, new_id

BASE = "/api/v1/profiles"


async def test_templates_and_profiles_from_them(client: httpx.AsyncClient) -> None:
    account = await register(client)
    templates = {t["name"]: t for t in (await client.get(f"{BASE}/templates", headers=account.headers)).json()}
    assert set(templates) == {"chrome_windows", "chrome_mac", "mobile_android"}
    assert "Windows NT 10.0" in templates["chrome_windows"]["user_agent"]
    assert "Macintosh" in templates["chrome_mac"]["user_agent"]
    android = templates["mobile_android"]
    assert android["is_mobile"] is True
    assert android["viewport_width"] < 500 < android["viewport_height"]
    assert "Android" in android["user_agent"]
    assert "Mobile" in android["user_agent"]
    assert all(t["locale"] == "en-US" and t["timezone"] == "UTC" for t in templates.values())

    first = await client.post(f"{BASE}/from-template/chrome_windows", headers=account.headers)
    assert first.status_code == 201, first.text
    assert (first.json()["name"], first.json()["template"]) == ("Chrome on Windows", "chrome_windows")
    second = (await client.post(f"{BASE}/from-template/chrome_windows", headers=account.headers)).json()
    third = (await client.post(f"{BASE}/from-template/chrome_windows", headers=account.headers, json={})).json()
    assert (second["name"], third["name"]) == ("Chrome on Windows (2)", "Chrome on Windows (3)")
    custom = await client.post(
        f"{BASE}/from-template/mobile_android",
        headers=account.headers,
        json={"name": "Paris phone", "locale": "fr-fr", "timezone": "Europe/Paris"},
    )
    assert custom.status_code == 201, custom.text
    body = custom.json()
    assert (body["name"], body["locale"], body["timezone"], body["is_mobile"]) == (
        "Paris phone",
        "fr-FR",
        "Europe/Paris",
        True,
    )
    missing = await client.post(f"{BASE}/from-template/netscape", headers=account.headers)
    assert missing.status_code == 404
    assert "netscape" in missing.json()["detail"]
    bad = await client.post(f"{BASE}/from-template/chrome_mac", headers=account.headers, json={"timezone": "Mars/Base"})
    assert bad.status_code == 400
    assert "timezone" in bad.json()["detail"]


async def test_crud_and_validation(client: httpx.AsyncClient) -> None:
    account = await register(client)
    good = {"name": "Desk", "user_agent": "Mozilla/5.0 (X11; Linux x86_64)"}
    created = await create(client, account, "profiles", **good, viewport_width=1280, viewport_height=800)
    assert (created["locale"], created["timezone"], created["is_mobile"]) == ("en-US", "UTC", False)
    for body, field in [
        ({**good, "name": "Other", "timezone": "Europe/Atlantis"}, "timezone"),
        ({**good, "name": "Other", "locale": "english"}, "locale"),
        ({**good, "name": "Other", "locale": "en_US"}, "locale"),
        ({**good, "name": "Other", "viewport_width": 100}, "viewport_width"),
        ({**good, "name": "Other", "viewport_height": 100000}, "viewport_height"),
        ({"name": "Other"}, "user_agent"),
        ({**good, "name": ""}, "name"),
        ({**good, "name": "Other", "is_mobile": "yes"}, "is_mobile"),
    ]:
        response = await client.post(BASE, headers=account.headers, json=body)
        assert response.status_code == 400, (body, response.text)
        assert names_field(response.json(), field), (body, response.text)
    duplicate = await client.post(BASE, headers=account.headers, json=good)
    assert duplicate.status_code == 409
    assert "Desk" in duplicate.json()["detail"]

    path = f"{BASE}/{created['id']}"
    edited = await client.patch(path, headers=account.headers, json={"timezone": "America/New_York", "is_mobile": True})
    assert edited.status_code == 200, edited.text
    assert (edited.json()["timezone"], edited.json()["is_mobile"], edited.json()["name"]) == (
        "America/New_York",
        True,
        "Desk",
    )
    assert (await client.patch(path, headers=account.headers, json={"timezone": "Nowhere"})).status_code == 400
    other = await create(client, account, "profiles", name="Laptop", user_agent="UA")
    clash = await client.patch(f"{BASE}/{other['id']}", headers=account.headers, json={"name": "Desk"})
    assert clash.status_code == 409, clash.text
    listed = (await client.get(f"{BASE}?q=lap", headers=account.headers)).json()
    assert [p["name"] for p in listed["items"]] == ["Laptop"]

    user = await create(client, account, "accounts", platform="sandbox", login="jane", profile_id=created["id"])
    assert (await client.delete(path, headers=account.headers)).status_code == 204
    assert (await client.get(path, headers=account.headers)).status_code == 404
    after = (await client.get(f"/api/v1/accounts/{user['id']}", headers=account.headers)).json()
    assert after["profile_id"] is None


async def test_another_workspace_profiles_are_404(client: httpx.AsyncClient) -> None:
    owner, stranger = await register(client), await register(client)
    created = await create(client, owner, "profiles", name="Desk", user_agent="UA")
    path = f"{BASE}/{created['id']}"
    assert (await client.get(path, headers=stranger.headers)).status_code == 404
    assert (await client.patch(path, headers=stranger.headers, json={"name": "x"})).status_code == 404
    assert (await client.delete(path, headers=stranger.headers)).status_code == 404
    assert (await client.get(BASE, headers=stranger.headers)).json()["total"] == 0
    assert (await client.get(f"{BASE}/{new_id()}", headers=owner.headers)).status_code == 404
    await create(client, stranger, "profiles", name="Desk", user_agent="UA")  # names are per workspace
