"""Messages between two users, the inbox's conversations and what is unread."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backend.sandbox.store.database import Database

INSERT_MESSAGE = "INSERT INTO messages (sender_id, recipient_id, body, sent_at) VALUES (?, ?, ?, ?)"


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
    unread_count: int = 0
    last_message_id: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "with_user": self.with_user,
            "last_message": self.last_message,
            "last_sender": self.last_sender,
            "last_sent_at": self.last_sent_at,
            "last_message_id": self.last_message_id,
            "unread_count": self.unread_count,
        }


class Messages(Database):
    """One thread per pair of users; a message is read once its recipient opened the thread."""

    def send_message(self, sender_id: int, recipient_id: int, body: str, *, at: str | None = None) -> int:
        with self._tx() as db:
            cursor = db.execute(INSERT_MESSAGE, (sender_id, recipient_id, body, at or self.now()))
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
            SELECT other.username AS other, m.body, s.username AS sender, m.sent_at, m.id,
                   (SELECT COUNT(*) FROM messages u WHERE u.recipient_id = :me AND u.sender_id = other.id
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
        return [
            Conversation(r["other"], r["body"], r["sender"], r["sent_at"], r["unread"] > 0, r["unread"], r["id"])
            for r in rows
        ]

    def unread_count(self, user_id: int) -> int:
        row = self._one("SELECT COUNT(*) FROM messages WHERE recipient_id = ? AND read_at IS NULL", (user_id,))
        return int(row[0]) if row else 0
