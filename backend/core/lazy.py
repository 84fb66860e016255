"""Heavy third-party SDKs imported on first use, not when the API process starts.

openai, stripe and playwright together add tens of thousands of long-lived
objects and seconds of start-up to a process that, for most requests, never
calls them (the API does not launch browsers; it talks to Stripe on a few
billing routes only). A module that uses one writes:

    if TYPE_CHECKING:
        import stripe
    else:
        stripe = lazy_module("stripe")

so type checkers see the real module and the program imports it the first
time an attribute is read (a call, or an `except stripe.APIError` that an
exception reaches). `tests/core/test_lazy_imports.py` checks the API stays clear of them.
"""

from __future__ import annotations

import importlib
from typing import Any


class LazyModule:
    """Stands for a module; reading any attribute imports it (once; later reads find it in sys.modules)."""

    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        return getattr(importlib.import_module(self._name), attribute)

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}>"


def lazy_module(name: str) -> Any:
    return LazyModule(name)
