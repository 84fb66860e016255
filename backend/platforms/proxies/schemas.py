"""Proxies: requests (the responses are in `backend.platforms.schemas`)."""

from __future__ import annotations

from typing import Annotated

import msgspec

from backend.core.errors import explain_pattern
from backend.core.schemas import SINGLE_LINE
from backend.platforms.schemas import Label, ProxyKind, ProxyScheme, Secret

HOST_PATTERN = explain_pattern(
    r"^[A-Za-z0-9.\-:\[\]_]+$", "use a host name or IP address, like proxy.example.com or 203.0.113.5"
)
Host = Annotated[str, msgspec.Meta(min_length=1, max_length=255, pattern=HOST_PATTERN)]
Port = Annotated[int, msgspec.Meta(ge=1, le=65535)]
ProxyUrl = Annotated[
    str, msgspec.Meta(max_length=1000, pattern=SINGLE_LINE, examples=["http://user:secret@203.0.113.5:8080"])
]


class ProxyCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A proxy: `host` and `port` (with optional `username`/`password`), or one `url` such as
    `http://user:pass@host:port` (socks5:// and https:// too). Credentials are stored encrypted."""

    label: Label = ""
    kind: ProxyKind = "datacenter"
    scheme: ProxyScheme | None = None
    host: Host | None = None
    port: Port | None = None
    username: Secret | None = None
    password: Secret | None = None
    url: ProxyUrl | None = None


class ProxyUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """Only the fields sent change; `null` clears username or password."""

    label: Label | msgspec.UnsetType = msgspec.UNSET
    kind: ProxyKind | msgspec.UnsetType = msgspec.UNSET
    scheme: ProxyScheme | msgspec.UnsetType = msgspec.UNSET
    host: Host | msgspec.UnsetType = msgspec.UNSET
    port: Port | msgspec.UnsetType = msgspec.UNSET
    username: Secret | msgspec.UnsetType | None = msgspec.UNSET
    password: Secret | msgspec.UnsetType | None = msgspec.UNSET
