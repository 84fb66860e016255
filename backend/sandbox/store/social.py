"""Who likes which item and who follows whom."""

from __future__ import annotations

from backend.sandbox.store.database import Database


class Social(Database):
    """Likes and follows; liking or following twice is the same as once."""

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
