"""Shared steps of the platforms tests, and two tiny local servers for proxy health checks:
an HTTP forward proxy (absolute-URI requests and CONNECT) and a target that answers 204."""

from __future__ import annotations

import asyncio
import base64
import socket
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.helpers import Account, grant_plan, register

EXTENSION_COOKIES: list[dict[str, Any]] = [
    {
        "domain": ".vinted.fr",
        "expirationDate": 1893456000.5,
        "hostOnly": False,
        "httpOnly": True,
        "name": "_vinted_session",
        "path": "/",
        "sameSite": "no_restriction",
        "secure": True,
        "session": False,
        "storeId": "0",
        "value": "cookie-secret-value-123",
    },
    {"domain": "www.vinted.fr", "name": "locale", "value": "fr", "sameSite": "unspecified", "session": True},
    {"domain": "www.vinted.fr", "name": "banner", "value": "x", "path": "/items", "expires": -1, "sameSite": "STRICT"},
]


async def business_account(client: httpx.AsyncClient) -> Account:
    account = await register(client)
    await grant_plan(account.workspace_id, "business")
    return account


async def create(client: httpx.AsyncClient, account: Account, what: str, **body: Any) -> dict[str, Any]:
    response = await client.post(f"/api/v1/{what}", headers=account.headers, json=body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


@dataclass
class LocalServer:
    server: asyncio.Server
    requests: list[str] = field(default_factory=list)

    @property
    def port(self) -> int:
        return int(self.server.sockets[0].getsockname()[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def close(self) -> None:
        self.server.close()
        await self.server.wait_closed()


async def start_target() -> LocalServer:
    """Answers every request with 204, like a connectivity check URL."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        state.requests.append(head.split(b"\r\n", 1)[0].decode())
        writer.write(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        await writer.drain()
        writer.close()

    state = LocalServer(await asyncio.start_server(handle, "127.0.0.1", 0))
    return state


async def start_forward_proxy(username: str | None = None, password: str | None = None) -> LocalServer:
    """A forward proxy; with credentials, requests without the right Proxy-Authorization get 407."""
    expected = "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode() if username is not None else None

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()
            return
        request_line, *header_lines = head.rstrip("\r\n").split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in header_lines)}
        state.requests.append(request_line)
        if expected is not None and headers.get("proxy-authorization") != expected:
            writer.write(
                b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            )
            await writer.drain()
            writer.close()
            return
        method, target, version = request_line.split(" ")
        if method == "CONNECT":
            host, _, port = target.rpartition(":")
            upstream_reader, upstream_writer = await asyncio.open_connection(host, int(port))
            writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            await writer.drain()
        else:
            url = httpx.URL(target)
            upstream_reader, upstream_writer = await asyncio.open_connection(url.host, url.port or 80)
            kept = [
                h
                for h in header_lines
                if h.split(":", 1)[0].strip().lower() not in {"proxy-authorization", "proxy-connection", "connection"}
            ]
            path = url.raw_path.decode() or "/"
            upstream_writer.write(
                ("\r\n".join([f"{method} {path} {version}", *kept, "Connection: close"]) + "\r\n\r\n").encode()
            )
            await upstream_writer.drain()
        await asyncio.gather(_pipe(reader, upstream_writer), _pipe(upstream_reader, writer))

    state = LocalServer(await asyncio.start_server(handle, "127.0.0.1", 0))
    return state


def new_id() -> str:
    return str(uuid.uuid4())
