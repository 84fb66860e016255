"""Data access for the sandbox marketplace: one SQLite file (WAL), one connection behind a lock.

Everything is synchronous and quick; the app calls it straight from its async
handlers. Times are ISO-8601 UTC strings with microseconds, so they sort as text.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
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
    id INTEGER PRIMARY KEY,
    seller_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    price_cents INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    bumped_at TEXT NOT NULL,
    views INTEGER NOT NULL DEFAULT 0
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
"""

TABLES = ("messages", "follows", "likes", "photos", "items", "sessions", "users")

MAX_PRICE = Decimal("100000")
TITLE_MAX = 100
DESCRIPTION_MAX = 5000
MESSAGE_MAX = 2000
USERNAME_RE = re.compile(r"^[A-Za-z0-9_.-]{2,32}$")
PRICE_RE = re.compile(r"^\d{1,6}(\.\d{1,2})?$")
WORD_RE = re.compile(r"[a-z0-9]+")
STOP_WORDS = frozenset({"the", "and", "for", "with", "new", "old", "set", "of", "a", "an", "in"})

# scrypt cost: small enough that reseeding and logging in stay fast, still a real KDF.
_SCRYPT = {"n": 2**12, "r": 8, "p": 1, "dklen": 32}


class StoreError(Exception):
    """A rule was broken (the message says which, in words for the page)."""


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """ISO-8601 UTC with microseconds, always the same width (so text order is time order)."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **_SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, salt_hex, digest_hex = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt_hex), **_SCRYPT)
    return hmac.compare_digest(candidate.hex(), digest_hex)


@lru_cache(maxsize=64)
def cached_password_hash(username: str, password: str) -> str:
    """The seed users' hashes, computed once per process (a salt per username keeps them distinct)."""
    return hash_password(password, salt=hashlib.sha256(f"sandbox-seed:{username}".encode()).digest()[:16])


def parse_price(raw: str) -> int:
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
    if value > MAX_PRICE:
        raise StoreError("Price must be at most 100000.")
    return int(value * 100)


def format_price(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def validate_title(raw: str) -> str:
    title = " ".join(raw.split())
    if not title:
        raise StoreError("Title is required.")
    if len(title) > TITLE_MAX:
        raise StoreError(f"Title must be at most {TITLE_MAX} characters.")
    return title


def title_words(title: str) -> set[str]:
    return {w for w in WORD_RE.findall(title.lower()) if len(w) >= 3 and w not in STOP_WORDS}


@dataclass(frozen=True)
class User:
    id: int
    username: str
    challenge: bool


@dataclass(frozen=True)
class Item:
    id: int
    seller: str
    seller_id: int
    title: str
    description: str
    price_cents: int
    created_at: str
    bumped_at: str
    views: int
    likes: int
    photo_ids: tuple[int, ...]

    @property
    def price(self) -> str:
        return format_price(self.price_cents)

    @property
    def cover_photo_id(self) -> int | None:
        return self.photo_ids[0] if self.photo_ids else None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "price": self.price,
            "description": self.description,
            "seller": self.seller,
            "bumped_at": self.bumped_at,
            "views": self.views,
            "likes": self.likes,
            "photos": len(self.photo_ids),
        }


@dataclass(frozen=True)
class Message:
    id: int
    sender: str
    recipient: str
    body: str
    sent_at: str
    read: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "sender": self.sender,
            "recipient": self.recipient,
            "body": self.body,
            "sent_at": self.sent_at,
            "read": self.read,
        }


@dataclass(frozen=True)
class Conversation:
    with_user: str
    last_message: str
    last_sender: str
    last_sent_at: str
    unread: bool


@dataclass(frozen=True)
class NewPhoto:
    content_type: str
    data: bytes


