"""Downloading a found image as the account: through its browser context, size-limited, http(s) only.

The context's request client (`context.request`) carries the account's proxy,
cookies and user agent, so the platform sees the same visitor that browsed
the page. Redirects are followed by hand so each hop's address is checked:
a `file:`, `data:` or any other non-web address is refused, not fetched.
The size is checked on the announced Content-Length first (a large image is
never read) and on the body after (a server may not announce it, or lie);
Playwright hands the body over whole, so the second check bounds what is kept,
not what crossed the wire.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from backend.core.lazy import lazy_module
from backend.platforms.drivers.base import ActionFailed, OutcomeUnknown

if TYPE_CHECKING:
    import playwright.async_api as playwright_api
    from playwright.async_api import APIResponse, BrowserContext
else:
    playwright_api = lazy_module(
        "playwright.async_api"
    )  # the API process imports the platforms facade, never a browser

MAX_REDIRECTS = 5
REDIRECTS = frozenset({301, 302, 303, 307, 308})
WEB_SCHEMES = frozenset({"http", "https"})


def too_large(max_bytes: int) -> ActionFailed:
    return ActionFailed(f"image larger than {max_bytes / 1_000_000:g} MB")


def _checked(url: str) -> str:
    if urlsplit(url).scheme.lower() not in WEB_SCHEMES:
        raise ActionFailed(f"only http and https image addresses are fetched, not {url[:80]!r}")
    return url


async def _fetch(context: BrowserContext, url: str, timeout_ms: float) -> APIResponse:
    try:
        return await context.request.get(url, max_redirects=0, fail_on_status_code=False, timeout=timeout_ms)
    except playwright_api.Error as exc:
        # A network error or timeout: the read is retried (`actions.read`).
        raise OutcomeUnknown(f"downloading {url[:200]}: {exc.message}") from exc


async def download(context: BrowserContext, url: str, max_bytes: int, timeout_ms: float) -> bytes:
    """The image's bytes; `ActionFailed` when it is missing, refused, too large or not a web address."""
    if max_bytes < 1:
        raise ValueError("max_bytes must be at least 1")
    target = _checked(url)
    for _ in range(MAX_REDIRECTS + 1):
        response = await _fetch(context, target, timeout_ms)
        try:
            if response.status in REDIRECTS:
                location = response.headers.get("location")
                if not location:
                    raise ActionFailed(f"the image address redirects nowhere ({response.status})")
                target = _checked(urljoin(target, location))
                continue
            if response.status in (404, 410):
                raise ActionFailed(f"image not found: {target[:200]}")
            if response.status == 429 or response.status >= 500:
                raise OutcomeUnknown(f"downloading {target[:200]}: the server answered {response.status}")
            if not response.ok:
                raise ActionFailed(f"the image was refused ({response.status}): {target[:200]}")
            length = response.headers.get("content-length", "")
            if length.isdigit() and int(length) > max_bytes:
                raise too_large(max_bytes)
            body = await response.body()
            if len(body) > max_bytes:
                raise too_large(max_bytes)
            return body
        finally:
            await response.dispose()
    raise ActionFailed(f"the image address redirects more than {MAX_REDIRECTS} times")
