"""Which message is a sale: the platform's own account's sale notice, read by its words as data; the same
words from a person are not a sale. No browser: the sandbox's own notice text is checked against the data."""

from __future__ import annotations

from decimal import Decimal

import pytest

from backend.platforms import service as platforms
from backend.platforms.drivers import notices
from backend.sandbox.store.sales import order_notice


@pytest.mark.parametrize(("platform", "shop"), [("sandbox", "Sandbox Market"), ("sandbox_b", "Sandbox Bazaar")])
def test_the_sandbox_shops_order_notice_is_a_sale(platform: str, shop: str) -> None:
    body = order_notice("Vintage “denim” jacket (item #3)", 17, "carol", 4050, shop)

    notice = platforms.sale_in_message(platform, "orders", body)

    assert notice == platforms.SaleNotice(item_id="17", buyer="carol", price=Decimal("40.50"), currency="EUR")
    assert platforms.sale_in_message(platform, "ORDERS", body) == notice  # account names ignore case


@pytest.mark.parametrize("sender", ["bob", "orders-team", "", "alice"])
def test_the_same_words_from_a_person_are_not_a_sale(sender: str) -> None:
    body = order_notice("Vintage denim jacket", 17, "carol", 4050, "Sandbox Market")
    assert platforms.sale_in_message("sandbox", sender, body) is None


def test_other_messages_of_the_shop_and_platforms_without_notices_are_not_sales() -> None:
    assert platforms.sale_in_message("sandbox", "orders", "Your listing was bumped.") is None
    assert platforms.sale_in_message("sandbox", "orders", "Re: Order confirmed: “x” (item #1) was bought") is None
    body = order_notice("Vintage denim jacket", 17, "carol", 4050, "Sandbox Market")
    assert platforms.sale_in_message("pinterest", "orders", body) is None
    assert platforms.sale_in_message("no-such-platform", "orders", body) is None


def test_the_vinted_notice_is_data_marked_unverified() -> None:
    known = notices.notice_format("vinted")
    assert known is not None
    assert known.verified is False
    body = "anna_k has bought your item https://www.vinted.fr/items/4242-blue-dress for 12,50 €"
    notice = platforms.sale_in_message("vinted", "Vinted", body)
    assert notice == platforms.SaleNotice(item_id="4242", buyer="anna_k", price=Decimal("12.50"), currency="EUR")
    in_pounds = platforms.sale_in_message("vinted", "vinted team", "tom purchased https://vinted.co.uk/items/7 for £8")
    assert in_pounds == platforms.SaleNotice(item_id="7", buyer="tom", price=Decimal("8.00"), currency="GBP")
    assert platforms.sale_in_message("vinted", "anna_k", body) is None
    sandbox = notices.notice_format("sandbox")
    assert sandbox is not None
    assert sandbox.verified is True


@pytest.mark.parametrize(
    ("section", "says"),
    [
        ({"senders": [], "pattern": "#(?P<item_id>\\d+)", "currency": "EUR"}, "senders"),
        ({"senders": ["x"], "pattern": "#(\\d+)", "currency": "EUR"}, "item_id"),
        ({"senders": ["x"], "pattern": "#(?P<item_id>\\d+) (?P<when>.*)", "currency": "EUR"}, "item_id"),
        ({"senders": ["x"], "pattern": "#(?P<item_id>\\d+)", "currency": "euro"}, "currency"),
        ([], "object"),
    ],
)
def test_a_broken_notice_section_is_refused_naming_what(section: object, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        notices._checked("example", section)
