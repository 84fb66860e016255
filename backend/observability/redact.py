"""Keep secrets out of every log line, whatever its format.

Two passes, both structlog processors:

- `redact_secret_fields`, before rendering: a value under a secret-looking key
  (password, token, authorization, cookie, api_key, secret…) becomes `[redacted]`,
  however deep in the event.
- `SecretScrubber`, after rendering (so it also sees tracebacks and the lines of
  other libraries): the configured secret values themselves, bearer
  credentials, JWTs and Stripe keys are cut out of the final text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

REDACTED = "[redacted]"
SECRET_KEY_PARTS = (
    "password",
    "passwd",
    "token",
    "authorization",
    "cookie",
    "api_key",
    "apikey",
    "secret",
    "credential",
    "session_key",
    "vault_key",
)
# Shorter values would also cut ordinary words out of logs; real secrets are long.
MIN_SECRET_LENGTH = 8
SECRET_PATTERNS = (
    (re.compile(r"(?i)\b(bearer)(\s+)[A-Za-z0-9._~+/=-]{8,}"), rf"\1\2{REDACTED}"),
    (re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"), REDACTED),
    (re.compile(r"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{8,}"), REDACTED),
    (re.compile(r"\bwhsec_[A-Za-z0-9]{8,}"), REDACTED),
)


def is_secret_key(key: object) -> bool:
    name = str(key).lower().replace("-", "_")
    return any(part in name for part in SECRET_KEY_PARTS)


def _redact(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: REDACTED if is_secret_key(k) and v is not None else _redact(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redact(v) for v in value]
    return value


def redact_secret_fields(_: Any, __: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """Blank the values of secret-looking keys (the event's own and nested ones)."""
    return {
        key: REDACTED if key != "event" and is_secret_key(key) and value is not None else _redact(value)
        for key, value in event_dict.items()
    }


class SecretScrubber:
    """The last processor: cuts known secret values and secret-shaped strings out of the rendered line."""

    def __init__(self, secret_values: Iterable[str]) -> None:
        forms: set[str] = set()
        for value in secret_values:
            if len(value) >= MIN_SECRET_LENGTH:
                forms.add(value)
                forms.add(json.dumps(value)[1:-1])  # as it appears inside a JSON line
        # Longest first, so a secret containing another is cut whole.
        self._values = sorted(forms, key=len, reverse=True)

    def scrub(self, text: str) -> str:
        for value in self._values:
            if value in text:
                # A URL's ":password@" keeps its delimiters, so the URL stays readable.
                url_form = value.startswith(":") and value.endswith("@")
                text = text.replace(value, f":{REDACTED}@" if url_form else REDACTED)
        for pattern, replacement in SECRET_PATTERNS:
            text = pattern.sub(replacement, text)
        return text

    def __call__(self, _: Any, __: str, rendered: str | bytes) -> str | bytes:
        if isinstance(rendered, bytes):
            return self.scrub(rendered.decode("utf-8", "replace")).encode()
        return self.scrub(rendered)
