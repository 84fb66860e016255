"""How a real-site driver reads and works a page, naming everything by its entry in the platform's data.

Lookups (`path`, `match`, `texts`), finding elements by selector name with
fallbacks, the guards that turn a challenge or a login wall into an error, and
the steps every flow is made of: typing, clicking through, uploading, choosing,
submitting a changing step (a timeout is `OutcomeUnknown`), and reading list
pages. Every name passed to these helpers by a driver is a string literal, so
the names the code uses can be read from its source (see `site_data`).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, TypeVar
from urllib.parse import quote, urljoin, urlsplit

from backend.core.lazy import lazy_module
from backend.platforms.drivers.base import (
    ActionFailed,
    ChallengeRequired,
    Driver,
    DriverError,
    LoginRequired,
    NotSupported,
    OutcomeUnknown,
    SelectorMissing,
    Selectors,
)
from backend.platforms.drivers.site_data import PlatformData, load_platform_data

if TYPE_CHECKING:
    import playwright.async_api as playwright_api
    from playwright.async_api import Locator, Page
else:
    playwright_api = lazy_module(
        "playwright.async_api"
    )  # the API process imports the platforms facade, never a browser

# A page whose whole text is shorter than this is checked for challenge phrases
# (captcha pages are short; a long page quoting such a phrase is not a challenge).
CHALLENGE_TEXT_MAX_CHARS = 4000
# How many times a list page is scrolled to load more entries.
MAX_SCROLLS = 5
# How long an optional dropdown option may take to show up.
OPTION_WAIT_MS = 3000

T = TypeVar("T")


def parse_price(text: str) -> Decimal | None:
    """'€12.50', '12,50 €', '$1,234.00', '1 234,5 zł' → a Decimal (None when there is no number)."""
    match = re.search(r"\d[\d\s.,\u00a0\u202f']*", text)
    if match is None:
        return None
    number = re.sub(r"[\s\u00a0\u202f']", "", match.group()).rstrip(".,")
    last_sep = max(number.rfind("."), number.rfind(","))
    # A separator followed by 1-2 digits at the end is the decimal point; the others group thousands.
    if last_sep != -1 and len(number) - last_sep - 1 in (1, 2):
        whole, fraction = number[:last_sep], number[last_sep + 1 :]
    else:
        whole, fraction = number, ""
    whole = whole.replace(".", "").replace(",", "")
    try:
        return Decimal(f"{whole}.{fraction}" if fraction else whole)
    except InvalidOperation:
        return None


# What a price's text shows for its currency → the ISO code (marketplaces print symbols, some print codes).
CURRENCY_SIGNS = {"€": "EUR", "£": "GBP", "$": "USD", "zł": "PLN", "kč": "CZK"}


def currency_of(text: str) -> str:
    """'€12.50' → 'EUR', '12,50 zł' → 'PLN', '12.50 SEK' → 'SEK'; '' when the text shows none."""
    code = re.search(r"\b[A-Z]{3}\b", text)
    if code:
        return code.group()
    lowered = text.casefold()
    return next((iso for sign, iso in CURRENCY_SIGNS.items() if sign in lowered), "")


def format_price(price: Decimal) -> str:
    """The price as forms want it: '12.5' → '12.50', '12' → '12'."""
    return f"{price:.2f}" if price != price.to_integral_value() else f"{price:.0f}"


def normalize(text: str) -> str:
    return " ".join(text.split()).casefold()


class WebPage(Driver):
    """The page helpers of a driver for a real platform's web pages, described by its JSON data."""

    data: ClassVar[PlatformData]

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if "platform" in cls.__dict__:
            cls.data = load_platform_data(cls.platform)

    # Data lookups ---------------------------------------------------------

    @property
    def selectors(self) -> Selectors:
        return self.data.selectors

    def path(self, name: str, **values: str) -> str:
        """The path `name` with each value URL-quoted (a `/` inside a value is kept)."""
        return self.data.paths[name].format(**{key: quote(value, safe="/@") for key, value in values.items()})

    def match(self, name: str, text: str) -> str | None:
        found = self.data.patterns[name].search(text)
        return found.group(1) if found else None

    def texts(self, name: str) -> tuple[str, ...]:
        return self.data.texts[name]

    def absolute(self, href: str) -> str:
        return urljoin(self.page.url if self.page.url.startswith("http") else self.base_url + "/", href)

    def refuse(self, action: str) -> NotSupported:
        return NotSupported(f"{self.title} has no {action}")

    # Finding things ---------------------------------------------------------

    def _any(self, root: Page | Locator, name: str) -> Locator | None:
        """One locator matching any alternative of `name` (None when it has none)."""
        combined: Locator | None = None
        for selector in self.selectors.alternatives(name):
            locator = root.locator(selector)
            combined = locator if combined is None else combined.or_(locator)
        return combined

    async def find(self, name: str, within: Locator | None = None) -> Locator:
        """The first element of the first alternative of `name` that matches, waiting for one to appear.

        Times out into `SelectorMissing` (or `ChallengeRequired`/`LoginRequired`
        when that is what the page shows instead).
        """
        root: Page | Locator = within if within is not None else self.page
        combined = self._any(root, name)
        if combined is not None:
            try:
                await combined.first.wait_for(state="attached")
            except playwright_api.TimeoutError:
                await self.raise_for_blockers()
        return (await self.selectors.find(root, name)).first

    async def find_optional(self, name: str, within: Locator | None = None) -> Locator | None:
        """Like `find` without waiting: None when nothing matches now."""
        found = await self.selectors.find_optional(within if within is not None else self.page, name)
        return None if found is None else found.first

    async def present(self, name: str, within: Locator | None = None) -> bool:
        """Whether any alternative of `name` matches now (one query for all of them)."""
        combined = self._any(within if within is not None else self.page, name)
        return combined is not None and await combined.count() > 0

    async def text_of(self, name: str, within: Locator | None = None) -> str:
        found = await self.find_optional(name, within)
        return "" if found is None else (await found.inner_text()).strip()

    async def attribute_of(self, name: str, attribute: str, within: Locator | None = None) -> str:
        found = await self.find_optional(name, within)
        return "" if found is None else (await found.get_attribute(attribute) or "").strip()

    async def all_of(self, name: str, within: Locator | None = None) -> list[Locator]:
        found = await self.selectors.find_optional(within if within is not None else self.page, name)
        return [] if found is None else await found.all()

    async def wait_any(self, *names: str, text: str | None = None) -> str:
        """Wait until one of `names` is visible and say which (checked in the order given).

        `text` narrows the first name to elements containing it. Raises
        Playwright's TimeoutError when none shows up in time.
        """
        options: list[tuple[str, Locator]] = []
        for index, name in enumerate(names):
            locator = self._any(self.page, name)
            if locator is not None:
                options.append((name, locator.filter(has_text=text) if index == 0 and text else locator))
        if not options:
            raise SelectorMissing(f"{self.platform}: no selectors for {', '.join(names)}")
        combined = options[0][1]
        for _, locator in options[1:]:
            combined = combined.or_(locator)
        await combined.first.wait_for(state="visible")
        for name, locator in options:
            if await locator.first.is_visible():
                return name
        return options[-1][0]  # pragma: no cover - something was visible a moment ago

    async def which(self, *names: str) -> str:
        """`wait_any` for reading steps: a timeout means the page is not what we expected."""
        try:
            return await self.wait_any(*names)
        except playwright_api.TimeoutError:
            await self.raise_for_blockers()
            raise SelectorMissing(f"{self.platform}: nothing on the page matches any of {', '.join(names)}") from None

    # Pages and guards --------------------------------------------------------

    async def open(self, path: str, *, require_login: bool = True) -> None:
        """Go to a path (from `self.path`) or URL; challenges and login walls raise."""
        await self.goto(path)
        if require_login:
            await self.raise_for_login_wall()

    async def raise_for_challenge(self) -> None:
        if await self.present("challenge"):
            raise ChallengeRequired(f"{self.title} shows a captcha or challenge: solve it in the browser, then resume")
        body = self.page.locator("body")
        if await body.count() == 0:
            return
        text = (await body.inner_text()).strip().casefold()
        short_page = len(text) <= CHALLENGE_TEXT_MAX_CHARS
        if short_page and any(phrase.casefold() in text for phrase in self.texts("challenge")):
            raise ChallengeRequired(
                f"{self.title} asks to verify a human is there: solve it in the browser, then resume"
            )

    async def raise_for_login_wall(self) -> None:
        login_path = urlsplit(self.url(self.path("login"))).path
        if urlsplit(self.page.url).path.rstrip("/") == login_path.rstrip("/") or await self.present("login_wall"):
            raise LoginRequired(f"{self.title} asks to log in: the session has expired")

    async def raise_for_blockers(self) -> None:
        await self.raise_for_challenge()
        await self.raise_for_login_wall()

    async def type_into(self, name: str, text: str, within: Locator | None = None) -> None:
        """Type like a person into the field `name`, with a pause before."""
        field = await self.find(name, within)
        await self.pacing.pause()
        await self.pacing.type(field, text)

    async def click_through(self, *names: str) -> None:
        """Click each of `names` in turn (menus and dialogs before a final step), pausing between."""
        for name in names:
            button = await self.find(name)
            await self.pacing.pause()
            await button.click()

    async def upload(self, name: str, files: Sequence[Path]) -> None:
        """Give the file input `name` the files (inputs are often hidden behind a styled drop zone)."""
        if not files:
            raise ActionFailed(f"{self.title}: at least one photo is needed")
        missing = [str(file) for file in files if not Path(file).is_file()]  # noqa: ASYNC240 - a stat per file
        if missing:
            raise ActionFailed(f"{self.title}: photo files not found: {', '.join(missing)}")
        field = await self.find(name)
        await self.pacing.pause()
        await field.set_input_files(list(files))

    async def choose(self, name: str, value: str | None) -> bool:
        """Best effort: pick `value` in the optional field `name` (a select, or a field with a suggestion list).

        Returns whether it was picked; a missing field or option is skipped, as
        these details are optional on every platform.
        """
        if not value:
            return False
        field = await self.find_optional(name)
        if field is None:
            return False
        await self.pacing.pause()
        if await field.evaluate("element => element.tagName") == "SELECT":
            try:
                await field.select_option(label=value, timeout=OPTION_WAIT_MS)
            except playwright_api.TimeoutError:
                return False
            return True
        await field.click()
        if await field.evaluate("element => element.tagName === 'INPUT' || element.isContentEditable"):
            await self.pacing.type(field, value)
        options = self._any(self.page, "dropdown_option")
        if options is None:
            return False
        option = options.filter(has_text=value).first
        try:
            await option.wait_for(state="visible", timeout=OPTION_WAIT_MS)
        except playwright_api.TimeoutError:
            return False
        await option.click()
        return True

    async def submit(
        self,
        button: str,
        *,
        success: str,
        error: str,
        action: str,
        refused: type[DriverError] = ActionFailed,
        success_text: str | None = None,
        also: tuple[str, ...] = (),
        watch_login_wall: bool = True,
    ) -> str:
        """Click `button` and wait for `success` or `error` (a changing step); says which came.

        `also` names other outcomes the caller handles (returned as they come).
        No answer in time → `OutcomeUnknown` (the caller checks before retrying);
        the `error` element → `refused` with the platform's own words.
        """
        clickable = await self.find(button)
        await self.pacing.pause()
        try:
            await clickable.click()
            watched = (success, *also, error, "challenge", *(("login_wall",) if watch_login_wall else ()))
            outcome = await self.wait_any(*watched, text=success_text)
        except playwright_api.TimeoutError as exc:
            raise OutcomeUnknown(
                f"{self.title}: {action} got no answer in time; check whether it happened before trying again"
            ) from exc
        if outcome == "challenge":
            raise ChallengeRequired(f"{self.title} showed a challenge during {action}; it may or may not have happened")
        if outcome == "login_wall":
            raise LoginRequired(f"{self.title} asked to log in during {action}")
        if outcome == error:
            message = await self.text_of(error) or "no reason given"
            raise refused(f"{self.title} refused {action}: {message}")
        return outcome

    async def collect(
        self, name: str, parse: Callable[[Locator], Awaitable[T | None]], key: Callable[[T], str], limit: int
    ) -> list[T]:
        """Parse each `name` element of a list page, scrolling for more, up to `limit` distinct entries."""
        try:
            await self.find(name)
        except SelectorMissing:
            return []
        results: dict[str, T] = {}
        seen = 0
        for _ in range(MAX_SCROLLS + 1):
            elements = await self.all_of(name)
            for element in elements[seen:]:
                parsed = await parse(element)
                if parsed is not None:
                    results.setdefault(key(parsed), parsed)
                if len(results) >= limit:
                    return list(results.values())[:limit]
            seen = len(elements)
            await self.page.mouse.wheel(0, 4000)
            await self.pacing.pause()
            if len(await self.all_of(name)) == seen:
                break
        return list(results.values())
