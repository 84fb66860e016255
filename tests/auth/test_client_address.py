"""Whose X-Forwarded-For is believed: only trusted proxies', so rotating it gains an attacker nothing."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from backend.settings import SettingsError, load_settings
from tests.helpers import register
from tests.private_redis import free_port

ROOT = Path(__file__).resolve().parents[2]


def _client_from(app: Any, ip: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(ip, 40000)), base_url="http://testserver")


async def _login(http: httpx.AsyncClient, email: str, forwarded_for: str) -> int:
    response = await http.post(
        "/api/v1/auth/login",
        json={"email": email, "password": "wrong password"},
        headers={"X-Forwarded-For": forwarded_for},
    )
    return response.status_code


async def test_rotating_forwarded_for_from_a_direct_client_still_hits_the_login_limit(
    app: Any, client: httpx.AsyncClient, override_env: Any
) -> None:
    account = await register(client)
    override_env(RATE_LIMIT_LOGIN_PER_IP="3/minute", FORWARDED_ALLOW_IPS="10.0.0.5")
    async with _client_from(app, "198.51.100.7") as attacker:
        codes = [await _login(attacker, account.email, f"192.0.2.{i}") for i in range(1, 6)]
    assert codes == [401, 401, 401, 429, 429]


async def test_behind_a_trusted_proxy_the_forwarded_address_is_limited(
    app: Any, client: httpx.AsyncClient, override_env: Any
) -> None:
    account = await register(client)
    override_env(RATE_LIMIT_LOGIN_PER_IP="3/minute", FORWARDED_ALLOW_IPS="10.0.0.0/24")
    async with _client_from(app, "10.0.0.5") as proxy:
        # The proxy appends the address it saw; what the client wrote itself is further left and ignored.
        codes = [await _login(proxy, account.email, f"203.0.113.{i}, 198.51.100.20") for i in range(1, 5)]
        assert codes == [401, 401, 401, 429]
        # Another client through the same proxy has its own allowance.
        assert await _login(proxy, account.email, "198.51.100.21") == 401
        # Two trusted proxies in a row: the first untrusted hop from the right is the client.
        assert await _login(proxy, account.email, "198.51.100.20, 10.0.0.9") == 429


def test_trusting_every_address_is_refused_and_networks_are_read(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="FORWARDED_ALLOW_IPS"):
        load_settings({"DATA_DIR": str(tmp_path), "FORWARDED_ALLOW_IPS": "*"})
    with pytest.raises(SettingsError, match=r"'proxy\.local'"):
        load_settings({"DATA_DIR": str(tmp_path), "FORWARDED_ALLOW_IPS": "10.0.0.1,proxy.local"})
    settings = load_settings({"DATA_DIR": str(tmp_path), "FORWARDED_ALLOW_IPS": "10.0.0.0/8, 127.0.0.1,::1"})
    assert [str(n) for n in settings.server.forwarded_allow_ips] == ["10.0.0.0/8", "127.0.0.1/32", "::1/128"]


def _wrong_login(port: int, source: str, forwarded_for: str) -> int:
    transport = httpx.HTTPTransport(local_address=source)
    with httpx.Client(transport=transport, base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
        response = http.post(
            "/api/v1/auth/login",
            json={"email": "nobody@example.com", "password": "wrong password"},
            headers={"X-Forwarded-For": forwarded_for},
        )
    return response.status_code


@pytest.mark.timeout(90)
@pytest.mark.serial  # a real API server, then five logins against a 3/minute limit (one every 20 s)
def test_the_api_server_believes_forwarded_for_only_from_its_proxies(test_env: dict[str, str]) -> None:
    """`sellpilot api` as deployed: a direct client (127.0.0.1) and a trusted proxy (127.0.0.2)."""
    port = free_port()
    env = {**test_env, "FORWARDED_ALLOW_IPS": "127.0.0.2", "RATE_LIMIT_LOGIN_PER_IP": "3/minute"}
    server = subprocess.Popen(
        [sys.executable, "-m", "backend.cli", "api", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, "the API server exited"
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the API server did not start"
            time.sleep(0.2)

        direct = [_wrong_login(port, "127.0.0.1", f"192.0.2.{i}") for i in range(1, 6)]
        assert direct == [401, 401, 401, 429, 429]
        # Through the proxy, the address it forwards is the client, with its own allowance.
        assert _wrong_login(port, "127.0.0.2", "198.51.100.40") == 401
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
