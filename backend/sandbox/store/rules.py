"""The sandbox's rules for what people type: usernames, titles, prices, message lengths.

A broken rule raises `StoreError` with a sentence the page shows as it is.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

MAX_PRICE = Decimal("100000")
TITLE_MAX = 100
DESCRIPTION_MAX = 5000
MESSAGE_MAX = 2000
USERNAME_RE = re.compile(r"^[A-Za-z0-9_.-]{2,32}$")
PRICE_RE = re.compile(r"^\d{1,6}(\.\d{1,2})?$")
WORD_RE = re.compile(r"[a-z0-9]+")
STOP_WORDS = frozenset({"the", "and", "for", "with", "new", "old", "set", "of", "a", "an", "in"})
# The shop's own account: it writes the order notices sellers get when something sells. Nobody may register
# or log in as it (in any letter case), so a person can never send a message that looks like one of them.
SYSTEM_USERNAME = "orders"


class StoreError(Exception):
    """A rule was broken (the message says which, in words for the page)."""


def parse_price(raw: str, max_price: Decimal = MAX_PRICE) -> int:
    """'12.5' / '12,50' -> 1250 cents; raises StoreError with a sentence for the form."""
    text = raw.strip().replace(",", ".")
    if not text:
        raise StoreError("Price is required.")
    if not PRICE_RE.match(text):
        raise StoreError("Price must be a number with at most 2 decimals, e.g. 12.50.")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise StoreError("Price must be a number with at most 2 decimals, e.g. 12.50.") from None
    if value <= 0:
        raise StoreError("Price must be greater than 0.")
    if value > max_price:
        raise StoreError(f"Price must be at most {max_price:f}.")
    return int(value * 100)


def check_username(username: str) -> None:
    """A username a person may register (StoreError with the sentence otherwise)."""
    if not USERNAME_RE.match(username):
        raise StoreError("Username: 2-32 letters, digits, dots, dashes or underscores.")
    if username.casefold() == SYSTEM_USERNAME:
        raise StoreError("That username is reserved for the shop's own messages.")


def format_price(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def validate_title(raw: str, limit: int = TITLE_MAX) -> str:
    title = " ".join(raw.split())
    if not title:
        raise StoreError("Title is required.")
    if len(title) > limit:
        raise StoreError(f"Title must be at most {limit} characters.")
    return title


def title_words(title: str) -> set[str]:
    return {w for w in WORD_RE.findall(title.lower()) if len(w) >= 3 and w not in STOP_WORDS}
