"""A redis-server of a test's own (never the shared one): it can be killed, frozen and started again.

Its fixture, `private_redis`, is registered for every test by `tests/conftest.py`.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from arq.connections import ArqRedis

from backend.core.redis import create_redis


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PrivateRedis:
    """A redis-server of this test only, on a port of its own."""

    port: int
    process: subprocess.Popen[bytes] | None = None
    clients: list[ArqRedis] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            probe = subprocess.run(
                ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, check=False, timeout=5
            )
            if probe.stdout.strip() == b"PONG":
                return
            time.sleep(0.1)
        raise RuntimeError("the private redis-server did not start")

    def freeze(self) -> None:
        """Connections stay open and nothing answers (nor reads what is sent) until `thaw`."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.kill()
            self.process.wait(timeout=10)

    def client(self) -> ArqRedis:
        redis = create_redis(self.url)
        self.clients.append(redis)
        return redis


@pytest.fixture
async def private_redis() -> AsyncIterator[PrivateRedis]:
    server = PrivateRedis(port=free_port())
    server.start()
    yield server
    for client in server.clients:
        await client.aclose()
    server.kill()
