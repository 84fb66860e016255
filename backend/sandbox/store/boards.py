"""Boards: a user's named collections of saved items, and "more ideas" for a board."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backend.sandbox.store.listings import Item, Listings
from backend.sandbox.store.rules import StoreError

BOARD_NAME_MAX = 60


@dataclass(frozen=True)
class Board:
    id: int
    owner: str
    owner_id: int
    name: str
    created_at: str
    items: int

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "owner": self.owner,
            "name": self.name,
            "created_at": self.created_at,
            "items": self.items,
        }


_BOARD_SELECT = """
SELECT b.id, u.username, b.owner_id, b.name, b.created_at,
       (SELECT COUNT(*) FROM board_items x WHERE x.board_id = b.id) AS items
FROM boards b JOIN users u ON u.id = b.owner_id
"""


def validate_board_name(raw: str) -> str:
    name = " ".join(raw.split())
    if not name:
        raise StoreError("Board name is required.")
    if len(name) > BOARD_NAME_MAX:
        raise StoreError(f"Board name must be at most {BOARD_NAME_MAX} characters.")
    return name


class Boards(Listings):
    """Boards and what is saved on them; saving twice is the same as once."""

    def create_board(self, owner_id: int, name: str) -> int:
        with self._tx() as db:
            cursor = db.execute(
                "INSERT INTO boards (owner_id, name, created_at) VALUES (?, ?, ?)", (owner_id, name, self.now())
            )
        board_id = cursor.lastrowid
        assert board_id is not None
        return board_id

    def board(self, board_id: int) -> Board | None:
        row = self._one(_BOARD_SELECT + " WHERE b.id = ?", (board_id,))
        return Board(*row) if row else None

    def boards_of(self, username: str) -> list[Board]:
        """A user's boards, oldest first."""
        return [Board(*row) for row in self._query(_BOARD_SELECT + " WHERE u.username = ? ORDER BY b.id", (username,))]

    def save_to_board(self, board_id: int, item_id: int) -> bool:
        """Save the item on the board; False when it was saved there already."""
        with self._tx() as db:
            cursor = db.execute(
                "INSERT INTO board_items (board_id, item_id, created_at) VALUES (?, ?, ?)"
                " ON CONFLICT (board_id, item_id) DO NOTHING",
                (board_id, item_id, self.now()),
            )
        return cursor.rowcount > 0

    def saved_item_ids(self, board_id: int) -> list[int]:
        rows = self._query(
            "SELECT item_id FROM board_items WHERE board_id = ? ORDER BY created_at, item_id", (board_id,)
        )
        return [int(r[0]) for r in rows]

    def board_items(self, board_id: int) -> list[Item]:
        """What is saved on the board, in the order it was saved."""
        return [item for item in (self.item(i) for i in self.saved_item_ids(board_id)) if item is not None]

    def boards_holding(self, owner_id: int, item_id: int) -> list[int]:
        """Which of the owner's boards the item is saved on."""
        rows = self._query(
            "SELECT b.id FROM boards b JOIN board_items x ON x.board_id = b.id"
            " WHERE b.owner_id = ? AND x.item_id = ? ORDER BY b.id",
            (owner_id, item_id),
        )
        return [int(r[0]) for r in rows]

    def board_ideas(self, board_id: int, *, offset: int = 0, limit: int = 20) -> list[Item]:
        """Items sharing tags, a category or a brand with what is saved on the board, the saved ones left out.

        Ranked by how much they share (a category or brand counts as two tags),
        then oldest first: the same pages as long as the board and the shop do not change.
        """
        saved = self.board_items(board_id)
        if not saved:
            return []
        saved_ids = {item.id for item in saved}
        tags = {tag for item in saved for tag in item.tags}
        categories = {item.category for item in saved if item.category}
        brands = {item.brand for item in saved if item.brand}
        ranked: list[tuple[int, int, Item]] = []
        for other in self.all_items():
            if other.id in saved_ids:
                continue
            score = len(tags & set(other.tags)) + 2 * (other.category in categories) + 2 * (other.brand in brands)
            if score:
                ranked.append((-score, other.id, other))
        ranked.sort(key=lambda r: r[:2])
        return [r[2] for r in ranked[offset : offset + limit]]
