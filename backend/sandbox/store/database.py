"""The sandbox's SQLite file (WAL), one connection behind a lock, and the clock its rows use.

Everything is synchronous and quick; the app calls it straight from its async
handlers. Times are ISO-8601 UTC strings with microseconds, so they sort as text.
The sandbox is its own program: it keeps its own clock rather than the API's.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    challenge INTEGER NOT NULL DEFAULT 0,
    challenge_answer TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS items (
    id INTEGER PRIMARY KEY AUTOINCREMENT, -- a deleted item's id is never given again (relist gets a new one)
    seller_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    price_cents INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    bumped_at TEXT NOT NULL,
    views INTEGER NOT NULL DEFAULT 0,
    sold INTEGER NOT NULL DEFAULT 0,
    tags TEXT NOT NULL DEFAULT '', -- lower-case words separated by spaces
    category TEXT NOT NULL DEFAULT '',
    brand TEXT NOT NULL DEFAULT '',
    condition TEXT NOT NULL DEFAULT '', -- in the shop's words ("Very good"); '' where the shop has no condition
    size TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS items_bumped ON items (bumped_at DESC, id DESC);
CREATE TABLE IF NOT EXISTS photos (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    data BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS photos_item ON photos (item_id, position);
CREATE TABLE IF NOT EXISTS likes (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, item_id)
);
CREATE TABLE IF NOT EXISTS follows (
    follower_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    followee_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (follower_id, followee_id)
);
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY,
    sender_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    recipient_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    read_at TEXT
);
CREATE INDEX IF NOT EXISTS messages_pair ON messages (sender_id, recipient_id, id);
CREATE TABLE IF NOT EXISTS posts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    author_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    caption TEXT NOT NULL,
    created_at TEXT NOT NULL,
    views INTEGER NOT NULL DEFAULT 0,
    likes INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS posts_author ON posts (author_id, created_at DESC, id DESC);
CREATE TABLE IF NOT EXISTS post_media (
    id INTEGER PRIMARY KEY,
    post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    data BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS post_media_post ON post_media (post_id, position);
CREATE TABLE IF NOT EXISTS boards (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL, -- not unique, like a person could make two of a name: a blind retry shows as a second board
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS boards_owner ON boards (owner_id, id);
CREATE TABLE IF NOT EXISTS board_items (
    board_id INTEGER NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
    item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (board_id, item_id)
);
CREATE TABLE IF NOT EXISTS sales (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL UNIQUE, -- no foreign key: a sale stays in "my sales" after its item is deleted
    seller_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    buyer_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    price_cents INTEGER NOT NULL,
    sold_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sales_seller ON sales (seller_id, sold_at DESC);
"""

# (table, column, definition) added after the first release of the schema above.
ADDED_COLUMNS = (
    ("items", "sold", "INTEGER NOT NULL DEFAULT 0"),
    ("items", "tags", "TEXT NOT NULL DEFAULT ''"),
    ("items", "category", "TEXT NOT NULL DEFAULT ''"),
    ("items", "brand", "TEXT NOT NULL DEFAULT ''"),
    ("items", "condition", "TEXT NOT NULL DEFAULT ''"),
    ("items", "size", "TEXT NOT NULL DEFAULT ''"),
)

TABLES = (
    "sales",
    "board_items",
    "boards",
    "post_media",
    "posts",
    "messages",
    "follows",
    "likes",
    "photos",
    "items",
    "sessions",
    "users",
)


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """ISO-8601 UTC with microseconds, always the same width (so text order is time order)."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


class Database:
    """The connection and the queries' plumbing. Thread-safe: every call takes the lock."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=10)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA foreign_keys = ON")
        self._db.execute("PRAGMA synchronous = NORMAL")
        self._db.executescript(SCHEMA)
        self._add_missing_columns()
        self._last_time = ""

    def _add_missing_columns(self) -> None:
        """A sandbox file made by an older version gains the columns added since (SQLite has no IF NOT EXISTS)."""
        for table, column, definition in ADDED_COLUMNS:
            names = {row[1] for row in self._db.execute(f"PRAGMA table_info({table})")}
            if column not in names:
                self._db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def _one(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        with self._lock:
            row: sqlite3.Row | None = self._db.execute(sql, params).fetchone()
            return row

    def now(self) -> str:
        """Now, strictly later than any time this store handed out before (bumps always reorder)."""
        with self._lock:
            stamp = iso(utcnow())
            if stamp <= self._last_time:
                stamp = iso(datetime.fromisoformat(self._last_time) + timedelta(microseconds=1))
            self._last_time = stamp
            return stamp

    # --- whole database -------------------------------------------------

    def is_empty(self) -> bool:
        return self._one("SELECT 1 FROM users LIMIT 1") is None

    def wipe(self) -> None:
        with self._tx() as db:
            for table in TABLES:
                db.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
            if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").fetchone():
                db.execute("DELETE FROM sqlite_sequence")  # ids start again from 1 after a reset
