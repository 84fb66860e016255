"""Users, their passwords and captcha state, and login sessions."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
from dataclasses import dataclass
from functools import lru_cache

from backend.sandbox.store.database import Database
from backend.sandbox.store.rules import SYSTEM_USERNAME, StoreError, check_username

# scrypt cost: small enough that reseeding and logging in stay fast, still a real KDF.
_SCRYPT = {"n": 2**12, "r": 8, "p": 1, "dklen": 32}
# The system account's password hash: no password verifies against it (not the scrypt format).
_NO_LOGIN = "!"


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


@dataclass(frozen=True)
class User:
    id: int
    username: str
    challenge: bool


class Users(Database):
    """Accounts and the sessions they log in with."""

    def create_user(self, username: str, password: str, *, password_hash: str | None = None) -> User:
        check_username(username)
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
        if username.casefold() == SYSTEM_USERNAME:
            return None  # the shop's own account writes notices; nobody logs in as it
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


def system_user_id(db: sqlite3.Connection, at: str) -> int:
    """The shop's own account (made the first time it is needed), inside the caller's transaction."""
    db.execute(
        "INSERT INTO users (username, password_hash, created_at) VALUES (?, ?, ?) ON CONFLICT (username) DO NOTHING",
        (SYSTEM_USERNAME, _NO_LOGIN, at),
    )
    row = db.execute("SELECT id FROM users WHERE username = ?", (SYSTEM_USERNAME,)).fetchone()
    return int(row["id"])


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
