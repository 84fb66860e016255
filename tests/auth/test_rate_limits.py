"""Login, sign-up and general limits live in Redis and answer 429 with Retry-After."""

from __future__ import annotations

from typing import Any

import httpx

from backend.core import ratelimit
from backend.core.errors import RateLimited
from backend.settings import RateLimit
from tests.helpers import PASSWORD, register


def _client_from(app: Any, ip: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(ip, 40000)), base_url="http://testserver")


async def test_login_is_limited_per_ip_with_retry_after(app: Any, client: httpx.AsyncClient, override_env: Any) -> None:
    account = await register(client)
    override_env(RATE_LIMIT_LOGIN_PER_IP="3/minute")
    async with _client_from(app, "198.51.100.7") as attacker, _client_from(app, "198.51.100.8") as bystander:
        codes = []
        for _ in range(5):
            response = await attacker.post("/api/v1/auth/login", json={"email": account.email, "password": "wrong!"})
            codes.append(response.status_code)
        assert codes == [401, 401, 401, 429, 429]
        assert response.json() == {"status_code": 429, "detail": "Too many login attempts; try again later"}
        retry_after = int(response.headers["Retry-After"])
        assert 1 <= retry_after <= 60
        # Even the right password waits: the limit is on attempts.
        right = await attacker.post("/api/v1/auth/login", json={"email": account.email, "password": PASSWORD})
        assert right.status_code == 429
        # Another address is not affected.
        other = await bystander.post("/api/v1/auth/login", json={"email": account.email, "password": PASSWORD})
        assert other.status_code == 200


async def test_login_is_limited_per_email_across_addresses(
    app: Any, client: httpx.AsyncClient, override_env: Any
) -> None:
    account = await register(client)
    override_env(RATE_LIMIT_LOGIN_PER_EMAIL="2/hour")
    codes = []
    for i in range(3):
        async with _client_from(app, f"192.0.2.{i + 1}") as http:
            response = await http.post("/api/v1/auth/login", json={"email": account.email.upper(), "password": "nope"})
            codes.append(response.status_code)
    assert codes == [401, 401, 429]
    assert int(response.headers["Retry-After"]) > 60


async def test_register_is_limited_per_ip(app: Any, override_env: Any) -> None:
    override_env(RATE_LIMIT_REGISTER_PER_IP="2/hour")
    async with _client_from(app, "203.0.113.99") as http:
        codes = [
            (
                await http.post("/api/v1/auth/register", json={"email": f"s{i}@example.com", "password": PASSWORD})
            ).status_code
            for i in range(3)
        ]
    assert codes == [201, 201, 429]


async def test_general_limit_is_per_user(app: Any, client: httpx.AsyncClient, override_env: Any) -> None:
    first = await register(client)
    second = await register(client)
    override_env(RATE_LIMIT_GENERAL="3/minute")
    codes = [(await client.get("/api/v1/auth/me", headers=first.headers)).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert (await client.get("/api/v1/auth/me", headers=second.headers)).status_code == 200


async def test_limiter_allows_exactly_the_limit_under_concurrency(app: Any) -> None:
    import asyncio

    rule = RateLimit(limit=10, period_seconds=60)

    async def attempt() -> bool:
        try:
            await ratelimit.hit(app.state.redis, rule, "test-burst", "one", "slow down")
        except RateLimited:
            return False
        return True

    results = await asyncio.gather(*(attempt() for _ in range(30)))
    assert sum(results) == 10
