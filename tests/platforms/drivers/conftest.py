"""A real Chromium page whose requests to a platform are answered from HTML fixtures.

`FakeSite` intercepts every request of the page's context: the platform's own
host is answered by the routes a test declares (fixture files, templates, or
functions of the request), everything else (image CDNs...) is aborted, so
nothing leaves the machine. Each request is recorded with its form fields and
uploaded file names, so tests assert what the driver submitted.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import default as default_policy
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.async_api import Browser, Page, Request, Route, async_playwright

from backend.platforms.drivers.base import Driver, Pacing

FIXTURES = Path(__file__).with_name("fixtures")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/lib/chromium/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Steps give up quickly in tests: a route that never answers becomes a timeout.
STEP_TIMEOUT_MS = 1500


@dataclass
class Captured:
    method: str
    url: str
    path: str
    query: dict[str, list[str]]
    form: dict[str, list[str]] = field(default_factory=dict)
    files: dict[str, list[str]] = field(default_factory=dict)

    def value(self, name: str) -> str:
        return self.form.get(name, [""])[0]


class Hang:
    """A reply that never comes (the request stays pending until the test ends)."""


HANG = Hang()
Reply = str | Hang | Callable[[Captured], "str | Hang"]


def redirect(path: str) -> str:
    """A page that moves on to `path` (how the fixtures do post-redirect-get)."""
    return f"<!doctype html><html><body><script>location.replace({path!r})</script></body></html>"


def _parse_body(request: Request, captured: Captured) -> None:
    body = request.post_data_buffer
    content_type = request.headers.get("content-type", "")
    if not body:
        return
    if content_type.startswith("multipart/form-data"):
        message = BytesParser(policy=default_policy).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
        )
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            filename = part.get_filename()
            if not isinstance(name, str):
                continue
            if filename is not None:
                captured.files.setdefault(name, []).append(filename)
            else:
                payload = part.get_payload(decode=True)
                text = payload.decode() if isinstance(payload, bytes) else ""
                captured.form.setdefault(name, []).append(text)
    else:
        captured.form.update(parse_qs(body.decode(), keep_blank_values=True))


class FakeSite:
    def __init__(self, page: Page, base_url: str, platform: str) -> None:
        self.page = page
        self.host = urlsplit(base_url).netloc
        self.fixtures = FIXTURES / platform
        self.routes: list[tuple[str, re.Pattern[str], Reply]] = []
        self.requests: list[Captured] = []
        self.hanging: list[Route] = []

    def fixture(self, name: str, **values: str) -> str:
        """A fixture file with its {{placeholders}} filled (the others emptied)."""
        text = (self.fixtures / name).read_text(encoding="utf-8")
        for key, value in values.items():
            text = text.replace("{{" + key + "}}", value)
        return re.sub(r"\{\{\w+\}\}", "", text)

    def on(self, method: str, path: str, reply: Reply) -> None:
        """Answer `method` requests whose path (and query) fully matches `path`; later routes win.

        A reply ending in .html is that fixture file.
        """
        self.routes.insert(0, (method, re.compile(path), reply))

    def get(self, path: str, reply: Reply) -> None:
        self.on("GET", path, reply)

    def post(self, path: str, reply: Reply) -> None:
        self.on("POST", path, reply)

    def posts(self, path: str | None = None) -> list[Captured]:
        return [r for r in self.requests if r.method == "POST" and (path is None or re.fullmatch(path, r.path))]

    def visited(self) -> list[str]:
        return [r.path for r in self.requests if r.method == "GET"]

    async def handle(self, route: Route, request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.netloc != self.host or request.resource_type not in {"document", "xhr", "fetch"}:
            await route.abort()
            return
        captured = Captured(request.method, request.url, parts.path, parse_qs(parts.query))
        _parse_body(request, captured)
        self.requests.append(captured)
        target = parts.path + ("?" + parts.query if parts.query else "")
        for method, pattern, reply in self.routes:
            if method == request.method and (pattern.fullmatch(parts.path) or pattern.fullmatch(target)):
                answer = reply(captured) if callable(reply) else reply
                if isinstance(answer, Hang):
                    self.hanging.append(route)
                    return
                body = self.fixture(answer) if answer.endswith(".html") else answer
                await route.fulfill(status=200, body=body, content_type="text/html; charset=utf-8")
                return
        await route.fulfill(
            status=404, body="<html><body><h1>Page not found</h1></body></html>", content_type="text/html"
        )

    async def close(self) -> None:
        for route in self.hanging:
            with contextlib.suppress(Exception):  # the page may be gone already
                await route.abort()


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield launched
        await launched.close()


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context(locale="en-US")
    opened = await context.new_page()
    opened.set_default_timeout(STEP_TIMEOUT_MS)
    opened.set_default_navigation_timeout(5000)
    yield opened
    await context.close()


SiteFactory = Callable[[type[Driver]], tuple[FakeSite, Driver]]


@pytest.fixture
async def make_site(page: Page) -> AsyncIterator[SiteFactory]:
    """`make_site(DriverClass)` → (a fake of its site on the page, the driver on that page)."""
    sites: list[FakeSite] = []

    def make(driver_class: type[Driver]) -> tuple[FakeSite, Driver]:
        site = FakeSite(page, driver_class.default_base_url, driver_class.platform)
        sites.append(site)
        return site, driver_class(page, Pacing(fast=True))

    await page.context.route("**/*", lambda route, request: _dispatch(sites, route, request))
    yield make
    for site in sites:
        await site.close()


async def _dispatch(sites: list[FakeSite], route: Route, request: Request) -> None:
    if sites:
        await sites[-1].handle(route, request)
    else:
        await route.abort()


@pytest.fixture
def photos(tmp_path: Path) -> list[Path]:
    files = []
    for name in ("front.jpg", "back.jpg"):
        path = tmp_path / name
        path.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
        files.append(path)
    return files
