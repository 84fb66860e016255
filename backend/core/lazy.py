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
exception reaches). A worker, which does use them, imports them all at start-up
(`import_lazy_modules`) rather than inside its first job's time budget.
`tests/core/test_lazy_imports.py` checks the API stays clear of them.
"""

from __future__ import annotations

import importlib
from typing import Any

# Every module some lazy_module() stands for, in this process.
_NAMES: set[str] = set()


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
    _NAMES.add(name)
    return LazyModule(name)


def import_lazy_modules() -> list[str]:
    """Import now every module a lazy_module() stands for (a process that will use them: the worker)."""
    for name in sorted(_NAMES):
        importlib.import_module(name)
    return sorted(_NAMES)
