"""Sales pages: Vinted's sold orders read against fixtures shaped like its pages; Pinterest and TikTok have none."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from backend.platforms.drivers.base import Driver, NotSupported, Sale
from backend.platforms.drivers.pinterest import PinterestDriver
from backend.platforms.drivers.tiktok import TikTokDriver
from backend.platforms.drivers.vinted import VintedDriver
from backend.platforms.drivers.web_page import currency_of
from tests.platforms.drivers.conftest import SiteFactory


async def test_vinted_sold_orders_are_its_sales(make_site: SiteFactory) -> None:
    site, driver = make_site(VintedDriver)
    site.get("/my_orders/sold", "sold_orders.html")
    assert "my_sales" in driver.capabilities

    sales = await driver.my_sales()

    assert sales == [
        Sale("4812345", "Summer dress", Decimal("11.00"), "EUR", "anna", datetime(2026, 11, 28, 14, 5, tzinfo=UTC)),
        Sale("4800001", "Wool scarf", Decimal("1234.50"), "PLN", "ben", None),  # "2 weeks ago": no exact time
    ]  # the order whose item is gone has no item id to match: left out
    assert site.visited() == ["/my_orders/sold"]


async def test_vinted_sales_by_fallback_selectors(make_site: SiteFactory) -> None:
    site, driver = make_site(VintedDriver)
    site.get("/my_orders/sold", "sold_orders_fallback.html")
    assert await driver.my_sales() == [Sale("4700002", "Linen shirt", Decimal("8.50"), "GBP", "cleo", None)]


async def test_vinted_no_sales_yet(make_site: SiteFactory) -> None:
    site, driver = make_site(VintedDriver)
    site.get("/my_orders/sold", "home_in.html")
    assert await driver.my_sales() == []


@pytest.mark.parametrize("driver_class", [PinterestDriver, TikTokDriver])
async def test_no_sales_page_on_social_platforms(make_site: SiteFactory, driver_class: type[Driver]) -> None:
    site, driver = make_site(driver_class)
    assert "my_sales" not in driver.capabilities
    with pytest.raises(NotSupported, match="no sales page"):
        await driver.my_sales()
    assert site.visited() == []


def test_currency_from_how_the_price_is_printed() -> None:
    assert [currency_of(t) for t in ("€12.50", "12,50 €", "£3", "$9.99", "40 zł", "99 Kč", "120 SEK", "12")] == [
        "EUR",
        "EUR",
        "GBP",
        "USD",
        "PLN",
        "CZK",
        "SEK",
        "",
    ]
