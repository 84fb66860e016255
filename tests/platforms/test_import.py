"""Bulk import of accounts and proxies: CSV (body or multipart) and JSON, a report per row."""

from __future__ import annotations

import json
import uuid

import httpx

from backend.platforms import vault
from backend.platforms.tables import PlatformAccount
from tests.helpers import register
from tests.platforms.helpers import business_account, create

ACCOUNTS = "/api/v1/accounts/import"
PROXIES = "/api/v1/proxies/import"

ACCOUNTS_CSV = """platform,login,password,label,proxy,daily_action_cap
sandbox,alice,pw-alice-1,Shop A,,
vinted,bob@example.com,pw-bob-2,,10.9.9.9:8080,150
Pinterest,carol,,Boards,,
myspace,dave,pw,,,
tiktok,erin,pw-erin,,,
sandbox,,pw-nobody,,,
vinted,frank,pw-frank,,,50
sandbox,grace,pw-grace,,10.0.0.1:1,
sandbox,heidi,,,,
tiktok,ivan,pw-ivan,Clips,10.9.9.9:8080,
"""


async def test_csv_import_creates_the_good_rows_and_reports_the_bad(client: httpx.AsyncClient) -> None:
    account = await business_account(client)
    await create(client, account, "proxies", host="10.9.9.9", port=8080)
    response = await client.post(
        ACCOUNTS, headers={**account.headers, "Content-Type": "text/csv"}, content=ACCOUNTS_CSV.encode()
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["created"], report["skipped"], report["failed"]) == (7, 0, 3), report
    failed = {r["row"]: r["reason"] for r in report["rows"] if r["status"] == "failed"}
    assert set(failed) == {4, 6, 8}
    assert failed[4].startswith("row 4: platform")
    assert failed[6] == "row 6: login is required"
    assert failed[8].startswith("row 8: proxy")
    assert "10.0.0.1:1" in failed[8]
    created = [r for r in report["rows"] if r["status"] == "created"]
    assert all(uuid.UUID(r["id"]) for r in created)

    listed = (await client.get("/api/v1/accounts?limit=100", headers=account.headers)).json()
    by_login = {a["login"]: a for a in listed["items"]}
    assert set(by_login) == {"alice", "bob@example.com", "carol", "erin", "frank", "heidi", "ivan"}
    assert by_login["carol"]["platform"] == "pinterest"
    assert (by_login["bob@example.com"]["daily_action_cap"], by_login["alice"]["daily_action_cap"]) == (150, 200)
    assert by_login["bob@example.com"]["proxy_id"] is not None
    assert (by_login["carol"]["has_password"], by_login["alice"]["has_password"]) == (False, True)
    raw = await PlatformAccount.raw("SELECT login, password_secret FROM platform_accounts WHERE login = {}", "alice")
    assert "pw-alice" not in raw[0]["password_secret"]
    assert vault.decrypt(raw[0]["password_secret"], "account.password") == "pw-alice-1"

    # The same file again: every good row is now a duplicate, the bad ones still fail.
    again = (
        await client.post(ACCOUNTS, headers={**account.headers, "Content-Type": "text/csv"}, content=ACCOUNTS_CSV)
    ).json()
    assert (again["created"], again["skipped"], again["failed"]) == (0, 7, 3)
    assert "already exists" in again["rows"][0]["reason"]


async def test_duplicates_in_the_file_are_skipped_and_multipart_works(client: httpx.AsyncClient) -> None:
    account = await business_account(client)
    await create(client, account, "accounts", platform="sandbox", login="stored")
    text = "login;platform\nnew;sandbox\nstored;sandbox\nnew;sandbox\nnew;vinted\n"  # semicolons, any order
    response = await client.post(
        ACCOUNTS, headers=account.headers, files={"file": ("accounts.csv", text.encode(), "text/csv")}
    )
    assert response.status_code == 200, response.text
    rows = response.json()["rows"]
    assert [r["status"] for r in rows] == ["created", "skipped", "skipped", "created"]
    assert "already exists" in rows[1]["reason"]
    assert rows[2]["reason"].startswith("row 3: duplicate of row 1")


async def test_json_import_of_accounts_with_cookies(client: httpx.AsyncClient) -> None:
    account = await business_account(client)
    cookies = [{"name": "sid", "value": "abc-cookie", "domain": ".tiktok.com", "sameSite": "lax"}]
    body = {
        "rows": [
            {"platform": "tiktok", "login": "one", "password": "p1", "cookies": cookies},
            {"platform": "sandbox", "login": "two", "daily_action_cap": "80", "label": "Second"},
            {"platform": "sandbox", "login": "three", "daily_action_cap": 0},
            {"platform": "sandbox", "login": "four", "nickname": "x"},
            "not an object",
            {"platform": "sandbox", "login": "five", "cookies": [{"name": "x"}]},
        ]
    }
    response = await client.post(ACCOUNTS, headers=account.headers, json=body)
    assert response.status_code == 200, response.text
    report = response.json()
    assert [r["status"] for r in report["rows"]] == ["created", "created", "failed", "failed", "failed", "failed"]
    reasons = [r["reason"] for r in report["rows"]]
    assert reasons[2] == "row 3: daily_action_cap must be between 1 and 100000"
    assert "nickname" in reasons[3]
    assert "object" in reasons[4]
    assert "cookies[0].domain" in reasons[5]
    listed = (await client.get("/api/v1/accounts?q=one", headers=account.headers)).json()["items"]
    assert listed[0]["has_cookies"] is True
    assert "abc-cookie" not in json.dumps(listed)
    # A bare array works too.
    bare = await client.post(ACCOUNTS, headers=account.headers, json=[{"platform": "vinted", "login": "six"}])
    assert bare.json()["created"] == 1


