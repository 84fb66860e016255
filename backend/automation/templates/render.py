"""Template variables: which a body uses, and the text for one recipient. Pure functions, no I/O."""

from __future__ import annotations

import string
from collections.abc import Mapping

from backend.core.errors import InvalidInput

VARIABLES: tuple[str, ...] = ("username", "item_title", "price", "discount_price", "my_name")
_KNOWN = frozenset(VARIABLES)
_HINT = "use " + ", ".join("{" + name + "}" for name in VARIABLES) + " (write {{ or }} for a literal brace)"


def _parts(body: str, field: str) -> list[tuple[str, str | None]]:
    """(literal text, variable or None) pieces of `body`; 400 naming `field` on a bad or unknown variable."""
    try:
        parsed = list(string.Formatter().parse(body))
    except ValueError:
        raise InvalidInput(field, f"a brace is not closed or not opened; {_HINT}") from None
    parts: list[tuple[str, str | None]] = []
    for literal, name, spec, conversion in parsed:
        if name is None:
            parts.append((literal, None))
            continue
        written = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
        if name not in _KNOWN or spec or conversion:
            raise InvalidInput(field, f"unknown variable {written}; {_HINT}")
        parts.append((literal, name))
    return parts


def variables_of(body: str, field: str = "body") -> list[str]:
    """The variables `body` uses, in order of first use (400 naming an unknown one)."""
    return list(dict.fromkeys(name for _, name in _parts(body, field) if name is not None))


def render(body: str, values: Mapping[str, str], field: str = "body") -> str:
    """`body` with each variable replaced by its value (a missing value becomes an empty string)."""
    return "".join(literal + (values.get(name, "") if name else "") for literal, name in _parts(body, field))
