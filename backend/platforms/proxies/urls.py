"""Proxy addresses: the URL forms people paste (parsed), and the URL with credentials a client needs (built).

The credentials are vault tokens in the table; they are decrypted only here,
for a worker about to route traffic through the proxy. Never log the results.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, unquote, urlsplit

from backend.core.errors import InvalidInput
from backend.platforms import vault

PROXY_USERNAME_PURPOSE = "proxy.username"
PROXY_PASSWORD_PURPOSE = "proxy.password"  # noqa: S105 - a vault purpose, not a secret
PROXY_SCHEMES = ("http", "https", "socks5")


def proxy_credentials(row: dict[str, Any]) -> tuple[str | None, str | None]:
    """(username, password) of a proxy row, decrypted. Never log them."""
    return (
        vault.decrypt_optional(row["username_secret"], PROXY_USERNAME_PURPOSE),
        vault.decrypt_optional(row["password_secret"], PROXY_PASSWORD_PURPOSE),
    )


def proxy_url(row: dict[str, Any]) -> str:
    """The proxy's URL with its credentials, for httpx or Playwright. Never log it."""
    username, password = proxy_credentials(row)
    host = f"[{row['host']}]" if ":" in row["host"] else row["host"]
    auth = ""
    if username is not None or password is not None:
        auth = quote(username or "", safe="") + (":" + quote(password, safe="") if password is not None else "") + "@"
    return f"{row['scheme']}://{auth}{host}:{row['port']}"


def check_port(value: int | str | None, field: str) -> int:
    try:
        port = int(value) if value is not None else 0
    except ValueError:
        raise InvalidInput(field, "port must be a number between 1 and 65535") from None
    if not 1 <= port <= 65535:
        raise InvalidInput(field, "port must be between 1 and 65535")
    return port


def parse_proxy_url(url: str) -> tuple[str, str, int, str | None, str | None]:
    """`scheme://user:pass@host:port`, or the `host:port` and `host:port:user:pass` of proxy lists.

    Returns (scheme, host, port, username, password).
    """
    text = url.strip()
    if "://" not in text:
        parts = text.split(":")
        if len(parts) not in (2, 4) or not all(parts[:2]):
            raise InvalidInput("url", "must look like http://user:pass@host:port, host:port or host:port:user:pass")
        user, password = (parts[2] or None, parts[3] or None) if len(parts) == 4 else (None, None)
        return "http", parts[0].lower(), check_port(parts[1], "url"), user, password
    parsed = urlsplit(text)
    scheme = parsed.scheme.lower()
    if scheme == "socks5h":
        scheme = "socks5"
    if scheme not in PROXY_SCHEMES:
        raise InvalidInput("url", f"scheme must be one of {', '.join(PROXY_SCHEMES)}")
    try:
        port_value = parsed.port
    except ValueError:
        raise InvalidInput("url", "port must be between 1 and 65535") from None
    if not parsed.hostname:
        raise InvalidInput("url", "has no host")
    if port_value is None:
        raise InvalidInput("url", "has no port (add :port after the host)")
    if parsed.path not in ("", "/") or parsed.query or parsed.fragment:
        raise InvalidInput("url", "must not have a path, query or fragment")
    username = unquote(parsed.username) if parsed.username else None
    password = unquote(parsed.password) if parsed.password else None
    return scheme, parsed.hostname.lower(), check_port(port_value, "url"), username, password