async def test_rows_beyond_the_plan_limit_fail_with_the_reason(client: httpx.AsyncClient) -> None:
    account = await register(client)  # free plan: 2 accounts
    text = "platform,login\nsandbox,a\nsandbox,b\nsandbox,c\nsandbox,a\nsandbox,d\n"
    report = (await client.post(ACCOUNTS, headers={**account.headers, "Content-Type": "text/csv"}, content=text)).json()
    assert [r["status"] for r in report["rows"]] == ["created", "created", "failed", "skipped", "failed"]
    assert report["rows"][2]["reason"].startswith("row 3: plan limit reached: platform accounts: 2 of 2")
    assert (await client.get("/api/v1/accounts", headers=account.headers)).json()["total"] == 2


async def test_proxy_import_csv_and_json(client: httpx.AsyncClient) -> None:
    account = await register(client)
    text = (
        "label,kind,scheme,host,port,username,password,url\n"
        "DC1,datacenter,http,10.0.0.1,8080,user1,secret-one,\n"
        "Res,residential,socks5,10.0.0.2,1080,,,\n"
        "Bad port,datacenter,http,10.0.0.3,70000,,,\n"
        "By url,mobile,,,,,,http://u:secret-two@10.0.0.4:3128\n"
        "Dup,datacenter,http,10.0.0.1,8080,,,\n"
        "No port,datacenter,http,10.0.0.5,,,,\n"
        "Bad kind,satellite,http,10.0.0.6,80,,,\n"
        "Port text,datacenter,http,10.0.0.7,eighty,,,\n"
    )
    response = await client.post(PROXIES, headers={**account.headers, "Content-Type": "text/csv"}, content=text)
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["created"], report["skipped"], report["failed"]) == (3, 1, 4), report
    reasons = {r["row"]: r["reason"] for r in report["rows"]}
    assert reasons[3] == "row 3: port must be between 1 and 65535"
    assert reasons[5].startswith("row 5: duplicate of row 1")
    assert reasons[6] == "row 6: port is required (or give url)"
    assert reasons[7].startswith("row 7: kind")
    assert reasons[8].startswith("row 8: port must be a whole number")
    listed = (await client.get("/api/v1/proxies", headers=account.headers)).json()
    assert {p["host"]: p["has_credentials"] for p in listed["items"]} == {
        "10.0.0.1": True,
        "10.0.0.2": False,
        "10.0.0.4": True,
    }
    assert "secret-one" not in json.dumps(listed)
    assert "secret-two" not in json.dumps(listed)
    as_json = await client.post(
        PROXIES,
        headers=account.headers,
        json=[{"url": "socks5://10.0.0.8:1080", "label": "J"}, {"host": "10.0.0.9", "port": 8000}, {"url": "nope"}],
    )
    assert [r["status"] for r in as_json.json()["rows"]] == ["created", "created", "failed"]


async def test_bad_files_are_refused_whole(client: httpx.AsyncClient) -> None:
    account = await register(client)
    csv_headers = {**account.headers, "Content-Type": "text/csv"}
    for content, needle in [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"platform,login\n", "no data rows"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
        (b"\xff\xfe\xfa broken", "UTF-8"),
        (b"platform,login,pasword\nsandbox,a,b\n", "pasword"),
        (b'platform,login\n"sandbox,a\n', "CSV"),
    ]:
        response = await client.post(ACCOUNTS, headers=csv_headers, content=content)
        assert response.status_code == 400, (content, response.text)
        assert needle in response.json()["detail"], (content, response.text)
    too_many = "platform,login\n" + "".join(f"sandbox,user{i}\n" for i in range(1001))
    response = await client.post(ACCOUNTS, headers=csv_headers, content=too_many)
    assert response.status_code == 413, response.text
    assert "1000" in response.json()["detail"]
    response = await client.post(PROXIES, headers=account.headers, json=[{"host": "h", "port": 1}] * 1001)
    assert response.status_code == 413
    for body, needle in [(b"{not json", "JSON"), (b'{"rows": 3}', "rows"), (b"[]", "no rows")]:
        response = await client.post(
            PROXIES, headers={**account.headers, "Content-Type": "application/json"}, content=body
        )
        assert response.status_code == 400, (body, response.text)
        assert needle in response.json()["detail"], (body, response.text)
    response = await client.post(ACCOUNTS, headers=account.headers, files={"other": ("a.csv", b"x", "text/csv")})
    assert response.status_code == 400
    assert "file" in response.json()["detail"]
    assert (await client.get("/api/v1/accounts", headers=account.headers)).json()["total"] == 0
