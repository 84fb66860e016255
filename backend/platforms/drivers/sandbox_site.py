"""The sandbox marketplace's page knowledge (`selectors/sandbox.json`) and the page helpers its driver is made of.

The second shop, Sandbox Bazaar (`sandbox_b`), is the same program: its file `selectors/sandbox_b.json`
`extends` the first and adds or replaces only what differs (its sell form's fields).

`SandboxSite` is where the sandbox driver's parts meet: opening pages,
submitting forms (a timeout is `OutcomeUnknown`), the login and challenge
guards, and reading a page of item cards as images. `SandboxBoards` adds the
image-collection actions on top, `SandboxDriver` the rest of the protocol.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from backend.core.lazy import lazy_module
from backend.platforms.drivers.base import (
    ChallengeRequired,
    Driver,
    FeedImage,
    LoginRequired,
    OutcomeUnknown,
    Selectors,
)
from backend.settings import get_settings

if TYPE_CHECKING:
    import playwright.async_api as playwright_api
    from playwright.async_api import Locator
else:
    playwright_api = lazy_module(
        "playwright.async_api"
    )  # the API process imports the platforms facade, never a browser

SELECTORS_DIR = Path(__file__).parent / "selectors"


def sandbox_data(name: str) -> tuple[dict[str, str], dict[str, list[str]]]:
    """(paths, selectors) of `selectors/<name>.json`, over those of the file it `extends`, if any."""
    raw = json.loads((SELECTORS_DIR / f"{name}.json").read_text(encoding="utf-8"))
    paths, selectors = sandbox_data(raw["extends"]) if "extends" in raw else ({}, {})
    return {**paths, **raw.get("paths", {})}, {**selectors, **raw.get("selectors", {})}


def sandbox_selectors(name: str) -> tuple[dict[str, str], Selectors]:
    paths, selectors = sandbox_data(name)
    return paths, Selectors(name, selectors)


PATHS, SELECTORS = sandbox_selectors("sandbox")


class SandboxSite(Driver):
    """What every part of the sandbox driver uses (see the module's docstring)."""

    platform: ClassVar[str] = "sandbox"
    title: ClassVar[str] = "Sandbox marketplace"
    verified: ClassVar[bool] = True
    default_base_url: ClassVar[str] = "http://127.0.0.1:8100"
    paths: ClassVar[dict[str, str]] = PATHS
    selectors: ClassVar[Selectors] = SELECTORS

    @classmethod
    def configured_base_url(cls) -> str:
        return get_settings().platforms.sandbox_url

    def path(self, name: str, **values: str) -> str:
        return self.paths[name].format(**values)

    async def raise_for_challenge(self) -> None:
        if "/challenge" in self.page.url or await self.selectors.present(self.page, "challenge"):
            raise ChallengeRequired(
                "The sandbox marketplace asks this account to confirm it is human (captcha). "
                "Solve it in a browser, then resume the account."
            )

    async def submit_form(self, button: Locator, what: str) -> None:
        """Click a form's submit button and wait for the page it leads to.

        No answer in time means the outcome is unknown: the request may have
        reached the platform. Callers verify before trying again.
        """
        try:
            async with self.page.expect_navigation(wait_until="domcontentloaded"):
                await button.click()
        except playwright_api.TimeoutError as exc:
            raise OutcomeUnknown(f"{what}: {self.title} did not answer in time") from exc
        await self.raise_for_challenge()

    async def _me(self) -> str:
        """The logged-in account's username, from the page's navigation."""
        if not await self.selectors.present(self.page, "logged_in_user"):
            await self.goto(self.path("my_listings"))
        await self._require_login()
        return await (await self.selectors.find(self.page, "logged_in_user")).first.get_attribute("data-username") or ""

    async def _require_login(self) -> None:
        if "/login" in self.page.url or not await self.selectors.present(self.page, "logged_in_user"):
            raise LoginRequired("The sandbox marketplace session has expired: log in again")

    async def cards(self, path: str) -> list[FeedImage]:
        """Open a page of item cards (feed, search, ideas, more like this) and read each card's picture."""
        await self.goto(path)
        cards = await self.selectors.find_optional(self.page, "feed_card")
        images: list[FeedImage] = []
        for card in await cards.all() if cards else []:
            image = await self.selectors.find_optional(card, "card_image")
            src = await image.first.get_attribute("src") if image else None
            if not src:
                continue
            item_id = await card.get_attribute("data-item-id") or ""
            images.append(
                FeedImage(
                    item_id=item_id,
                    image_url=src if src.startswith("http") else self.url(src),
                    title=await self.selectors.text(card, "card_title"),
                    page_url=self.url(self.path("item", item_id=item_id)),
                )
            )
        return images

    async def next_page(self) -> str:
        """The address of the page after this one ("" on the last)."""
        found = await self.selectors.find_optional(self.page, "next_page")
        return (await found.first.get_attribute("href") or "") if found else ""
