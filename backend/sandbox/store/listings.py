"""Listings (items) and their photos: the feed, search (latest first, or in stable pages), a seller's own,
similar items, bumps."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from backend.sandbox.store.database import Database, iso
from backend.sandbox.store.rules import format_price, title_words


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
    sold: bool = False
    tags: tuple[str, ...] = ()
    category: str = ""
    brand: str = ""
    condition: str = ""
    size: str = ""

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
            "listed_at": self.created_at,
            "bumped_at": self.bumped_at,
            "sold": self.sold,
            "views": self.views,
            "likes": self.likes,
            "photos": len(self.photo_ids),
            "photo_ids": list(self.photo_ids),
            "tags": list(self.tags),
            "category": self.category,
            "brand": self.brand,
            "condition": self.condition,
            "size": self.size,
        }


@dataclass(frozen=True)
class NewPhoto:
    content_type: str
    data: bytes


_ITEM_SELECT = """
SELECT i.id, u.username, i.seller_id, i.title, i.description, i.price_cents, i.created_at, i.bumped_at, i.views,
       i.sold, i.tags, i.category, i.brand, i.condition, i.size,
       (SELECT COUNT(*) FROM likes l WHERE l.item_id = i.id) AS likes,
       (SELECT GROUP_CONCAT(id) FROM (SELECT p.id FROM photos p WHERE p.item_id = i.id ORDER BY p.position)) AS photos
FROM items i JOIN users u ON u.id = i.seller_id
"""
_FEED_ORDER = " ORDER BY i.bumped_at DESC, i.id DESC"
# Search in stable pages: oldest first, so a new or bumped listing never shifts the pages already read.
_STABLE_ORDER = " ORDER BY i.id"


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
        sold=bool(row["sold"]),
        tags=tuple(row["tags"].split()),
        category=row["category"],
        brand=row["brand"],
        condition=row["condition"],
        size=row["size"],
    )


class Listings(Database):
    """Items for sale, newest (or last bumped) first."""

    def create_item(
        self,
        seller_id: int,
        title: str,
        description: str,
        price_cents: int,
        photos: Sequence[NewPhoto],
        *,
        at: str | None = None,
        tags: Sequence[str] | None = None,
        category: str = "",
        brand: str = "",
        condition: str = "",
        size: str = "",
    ) -> int:
        """A new listing; its tags are the title's words unless given."""
        stamp = at or self.now()
        words = sorted(title_words(title)) if tags is None else [t.lower() for t in tags]
        with self._tx() as db:
            cursor = db.execute(
                "INSERT INTO items (seller_id, title, description, price_cents, created_at, bumped_at, tags,"
                " category, brand, condition, size) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    seller_id,
                    title,
                    description,
                    price_cents,
                    stamp,
                    stamp,
                    " ".join(words),
                    category,
                    brand,
                    condition,
                    size,
                ),
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

    def search_stable(self, query: str, *, offset: int = 0, limit: int = 20) -> list[Item]:
        """Search results oldest first: page N holds the same items however many are listed or bumped since."""
        where, params = _search(query)
        rows = self._query(_ITEM_SELECT + where + _STABLE_ORDER + " LIMIT ? OFFSET ?", [*params, limit, offset])
        return [_item(r) for r in rows]

    def items_of(self, username: str) -> list[Item]:
        rows = self._query(_ITEM_SELECT + " WHERE u.username = ?" + _FEED_ORDER, (username,))
        return [_item(r) for r in rows]

    def all_items(self) -> list[Item]:
        return [_item(r) for r in self._query(_ITEM_SELECT + _FEED_ORDER)]

    def more_like_this(self, item: Item, limit: int = 6, offset: int = 0) -> list[Item]:
        """Others sharing title words or tags, then those in the same price band (half to double); deterministic."""
        words = title_words(item.title) | set(item.tags)
        scored: list[tuple[int, int, int, Item]] = []
        for other in self.all_items():
            if other.id == item.id:
                continue
            shared = len(words & (title_words(other.title) | set(other.tags)))
            in_band = item.price_cents / 2 <= other.price_cents <= item.price_cents * 2
            if shared == 0 and not in_band:
                continue
            scored.append((-shared, abs(other.price_cents - item.price_cents), other.id, other))
        scored.sort(key=lambda s: s[:3])
        return [s[3] for s in scored[offset : offset + limit]]

    def count_view(self, item_id: int, count: int = 1) -> None:
        """Someone else opened the item's page (`count` visits at once from the control API)."""
        with self._tx() as db:
            db.execute("UPDATE items SET views = views + ? WHERE id = ?", (count, item_id))

    def bump(self, item_id: int) -> None:
        with self._tx() as db:
            db.execute("UPDATE items SET bumped_at = ? WHERE id = ?", (self.now(), item_id))

    def set_price(self, item_id: int, price_cents: int) -> None:
        with self._tx() as db:
            db.execute("UPDATE items SET price_cents = ? WHERE id = ?", (price_cents, item_id))

    def delete_item(self, item_id: int) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM items WHERE id = ?", (item_id,))

    def set_sold(self, item_id: int, sold: bool = True) -> bool:
        with self._tx() as db:
            cursor = db.execute("UPDATE items SET sold = ? WHERE id = ?", (int(sold), item_id))
        return cursor.rowcount > 0

    def age_item(self, item_id: int, days: float) -> bool:
        """Make an item `days` older: listed and bumped that much earlier (tests of item age)."""
        row = self._one("SELECT created_at, bumped_at FROM items WHERE id = ?", (item_id,))
        if row is None:
            return False
        shift = timedelta(days=days)
        listed = iso(datetime.fromisoformat(row["created_at"]) - shift)
        bumped = iso(datetime.fromisoformat(row["bumped_at"]) - shift)
        with self._tx() as db:
            db.execute("UPDATE items SET created_at = ?, bumped_at = ? WHERE id = ?", (listed, bumped, item_id))
        return True

    def photo(self, photo_id: int) -> tuple[str, bytes] | None:
        row = self._one("SELECT content_type, data FROM photos WHERE id = ?", (photo_id,))
        return (row["content_type"], bytes(row["data"])) if row else None


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
