"""Who likes which item and who follows whom, and since when."""

from __future__ import annotations

from dataclasses import dataclass

from backend.sandbox.store.database import Database
from backend.sandbox.store.rules import SYSTEM_USERNAME


@dataclass(frozen=True)
class Link:
    """Another user tied to this one (a follower, a followee, a liker) since `at`; `mutual` when they follow back."""

    username: str
    at: str
    mutual: bool = False


_FOLLOWERS = """
SELECT f.username, x.created_at,
       EXISTS (SELECT 1 FROM follows b WHERE b.follower_id = t.id AND b.followee_id = f.id) AS mutual
FROM follows x JOIN users f ON f.id = x.follower_id JOIN users t ON t.id = x.followee_id
WHERE t.username = ? ORDER BY x.created_at, f.username
"""
_FOLLOWING = """
SELECT t.username, x.created_at,
       EXISTS (SELECT 1 FROM follows b WHERE b.follower_id = t.id AND b.followee_id = f.id) AS mutual
FROM follows x JOIN users f ON f.id = x.follower_id JOIN users t ON t.id = x.followee_id
WHERE f.username = ? ORDER BY x.created_at, t.username
"""


_LIKE = "INSERT INTO likes (user_id, item_id, created_at) VALUES (?, ?, ?) ON CONFLICT (user_id, item_id)"
_FOLLOW = (
    "INSERT INTO follows (follower_id, followee_id, created_at) VALUES (?, ?, ?) ON CONFLICT (follower_id, followee_id)"
)
_REDATE = " DO UPDATE SET created_at = excluded.created_at"


class Social(Database):
    """Likes and follows; liking or following twice is the same as once."""

    # --- likes ------------------------------------------------------------

    def likes(self, user_id: int, item_id: int) -> bool:
        return self._one("SELECT 1 FROM likes WHERE user_id = ? AND item_id = ?", (user_id, item_id)) is not None

    def like(self, user_id: int, item_id: int, *, at: str | None = None) -> None:
        """Like (a second time changes nothing); with `at` (control API) the like is dated then, even if it exists."""
        sql = _LIKE + (" DO NOTHING" if at is None else _REDATE)
        with self._tx() as db:
            db.execute(sql, (user_id, item_id, at or self.now()))

    def not_liking(self, item_id: int, limit: int) -> list[int]:
        """Up to `limit` users, oldest first, who neither sell nor like the item yet (who could like it);
        never the shop's own account."""
        rows = self._query(
            "SELECT u.id FROM users u WHERE u.id != (SELECT seller_id FROM items WHERE id = ?) AND u.username != ?"
            " AND NOT EXISTS (SELECT 1 FROM likes l WHERE l.user_id = u.id AND l.item_id = ?) ORDER BY u.id LIMIT ?",
            (item_id, SYSTEM_USERNAME, item_id, limit),
        )
        return [r["id"] for r in rows]

    def unlike(self, user_id: int, item_id: int) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM likes WHERE user_id = ? AND item_id = ?", (user_id, item_id))

    def likers(self, item_id: int) -> list[Link]:
        """Who liked the item, latest first."""
        rows = self._query(
            "SELECT u.username, l.created_at FROM likes l JOIN users u ON u.id = l.user_id"
            " WHERE l.item_id = ? ORDER BY l.created_at DESC, u.username",
            (item_id,),
        )
        return [Link(r[0], r[1]) for r in rows]

    # --- follows ----------------------------------------------------------

    def follow(self, follower_id: int, followee_id: int, *, at: str | None = None) -> None:
        """Follow (a second time changes nothing); with `at` (control API) it is dated then, even if it exists."""
        sql = _FOLLOW + (" DO NOTHING" if at is None else _REDATE)
        with self._tx() as db:
            db.execute(sql, (follower_id, followee_id, at or self.now()))

    def unfollow(self, follower_id: int, followee_id: int) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM follows WHERE follower_id = ? AND followee_id = ?", (follower_id, followee_id))

    def is_following(self, follower_id: int, followee_id: int) -> bool:
        row = self._one("SELECT 1 FROM follows WHERE follower_id = ? AND followee_id = ?", (follower_id, followee_id))
        return row is not None

    def follower_links(self, username: str) -> list[Link]:
        """Who follows `username`, oldest first; `mutual` when `username` follows them back."""
        return [Link(r[0], r[1], bool(r[2])) for r in self._query(_FOLLOWERS, (username,))]

    def following_links(self, username: str) -> list[Link]:
        """Whom `username` follows, oldest first; `mutual` when they follow `username` back."""
        return [Link(r[0], r[1], bool(r[2])) for r in self._query(_FOLLOWING, (username,))]

    def followers(self, username: str) -> list[str]:
        return [link.username for link in self.follower_links(username)]

    def following(self, username: str) -> list[str]:
        return [link.username for link in self.following_links(username)]
