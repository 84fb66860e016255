"""Who acts and from where: the client's address as the API sees it, and the actor an audited action names.

Services know nothing of HTTP: a route builds an `Actor` from its request
(`actor_of`) and passes it down to the service that writes the audit row.
"""

from __future__ import annotations

import ipaddress
import uuid
from dataclasses import dataclass
from typing import Any

from litestar import Request

from backend.core.principal import Principal
from backend.settings import IPNetwork, get_settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Actor:
    """Who did an audited action (`user_id` None: the system) and the address it came from, if known."""

    user_id: uuid.UUID | None
    email: str = ""
    ip: str | None = None


SYSTEM = Actor(user_id=None)


def _address(raw: str) -> IPAddress | None:
    try:
        address = ipaddress.ip_address(raw.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address: IPAddress, proxies: tuple[IPNetwork, ...]) -> bool:
    return any(address in network for network in proxies)


def client_ip(request: Request[Any, Any, Any]) -> str:
    """The caller's address, as the per-address rate limits and the audit log see it.

    `X-Forwarded-For` is believed only when the connection comes from a proxy in
    FORWARDED_ALLOW_IPS, and then only up to the first hop (from the right) that
    is not such a proxy: what a client writes there itself is further left and
    never read. Anyone else's header is ignored, so rotating it gains nothing.
    """
    peer = _address(request.client.host) if request.client else None
    if peer is None:
        return request.client.host if request.client else "unknown"
    proxies = get_settings().server.forwarded_allow_ips
    if not _trusted(peer, proxies):
        return str(peer)
    hops = [hop for header in request.headers.getall("x-forwarded-for", []) for hop in header.split(",")]
    for raw in reversed(hops):
        hop = _address(raw)
        if hop is None:
            break  # a proxy wrote something that is no address: go no further than the proxy itself
        if not _trusted(hop, proxies):
            return str(hop)
        peer = hop
    return str(peer)


def actor_of(request: Request[Any, Any, Any]) -> Actor:
    """The authenticated caller of `request` and their address."""
    user = request.scope.get("user")
    if isinstance(user, Principal):
        return Actor(user_id=user.user_id, email=user.email, ip=client_ip(request))
    return Actor(user_id=None, ip=client_ip(request))
