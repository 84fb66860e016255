"""With SENTRY_DSN set, a server error reaches Sentry, without passwords or tokens."""

from __future__ import annotations

import gzip
import http.server
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

# Runs in its own process: sentry_sdk.init patches Litestar for the whole process.
SCRIPT = """
import asyncio, httpx
from backend.app import create_app
from backend.auth import service

async def main():
    app = create_app()
    async with app.lifespan():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            reg = await http.post("/api/v1/auth/register",
                                  json={"email": "sentry-probe@example.com", "password": "hunter2-secret-pw"})
            token = reg.json()["access_token"]
            print("TOKEN", token)
            async def broken(user_id):
                raise RuntimeError("database exploded")
            service.get_user = broken
            response = await http.get("/api/v1/auth/me", headers={"Authorization": "Bearer " + token})
            print("STATUS", response.status_code, response.text)
    import sentry_sdk
    sentry_sdk.flush(5)

asyncio.run(main())
"""


class _Collector(http.server.BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        _Collector.received.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def fake_sentry() -> Iterator[int]:
    _Collector.received = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield int(server.server_address[1])
    server.shutdown()


def test_server_error_is_reported_without_secrets(fake_sentry: int, test_env: dict[str, str], tmp_path: Path) -> None:
    env = {**test_env, "SENTRY_DSN": f"http://publickey@127.0.0.1:{fake_sentry}/1", "LOG_LEVEL": "CRITICAL"}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=90, cwd=Path.cwd()
    )
    assert "STATUS 500" in result.stdout, result.stdout + result.stderr
    assert '"detail":"Internal server error"' in result.stdout
    token = result.stdout.split("TOKEN ", 1)[1].split()[0]
    events = b"\n".join(_Collector.received).decode(errors="replace")
    assert "database exploded" in events
    assert "RuntimeError" in events
    assert "hunter2-secret-pw" not in events
    assert token not in events
