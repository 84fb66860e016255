"""Input rules for accounts and workspaces: emails, names, and a personal workspace's default name."""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email

from backend.core.errors import InvalidInput


def normalize_email(raw: str, field: str = "email") -> str:
    """Validate syntax (no DNS lookups) and lower-case, so uniqueness ignores case."""
    try:
        result = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidInput(field, str(exc)) from None
    return result.normalized.lower()


def clean_name(raw: str, field: str) -> str:
    name = " ".join(raw.split())
    if not name:
        raise InvalidInput(field, "must not be blank")
    return name


# Mailbox names that are not a person's: "you@…" must not become "you's workspace".
GENERIC_MAILBOXES = frozenset(
    [
        "account",
        "accounts",
        "admin",
        "billing",
        "contact",
        "hello",
        "hi",
        "info",
        "mail",
        "me",
        "my",
        "no",
        "noreply",
        "office",
        "post",
        "reply",
        "sales",
        "shop",
        "store",
        "support",
        "team",
        "test",
        "the",
        "user",
        "webmaster",
        "you",
    ]
)


def first_name_from_email(email: str) -> str:
    """'ana.lopez+shop@…' -> 'Ana'; '' when the local part looks like no one's name (info@, you@, 1234@)."""
    local = email.split("@", 1)[0].split("+", 1)[0]
    parts = [p for p in re.split(r"[\W\d_]+", local) if p]
    if not parts or len(parts[0]) < 2 or parts[0].lower() in GENERIC_MAILBOXES:
        return ""
    return parts[0].capitalize()