_ITEM_SELECT = """
SELECT i.id, u.username, i.seller_id, i.title, i.description, i.price_cents, i.created_at, i.bumped_at, i.views,
       (SELECT COUNT(*) FROM likes l WHERE l.item_id = i.id) AS likes,
       (SELECT GROUP_CONCAT(id) FROM (SELECT p.id FROM photos p WHERE p.item_id = i.id ORDER BY p.position)) AS photos
FROM items i JOIN users u ON u.id = i.seller_id
"""
_FEED_ORDER = " ORDER BY i.bumped_at DESC, i.id DESC"


def _item(row: sqlite3.Row) -> Item:
    photos = row["photos"]
    return Item(
        id=row["id"],
        seller=row[1],
        seller_id=row["seller_id"],
        title=row["title"],
        description=row["description"],
        price_cents=row["price_cents"],
        created_at=row["created_at"],
        bumped_at=row["bumped_at"],
        views=row["views"],
        likes=row["likes"],
        photo_ids=tuple(int(p) for p in photos.split(",")) if photos else (),
    )


class Store:
    """The sandbox's data. Thread-safe: every call takes the lock."""

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
        self._last_time = ""

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

    # --- users and sessions ---------------------------------------------

    def create_user(self, username: str, password: str, *, password_hash: str | None = None) -> User:
        if not USERNAME_RE.match(username):
            raise StoreError("Username: 2-32 letters, digits, dots, dashes or underscores.")
        hashed = password_hash or hash_password(password)
        try:
            with self._tx() as db:
                cursor = db.execute(
                    "INSERT INTO users (username, password_hash, created_at) VALUES (?, ?, ?)",
                    (username, hashed, self.now()),
                )
        except sqlite3.IntegrityError:
            raise StoreError("That username is taken.") from None
        assert cursor.lastrowid is not None
        return User(id=cursor.lastrowid, username=username, challenge=False)

    def user(self, username: str) -> User | None:
        row = self._one("SELECT id, username, challenge FROM users WHERE username = ?", (username,))
        return User(row["id"], row["username"], bool(row["challenge"])) if row else None

    def authenticate(self, username: str, password: str) -> User | None:
        row = self._one("SELECT id, username, challenge, password_hash FROM users WHERE username = ?", (username,))
        if row is None or not verify_password(password, row["password_hash"]):
            return None
        return User(row["id"], row["username"], bool(row["challenge"]))

    def set_challenge(self, username: str, enabled: bool) -> bool:
        with self._tx() as db:
            cursor = db.execute(
                "UPDATE users SET challenge = ?, challenge_answer = NULL WHERE username = ?", (int(enabled), username)
            )
        return cursor.rowcount > 0

    def challenge_answer(self, user_id: int, *, renew: bool = False) -> str:
        """The letters the captcha shows; a new set when asked (or none yet)."""
        with self._tx() as db:
            row = db.execute("SELECT challenge_answer FROM users WHERE id = ?", (user_id,)).fetchone()
            answer: str | None = row["challenge_answer"] if row else None
            if answer is None or renew:
                answer = "".join(secrets.choice("ACDEFHJKLMNPRTUVWXY34679") for _ in range(5))
                db.execute("UPDATE users SET challenge_answer = ? WHERE id = ?", (answer, user_id))
            return answer

    def create_session(self, user_id: int) -> str:
        token = secrets.token_urlsafe(32)
        with self._tx() as db:
            db.execute(
                "INSERT INTO sessions (token_hash, user_id, created_at) VALUES (?, ?, ?)",
                (_token_hash(token), user_id, self.now()),
            )
        return token

    def session_user(self, token: str) -> User | None:
        row = self._one(
            "SELECT u.id, u.username, u.challenge FROM sessions s JOIN users u ON u.id = s.user_id"
            " WHERE s.token_hash = ?",
            (_token_hash(token),),
        )
        return User(row["id"], row["username"], bool(row["challenge"])) if row else None

    def delete_session(self, token: str) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM sessions WHERE token_hash = ?", (_token_hash(token),))

    def expire_sessions(self, username: str) -> int:
        with self._tx() as db:
            cursor = db.execute(
                "DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE username = ?)", (username,)
            )
        return cursor.rowcount

    # --- items ------------------------------------------------------------

    def create_item(
        self,
        seller_id: int,
        title: str,
        description: str,
        price_cents: int,
        photos: Sequence[NewPhoto],
        *,
        at: str | None = None,
    ) -> int:
        stamp = at or self.now()
        with self._tx() as db:
            cursor = db.execute(
                "INSERT INTO items (seller_id, title, description, price_cents, created_at, bumped_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (seller_id, title, description, price_cents, stamp, stamp),
            )
            item_id = cursor.lastrowid
            assert item_id is not None
            db.executemany(
                "INSERT INTO photos (item_id, position, content_type, data) VALUES (?, ?, ?, ?)",
                [(item_id, n, p.content_type, p.data) for n, p in enumerate(photos)],
            )
        return item_id

    def item(self, item_id: int) -> Item | None:
        row = self._one(_ITEM_SELECT + " WHERE i.id = ?", (item_id,))
        return _item(row) if row else None

    def feed(self, query: str = "", *, offset: int = 0, limit: int = 24) -> list[Item]:
        where, params = _search(query)
        rows = self._query(_ITEM_SELECT + where + _FEED_ORDER + " LIMIT ? OFFSET ?", [*params, limit, offset])
        return [_item(r) for r in rows]

    def items_of(self, username: str) -> list[Item]:
        rows = self._query(_ITEM_SELECT + " WHERE u.username = ?" + _FEED_ORDER, (username,))
        return [_item(r) for r in rows]

    def all_items(self) -> list[Item]:
        return [_item(r) for r in self._query(_ITEM_SELECT + _FEED_ORDER)]

    def more_like_this(self, item: Item, limit: int = 6) -> list[Item]:
        """Others sharing title words, then those in the same price band (half to double); deterministic."""
        words = title_words(item.title)
        scored: list[tuple[int, int, int, Item]] = []
        for other in self.all_items():
            if other.id == item.id:
                continue
            shared = len(words & title_words(other.title))
            in_band = item.price_cents / 2 <= other.price_cents <= item.price_cents * 2
            if shared == 0 and not in_band:
                continue
            scored.append((-shared, abs(other.price_cents - item.price_cents), other.id, other))
        scored.sort(key=lambda s: s[:3])
        return [s[3] for s in scored[:limit]]

    def count_view(self, item_id: int) -> None:
        with self._tx() as db:
            db.execute("UPDATE items SET views = views + 1 WHERE id = ?", (item_id,))

    def bump(self, item_id: int) -> None:
        with self._tx() as db:
            db.execute("UPDATE items SET bumped_at = ? WHERE id = ?", (self.now(), item_id))

    def set_price(self, item_id: int, price_cents: int) -> None:
        with self._tx() as db:
            db.execute("UPDATE items SET price_cents = ? WHERE id = ?", (price_cents, item_id))

    def delete_item(self, item_id: int) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM items WHERE id = ?", (item_id,))

    def photo(self, photo_id: int) -> tuple[str, bytes] | None:
        row = self._one("SELECT content_type, data FROM photos WHERE id = ?", (photo_id,))
        return (row["content_type"], bytes(row["data"])) if row else None

    # --- likes ------------------------------------------------------------

    def likes(self, user_id: int, item_id: int) -> bool:
        return self._one("SELECT 1 FROM likes WHERE user_id = ? AND item_id = ?", (user_id, item_id)) is not None

    def like(self, user_id: int, item_id: int) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT OR IGNORE INTO likes (user_id, item_id, created_at) VALUES (?, ?, ?)",
                (user_id, item_id, self.now()),
            )

    def unlike(self, user_id: int, item_id: int) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM likes WHERE user_id = ? AND item_id = ?", (user_id, item_id))

    # --- follows ----------------------------------------------------------

    def follow(self, follower_id: int, followee_id: int) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT OR IGNORE INTO follows (follower_id, followee_id, created_at) VALUES (?, ?, ?)",
                (follower_id, followee_id, self.now()),
            )

    def unfollow(self, follower_id: int, followee_id: int) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM follows WHERE follower_id = ? AND followee_id = ?", (follower_id, followee_id))

    def is_following(self, follower_id: int, followee_id: int) -> bool:
        row = self._one("SELECT 1 FROM follows WHERE follower_id = ? AND followee_id = ?", (follower_id, followee_id))
        return row is not None

    def followers(self, username: str) -> list[str]:
        rows = self._query(
            "SELECT f.username FROM follows x JOIN users f ON f.id = x.follower_id JOIN users t ON t.id = x.followee_id"
            " WHERE t.username = ? ORDER BY x.created_at, f.username",
            (username,),
        )
        return [r[0] for r in rows]

    def following(self, username: str) -> list[str]:
        rows = self._query(
            "SELECT t.username FROM follows x JOIN users f ON f.id = x.follower_id JOIN users t ON t.id = x.followee_id"
            " WHERE f.username = ? ORDER BY x.created_at, t.username",
            (username,),
        )
        return [r[0] for r in rows]

    # --- messages ---------------------------------------------------------

    def send_message(self, sender_id: int, recipient_id: int, body: str, *, at: str | None = None) -> int:
        with self._tx() as db:
            cursor = db.execute(
                "INSERT INTO messages (sender_id, recipient_id, body, sent_at) VALUES (?, ?, ?, ?)",
                (sender_id, recipient_id, body, at or self.now()),
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def conversation(self, a: str, b: str) -> list[Message]:
        rows = self._query(
            "SELECT m.id, s.username, r.username, m.body, m.sent_at, m.read_at FROM messages m"
            " JOIN users s ON s.id = m.sender_id JOIN users r ON r.id = m.recipient_id"
            " WHERE (s.username = ? AND r.username = ?) OR (s.username = ? AND r.username = ?)"
            " ORDER BY m.sent_at, m.id",
            (a, b, b, a),
        )
        return [Message(r[0], r[1], r[2], r[3], r[4], r[5] is not None) for r in rows]

    def mark_read(self, reader_id: int, sender_id: int) -> None:
        with self._tx() as db:
            db.execute(
                "UPDATE messages SET read_at = ? WHERE recipient_id = ? AND sender_id = ? AND read_at IS NULL",
                (self.now(), reader_id, sender_id),
            )

    def conversations(self, user_id: int) -> list[Conversation]:
        rows = self._query(
            """
            SELECT other.username AS other, m.body, s.username AS sender, m.sent_at,
                   EXISTS (SELECT 1 FROM messages u WHERE u.recipient_id = :me AND u.sender_id = other.id
                           AND u.read_at IS NULL) AS unread
            FROM messages m
            JOIN users s ON s.id = m.sender_id
            JOIN users other ON other.id = CASE WHEN m.sender_id = :me THEN m.recipient_id ELSE m.sender_id END
            WHERE m.id IN (
                SELECT MAX(id) FROM messages WHERE sender_id = :me OR recipient_id = :me
                GROUP BY CASE WHEN sender_id = :me THEN recipient_id ELSE sender_id END
            )
            ORDER BY m.sent_at DESC, m.id DESC
            """,
            {"me": user_id},
        )
        return [Conversation(r["other"], r["body"], r["sender"], r["sent_at"], bool(r["unread"])) for r in rows]

    def unread_count(self, user_id: int) -> int:
        row = self._one("SELECT COUNT(*) FROM messages WHERE recipient_id = ? AND read_at IS NULL", (user_id,))
        return int(row[0]) if row else 0


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _search(query: str) -> tuple[str, list[Any]]:
    words = query.lower().split()[:8]
    if not words:
        return "", []
    clauses = []
    params: list[Any] = []
    for word in words:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        clauses.append("(LOWER(i.title) LIKE ? ESCAPE '\\' OR LOWER(i.description) LIKE ? ESCAPE '\\')")
        params += [f"%{escaped}%", f"%{escaped}%"]
    return " WHERE " + " AND ".join(clauses), params
