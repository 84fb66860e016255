"""Sale notices: the message a marketplace's own account sends a seller when an item sells, read as data.

The inbox sync stores a seller's messages; one of them may say an item sold before any sales page shows
it. `selectors/<platform>.json` has a `sale_notice` section (a file that `extends` another inherits it):

- `senders`: the platform's own account(s), compared ignoring case. Only they count: the same words
  written by a person (a buyer, a prankster) are not a sale;
- `pattern`: a regular expression with the named groups `item_id` (the platform's id of the item, required),
  `buyer` and `price` (the amount as printed, with its currency sign where there is one), both optional;
- `currency`: the ISO code when the price shows none;
- `verified`: False while the words are not checked against the live site (Vinted's).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from backend.platforms.drivers.site_data import SELECTORS_DIR
from backend.platforms.drivers.web_page import currency_of, parse_price

CENT = Decimal("0.01")


@dataclass(frozen=True)
class SaleNotice:
    """A sale as the platform's own account announced it to the seller."""

    item_id: str
    buyer: str
    """"" where the notice names none."""
    price: Decimal | None
    currency: str


@dataclass(frozen=True)
class NoticeFormat:
    """One platform's `sale_notice` section."""

    senders: frozenset[str]
    pattern: re.Pattern[str]
    currency: str
    verified: bool


@cache
def notice_format(platform: str) -> NoticeFormat | None:
    """The platform's sale notice (its own, else that of the file it `extends`); None when it has none."""
    path = SELECTORS_DIR / f"{platform}.json"
    if not path.is_file():
        return None
    raw = json.loads(path.read_text(encoding="utf-8"))
    section = raw.get("sale_notice")
    if section is None:
        return notice_format(raw["extends"]) if "extends" in raw else None
    return _checked(platform, section)


def _checked(platform: str, section: object) -> NoticeFormat:
    where = f"{platform}.json: sale_notice"
    if not isinstance(section, dict):
        raise ValueError(f"{where} must be an object")
    senders = section.get("senders")
    if not isinstance(senders, list) or not senders or not all(isinstance(s, str) and s.strip() for s in senders):
        raise ValueError(f"{where}.senders must be a list of the platform's own account names")
    pattern = re.compile(str(section.get("pattern", "")))
    if "item_id" not in pattern.groupindex or set(pattern.groupindex) - {"item_id", "buyer", "price"}:
        raise ValueError(f"{where}.pattern must have the group item_id (and may have buyer, price)")
    currency = section.get("currency")
    if not isinstance(currency, str) or not re.fullmatch(r"[A-Z]{3}", currency):
        raise ValueError(f"{where}.currency must be an ISO code such as EUR")
    return NoticeFormat(
        senders=frozenset(s.strip().casefold() for s in senders),
        pattern=pattern,
        currency=currency,
        verified=section.get("verified") is True,
    )


def sale_in_message(platform: str, sender: str, body: str) -> SaleNotice | None:
    """The sale a message announces, when it is the platform's own account's sale notice; else None."""
    known = notice_format(platform)
    if known is None or sender.strip().casefold() not in known.senders:
        return None
    found = known.pattern.search(body)
    if found is None:
        return None
    printed = found.group("price") if "price" in known.pattern.groupindex else None
    price = parse_price(printed) if printed else None
    return SaleNotice(
        item_id=found.group("item_id"),
        buyer=(found.group("buyer") if "buyer" in known.pattern.groupindex else None) or "",
        price=price.quantize(CENT) if price is not None else None,
        currency=(currency_of(printed) if printed else "") or known.currency,
    )
