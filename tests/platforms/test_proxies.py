"""Proxies: CRUD, url forms, validation, credentials encrypted at rest, tenancy, health-check jobs."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from backend.platforms import vault
from backend.platforms.tables import Proxy
from tests.helpers import names_field, register
from tests.jobs.helpers import finished, wait_for
from tests.platforms.helpers import closed_port, create, new_id, start_forward_proxy, start_target

BASE = "/api/v1/proxies"


async def test_create_with_fields_or_url_and_credentials_stay_secret(client: httpx.AsyncClient) -> None:
    account = await register(client)
    plain = await create(client, account, "proxies", label="DC 1", host="Proxy.Example.com", port=8080)
    assert (plain["host"], plain["port"], plain["scheme"], plain["kind"]) == (
        "proxy.example.com",
        8080,
        "http",
        "datacenter",
    )
    assert (plain["status"], plain["latency_ms"], plain["has_credentials"]) == ("unchecked", None, False)
    from_url = await create(
        client, account, "proxies", kind="residential", url="socks5://alice:p%40ss-Word9@198.51.100.4:1080"
    )
    assert (from_url["scheme"], from_url["host"], from_url["port"], from_url["kind"]) == (
        "socks5",
        "198.51.100.4",
        1080,
        "residential",
    )
    assert from_url["has_credentials"] is True
    listed = (await client.get(BASE, headers=account.headers)).text
    assert "p@ss-Word9" not in listed
    assert "alice" not in listed
    raw = await Proxy.raw(
        "SELECT username_secret, password_secret FROM proxies WHERE id = {}", uuid.UUID(from_url["id"])
    )
    assert "alice" not in raw[0]["username_secret"]
    assert "p@ss" not in raw[0]["password_secret"]
    assert vault.decrypt(raw[0]["username_secret"], "proxy.username") == "alice"
    assert vault.decrypt(raw[0]["password_secret"], "proxy.password") == "p@ss-Word9"
    # The host:port:user:pass form proxy sellers export.
    listed_form = await create(client, account, "proxies", url="203.0.113.9:3128:bob:pw123", kind="mobile")
    assert (listed_form["host"], listed_form["port"], listed_form["has_credentials"]) == ("203.0.113.9", 3128, True)


async def test_validation_duplicates_filters_and_patch(client: httpx.AsyncClient) -> None:
    account = await register(client)
    good = {"host": "10.1.1.1", "port": 3128}
    for body, field in [
        ({**good, "port": 70000}, "port"),
        ({**good, "port": 0}, "port"),
        ({"host": "10.1.1.1"}, "port"),
        ({"port": 3128}, "host"),
        ({**good, "kind": "satellite"}, "kind"),
        ({**good, "scheme": "ftp"}, "scheme"),
        ({**good, "host": "bad host!"}, "host"),
        ({"url": "ftp://h:1"}, "url"),
        ({"url": "http://h:99999"}, "url"),
        ({"url": "http://h"}, "url"),
        ({"url": "just-a-host"}, "url"),
        ({**good, "url": "http://h:1"}, "url"),
        ({**good, "colour": "red"}, "colour"),
    ]:
        response = await client.post(BASE, headers=account.headers, json=body)
        assert response.status_code == 400, (body, response.text)
        assert names_field(response.json(), field), (body, response.text)
    created = await create(client, account, "proxies", **good, label="one")
    duplicate = await client.post(BASE, headers=account.headers, json={"url": "http://10.1.1.1:3128"})
    assert duplicate.status_code == 409, duplicate.text
    assert "10.1.1.1:3128" in duplicate.json()["detail"]
    await create(client, account, "proxies", host="10.1.1.2", port=3128, kind="mobile", label="Phone farm")
    assert (await client.get(f"{BASE}?kind=mobile", headers=account.headers)).json()["total"] == 1
    assert [p["label"] for p in (await client.get(f"{BASE}?q=farm", headers=account.headers)).json()["items"]] == [
        "Phone farm"
    ]
    assert (await client.get(f"{BASE}?status=unchecked&limit=1", headers=account.headers)).json()["total"] == 2

    path = f"{BASE}/{created['id']}"
    await Proxy.update({Proxy.status: "healthy", Proxy.latency_ms: 40}).where(Proxy.id == uuid.UUID(created["id"]))
    renamed = (await client.patch(path, headers=account.headers, json={"label": "renamed"})).json()
    assert (renamed["label"], renamed["status"]) == ("renamed", "healthy")
    moved = await client.patch(path, headers=account.headers, json={"port": 3129, "username": "u", "password": "p"})
    assert moved.status_code == 200, moved.text
    assert (moved.json()["port"], moved.json()["status"], moved.json()["has_credentials"]) == (3129, "unchecked", True)
    cleared = (await client.patch(path, headers=account.headers, json={"username": None, "password": None})).json()
    assert cleared["has_credentials"] is False
    clash = await client.patch(path, headers=account.headers, json={"host": "10.1.1.2", "port": 3128})
    assert clash.status_code == 409, clash.text
    assert (await client.patch(path, headers=account.headers, json={"port": 65536})).status_code == 400


async def test_deleting_a_proxy_in_use_leaves_accounts_without_one(client: httpx.AsyncClient) -> None:
    account = await register(client)
    proxy = await create(client, account, "proxies", host="10.2.2.2", port=8000)
    user = await create(client, account, "accounts", platform="sandbox", login="jane", proxy_id=proxy["id"])
    assert (await client.delete(f"{BASE}/{proxy['id']}", headers=account.headers)).status_code == 204
    after = (await client.get(f"/api/v1/accounts/{user['id']}", headers=account.headers)).json()
    assert after["proxy_id"] is None
    assert (await client.get(f"{BASE}/{proxy['id']}", headers=account.headers)).status_code == 404


async def test_another_workspace_proxies_are_404(client: httpx.AsyncClient) -> None:
    owner, stranger = await register(client), await register(client)
    proxy = await create(client, owner, "proxies", host="10.3.3.3", port=8000)
    path = f"{BASE}/{proxy['id']}"
    assert (await client.get(path, headers=stranger.headers)).status_code == 404
    assert (await client.patch(path, headers=stranger.headers, json={"label": "x"})).status_code == 404
    assert (await client.delete(path, headers=stranger.headers)).status_code == 404
    assert (await client.post(f"{path}/health-check", headers=stranger.headers)).status_code == 404
    assert (await client.post(f"{BASE}/{new_id()}/health-check", headers=owner.headers)).status_code == 404
    none_yet = await client.post(f"{BASE}/health-check", headers=stranger.headers)
    assert none_yet.status_code == 409, none_yet.text
    await create(client, stranger, "proxies", host="10.3.3.3", port=8000)  # addresses are per workspace


async def _proxy(client: httpx.AsyncClient, account: Any, proxy_id: str) -> dict[str, Any]:
    result: dict[str, Any] = (await client.get(f"{BASE}/{proxy_id}", headers=account.headers)).json()
    return result


async def test_health_check_jobs_mark_proxies_healthy_or_unhealthy(
    client: httpx.AsyncClient, start_worker: Any
) -> None:
    target = await start_target()
    open_proxy = await start_forward_proxy()
    auth_proxy = await start_forward_proxy("alice", "s3cr@t-pass")
    start_worker(PROXY_CHECK_URL=f"{target.url}/generate_204", PROXY_CHECK_TIMEOUT_SECONDS="3")
    try:
        account = await register(client)
        good = await create(client, account, "proxies", host="127.0.0.1", port=open_proxy.port, label="open")
        with_auth = await create(
            client, account, "proxies", url=f"http://alice:s3cr%40t-pass@127.0.0.1:{auth_proxy.port}"
        )
        dead = await create(client, account, "proxies", host="127.0.0.1", port=closed_port(), label="dead")

        started = await client.post(f"{BASE}/health-check", headers=account.headers)
        assert started.status_code == 202, started.text
        job = started.json()
        assert (job["kind"], job["total"]) == ("proxies.health_check", 3)
        done = await wait_for(account.workspace_id, uuid.UUID(job["id"]), finished, what="health check")
        assert (done.status, done.done, done.failed) == ("succeeded", 2, 1), done

        for proxy in (good, with_auth):
            checked = await _proxy(client, account, proxy["id"])
            assert checked["status"] == "healthy", checked
            assert checked["latency_ms"] >= 1
            assert checked["last_checked_at"] is not None
            assert checked["last_error"] == ""
        assert any("generate_204" in line for line in open_proxy.requests)
        assert len(target.requests) == 2
        broken = await _proxy(client, account, dead["id"])
        assert (broken["status"], broken["latency_ms"]) == ("unhealthy", None)
        assert "connect" in broken["last_error"], broken
        assert broken["last_checked_at"] is not None

        # Wrong credentials: one proxy checked on its own, and the reason never shows the password.
        patched = await client.patch(
            f"{BASE}/{with_auth['id']}", headers=account.headers, json={"password": "wrong-pass-42"}
        )
        assert patched.status_code == 200
        single = await client.post(f"{BASE}/{with_auth['id']}/health-check", headers=account.headers)
        assert single.status_code == 202, single.text
        assert single.json()["total"] == 1
        done = await wait_for(account.workspace_id, uuid.UUID(single.json()["id"]), finished, what="single check")
        assert (done.status, done.done, done.failed) == ("succeeded", 0, 1), done
        rechecked = await _proxy(client, account, with_auth["id"])
        assert rechecked["status"] == "unhealthy"
        assert "407" in rechecked["last_error"]
        assert "wrong-pass-42" not in rechecked["last_error"]
        assert "alice" not in rechecked["last_error"]
        items = (await client.get(f"/api/v1/jobs/{single.json()['id']}", headers=account.headers)).json()
        assert items["status"] == "succeeded"
    finally:
        for server in (target, open_proxy, auth_proxy):
            await server.close()
