"""Data access for the sandbox marketplace: one SQLite file, one `Store` made of a part per entity.

`database` holds the connection and the clock, `rules` what typed values must
look like; `users`, `listings`, `boards`, `sales`, `social`, `messages` and `posts` each add
their queries to `Store`, the one object the pages use.
"""

from __future__ import annotations

from backend.sandbox.store.boards import Board, Boards, validate_board_name
from backend.sandbox.store.database import iso, utcnow
from backend.sandbox.store.listings import Item, NewPhoto
from backend.sandbox.store.messages import Conversation, Message, Messages
from backend.sandbox.store.posts import Post, Posts
from backend.sandbox.store.rules import (
    DESCRIPTION_MAX,
    MESSAGE_MAX,
    SYSTEM_USERNAME,
    StoreError,
    check_username,
    parse_price,
    validate_title,
)
from backend.sandbox.store.sales import Sale, Sales
from backend.sandbox.store.social import Social
from backend.sandbox.store.users import User, Users, cached_password_hash

__all__ = [
    "DESCRIPTION_MAX",
    "MESSAGE_MAX",
    "SYSTEM_USERNAME",
    "Board",
    "Conversation",
    "Item",
    "Message",
    "NewPhoto",
    "Post",
    "Sale",
    "Store",
    "StoreError",
    "User",
    "cached_password_hash",
    "check_username",
    "iso",
    "parse_price",
    "utcnow",
    "validate_board_name",
    "validate_title",
]


class Store(Users, Boards, Sales, Social, Messages, Posts):
    """The sandbox's data. Thread-safe: every call takes the lock."""
