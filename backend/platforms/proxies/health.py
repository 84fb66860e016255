"""Proxy health: fetch the check URL through a proxy and store how it went (status, latency, reason)."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any
from urllib.parse import quote

import httpx
import structlog

from backend.core.clock import utcnow
from backend.core.scoped import scoped
from backend.platforms.proxies.urls import proxy_credentials, proxy_url
from backend.platforms.tables import Proxy
from backend.settings import get_settings

log = structlog.get_logger(__name__)


def _scrub(message: str, secrets: list[str | None]) -> str:
    """No credentials in an error text: drop `user:pass@` from URLs and any secret itself."""
    cleaned = re.sub(r"//[^/@\s]+@", "//", message)
    for secret in secrets:
        if secret:
            cleaned = cleaned.replace(secret, "***").replace(quote(secret, safe=""), "***")
    return cleaned


async def probe_proxy(row: dict[str, Any]) -> tuple[bool, int | None, str]:
    """Fetch the check URL through the proxy: (healthy, latency in ms, reason when unhealthy)."""
    settings = get_settings().platforms
    timeout = settings.proxy_check_timeout_seconds
    secrets = list(proxy_credentials(row))
    started = time.perf_counter()
    try:
        async with httpx.AsyncClient(proxy=proxy_url(row), timeout=timeout, trust_env=False) as http:
            response = await http.get(settings.proxy_check_url)
    except httpx.TimeoutException:
        return False, None, f"no answer within {timeout:g} s"
    except httpx.ProxyError as exc:
        return False, None, _scrub(f"the proxy refused the request: {exc}", secrets)
    except httpx.ConnectError as exc:
        return False, None, _scrub(f"could not connect through the proxy: {exc or 'connection refused'}", secrets)
    except (httpx.HTTPError, OSError) as exc:
        return False, None, _scrub(f"{type(exc).__name__}: {exc}", secrets)
    latency = max(1, round((time.perf_counter() - started) * 1000))
    if response.status_code == 407:
        return False, latency, "the proxy wants other credentials (HTTP 407)"
    if response.status_code >= 400:
        return False, latency, f"the check URL answered HTTP {response.status_code} through the proxy"
    return True, latency, ""


async def record_check(workspace_id: uuid.UUID, proxy_id: uuid.UUID, row: dict[str, Any]) -> dict[str, Any]:
    """Probe the proxy (its table `row`) and store the outcome; returns it."""
    healthy, latency, reason = await probe_proxy(row)
    status = "healthy" if healthy else "unhealthy"
    await (
        scoped(Proxy, workspace_id)
        .update(
            {
                Proxy.status: status,
                Proxy.latency_ms: latency if healthy else None,
                Proxy.last_checked_at: utcnow(),
                Proxy.last_error: reason,
            }
        )
        .where(Proxy.id == proxy_id)
    )
    log.info("proxy_checked", proxy_id=str(proxy_id), status=status, latency_ms=latency)
    return {"proxy_id": str(proxy_id), "status": status, "latency_ms": latency, "error": reason}
