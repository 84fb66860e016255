"""Fetching a URL a user gave us (an image to import), without letting it reach inside our own network.

A URL from a user is fetched by our server, so it could name the cloud's metadata
service, Redis or an admin page on localhost (server-side request forgery). Every
address its host resolves to (with the event loop's getaddrinfo) must be public:
not loopback, private, link-local, shared, multicast, reserved or unspecified.
Redirects are followed here, one hop at a time, each checked the same way.
`allow_private` (a setting, for tests and self-hosted set-ups) turns the check off.

Left open: the HTTP client resolves the host again when it connects, so a DNS
server that answers differently the second time (rebinding) is not stopped here.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urljoin, urlsplit

import httpx

MAX_REDIRECTS = 5
REDIRECTS = frozenset({301, 302, 303, 307, 308})


class FetchRefused(Exception):
    """The URL was not fetched, or not kept; `reason` is a plain sentence that names the URL."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def is_public(address: str) -> bool:
    """Whether an IP address is on the public internet (an IPv4-mapped IPv6 address is judged as IPv4)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone ("fe80::1%eth0")
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


async def check_public(url: str) -> None:
    """Refuse a URL that is not http(s), or whose host resolves (even once) to a non-public address."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchRefused(f"{url} is not an http(s) URL")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise FetchRefused(f"{url} has an invalid port") from None
    try:
        found = await asyncio.get_running_loop().getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise FetchRefused(f"{url}: the host {parts.hostname} was not found") from None
    for _family, _type, _proto, _name, sockaddr in found:
        if not is_public(str(sockaddr[0])):
            raise FetchRefused(f"{url} is on a private address ({sockaddr[0]}); only public addresses are fetched")


async def fetch_limited(
    http: httpx.AsyncClient,
    url: str,
    *,
    max_bytes: int,
    allow_private: bool = False,
    content_types: tuple[str, ...] = (),
    wanted: str = "a file of an accepted type",
) -> bytes:
    """The body of `url` (GET), read no further than `max_bytes`; `FetchRefused` with the reason otherwise.

    `http` must not follow redirects itself: they are followed here, each hop checked.
    `content_types`: accepted prefixes of the Content-Type (a missing one is accepted), `wanted` says
    what they are in the reason ("an image").
    """
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        if not allow_private:
            await check_public(current)
        try:
            async with http.stream("GET", current, follow_redirects=False) as response:
                if response.status_code in REDIRECTS and "location" in response.headers:
                    current = urljoin(current, response.headers["location"])
                    continue
                if response.status_code != 200:
                    raise FetchRefused(f"{url} answered {response.status_code}")
                kind = response.headers.get("content-type", "")
                if kind and content_types and not kind.startswith(content_types):
                    raise FetchRefused(f"{url} is not {wanted} ({kind.split(';')[0]})")
                chunks: list[bytes] = []
                size = 0
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise FetchRefused(f"{url} is larger than {max_bytes // (1024 * 1024)} MiB")
                    chunks.append(chunk)
                return b"".join(chunks)
        except httpx.HTTPError as exc:
            raise FetchRefused(f"{url} could not be fetched ({type(exc).__name__})") from None
    raise FetchRefused(f"{url} redirects more than {MAX_REDIRECTS} times")
