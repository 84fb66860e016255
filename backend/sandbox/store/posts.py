"""Social posts: media (photos, or one video) with a caption, and their view and like counters."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from backend.sandbox.store.database import Database
from backend.sandbox.store.listings import NewPhoto

EXCERPT_CHARS = 80


@dataclass(frozen=True)
class MediaRef:
    id: int
    content_type: str

    @property
    def is_video(self) -> bool:
        return self.content_type.startswith("video/")


@dataclass(frozen=True)
class Post:
    id: int
    author: str
    author_id: int
    caption: str
    created_at: str
    views: int
    likes: int
    media: tuple[MediaRef, ...]

    @property
    def excerpt(self) -> str:
        """The caption's start, as a list of posts shows it (the whole caption is on the post's page)."""
        flat = " ".join(self.caption.split())
        return flat if len(flat) <= EXCERPT_CHARS else flat[: EXCERPT_CHARS - 1].rstrip() + "…"

    @property
    def cover(self) -> MediaRef | None:
        return self.media[0] if self.media else None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "author": self.author,
            "caption": self.caption,
            "created_at": self.created_at,
            "views": self.views,
            "likes": self.likes,
            "media": [{"id": m.id, "content_type": m.content_type} for m in self.media],
        }


_POST_SELECT = """
SELECT p.id, u.username, p.author_id, p.caption, p.created_at, p.views, p.likes,
       (SELECT GROUP_CONCAT(id || ':' || content_type) FROM
          (SELECT m.id, m.content_type FROM post_media m WHERE m.post_id = p.id ORDER BY m.position)) AS media
FROM posts p JOIN users u ON u.id = p.author_id
"""
_NEWEST_FIRST = " ORDER BY p.created_at DESC, p.id DESC"


def _post(row: sqlite3.Row) -> Post:
    media = []
    for part in (row["media"] or "").split(","):
        if part:
            media_id, _, content_type = part.partition(":")
            media.append(MediaRef(int(media_id), content_type))
    return Post(
        id=row["id"],
        author=row[1],
        author_id=row["author_id"],
        caption=row["caption"],
        created_at=row["created_at"],
        views=row["views"],
        likes=row["likes"],
        media=tuple(media),
    )


class Posts(Database):
    """A user's posts, newest first."""

    def create_post(self, author_id: int, caption: str, media: Sequence[NewPhoto], *, at: str | None = None) -> int:
        with self._tx() as db:
            cursor = db.execute(
                "INSERT INTO posts (author_id, caption, created_at) VALUES (?, ?, ?)",
                (author_id, caption, at or self.now()),
            )
            post_id = cursor.lastrowid
            assert post_id is not None
            db.executemany(
                "INSERT INTO post_media (post_id, position, content_type, data) VALUES (?, ?, ?, ?)",
                [(post_id, n, m.content_type, m.data) for n, m in enumerate(media)],
            )
        return post_id

    def post(self, post_id: int) -> Post | None:
        row = self._one(_POST_SELECT + " WHERE p.id = ?", (post_id,))
        return _post(row) if row else None

    def posts_of(self, username: str) -> list[Post]:
        return [_post(r) for r in self._query(_POST_SELECT + " WHERE u.username = ?" + _NEWEST_FIRST, (username,))]

    def add_post_stats(self, post_id: int, *, views: int = 0, likes: int = 0) -> bool:
        """Add to a post's counters (a visit adds a view; the control API adds either)."""
        with self._tx() as db:
            cursor = db.execute(
                "UPDATE posts SET views = views + ?, likes = likes + ? WHERE id = ?", (views, likes, post_id)
            )
        return cursor.rowcount > 0

    def post_media(self, media_id: int) -> tuple[str, bytes] | None:
        row = self._one("SELECT content_type, data FROM post_media WHERE id = ?", (media_id,))
        return (row["content_type"], bytes(row["data"])) if row else None
