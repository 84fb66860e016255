"""The sandbox marketplace fits a phone: no page scrolls sideways at 390 px wide, even with long words."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, Page

from tests.images import photo
from tests.platforms.browser import chromium
from tests.platforms.conftest import PASSWORD, Sandbox

PHONE = {"width": 390, "height": 844}
LONG_WORD = "Supercalifragilisticexpialidocious-handmade-limited-edition-collectors-item-" + "x" * 20
WIDER_THAN_THE_PAGE = """() => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : ''))
    .slice(0, 8)"""


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as browser:
        yield browser


async def _fits(page: Page, path: str) -> None:
    response = await page.goto(path)
    assert response is not None
    assert response.ok, (path, response.status)
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], (path, width, await page.evaluate(WIDER_THAN_THE_PAGE))


async def test_every_main_page_fits_a_phone(browser: Browser, sandbox: Sandbox) -> None:
    # Long unbroken words where people type: a title, a description, a message.
    async with sandbox.browser() as client:
        await sandbox.login(client, "alice")
        sold = await client.post(
            "/sell",
            data={"title": LONG_WORD[:100], "description": f"See https://example.com/{LONG_WORD}", "price": "12.50"},
            files=[("photos", ("p.jpg", photo(seed=1, size=(1200, 900)), "image/jpeg"))],
        )
        assert sold.status_code == 303, sold.text
        item = sold.headers["location"]
        sent = await client.post("/messages/bob", data={"body": f"Hello! {LONG_WORD}"})
        assert sent.status_code == 303, sent.text

    context = await browser.new_context(viewport=PHONE, base_url=sandbox.url)
    try:
        page = await context.new_page()
        page.set_default_timeout(10_000)
        for path in ("/login", "/", item):
            await _fits(page, path)
        await page.goto("/login")
        await page.fill("#login-form input[name=username]", "alice")
        await page.fill("#login-form input[name=password]", PASSWORD)
        await page.click("#login-form button[type=submit]")
        await page.wait_for_selector("#nav-logout")
        for path in ("/", item, "/sell", "/my/listings", "/messages", "/messages/bob", "/users/alice", "/?q=denim"):
            await _fits(page, path)
        # A refused form shows its error without widening the page.
        await page.goto("/sell")
        await page.fill("#sell-form input[name=title]", LONG_WORD[:100])
        await page.fill("#sell-form input[name=price]", "0")
        await page.click("#sell-form button[type=submit]")
        await page.wait_for_selector("#sell-form .form-error")
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], ("/sell with an error", width, await page.evaluate(WIDER_THAN_THE_PAGE))
    finally:
        await context.close()
